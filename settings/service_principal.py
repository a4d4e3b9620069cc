"""The Databricks service principal production runs use: token usage, rotation, grants."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from components import rules
from components.rotation import default_rotation_days, rotation_problem

from .base import Flag, References, SettingsModel, check_principals, check_reference, listing


class TokenPermissionsSettings(SettingsModel):
    """How the service principal gets the workspace's token-usage permission, which it needs before a token can be
    made for it (databricks provider, `docs/resources/obo_token.md`: the token depends on that permission).

    Two ways, both working on the first `pulumi up`:
    - `viaGroup: <group>`: the principal joins an existing group that already has `CAN_USE` on tokens (Settings ->
      Advanced -> Personal access tokens -> Permission settings). Nothing else in the workspace changes.
    - `manage: true` with `keepAccessFor`: this stack owns the workspace's token permissions, ONE list for the whole
      workspace that replaces the existing one, so everyone else who must keep using tokens has to be named.
    """

    manage: Flag = False
    """This stack sets the workspace's token permissions (replacing what is there)."""
    keep_access_for: list[str] = Field(default_factory=list)
    """With manage: who else keeps token access: `group:<name>`, `user:<email>`, `servicePrincipal:<application id>`."""
    via_group: Optional[str] = Field(default=None, min_length=1)
    """Without manage: the display name of an existing workspace group that has token usage (`CAN_USE`); the
    principal is added to it. The deploying identity must be able to change its members: a workspace-local group,
    not an account group or one synced from an identity provider (their members are managed at the account)."""

    @field_validator("keep_access_for")
    @classmethod
    def _known_principals(cls, principals: list[str]) -> list[str]:
        check_principals(principals)
        return principals

    @field_validator("via_group")
    @classmethod
    def _a_group_one_can_join(cls, group: Optional[str]) -> Optional[str]:
        if group in ("users", "admins"):
            raise ValueError(
                f"{group!r} is a system group whose members Databricks manages itself: name a group you "
                "made that has token usage, or use manage: true"
            )
        return group

    @model_validator(mode="after")
    def _one_way_to_token_usage(self) -> "TokenPermissionsSettings":
        if self.manage:
            if self.via_group:
                raise ValueError("give manage: true or viaGroup, not both")
            if not self.keep_access_for:
                raise ValueError(
                    "manage: true replaces the workspace's token permissions, and Databricks deletes the active "
                    "tokens of everyone left out: list in keepAccessFor who else keeps using tokens (at least the "
                    "group of people who do today, e.g. group:users)"
                )
        else:
            if self.keep_access_for:
                raise ValueError("keepAccessFor only applies with manage: true")
            if not self.via_group:
                raise ValueError(
                    "the service principal needs token usage before its token can be made, in the same pulumi up: "
                    "set viaGroup to a group that has token usage (CAN_USE on tokens), or manage: true with "
                    "keepAccessFor (this stack then owns the workspace's token permissions)"
                )
        return self


def _each_once(privileges: list[str]) -> list[str]:
    repeated = rules.repeated_privilege(privileges)
    if repeated:
        raise ValueError(f"{repeated} is listed twice: list each privilege once (Databricks keeps it once)")
    return privileges


CatalogPrivileges = Annotated[list[rules.CatalogPrivilege], AfterValidator(_each_once)]
SchemaPrivileges = Annotated[list[rules.SchemaPrivilege], AfterValidator(_each_once)]


class ServicePrincipalSettings(SettingsModel):
    """A Databricks service principal that dbt Cloud's runs use, with only the access they need."""

    display_name: str = Field(min_length=1)
    """Name shown in the workspace's admin settings."""
    cloud: rules.Cloud = "aws"
    """`aws` or `gcp` (the token is made on the principal's behalf), or `azure` (an Entra ID application that
    signs in itself to make its token)."""
    credential_lifetime_days: int = Field(default=90, ge=1, le=rules.MAX_INT64 // 86400)
    """The token expires after this many days."""
    rotate_after_days: Optional[int] = Field(default=None, ge=1, le=rules.MAX_INT64 // 86400)
    """Replace the token when it is this many days old (default: two thirds of its lifetime). The deploy workflow's
    weekly `pulumi up --refresh` does it; see docs/credentials.md, "Token rotation"."""
    credential_rotation: int = Field(default=1, ge=1, le=rules.MAX_INT32)
    """Raise by one to replace the token now (after a leak)."""
    azure_application_id: Optional[str] = Field(default=None, pattern=rules.UUID_PATTERN)
    """Azure: the Entra ID application (client) id of the principal."""
    azure_tenant_id: Optional[str] = Field(default=None, pattern=rules.UUID_PATTERN)
    """Azure: the Entra ID tenant id."""
    catalog_grants: dict[str, CatalogPrivileges] = Field(default_factory=dict)
    """Catalog -> Unity Catalog privileges on it (e.g. USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA, CREATE_TABLE, SELECT,
    MODIFY; CREATE_MATERIALIZED_VIEW for dbt's materialized views), each once."""
    schema_grants: dict[str, SchemaPrivileges] = Field(default_factory=dict)
    """`catalog.schema` -> privileges on that schema only (e.g. sources dbt only reads: USE_SCHEMA, SELECT; a schema
    of materialized views: CREATE_MATERIALIZED_VIEW), each once."""
    token_permissions: TokenPermissionsSettings
    """How the principal gets token usage: `viaGroup`, or `manage: true` with `keepAccessFor`."""

    @field_validator("catalog_grants")
    @classmethod
    def _configured_catalogs(cls, grants: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        check_reference(info, lambda known, catalogs: _catalog_problem(known, catalogs), list(grants))
        return grants

    @field_validator("schema_grants")
    @classmethod
    def _configured_schemas(cls, grants: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        malformed = [key for key in grants if key.count(".") != 1 or not all(key.split("."))]
        if malformed:
            raise ValueError(f"{malformed[0]!r} is not catalog.schema")
        check_reference(
            info, lambda known, catalogs: _catalog_problem(known, catalogs), [key.split(".")[0] for key in grants]
        )
        return grants

    @model_validator(mode="after")
    def _azure_needs_its_application(self) -> "ServicePrincipalSettings":
        if self.signs_in_itself and not (self.azure_application_id and self.azure_tenant_id):
            raise ValueError(
                "cloud azure needs azureApplicationId and azureTenantId (the Entra ID application "
                "that is the service principal)"
            )
        if not self.signs_in_itself and (self.azure_application_id or self.azure_tenant_id):
            raise ValueError("azureApplicationId and azureTenantId are only for cloud azure")
        return self

    @model_validator(mode="after")
    def _rotates_before_expiry(self) -> "ServicePrincipalSettings":
        problem = rotation_problem(self.credential_lifetime_days, self.rotation_days)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def signs_in_itself(self) -> bool:
        """The principal makes its own token (Azure); otherwise a workspace admin makes it on its behalf."""
        return rules.signs_in_itself(self.cloud)

    @property
    def rotation_days(self) -> int:
        """Days after which the token is replaced."""
        return self.rotate_after_days or default_rotation_days(self.credential_lifetime_days)


def _catalog_problem(known: References, catalogs: list[str]) -> Optional[str]:
    unknown = [catalog for catalog in catalogs if catalog not in known.catalogs]
    if not unknown:
        return None
    return (
        f"{unknown[0]!r} is not a catalog this stack uses (the connection's and the credentials' catalogs: "
        f"{listing(known.catalogs)}); grant only where dbt works"
    )
