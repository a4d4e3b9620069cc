"""What the Databricks provider (and the Databricks API behind it) refuses, resource by resource.

Sources: terraform-provider-databricks at commit 684f44249 (after v1.128.0), cited as `databricks:<path>:<line>`;
databricks-sdk 0.162.0, cited as `databricks-sdk sql.py WarehousesAPI.create`; pulumi_databricks 1.118.0 for the
arguments.
"""

from __future__ import annotations

from typing import Optional

from ..type_tokens import GRANT, GROUP_MEMBER, OBO_TOKEN, PERMISSIONS, SERVICE_PRINCIPAL, SQL_ENDPOINT, TOKEN
from .rule import MISSING, Rule, between, custom, get, one_of, present, required, size_at_least

CLUSTER_SIZES = (
    "2X-Small",
    "X-Small",
    "Small",
    "Medium",
    "Large",
    "X-Large",
    "2X-Large",
    "3X-Large",
    "4X-Large",
    "5X-Large",
)
"""databricks:sql/resource_sql_endpoint.go:17."""

_WAREHOUSE_API = "databricks-sdk 0.162.0 sql.py WarehousesAPI.create (CreateWarehouseRequest)"


def _auto_stop(inputs: dict) -> Optional[str]:
    value = get(inputs, "autoStopMins")
    return None if value is MISSING or value == 0 or value >= 10 else f"{value!r}"


def _min_clusters(inputs: dict) -> Optional[str]:
    low = get(inputs, "minNumClusters")
    if low is MISSING:
        return None
    high = get(inputs, "maxNumClusters")
    high = 1 if high is MISSING else high  # the provider's default (resource_sql_endpoint.go:72)
    return None if 0 < low <= min(high, 30) else f"{low!r} with maxNumClusters {high!r}"


def _tag_count(inputs: dict) -> Optional[str]:
    tags = get(inputs, "tags.customTags")
    return None if tags is MISSING or len(tags) < 45 else f"{len(tags)} tags"


def _tag_fields(inputs: dict) -> Optional[str]:
    tags = get(inputs, "tags.customTags")
    for tag in [] if tags is MISSING else tags:
        if not tag.get("key") or tag.get("value") is None:
            return f"a tag without key or value: {tag!r}"
    return None


PERMISSION_OBJECTS = (
    "alertV2Id",
    "appName",
    "authorization",
    "clusterId",
    "clusterPolicyId",
    "dashboardId",
    "databaseInstanceName",
    "databaseProjectName",
    "directoryId",
    "directoryPath",
    "experimentId",
    "instancePoolId",
    "jobId",
    "knowledgeAssistantId",
    "notebookId",
    "notebookPath",
    "pipelineId",
    "registeredModelId",
    "repoId",
    "repoPath",
    "servingEndpointId",
    "sqlAlertId",
    "sqlDashboardId",
    "sqlEndpointId",
    "sqlQueryId",
    "supervisorAgentId",
    "vectorSearchEndpointId",
    "workspaceFileId",
    "workspaceFilePath",
)
"""The object arguments of `databricks.Permissions` (pulumi_databricks/permissions.py `PermissionsArgs`): exactly
one per resource (databricks:docs/resources/permissions.md:1062-1064; resource_permissions.go:176-187)."""

PERMISSION_LEVELS = {
    # permission_definitions.go:569-575
    "sqlEndpointId": ("CAN_USE", "CAN_MANAGE", "CAN_MONITOR", "CAN_VIEW", "IS_OWNER"),
    "authorization=tokens": ("CAN_USE", "CAN_MANAGE"),  # permission_definitions.go:537-540
    "authorization=passwords": ("CAN_USE",),  # permission_definitions.go:555-557
}
"""Permission levels each object takes; the provider refuses others at plan (resource_permissions.go:236-247)."""

PRINCIPAL_FIELDS = ("userName", "groupName", "servicePrincipalName")


def _permission_object(inputs: dict) -> Optional[str]:
    given = [name for name in PERMISSION_OBJECTS if present(inputs, name)]
    return None if len(given) == 1 else (f"{', '.join(given)}" if given else "none")


def _permission_key(inputs: dict) -> Optional[str]:
    if present(inputs, "sqlEndpointId"):
        return "sqlEndpointId"
    if present(inputs, "authorization"):
        return f"authorization={inputs['authorization']}"
    return None


def _permission_levels(inputs: dict) -> Optional[str]:
    allowed = PERMISSION_LEVELS.get(_permission_key(inputs) or "")
    if allowed is None:
        return None
    for control in get(inputs, "accessControls") if present(inputs, "accessControls") else []:
        level = control.get("permissionLevel")
        if level not in allowed:
            return f"{level!r} for {_who(control)} on {_permission_key(inputs)} (allowed: {', '.join(allowed)})"
    return None


def _who(control: dict) -> str:
    return ", ".join(f"{key} {control[key]!r}" for key in PRINCIPAL_FIELDS if control.get(key)) or "nobody"


def _one_principal_each(inputs: dict) -> Optional[str]:
    for control in get(inputs, "accessControls") if present(inputs, "accessControls") else []:
        named = [key for key in PRINCIPAL_FIELDS if control.get(key)]
        if len(named) != 1:
            return f"an entry naming {', '.join(named) or 'nobody'}"
    return None


def _warehouse_owner(inputs: dict) -> Optional[str]:
    if not present(inputs, "sqlEndpointId"):
        return None
    owners = (
        [c for c in get(inputs, "accessControls") or [] if c.get("permissionLevel") == "IS_OWNER"]
        if present(inputs, "accessControls")
        else []
    )
    if len(owners) > 1:
        return f"{len(owners)} owners"
    if owners and owners[0].get("groupName"):
        return f"group {owners[0]['groupName']!r} as owner"
    return None


def _admins_listed(inputs: dict) -> Optional[str]:
    controls = get(inputs, "accessControls") if present(inputs, "accessControls") else []
    return "'admins'" if any(isinstance(c, dict) and c.get("groupName") == "admins" for c in controls) else None


GRANT_SECURABLES = (
    "catalog",
    "credential",
    "externalLocation",
    "foreignConnection",
    "function",
    "mcpService",
    "metastore",
    "model",
    "modelProviderService",
    "modelService",
    "pipeline",
    "recipient",
    "schema",
    "secret",
    "share",
    "storageCredential",
    "table",
    "volume",
)
"""The securable arguments of `databricks.Grant` (pulumi_databricks/grant.py `GrantArgs`): exactly one
(databricks:catalog/resource_grant.go:151-163, AtLeastOneOf + ConflictsWith)."""

_PRIVILEGES_REFERENCE = (
    "docs.databricks.com/data-governance/unity-catalog/access-control/privileges-reference (Unity Catalog privileges "
    'reference, "What privileges apply to each securable object?", rows Catalog and Schema)'
)
"""Where the catalog and schema privileges come from: Databricks' own reference, read in its copies
docs.databricks.com/gcp/ja/data-governance/unity-catalog/access-control/privileges-reference and
docs.azure.cn/zh-cn/databricks/data-governance/unity-catalog/access-control/privileges-reference (the same table).
Written with spaces there and with underscores in the API: `CREATE MATERIALIZED VIEW` is `CREATE_MATERIALIZED_VIEW`.
A later revision of the page adds privileges of features in preview (CREATE FEATURE, READ METADATA, secrets) that
databricks-sdk 0.162.0 does not all know yet: not taken."""

PRIVILEGES = {
    # databricks:docs/resources/grants.md:33
    "metastore": (
        "CREATE_CATALOG",
        "CREATE_CLEAN_ROOM",
        "CREATE_CONNECTION",
        "CREATE_EXTERNAL_LOCATION",
        "CREATE_PROVIDER",
        "CREATE_RECIPIENT",
        "CREATE_SHARE",
        "CREATE_SERVICE_CREDENTIAL",
        "CREATE_STORAGE_CREDENTIAL",
        "SET_SHARE_PERMISSION",
        "USE_MARKETPLACE_ASSETS",
        "USE_PROVIDER",
        "USE_RECIPIENT",
        "USE_SHARE",
    ),
    # Databricks' "Unity Catalog privileges reference" (`_PRIVILEGES_REFERENCE`), rows Catalog and Schema: the
    # securable's own privileges, then those it passes down to the objects inside it. Not CREATE_VIEW: "Privilege
    # CREATE VIEW is not applicable to this entity" (terraform-provider-databricks#2176; PR #2198 removed it, superseded
    # by CREATE_TABLE). Not CREATE_CONNECTION (grants.md:51 lists it for catalogs; the reference, for the metastore).
    "catalog": tuple(
        "ALL_PRIVILEGES APPLY_TAG BROWSE CREATE_SCHEMA USE_CATALOG "
        "CREATE_FUNCTION CREATE_TABLE CREATE_MATERIALIZED_VIEW CREATE_MODEL CREATE_VOLUME EXTERNAL_USE_SCHEMA "
        "READ_VOLUME REFRESH WRITE_VOLUME EXECUTE MANAGE MODIFY SELECT USE_SCHEMA".split()
    ),
    "schema": tuple(
        "ALL_PRIVILEGES APPLY_TAG CREATE_FUNCTION CREATE_TABLE CREATE_MODEL CREATE_VOLUME CREATE_MATERIALIZED_VIEW "
        "MANAGE EXTERNAL_USE_SCHEMA USE_SCHEMA "
        "EXECUTE MODIFY READ_VOLUME REFRESH SELECT WRITE_VOLUME".split()
    ),
    # databricks:docs/resources/grants.md:104
    "table": ("ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "SELECT", "MODIFY"),
    # databricks:docs/resources/grants.md:176
    "volume": ("ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "READ_VOLUME", "WRITE_VOLUME"),
}
"""Unity Catalog privileges by securable type. The provider passes privileges through unchecked; the API refuses
a privilege that does not apply to the securable, at apply."""


def grant_securable(inputs: dict) -> Optional[str]:
    given = [name for name in GRANT_SECURABLES if present(inputs, name)]
    return given[0] if len(given) == 1 else None


def _grant_securable(inputs: dict) -> Optional[str]:
    given = [name for name in GRANT_SECURABLES if present(inputs, name)]
    return None if len(given) == 1 else (f"{', '.join(given)}" if given else "none")


def _grant_privileges(inputs: dict) -> Optional[str]:
    securable = grant_securable(inputs)
    allowed = PRIVILEGES.get(securable or "")
    if allowed is None or not present(inputs, "privileges"):
        return None
    wrong = [privilege for privilege in inputs["privileges"] if privilege not in allowed]
    return f"{', '.join(wrong)} on {securable} {inputs[securable]!r}" if wrong else None


DATABRICKS: dict[str, tuple[Rule, ...]] = {
    SQL_ENDPOINT: (
        required("name", "databricks:sql/resource_sql_endpoint.go:76"),
        custom(
            "name",
            "fewer than 100 characters",
            f'{_WAREHOUSE_API}: name ("Must be less than 100 characters")',
            lambda i: f"{len(i['name'])} characters" if present(i, "name") and len(i["name"]) >= 100 else None,
        ),
        required("clusterSize", "databricks:sql/resource_sql_endpoint.go:64"),
        one_of("clusterSize", CLUSTER_SIZES, "databricks:sql/resource_sql_endpoint.go:17,66-67"),
        custom("autoStopMins", "0 (never) or at least 10 minutes", f"{_WAREHOUSE_API}: auto_stop_mins", _auto_stop),
        between("maxNumClusters", 1, 40, "databricks:sql/resource_sql_endpoint.go:18,73-74"),
        custom(
            "minNumClusters",
            "greater than 0 and at most min(max_num_clusters, 30)",
            f"{_WAREHOUSE_API}: min_num_clusters",
            _min_clusters,
        ),
        one_of("warehouseType", ("PRO", "CLASSIC"), "databricks:sql/resource_sql_endpoint.go:85-87"),
        custom(
            "enableServerlessCompute",
            "serverless needs warehouse_type PRO",
            f"{_WAREHOUSE_API}: warehouse_type",
            lambda i: (
                "true with warehouseType 'CLASSIC'"
                if get(i, "enableServerlessCompute") is True and get(i, "warehouseType") == "CLASSIC"
                else None
            ),
        ),
        one_of(
            "spotInstancePolicy",
            ("COST_OPTIMIZED", "RELIABILITY_OPTIMIZED", "POLICY_UNSPECIFIED"),
            "databricks-sdk 0.162.0 sql.py SpotInstancePolicy",
        ),
        custom("tags.customTags", "fewer than 45 tags", f"{_WAREHOUSE_API}: tags", _tag_count),
        custom(
            "tags.customTags",
            "each tag has a key and a value",
            "databricks:sql/resource_sql_endpoint.go:83-84",
            _tag_fields,
        ),
    ),
    SERVICE_PRINCIPAL: (
        custom(
            "displayName",
            "display_name (Databricks-managed principals) or application_id (Azure-managed)",
            "databricks:docs/resources/service_principal.md:98,103",
            lambda i: (
                "missing, and no applicationId"
                if not present(i, "displayName") and not present(i, "applicationId")
                else None
            ),
        ),
    ),
    OBO_TOKEN: (
        required("applicationId", "databricks:docs/resources/obo_token.md:74; pulumi_databricks/obo_token.py"),
        between("lifetimeSeconds", 1, None, "databricks:docs/resources/obo_token.md:75 (leave it out for no expiry)"),
    ),
    TOKEN: (
        between("lifetimeSeconds", 1, None, "databricks:docs/resources/token.md:57 (leave it out for the maximum)"),
    ),
    PERMISSIONS: (
        required("accessControls", "databricks:permissions/resource_permissions.go:189 (MinItems 1)"),
        size_at_least("accessControls", 1, "databricks:permissions/resource_permissions.go:189"),
        custom(
            "sqlEndpointId",
            "exactly one object argument (sql_endpoint_id, authorization, ...)",
            "databricks:docs/resources/permissions.md:1062-1064; permissions/resource_permissions.go:176-187",
            _permission_object,
        ),
        one_of("authorization", ("tokens", "passwords"), "databricks:docs/resources/permissions.md:1086"),
        custom(
            "accessControls",
            "exactly one of user_name, group_name, service_principal_name per entry",
            "databricks:docs/resources/permissions.md:1109-1113",
            _one_principal_each,
        ),
        custom(
            "accessControls.permissionLevel",
            "a level the object takes",
            "databricks:permissions/permission_definitions.go:537-540,555-557,569-575; "
            "permissions/resource_permissions.go:236-247",
            _permission_levels,
        ),
        custom(
            "accessControls.permissionLevel",
            "a warehouse has one owner, never a group",
            "databricks:docs/resources/permissions.md:731-733",
            _warehouse_owner,
        ),
        custom(
            "accessControls.groupName",
            "admin permissions cannot be changed on tokens or warehouses",
            "databricks:permissions/permission_definitions.go:124-127 (checked at apply only, "
            "permissions/resource_permissions.go:77-80)",
            _admins_listed,
        ),
    ),
    GRANT: (
        required("principal", "databricks:catalog/resource_grant.go:143; pulumi_databricks/grant.py"),
        required("privileges", "databricks:docs/resources/grants.md:21; pulumi_databricks/grant.py"),
        size_at_least("privileges", 1, "databricks:docs/resources/grants.md:21 (one or more privileges)"),
        custom(
            "catalog",
            "exactly one securable (catalog, schema, table, ...)",
            "databricks:catalog/resource_grant.go:151-163",
            _grant_securable,
        ),
        custom(
            "privileges",
            "privileges that apply to the securable type",
            f"{_PRIVILEGES_REFERENCE} for catalogs and schemas; databricks:docs/resources/grants.md:29-33,102-104,"
            "140-142,174-176 for the others; #2176, PR #2198",
            _grant_privileges,
        ),
    ),
    GROUP_MEMBER: (
        required("groupId", "databricks:docs/resources/group_member.md:46"),
        required("memberId", "databricks:docs/resources/group_member.md:47"),
    ),
}
