"""What Databricks and its provider refuse: SQL warehouses (sizes, auto-stop, clusters, tags, names), Unity Catalog
privileges per securable, who may keep access, service principals by cloud."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Literal, Optional

ClusterSize = Literal[
    "2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large", "5X-Large"
]
"""Warehouse sizes the Databricks API accepts, smallest first."""

API_DEFAULT_AUTO_STOP_MINUTES = 120
"""What Databricks uses when `auto_stop_mins` is left out: the reason this project always sets it."""

MIN_AUTO_STOP_MINUTES_CLASSIC = 10
"""The API's floor for pro and classic warehouses ("0 or >= 10")."""

MIN_AUTO_STOP_MINUTES_SERVERLESS = 10
"""The API's floor for serverless warehouses too: `CreateWarehouseRequest.auto_stop_mins` is "0 or >= 10"
(the UI offers 5 for serverless, but the API the provider calls refuses it)."""

MAX_INT32 = 2**31 - 1
"""The Databricks API's integer fields (`auto_stop_mins`, `max_num_clusters`, ...) are 32-bit."""

SENSIBLE_MAX_AUTO_STOP_MINUTES = API_DEFAULT_AUTO_STOP_MINUTES
"""Above the API's own default the warehouse idles (and bills) longer than Databricks would by itself: warned."""

MAX_MIN_CLUSTERS = 30
MAX_MAX_CLUSTERS = 40
MAX_TAGS = 44
"""Databricks accepts fewer than 45 custom tags on a warehouse."""


@dataclass(frozen=True)
class NameLimit:
    """The longest name a service takes, and where it says so."""

    most: int
    """Characters accepted."""
    source: str
    """Who says so, in words a user can look up."""


WAREHOUSE_NAME = NameLimit(
    99,
    'Databricks: a SQL warehouse name "must be less than 100 characters" (databricks-sdk 0.162.0, sql.py:10061, '
    "WarehousesAPI.create)",
)
UNITY_CATALOG_NAME = NameLimit(
    255,
    'Databricks: Unity Catalog "object names cannot exceed 255 characters" (docs.databricks.com/sql/language-manual/'
    "sql-ref-names)",
)
"""Catalogs and schemas, which dbt's credential and connection name."""
# Not limited here, as no source gives a limit: dbt Cloud's project, environment, job, connection and environment
# variable names (dbt Labs' OpenAPI specs, openapi-v2.yaml and openapi-v3.yaml, give them no maxLength;
# terraform-provider-dbtcloud v1.12.5 validates no length; docs.getdbt.com states none), and a Databricks service
# principal's display name (the SCIM API documents a length for externalId only).


def name_length_problem(name: str, limit: NameLimit) -> Optional[str]:
    """Why a name is longer than the service takes, or None."""
    if len(name) <= limit.most:
        return None
    return f"is {len(name)} characters long; at most {limit.most} are accepted ({limit.source})"


UNITY_CATALOG_FORBIDDEN = {".": "a period", " ": "a space", "/": "a slash"}
"""Characters no Unity Catalog name may hold, "even with back ticks", besides ASCII control characters and DELETE
(docs.databricks.com/sql/language-manual/sql-ref-names: "The following special characters are not allowed")."""


def unity_catalog_name_problem(name: str) -> Optional[str]:
    """Why Databricks refuses `name` for a catalog or schema, or None."""
    for character in name:
        what = UNITY_CATALOG_FORBIDDEN.get(character)
        if what is None and (ord(character) < 0x20 or ord(character) == 0x7F):
            what = "a control character"
        if what is not None:
            fixed = "".join("_" if c in UNITY_CATALOG_FORBIDDEN or ord(c) < 0x20 or ord(c) == 0x7F else c for c in name)
            return (
                f"{name!r} holds {what}, which Unity Catalog names may not (docs.databricks.com/sql/language-manual/"
                f"sql-ref-names); use _ or - instead, e.g. {fixed!r}"
            )
    return name_length_problem(name, UNITY_CATALOG_NAME)


WarehouseType = Literal["PRO", "CLASSIC"]
SpotInstancePolicy = Literal["COST_OPTIMIZED", "RELIABILITY_OPTIMIZED"]
TokenSource = Literal["deploymentToken", "servicePrincipal"]
Cloud = Literal["aws", "gcp", "azure"]
CLOUDS = typing.get_args(Cloud)


def signs_in_itself(cloud: str) -> bool:
    """Whether a service principal on `cloud` makes its own token, signed in as its Entra ID application (Azure, which
    offers no on-behalf-of tokens), rather than having a workspace admin make one for it (`OboToken`: AWS, GCP)."""
    return cloud == "azure"


# Unity Catalog privileges per securable. The names are databricks-sdk's (0.162.0, `catalog.Privilege`, the enum the
# Grants API takes; tests/test_privileges.py holds these lists to it); which securable takes which privilege is
# Databricks' "Unity Catalog privileges reference" (docs.databricks.com/data-governance/unity-catalog/access-control/
# privileges-reference, formerly manage-privileges/privileges), table "What privileges apply to each securable
# object?", rows Catalog and Schema: first the privileges of the securable itself, then those granted on it for the
# objects inside it. The provider passes privileges through unchecked, so a privilege the securable does not have
# fails only at apply: "Privilege CREATE VIEW is not applicable to this entity" (terraform-provider-databricks issue
# #2176; PR #2198 removed CREATE_VIEW, superseded by CREATE_TABLE, which covers views).
CatalogPrivilege = Literal[
    "ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE_SCHEMA", "USE_CATALOG", "CREATE_FUNCTION", "CREATE_TABLE",
    "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "CREATE_VOLUME", "EXTERNAL_USE_SCHEMA", "READ_VOLUME", "REFRESH",
    "WRITE_VOLUME", "EXECUTE", "MANAGE", "MODIFY", "SELECT", "USE_SCHEMA",
]  # fmt: skip
"""Privileges that can be granted on a catalog (from CREATE_FUNCTION on, they apply to everything inside it)."""

SchemaPrivilege = Literal[
    "ALL_PRIVILEGES", "APPLY_TAG", "CREATE_FUNCTION", "CREATE_TABLE", "CREATE_MODEL", "CREATE_VOLUME",
    "CREATE_MATERIALIZED_VIEW", "MANAGE", "EXTERNAL_USE_SCHEMA", "USE_SCHEMA", "EXECUTE", "MODIFY", "READ_VOLUME",
    "REFRESH", "SELECT", "WRITE_VOLUME",
]  # fmt: skip
"""Privileges that can be granted on a schema (no USE_CATALOG, CREATE_SCHEMA or BROWSE: those are a catalog's).
dbt's materialized views need CREATE_MATERIALIZED_VIEW on their schema (or on its catalog), besides USE_SCHEMA."""

PRIVILEGE_HINTS = {
    "CREATE_VIEW": 'Unity Catalog has no CREATE_VIEW privilege on catalogs or schemas ("Privilege CREATE VIEW is not '
    'applicable to this entity"): CREATE_TABLE lets dbt create views too',
    "CREATE_CONNECTION": "CREATE_CONNECTION is granted on the metastore, not on a catalog or schema (Databricks' "
    "Unity Catalog privileges reference); dbt needs no connection of its own",
}
"""Why a privilege people often write is refused, and what to write instead."""

WAREHOUSE_PERMISSION_LEVELS = ("CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "CAN_VIEW", "IS_OWNER")
WarehousePermissionLevel = Literal["CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "CAN_VIEW", "IS_OWNER"]
"""Permission levels of a SQL warehouse (databricks provider, `docs/resources/permissions.md`)."""

TOKEN_PRINCIPAL_PATTERN = re.compile(r"^(group:[^\s].*|user:[^@\s]+@[^@\s]+|servicePrincipal:[0-9a-f-]{36})$")


def access_principal_problem(principal: str) -> Optional[str]:
    """Why `principal` cannot be named among those who keep access (to tokens, to a warehouse), or None.

    `admins` is refused: the provider answers "it is not possible to modify admin permissions" for tokens and SQL
    warehouses, at apply only (terraform-provider-databricks permissions/permission_definitions.go:124-127), and
    admins keep CAN_MANAGE anyway (update/customizers.go:41-58)."""
    if not TOKEN_PRINCIPAL_PATTERN.match(principal):
        return "is not a principal: write group:<name>, user:<email> or servicePrincipal:<application id>"
    if principal == "group:admins":
        return "admins always keep their access and cannot be listed (Databricks refuses to change admin permissions)"
    return None


"""How a Databricks principal is written: who keeps token access, who keeps access to a warehouse."""

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
MAX_SENSIBLE_TOKEN_DAYS = 365


def auto_stop_problem(minutes: int, allow_never_stop: bool, serverless: bool) -> Optional[str]:
    """Why a warehouse's auto-stop is refused, or None: 0 only when never stopping is asked for, else the API floor."""
    if minutes == 0:
        if allow_never_stop:
            return None
        return (
            "autoStopMinutes: 0 means the warehouse never stops and bills around the clock; "
            "set allowNeverStop: true if that is really meant"
        )
    floor = MIN_AUTO_STOP_MINUTES_SERVERLESS if serverless else MIN_AUTO_STOP_MINUTES_CLASSIC
    if minutes < floor:
        kind = "serverless" if serverless else "pro and classic"
        return (
            f"autoStopMinutes must be 0 or at least {floor} for {kind} warehouses (you wrote {minutes}; 0, never "
            "stop, also needs allowNeverStop: true)"
        )
    return None


def privilege_problem(securable: Literal["catalog", "schema"], privilege: str) -> Optional[str]:
    """Why a Unity Catalog privilege cannot be granted on this kind of securable, or None."""
    if privilege in PRIVILEGE_HINTS:
        return PRIVILEGE_HINTS[privilege]
    allowed = typing.get_args(CatalogPrivilege if securable == "catalog" else SchemaPrivilege)
    if privilege not in allowed:
        return f"{privilege!r} cannot be granted on a {securable}: allowed are {', '.join(allowed)}"
    return None


def repeated_privilege(privileges: typing.Iterable[str]) -> Optional[str]:
    """The first privilege listed twice, or None. Databricks keeps each privilege once: the provider holds a grant's
    privileges as a set (terraform-provider-databricks catalog/resource_grant.go:146-149, hashed by name), so a
    repeated one is a slip, not a second grant."""
    seen: set[str] = set()
    for privilege in privileges:
        if privilege in seen:
            return privilege
        seen.add(privilege)
    return None
