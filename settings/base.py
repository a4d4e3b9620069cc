"""The base of every settings model, and how sections report problems and name each other.

Keys are camelCase, as in the dbt Cloud UI and in Pulumi's own config. Rules that concern one section live in
that section's module; rules that cross sections (a job naming an environment, a notification naming a job) report
through `report_problem`, so that every problem of a stack file is found in one pass and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Collection, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo
from pydantic.alias_generators import to_camel

from components import rules


class SettingsModel(BaseModel):
    """Base of every settings model: camelCase keys, unknown keys refused, values frozen."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, use_attribute_docstrings=True
    )


def _as_pulumi_takes_it(value: Any) -> Any:
    """A yes/no setting is true or false: a YAML boolean, or the text "true" or "false" (how the Pulumi CLI passes a
    scalar). pydantic alone would also take 1, "yes", "on" or "True"; the CLI reads `yes` and `on` as text (YAML 1.2),
    and refuses anything but a boolean for a key Pulumi.yaml declares boolean (pulumi/pulumi
    sdk/go/common/workspace/project.go, `ValidateConfigValue`): the same stack file must not pass here."""
    if isinstance(value, bool) or value is None:
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"must be true or false (you wrote {value!r})")


CREDENTIAL_IN_VALUE = "credential_in_value"
"""The kind of error whose value holds a credential: its message never repeats the value (settings.messages)."""

Flag = Annotated[bool, BeforeValidator(_as_pulumi_takes_it)]
"""A yes/no setting: `true` or `false`, nothing YAML or pydantic would also read as one."""


def report_problem(info: ValidationInfo, path: tuple, message: str) -> None:
    """Record a cross-section problem at `path` without stopping validation of the other sections (a model built
    without a stack's context, as `StackSettings(...)`, raises it at once instead)."""
    if not info.context or "problems" not in info.context:
        raise ValueError(f"{'.'.join(map(str, path))}: {message}")
    info.context["problems"].append((path, message))


def report_warning(info: ValidationInfo, path: tuple, message: str) -> None:
    """Record something valid but probably not meant; it is shown and does not stop the run."""
    if info.context and "warnings" in info.context:
        info.context["warnings"].append((path, message))


@dataclass(frozen=True)
class References:
    """The names a stack file defines, read from the raw document before validation.

    Sections name each other by key (a job its environment, a notification its jobs). Checking those
    names against the raw keys, rather than against validated sections, lets a bad reference be reported
    even when the section it points into has mistakes of its own.
    """

    environment_types: dict[str, Any] = field(default_factory=dict)
    """Environment key -> its `type` as written."""
    jobs: frozenset[str] = frozenset()
    """Job keys."""
    referenced_environments: frozenset[str] = frozenset()
    """With `project.id`: the keys under `project.environmentIds`."""
    adopts_from_stack: bool = False
    """With `project.fromStack`: environment ids come from that stack, checked when it is read."""
    creates_project: bool = True
    has_service_principal: bool = False
    token_sources: dict[str, Any] = field(default_factory=dict)
    """Deployment environment key -> its credential's `runAs` as written."""
    catalogs: frozenset[str] = frozenset()
    """Catalogs the stack's connection and credentials name."""
    teams_notifications: frozenset[str] = frozenset()
    """Keys of the `msTeams` notifications."""
    webhooks: frozenset[str] = frozenset()
    """Webhook keys."""

    @classmethod
    def from_document(cls, document: dict) -> "References":
        def mapping(value: Any) -> dict:
            return value if isinstance(value, dict) else {}

        project = mapping(document.get("project"))
        environments = mapping(document.get("environments"))
        credentials = {
            key: mapping(mapping(env).get("credential"))
            for key, env in environments.items()
            if mapping(env).get("type") == "deployment"
        }
        catalogs = {credential.get("catalog") for credential in credentials.values()}
        notifications = mapping(document.get("notifications"))
        catalogs.add(mapping(document.get("connection")).get("catalog"))
        return cls(
            environment_types={
                key: mapping(env).get("type") for key, env in mapping(document.get("environments")).items()
            },
            jobs=frozenset(mapping(document.get("jobs"))),
            referenced_environments=frozenset(mapping(project.get("environmentIds"))),
            adopts_from_stack=bool(project.get("fromStack")),
            creates_project=not (project.get("fromStack") or project.get("id")),
            has_service_principal=bool(document.get("servicePrincipal")),
            token_sources={key: credential.get("runAs", "deploymentToken") for key, credential in credentials.items()},
            catalogs=frozenset(c for c in catalogs if isinstance(c, str)),
            teams_notifications=frozenset(k for k, n in notifications.items() if mapping(n).get("type") == "msTeams"),
            webhooks=frozenset(mapping(document.get("webhooks"))),
        )

    def needing_run_as(self, source: str) -> list[str]:
        """Deployment environments whose credential takes its token from `source`."""
        return [key for key, run_as in self.token_sources.items() if run_as == source]

    def environment_problem(self, key: str) -> Optional[str]:
        """Why a job cannot run in environment `key`, or None."""
        if key not in self.environment_types:
            return f"{key!r} is not an environment of this stack; environments: {listing(self.environment_types)}"
        if self.environment_types[key] == "development":
            deployment = [k for k, kind in self.environment_types.items() if kind == "deployment"]
            return (
                f"{key!r} is a development environment and dbt Cloud runs jobs only in deployment "
                f"environments; use {' or '.join(deployment) or 'a deployment environment (e.g. staging)'}"
            )
        return None

    def deferral_problem(self, key: str) -> Optional[str]:
        """Why a job cannot defer to environment `key`, or None."""
        known = set(self.environment_types) | set(self.referenced_environments)
        if key in known or self.adopts_from_stack:
            return None
        where = "this stack's environments" + (" or project.environmentIds" if not self.creates_project else "")
        return f"{key!r} is not among {where}: {listing(known)}"

    def unknown_environments(self, keys: list[str]) -> Optional[str]:
        """Why a list of environment keys names environments that do not exist, or None."""
        return _not_among(keys, self.environment_types, "environments")

    def job_problem(self, keys: list[str]) -> Optional[str]:
        """Why a list of job keys names jobs that do not exist, or None."""
        unknown = [key for key in keys if key not in self.jobs]
        if not unknown:
            return None
        return (
            f"{', '.join(map(repr, unknown))} {'is not a job' if len(unknown) == 1 else 'are not jobs'} of this "
            f"stack; jobs: {listing(self.jobs)}"
        )

    def teams_problem(self, keys: list[str]) -> Optional[str]:
        """Why import ids name notifications that are not Teams notifications of this stack, or None."""
        return _not_among(
            keys,
            self.teams_notifications,
            "msTeams notifications",
            " (the other kinds are partial notifications: they need no import)",
        )

    def webhook_problem(self, keys: list[str]) -> Optional[str]:
        """Why import ids name webhooks that do not exist, or None."""
        return _not_among(keys, self.webhooks, "webhooks")


def _not_among(keys: list[str], known: Collection[str], what: str, why: str = "") -> Optional[str]:
    """`'a', 'b': not among this stack's <what>: <known>` for the keys not in `known`, or None."""
    unknown = [key for key in keys if key not in known]
    if not unknown:
        return None
    return f"{', '.join(map(repr, unknown))}: not among this stack's {what}: {listing(known)}{why}"


def new_context(document: dict) -> dict[str, Any]:
    """What validating a whole stack document collects: problems and warnings, and the names sections refer to."""
    return {"problems": [], "warnings": [], "references": References.from_document(document)}


def references(info: ValidationInfo) -> Optional[References]:
    """The stack file's names, when validating a whole stack (not a lone section, as tests may)."""
    return (info.context or {}).get("references")


def check_reference(info: ValidationInfo, check: Callable[[References, Any], Optional[str]], value: Any) -> Any:
    """Raise what `check` finds wrong with a reference to another section; pass the value through otherwise."""
    known = references(info)
    problem = check(known, value) if known is not None and value is not None else None
    if problem:
        raise ValueError(problem)
    return value


def listing(keys) -> str:
    return ", ".join(sorted(keys)) or "none"


def check_principals(principals: list[str]) -> None:
    for principal in principals:
        problem = rules.access_principal_problem(principal)
        if problem:
            raise ValueError(f"{principal!r} {problem}")
