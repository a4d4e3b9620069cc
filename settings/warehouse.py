"""The stack's Databricks SQL warehouse: size, auto-stop, scaling, tags and who keeps access."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components import rules

from .base import Flag, SettingsModel, check_principals, references, report_warning


class WarehouseSettings(SettingsModel):
    """The stack's Databricks SQL warehouse, the compute dbt runs on."""

    name: str = Field(min_length=1, json_schema_extra={"maxLength": rules.WAREHOUSE_NAME.most})
    """Warehouse name shown in Databricks (fewer than 100 characters)."""
    size: rules.ClusterSize
    """Cluster size; each step up doubles the DBUs per hour."""
    auto_stop_minutes: int = Field(ge=0, le=rules.MAX_INT32)
    """Idle minutes before the warehouse stops. Required: Databricks would use 120 when left out."""
    allow_never_stop: Flag = False
    """Must be true to set `autoStopMinutes: 0` (the warehouse then runs, and bills, around the clock)."""
    serverless: Flag = True
    """Serverless compute (needs `warehouseType: PRO`); starts in seconds, so a short auto-stop costs nothing."""
    warehouse_type: rules.WarehouseType = "PRO"
    """`PRO` or `CLASSIC`."""
    min_clusters: int = Field(default=1, ge=1, le=rules.MAX_MIN_CLUSTERS)
    """Clusters kept when scaling down (1-30)."""
    max_clusters: int = Field(default=1, ge=1, le=rules.MAX_MAX_CLUSTERS)
    """Clusters allowed when scaling up under concurrent queries (1-40)."""
    spot_instance_policy: rules.SpotInstancePolicy = "COST_OPTIMIZED"
    """`COST_OPTIMIZED` or `RELIABILITY_OPTIMIZED` (classic and pro warehouses only)."""
    tags: dict[str, str] = Field(default_factory=dict, max_length=rules.MAX_TAGS)
    """Custom tags for cost reports (fewer than 45)."""
    keep_access_for: dict[str, rules.WarehousePermissionLevel] = Field(default_factory=dict)
    """Who keeps access to the warehouse besides the service principal, and at which level:
    `group:<name>`, `user:<email>` or `servicePrincipal:<application id>` -> CAN_USE, CAN_MONITOR, CAN_MANAGE,
    CAN_VIEW or IS_OWNER. The warehouse's permissions are one list that replaces the existing one (workspace admins
    keep theirs): access granted in the UI and not listed here is removed on the next `pulumi up`. The identity that
    runs `pulumi up` keeps CAN_MANAGE by itself: naming it below CAN_MANAGE fails the deploy. With no IS_OWNER entry,
    that identity becomes the owner (of an adopted warehouse too)."""

    @field_validator("keep_access_for")
    @classmethod
    def _known_principals(cls, access: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        check_principals(list(access))
        known = references(info)
        if access and known is not None and not known.has_service_principal:
            # The warehouse's access list is declared by the service principal's component, beside the principal's
            # own CAN_USE (stack_args: warehouse.keepAccessFor -> DbtServicePrincipal.warehouse_access): without a
            # principal there is no list, and the entries would be dropped without a word.
            raise ValueError(
                "names who keeps access to the warehouse beside the stack's service principal: this stack sets the "
                "warehouse's permissions only together with servicePrincipal (its CAN_USE and these entries are one "
                "list), and it has no servicePrincipal, so these entries would be ignored and the warehouse's access "
                "stays as granted in Databricks. Remove keepAccessFor (and grant access in the warehouse's "
                "Permissions in Databricks), or add a servicePrincipal section"
            )
        return access

    @field_validator("name")
    @classmethod
    def _name_databricks_takes(cls, name: str) -> str:
        problem = rules.name_length_problem(name, rules.WAREHOUSE_NAME)
        if problem:
            raise ValueError(problem)
        return name

    @field_validator("auto_stop_minutes")
    @classmethod
    def _long_idle(cls, minutes: int, info: ValidationInfo) -> int:
        if minutes > rules.SENSIBLE_MAX_AUTO_STOP_MINUTES and info.context is not None:
            report_warning(
                info,
                ("warehouse", "autoStopMinutes"),
                f"an idle warehouse runs, and bills, {minutes} minutes before it stops: longer than "
                f"Databricks' own default of {rules.API_DEFAULT_AUTO_STOP_MINUTES}; 10 is usual for dbt",
            )
        return minutes

    @model_validator(mode="after")
    def _consistent(self) -> "WarehouseSettings":
        if self.serverless and self.warehouse_type != "PRO":
            raise ValueError("serverless: true needs warehouseType: PRO")
        if self.min_clusters > self.max_clusters:
            raise ValueError(f"minClusters ({self.min_clusters}) must not exceed maxClusters ({self.max_clusters})")
        problem = rules.auto_stop_problem(self.auto_stop_minutes, self.allow_never_stop, self.serverless)
        if problem:
            raise ValueError(problem)
        return self
