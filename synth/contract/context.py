"""Rules that need the resources registered before: ordering through dependencies, a CI job and its project's
repository, one-per-workspace and one-per-project resources. The mocks' monitor (`synth.mocks.RecordingMonitor`) sees
each registration's dependencies and checks it against what came before it; the rules hold within one rendering (one
stack), which is all the mocks see."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from ..type_tokens import (
    ENVIRONMENT,
    GROUP_MEMBER,
    JOB,
    MODEL_NOTIFICATIONS,
    OBO_TOKEN,
    PERMISSIONS,
    REPOSITORY,
    SERVICE_PRINCIPAL,
    TOKEN,
)
from .databricks import PERMISSION_LEVELS
from .rule import Violation


@dataclass
class Known:
    """A resource registered earlier in the rendering, as the context rules need it."""

    type: str
    name: str
    urn: str
    id: str
    custom: bool
    read_inputs: Callable[[], dict]
    """Its plain inputs, worked out when a rule first asks: most resources (a stack's many jobs) are never looked up,
    and a copy of each one's inputs kept for the whole rendering was a kilobyte per job at its peak of memory."""
    outputs: dict
    """Plain outputs."""
    dependencies: set[str]
    """URNs it waits for: `depends_on`, the resources its inputs came from, its provider."""

    @functools.cached_property
    def inputs(self) -> dict:
        """Plain inputs."""
        return self.read_inputs()


@dataclass
class Subject:
    """The registration being checked."""

    type: str
    name: str
    urn: str
    inputs: dict
    dependencies: set[str]
    provider: str = ""


class World:
    """What the rendering has registered so far, indexed for the context rules."""

    def __init__(self) -> None:
        self.by_urn: dict[str, Known] = {}
        self.by_type: dict[str, list[Known]] = {}
        self.children: dict[str, list[str]] = {}

    def add(self, known: Known, parent: str = "") -> None:
        self.by_urn[known.urn] = known
        self.by_type.setdefault(known.type, []).append(known)
        if parent:
            self.children.setdefault(parent, []).append(known.urn)

    def of_type(self, type_: str) -> list[Known]:
        return self.by_type.get(type_, [])

    def upstream(self, urns: Iterable[str]) -> Iterator[Known]:
        """Every resource the given URNs wait for, directly or transitively (a component stands for its
        children, as `depends_on` a component waits for all of them)."""
        pending = list(urns)
        seen: set[str] = set()
        while pending:
            urn = pending.pop()
            if urn in seen:
                continue
            seen.add(urn)
            pending.extend(self.children.get(urn, ()))
            known = self.by_urn.get(urn)
            if known is not None:
                yield known
                pending.extend(known.dependencies)


def provider_urn(reference: str) -> str:
    """`<urn>::<id>` (a provider reference) -> `<urn>`."""
    return reference.rsplit("::", 1)[0] if reference else ""


@dataclass(frozen=True)
class ContextRule:
    input: str
    rule: str
    source: str
    broken: Callable[[Subject, World], Optional[str]] = field(compare=False)


TOKEN_USAGE_LEVELS = PERMISSION_LEVELS["authorization=tokens"]


def _token_principal(subject: Subject, world: World) -> Optional[str]:
    """The application id of the service principal a token is made for: the OboToken's `applicationId`; for a
    `Token`, the principal its explicit provider signs in as (none: the token is the deployer's own)."""
    if subject.type == OBO_TOKEN:
        return subject.inputs.get("applicationId")
    provider = world.by_urn.get(provider_urn(subject.provider))
    if provider is None:
        return None
    return provider.inputs.get("azureClientId") or provider.inputs.get("clientId")


def _gives_token_usage(known: Known, application_id: str, principal: Known) -> bool:
    if known.type == PERMISSIONS and known.inputs.get("authorization") == "tokens":
        return any(
            control.get("servicePrincipalName") == application_id
            and control.get("permissionLevel") in TOKEN_USAGE_LEVELS
            for control in known.inputs.get("accessControls") or []
        )
    # Membership of a group that holds token usage (obo_token.md's second example makes the token depend on it).
    return known.type == GROUP_MEMBER and known.inputs.get("memberId") == principal.id


def _token_after_usage(subject: Subject, world: World) -> Optional[str]:
    application_id = _token_principal(subject, world)
    if not application_id:
        return None
    # Only a principal this rendering creates is known to lack the permission; one made elsewhere may hold it.
    principal = next(
        (p for p in world.of_type(SERVICE_PRINCIPAL) if p.outputs.get("applicationId") == application_id), None
    )
    if principal is None:
        return None
    if any(_gives_token_usage(known, application_id, principal) for known in world.upstream(subject.dependencies)):
        return None
    return f"for service principal {principal.name!r} ({application_id}), with no token-usage permission it depends on"


def _one_token_permissions(subject: Subject, world: World) -> Optional[str]:
    if subject.inputs.get("authorization") != "tokens":
        return None
    others = [k.name for k in world.of_type(PERMISSIONS) if k.inputs.get("authorization") == "tokens"]
    return f"tokens, already set by {others[0]!r}" if others else None


def _runs_on_pull_requests(job_inputs: dict) -> list[str]:
    triggers = job_inputs.get("triggers") or {}
    return [name for name in ("githubWebhook", "gitProviderWebhook", "onMerge") if triggers.get(name) is True]


def _deploy_key_repositories(project_id: Any, world: World) -> list[Known]:
    return [
        r
        for r in world.of_type(REPOSITORY)
        if r.inputs.get("projectId") == project_id and r.inputs.get("gitCloneStrategy", "deploy_key") == "deploy_key"
    ]


def _ci_job_needs_native_git(subject: Subject, world: World) -> Optional[str]:
    triggers = _runs_on_pull_requests(subject.inputs)
    repositories = _deploy_key_repositories(subject.inputs.get("projectId"), world) if triggers else []
    if not repositories:
        return None
    return (
        f"{', '.join(triggers)} true in project {subject.inputs.get('projectId')}, whose repository "
        f"{repositories[0].name!r} is cloned with a deploy key"
    )


def _repository_of_ci_jobs(subject: Subject, world: World) -> Optional[str]:
    if subject.inputs.get("gitCloneStrategy", "deploy_key") != "deploy_key":
        return None
    jobs = [
        j
        for j in world.of_type(JOB)
        if j.inputs.get("projectId") == subject.inputs.get("projectId") and _runs_on_pull_requests(j.inputs)
    ]
    return (
        (
            f"deploy_key in project {subject.inputs.get('projectId')}, which has pull-request or merge job "
            f"{jobs[0].name!r}"
        )
        if jobs
        else None
    )


def _one_environment_of(kind: str, matches_kind: Callable[[dict], bool]) -> Callable[[Subject, World], Optional[str]]:
    def broken(subject: Subject, world: World) -> Optional[str]:
        if not matches_kind(subject.inputs):
            return None
        others = [
            e.name
            for e in world.of_type(ENVIRONMENT)
            if e.inputs.get("projectId") == subject.inputs.get("projectId") and matches_kind(e.inputs)
        ]
        return (
            f"a second {kind} environment in project {subject.inputs.get('projectId')} (after {others[0]!r})"
            if others
            else None
        )

    return broken


def _model_notifications_environment(subject: Subject, world: World) -> Optional[str]:
    wanted = str(subject.inputs.get("environmentId") or "")
    environment = next(
        (e for e in world.of_type(ENVIRONMENT) if str(e.outputs.get("environmentId")) == wanted and wanted), None
    )
    if environment is None:
        return None  # an environment this rendering does not make: nothing known of it
    if environment.inputs.get("type") != "deployment":
        return f"environment {environment.name!r} is a {environment.inputs.get('type')} environment"
    version = str(environment.inputs.get("dbtVersion") or "latest")
    return (
        f"environment {environment.name!r} runs dbt {version!r}, not a release track" if version[:1].isdigit() else None
    )


CI_SOURCE = (
    "docs.getdbt.com/docs/deploy/ci-jobs (prerequisites: a native Git integration, GitHub App, GitLab or "
    "Azure DevOps; a repository cloned over SSH with a deploy key gets no pull-request webhooks)"
)

CONTEXT_RULES: dict[str, tuple[ContextRule, ...]] = {
    OBO_TOKEN: (
        ContextRule(
            "dependsOn",
            "a token for a service principal is made after the principal gets token usage "
            "(CAN_USE in Permissions(authorization=tokens), or membership of a group that holds it)",
            "databricks:docs/resources/obo_token.md:19-38,48-64 (the token depends on token_usage or on "
            "the group membership)",
            _token_after_usage,
        ),
    ),
    TOKEN: (
        ContextRule(
            "dependsOn",
            "a token a service principal makes for itself needs token usage first",
            "databricks:docs/resources/obo_token.md:11,19-38; docs/resources/permissions.md:695-699",
            _token_after_usage,
        ),
    ),
    PERMISSIONS: (
        ContextRule(
            "authorization",
            "only one authorization=tokens permissions resource per workspace",
            "databricks:docs/resources/permissions.md:699",
            _one_token_permissions,
        ),
    ),
    JOB: (
        ContextRule(
            "triggers",
            "pull-request and merge triggers need a natively integrated repository",
            CI_SOURCE,
            _ci_job_needs_native_git,
        ),
    ),
    REPOSITORY: (
        ContextRule(
            "gitCloneStrategy",
            "pull-request and merge triggers need a natively integrated repository",
            CI_SOURCE,
            _repository_of_ci_jobs,
        ),
    ),
    MODEL_NOTIFICATIONS: (
        ContextRule(
            "environmentId",
            "model notifications are for deployment environments on a release track",
            'docs.getdbt.com/docs/deploy/model-notifications (prerequisites: deployment environments "must be on a '
            'release track instead of a legacy dbt Core version")',
            _model_notifications_environment,
        ),
    ),
    ENVIRONMENT: (
        ContextRule(
            "type",
            "one development environment per project",
            "docs.getdbt.com/docs/dbt-cloud-environments (each project has one development environment)",
            _one_environment_of("development", lambda i: i.get("type") == "development"),
        ),
        ContextRule(
            "deploymentType",
            "one production environment per project",
            "docs.getdbt.com/docs/deploy/deploy-environments (only one production environment per project)",
            _one_environment_of("production", lambda i: i.get("deploymentType") == "production"),
        ),
    ),
}


def check_in_context(subject: Subject, world: World) -> list[Violation]:
    """Every context rule the subject breaks, given what the rendering registered before it."""
    found = []
    for rule in CONTEXT_RULES.get(subject.type, ()):
        broken = rule.broken(subject, world)
        if broken is not None:
            found.append(Violation(subject.type, subject.name, rule.input, broken, rule.rule, rule.source))
    return found
