"""Rules across a project's stacks: who creates the project, and what must stay unique between stacks.

Each problem found here involves some of the stacks: a stack's `pulumi up` (and `synth check` of it) is refused for
the problems that involve it, so that two stacks that clash are both refused and a third that does not is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.rules import ci_trigger_problem

from .errors import Problem
from .model import StackSettings


@dataclass(frozen=True)
class Clash:
    """A problem between stacks, and the stacks it involves."""

    stacks: frozenset[str]
    problem: Problem


def clashes(
    stacks: dict[str, StackSettings], project_name: str, unchecked: frozenset[str] = frozenset()
) -> list[Clash]:
    """Problems no single stack can see: the project created once and used from a stack that creates it (in the same
    account), pull-request and merge jobs only where the project's repository can trigger them, one development and
    one production environment per project, names unique where the services keep them unique, one stack owning a
    workspace's token permissions. Stacks in `unchecked` exist but do not validate: they are not missing, and rules
    that need them wait until they are fixed."""
    found: list[Clash] = []
    creators = sorted(name for name, settings in stacks.items() if settings.project.creates_project)
    if len(creators) > 1:
        found.append(
            Clash(
                frozenset(creators),
                Problem(
                    "project",
                    f"stacks {', '.join(creators)} all create the project: exactly one may; the others use it "
                    "through fromStack or id",
                ),
            )
        )
    for name, settings in stacks.items():
        found.extend(_reference_clashes(name, settings, stacks, project_name, unchecked, creators))
    found.extend(_unique_across_stacks(stacks))
    return found


def _reference_clashes(
    name: str,
    settings: StackSettings,
    stacks: dict[str, StackSettings],
    project_name: str,
    unchecked: frozenset[str],
    creators: list[str],
) -> list[Clash]:
    """What is wrong with the stack `name` takes its project from (`project.fromStack`)."""
    reference = settings.project.from_stack
    if not reference:
        return []
    owner = reference.split("/")[-1]
    where = f"{name}: project.fromStack"

    def clash(message: str, *others: str, path: str = where) -> Clash:
        return Clash(frozenset({name, *others}), Problem(path, message))

    if len(reference.split("/")) == 3 and reference.split("/")[1] != project_name:
        return [clash(f"{reference!r} names another project than {project_name!r}")]
    if owner in unchecked:
        return []  # that stack has problems of its own (reported with it): nothing to compare against yet
    if owner not in stacks:
        here = ", ".join(sorted({*stacks, *unchecked})) or "none"
        return [clash(f"{reference!r}: there is no stack {owner!r} here (stacks: {here})")]
    source = stacks[owner]
    if not source.project.creates_project:
        return [
            clash(
                f"{reference!r}: stack {owner!r} does not create the project; "
                f"take it from {', '.join(creators) or 'the stack that does'}",
                owner,
            )
        ]
    account, theirs = settings.account, source.account
    if (account.account_id, account.host_url) != (theirs.account_id, theirs.host_url):
        return [
            clash(
                f"{reference!r}: stack {owner!r} creates its project in dbt Cloud account {theirs.account_id} at "
                f"{theirs.host_url}, and this stack deploys to account {account.account_id} at {account.host_url}: "
                "a project is used only in its own account (set the same dbtcloud:accountId and dbtcloud:hostUrl)",
                owner,
            )
        ]
    found = []
    repository = source.project.repository
    if repository is not None and not repository.triggers_ci:
        found.extend(
            clash(
                ci_trigger_problem(repository.git_clone_strategy) + f" (in {owner}'s project.repository)",
                owner,
                path=f"{name}: jobs.{key}",
            )
            for key in settings.ci_job_keys()
        )
    owned = set(source.environments)
    for key in settings.external_environment_keys():
        if key not in owned:
            jobs = [job_key for job_key, job in settings.jobs.items() if job.defer_to == key]
            found.append(
                clash(
                    f"defer to {key!r}, which stack {owner!r} does not have (it has {', '.join(sorted(owned))})"
                    + ("" if len(jobs) == 1 else f"; jobs {', '.join(jobs)}"),
                    owner,
                    path=f"{name}: jobs.{jobs[0]}.deferTo" if len(jobs) == 1 else f"{name}: jobs",
                )
            )
    return found


def _unique_across_stacks(stacks: dict[str, StackSettings]) -> list[Clash]:
    """One development and one production environment per project, environment names unique (variables find
    environments by name); names the services keep unique across what the stacks share: job names in the one project
    (`ops` finds jobs by name), warehouse and service principal names in one workspace (Databricks refuses a second
    warehouse of a name: "SQL warehouse with name ... already exists"); and one stack owning a workspace's token
    permissions (one list per workspace: two stacks would each delete the other's)."""
    found: list[Clash] = []
    seen: dict[tuple, tuple[str, str]] = {}
    KIND = "; a project has one of each"  # noqa: N806

    def claim(what: tuple, stack: str, where: str, message: str, why: str = "") -> None:
        if what in seen:
            first, first_where = seen[what]
            text = f"{message} (also in {first}: {first_where}){why}"
            found.append(Clash(frozenset({stack, first}), Problem(f"{stack}: {where}", text)))
        seen.setdefault(what, (stack, where))

    for name, settings in stacks.items():
        for key, environment in settings.environments.items():
            where = f"environments.{key}"
            claim(
                ("environment name", environment.name),
                name,
                where,
                f"the environment name {environment.name!r} again",
                ": environment variables find environments by name",
            )
            if environment.type == "development":
                claim(("kind", "development"), name, where, "a second development environment", KIND)
            if environment.deployment_type == "production":
                claim(("kind", "production"), name, where, "a second production environment", KIND)
        workspace = (settings.databricks_host or "").rstrip("/")
        claim(
            ("warehouse", workspace, settings.warehouse.name),
            name,
            "warehouse.name",
            f"the warehouse name {settings.warehouse.name!r} again in the same workspace",
        )
        principal = settings.service_principal
        if principal is not None:
            claim(
                ("principal", workspace, principal.display_name),
                name,
                "servicePrincipal.displayName",
                f"the service principal name {principal.display_name!r} again in the same workspace",
            )
            if principal.token_permissions.manage:
                claim(
                    ("token permissions", workspace),
                    name,
                    "servicePrincipal.tokenPermissions.manage",
                    "a second stack owning the workspace's token permissions",
                    ": they are one list per workspace, and each stack's pulumi up would replace the other's "
                    "(removing its principal's token access); let one stack manage them and name the other's "
                    "principal in its keepAccessFor, or use viaGroup",
                )
        for key, job in settings.jobs.items():
            claim(("job", job.name), name, f"jobs.{key}.name", f"the job name {job.name!r} again in the project")
    return found


def cross_stack_problems(
    stacks: dict[str, StackSettings], project_name: str, unchecked: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every problem between the stacks."""
    return [clash.problem for clash in clashes(stacks, project_name, unchecked)]


def problems_joining(
    stack: str,
    settings: StackSettings,
    others: dict[str, StackSettings],
    project_name: str,
    unchecked: frozenset[str] = frozenset(),
) -> list[Problem]:
    """The problems between `stack` and the stack files beside it that involve `stack`: what its `pulumi up` refuses.
    Stacks in `unchecked` exist but do not validate: rules that need them wait until they are fixed."""
    return [
        clash.problem
        for clash in clashes({**others, stack: settings}, project_name, unchecked)
        if stack in clash.stacks
    ]
