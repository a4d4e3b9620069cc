"""dbt Cloud environments and the Databricks credentials their runs use."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components import rules

from .base import Flag, SettingsModel, references


class CredentialSettings(SettingsModel):
    """Where a deployment environment's runs write in Databricks, and whose token they run with."""

    target_schema: str = Field(alias="schema", min_length=1, pattern=rules.SCHEMA_PATTERN.pattern)
    """Schema dbt builds into (letters, digits and underscores)."""
    catalog: Optional[str] = None
    """Unity Catalog catalog dbt builds into (defaults to the connection's)."""
    run_as: rules.TokenSource = "deploymentToken"
    """`deploymentToken` (a secret config value) or `servicePrincipal` (the token of the stack's service
    principal: no person sees it)."""

    @field_validator("run_as")
    @classmethod
    def _known_source(cls, value: str, info: ValidationInfo) -> str:
        known = references(info)
        if value == "servicePrincipal" and known is not None and not known.has_service_principal:
            raise ValueError("names the service principal, but this stack configures none (servicePrincipal)")
        return value


class ModelNotificationsSettings(SettingsModel):
    """Emails to the owners of the models a deployment environment's runs build, from the dbt project's `groups`
    (docs.getdbt.com, "Model notifications"; the account setting must be switched on by an account admin)."""

    on_failure: Optional[Flag] = None
    """When a model fails."""
    on_warning: Optional[Flag] = None
    """When a model's tests warn."""
    on_skipped: Optional[Flag] = None
    """When a model is skipped."""
    on_success: Optional[Flag] = None
    """When a model builds."""

    @model_validator(mode="after")
    def _an_event(self) -> "ModelNotificationsSettings":
        if not (self.on_failure or self.on_warning or self.on_skipped or self.on_success):
            raise ValueError("names no event: set onFailure, onWarning, onSkipped or onSuccess to true")
        return self


class EnvironmentSettings(SettingsModel):
    """A dbt Cloud environment."""

    name: str = Field(min_length=1)
    """Name shown in dbt Cloud; environment variables match environments by this name."""
    type: rules.EnvironmentType
    """`development` (the IDE; one per project) or `deployment` (where jobs run)."""
    deployment_type: Optional[rules.DeploymentType] = None
    """For deployment environments: `production` (one per project), `staging` or `general`."""
    dbt_version: str = "latest"
    """dbt release track (`latest`, `compatible`, `extended`, ...) or version (`1.7.0-latest`)."""
    custom_branch: Optional[str] = None
    """Git branch the environment checks out instead of the repository's default branch."""
    threads: Optional[int] = Field(default=None, ge=1, le=rules.MAX_INT64)
    """Default threads for this environment's jobs."""
    credential: Optional[CredentialSettings] = None
    """Deployment environments: the catalog and schema their runs write to."""
    model_notifications: Optional[ModelNotificationsSettings] = None
    """Deployment environments on a release track: email model owners about their models."""

    @field_validator("custom_branch")
    @classmethod
    def _branch_name(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not rules.BRANCH_PATTERN.match(value):
            raise ValueError(
                "is not a git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\'; "
                "leave customBranch out to use the repository's default branch)"
            )
        return value

    @field_validator("dbt_version", mode="before")
    @classmethod
    def _quoted_version(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                f"YAML read this as the number {value!r} (1.10 becomes 1.1 too): quote the version you meant, as "
                'dbt Cloud accepts it, like "1.10.0-latest" (a .0-latest version), or write latest'
            )
        return value

    @field_validator("dbt_version")
    @classmethod
    def _accepted_dbt_version(cls, value: str) -> str:
        if value in rules.DBT_VERSION_RENAMED:
            raise ValueError(
                f"{value!r} is the old name of dbt Cloud's {rules.DBT_VERSION_RENAMED[value]!r} track: dbt Cloud shows "
                f"and answers {rules.DBT_VERSION_RENAMED[value]!r} (the provider keeps {value!r} in its state, so no "
                f"change would show, and recommends {rules.DBT_VERSION_RENAMED[value]!r}): write "
                f"{rules.DBT_VERSION_RENAMED[value]}"
            )
        if not rules.DBT_VERSION_PATTERN.match(value):
            hint = rules.suggest_dbt_version(value)
            hint_text = f"did you mean {hint}? " if hint else ""
            raise ValueError(
                f"is not a dbt version dbt Cloud accepts; {hint_text}use a release track (latest, compatible, "
                "extended, fallback, latest-fusion) or a version like 1.7.0-latest"
            )
        return value

    @model_validator(mode="after")
    def _type_fits_its_fields(self) -> "EnvironmentSettings":
        if self.type == "development":
            if self.deployment_type is not None:
                raise ValueError("deploymentType is only for deployment environments")
            if self.credential is not None:
                raise ValueError(
                    "a development environment has no deployment credential: each developer sets a personal "
                    "token in dbt Cloud"
                )
        elif self.credential is None:
            raise ValueError("a deployment environment needs a credential (its catalog and schema)")
        if self.model_notifications is not None:
            if self.type != "deployment":
                raise ValueError(
                    "modelNotifications is for deployment environments: dbt Cloud emails model owners about the runs "
                    "of jobs"
                )
            if self.dbt_version[:1].isdigit():
                raise ValueError(
                    f"modelNotifications needs a release track (latest, compatible, extended, a Fusion track), not "
                    f"the dbt version {self.dbt_version!r} (docs.getdbt.com, Model notifications, prerequisites)"
                )
        return self

    @property
    def is_deployment(self) -> bool:
        """Jobs can run here."""
        return self.type == "deployment"

    @property
    def api_deployment_type(self) -> Optional[str]:
        """What the API takes: `production`, `staging`, or nothing for general deployment environments."""
        return None if self.deployment_type in (None, "general") else self.deployment_type
