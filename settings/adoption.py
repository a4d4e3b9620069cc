"""Adopting a setup made by hand: the provider ids of existing resources to import."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .base import References, SettingsModel, check_reference, references

NUMBER = r"^[0-9]+$"
IN_PROJECT = r"^[0-9]+:[0-9]+$"
NO_SPACES = r"^\S+$"

_KEYS_OF = {
    "environments": References.unknown_environments,
    "credentials": References.unknown_environments,
    "jobs": References.job_problem,
    "notifications": References.teams_problem,
    "webhooks": References.webhook_problem,
}
"""Each section of ids -> the check that its keys name what the stack declares."""


class ImportIdsSettings(SettingsModel):
    """Existing resources to adopt rather than create (Pulumi `import`), by their provider ids.

    For a team that clicked its setup together first: the next `pulumi up` takes these over without
    recreating them, provided the config describes them as they are (`pulumi preview` shows any mismatch).
    Once adopted they stay in the state; the ids can then be removed.
    """

    project: Optional[str] = Field(default=None, pattern=NUMBER)
    """The project's number (`.../projects/<id>`)."""
    repository: Optional[str] = Field(default=None, pattern=IN_PROJECT)
    """`<project id>:<repository id>`."""
    connection: Optional[str] = Field(default=None, pattern=NUMBER)
    """The connection's number (Account settings -> Connections)."""
    warehouse: Optional[str] = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    """The SQL warehouse id (16 hex characters, in its HTTP path)."""
    environments: dict[str, Annotated[str, Field(pattern=IN_PROJECT)]] = Field(default_factory=dict)
    """Environment key -> `<project id>:<environment id>`."""
    credentials: dict[str, Annotated[str, Field(pattern=IN_PROJECT)]] = Field(default_factory=dict)
    """Deployment environment key -> `<project id>:<credential id>` of its Databricks credential."""
    jobs: dict[str, Annotated[str, Field(pattern=NUMBER)]] = Field(default_factory=dict)
    """Job key -> the job's number (`.../jobs/<id>`)."""
    notifications: dict[str, Annotated[str, Field(pattern=NUMBER)]] = Field(default_factory=dict)
    """msTeams notification key -> the number of its Teams notification setting (the other kinds are partial
    notifications, which take over nothing and need no import)."""
    webhooks: dict[str, Annotated[str, Field(pattern=NO_SPACES)]] = Field(default_factory=dict)
    """Webhook key -> the webhook's id as dbt Cloud shows it (`wsu_...`)."""

    @field_validator("environments", "credentials", "jobs", "notifications", "webhooks")
    @classmethod
    def _known_keys(cls, ids: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        check_reference(info, _KEYS_OF[info.field_name], list(ids))
        return ids

    @model_validator(mode="after")
    def _project_ids_need_the_project(self, info: ValidationInfo) -> "ImportIdsSettings":
        known = references(info)
        if known is not None and not known.creates_project and (self.project or self.repository):
            raise ValueError("project and repository belong to the stack that creates the project")
        for section in _KEYS_OF:
            seen: dict[str, str] = {}
            for key, existing in getattr(self, section).items():
                if existing in seen:
                    raise ValueError(
                        f"{section}: {seen[existing]} and {key} both adopt {existing}: one resource in dbt Cloud is "
                        "adopted by one key (the second pulumi up would fight the first over it)"
                    )
                seen[existing] = key
        return self
