"""The Databricks SQL warehouse dbt runs on."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_databricks as databricks

from .fields import NotModelled, Passed, ProviderArguments, passed
from .package import InvalidArgument, one_of, type_token, whole_number
from .rules import auto_stop_problem

# terraform-provider-databricks sql/resource_sql_endpoint.go (defaults); the API's names: databricks-sdk
# `sql.GetWarehouseResponse`.
WAREHOUSE_FIELDS = {
    "name": Passed("name"),
    "size": Passed("cluster_size"),
    "serverless": Passed("enable_serverless_compute", False, given=True),
    "warehouse_type": Passed("warehouse_type", "CLASSIC", given="PRO"),
    "min_clusters": Passed("min_num_clusters", 1, given=1),
    "max_clusters": Passed("max_num_clusters", 1, given=1),
}
"""A `SqlWarehouse`'s arguments handed to the provider as they are."""

WAREHOUSE = ProviderArguments(
    databricks.SqlEndpoint,
    passed=WAREHOUSE_FIELDS,
    by_hand={
        "auto_stop_mins": "autoStopMinutes, always (the provider's 120 when left out)",
        "spot_instance_policy": "spotInstancePolicy; left out for serverless (which ignores it), where the provider "
        "sends its default, COST_OPTIMIZED",
        "tags": "tags, as custom tags",
    },
    not_modelled={
        "channel": NotModelled("a preview channel", {"name": "CHANNEL_NAME_CURRENT"}, drifts=False),
        "customer_version_label": NotModelled("a warehouse version label", drifts=False),
        "data_source_id": NotModelled("the legacy SQL data source (read only)", drifts=False),
        "enable_photon": NotModelled("Photon switched off (the stack keeps the provider's default, on)", True),
        "instance_profile_arn": NotModelled("an AWS instance profile (classic warehouses)"),
        "max_dbu": NotModelled("a cap on DBUs"),
        "no_wait": NotModelled("not waiting for the warehouse to start", drifts=False),
        "provider_config": NotModelled("another workspace than the provider's", drifts=False),
        "reyden_cluster_size_multiplier": NotModelled("a cluster size multiplier", drifts=False),
        "sql_endpoint_id": NotModelled("a chosen warehouse id (Databricks gives one)", drifts=False),
        "statement_timeout": NotModelled("a statement timeout (dbt jobs have their own)"),
    },
)
PROVIDER_ARGUMENTS = (WAREHOUSE,)


class SqlWarehouseArgs(TypedDict):
    """Arguments of `SqlWarehouse`."""

    name: pulumi.Input[str]
    """Warehouse name shown in Databricks."""
    size: pulumi.Input[str]
    """Cluster size: 2X-Small, X-Small, Small, Medium, Large, X-Large, 2X-Large, 3X-Large, 4X-Large or 5X-Large. Each
    step up doubles the DBUs per hour (2X-Small: 4 DBU/h)."""
    auto_stop_minutes: int
    """Idle minutes before the warehouse stops. Required, as Databricks keeps an idle warehouse running for 120 minutes
    when left out. 0 (never stop) only together with `allowNeverStop`; otherwise at least 10."""
    allow_never_stop: NotRequired[bool]
    """Must be true for `autoStopMinutes` 0: the warehouse then runs, and bills, around the clock. Default false."""
    serverless: NotRequired[bool]
    """Serverless compute (needs `warehouseType` PRO); starts in seconds. Default true."""
    warehouse_type: NotRequired[pulumi.Input[str]]
    """PRO or CLASSIC. Default PRO."""
    min_clusters: NotRequired[pulumi.Input[int]]
    """Clusters kept when scaling down, 1-30. Default 1."""
    max_clusters: NotRequired[pulumi.Input[int]]
    """Clusters allowed when scaling up under concurrent queries, 1-40. Default 1."""
    spot_instance_policy: NotRequired[pulumi.Input[str]]
    """COST_OPTIMIZED or RELIABILITY_OPTIMIZED, for classic and pro warehouses (serverless ignores it: it is left out,
    and the provider sends its own default, COST_OPTIMIZED). Default COST_OPTIMIZED."""
    tags: NotRequired[dict[str, pulumi.Input[str]]]
    """Custom tags for cost reports, key -> value, fewer than 45. Default none."""
    import_id: NotRequired[str]
    """Id of an existing warehouse to adopt (import) instead of creating one. Default: create one."""


class SqlWarehouse(pulumi.ComponentResource):
    """A Databricks SQL warehouse (`databricks.SqlEndpoint`) whose connection details feed the dbt Cloud connection.

    Auto-stop is always set explicitly: 0 only when never stopping is asked for, otherwise at least 10 minutes.
    """

    warehouse_id: pulumi.Output[str]
    """The warehouse id."""
    host: pulumi.Output[str]
    """Workspace hostname without scheme: exactly the dbt Cloud connection's `host`."""
    http_path: pulumi.Output[str]
    """`/sql/1.0/warehouses/<id>`: exactly the dbt Cloud connection's `httpPath`."""

    def __init__(self, name: str, args: SqlWarehouseArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(SqlWarehouse, "databricks"), name, None, opts)
        self.endpoint = self._endpoint(name, args)
        self.warehouse_id = self.endpoint.id
        # odbc_params is what the warehouse's "Connection details" tab shows: nobody copies it by hand.
        self.host = self.endpoint.odbc_params.apply(lambda params: params.hostname)
        self.http_path = self.endpoint.odbc_params.apply(lambda params: params.path)
        self.register_outputs({"warehouse_id": self.warehouse_id, "host": self.host, "http_path": self.http_path})

    @staticmethod
    def _check(name: str, args: SqlWarehouseArgs) -> None:
        if args.get("auto_stop_minutes") is None:
            raise InvalidArgument(
                "SqlWarehouse",
                name,
                "autoStopMinutes",
                None,
                "required, in minutes (Databricks would use 120 when left out)",
            )
        minutes = whole_number("SqlWarehouse", name, "autoStopMinutes", args["auto_stop_minutes"])
        problem = auto_stop_problem(minutes, args.get("allow_never_stop", False), args.get("serverless", True))
        if problem:
            raise InvalidArgument("SqlWarehouse", name, "autoStopMinutes", minutes, problem)
        if args.get("serverless", True):
            one_of("SqlWarehouse", name, "warehouseType (serverless)", args.get("warehouse_type", "PRO"), ["PRO"])

    def _endpoint(self, name: str, args: SqlWarehouseArgs) -> databricks.SqlEndpoint:
        serverless = args.get("serverless", True)
        return databricks.SqlEndpoint(
            f"{name}-endpoint",
            # Serverless always explicit (given true): the default differs between workspaces.
            **passed(WAREHOUSE_FIELDS, args),
            # Always explicit: left out, Databricks keeps an idle warehouse running for 120 minutes.
            auto_stop_mins=int(args["auto_stop_minutes"]),
            # Spot instances are a classic/pro matter: serverless compute ignores the policy. Left out, it is not
            # absent: the provider sends its default, COST_OPTIMIZED (sql/resource_sql_endpoint.go:80), so a
            # serverless warehouse shows COST_OPTIMIZED whatever the stack file says.
            spot_instance_policy=None if serverless else args.get("spot_instance_policy", "COST_OPTIMIZED"),
            tags=self._tags(args.get("tags") or {}),
            opts=pulumi.ResourceOptions(parent=self, import_=args.get("import_id")),
        )

    @staticmethod
    def _tags(tags: dict[str, pulumi.Input[str]]) -> Optional[databricks.SqlEndpointTagsArgs]:
        if not tags:
            return None
        return databricks.SqlEndpointTagsArgs(
            custom_tags=[databricks.SqlEndpointTagsCustomTagArgs(key=key, value=value) for key, value in tags.items()]
        )
