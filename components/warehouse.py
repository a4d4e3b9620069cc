"""The Databricks SQL warehouse dbt runs on."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_databricks as databricks

from .package import InvalidArgument, one_of, type_token, whole_number
from .rules import auto_stop_problem


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
    """COST_OPTIMIZED or RELIABILITY_OPTIMIZED, for classic and pro warehouses (serverless ignores it, so it is not
    sent). Default COST_OPTIMIZED."""
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
            name=args["name"],
            cluster_size=args["size"],
            # Always explicit: left out, Databricks keeps an idle warehouse running for 120 minutes.
            auto_stop_mins=int(args["auto_stop_minutes"]),
            # Always explicit too: the default differs between workspaces.
            enable_serverless_compute=serverless,
            warehouse_type=args.get("warehouse_type", "PRO"),
            min_num_clusters=args.get("min_clusters", 1),
            max_num_clusters=args.get("max_clusters", 1),
            # Spot instances are a classic/pro matter: serverless compute ignores the policy.
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
