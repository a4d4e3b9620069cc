"""The dbt Cloud connection to a Databricks SQL warehouse."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import NotModelled, Passed, ProviderArguments, left_alone, passed
from .package import type_token

CONNECTION_FIELDS = {"name": Passed("name")}
"""A `DatabricksConnection`'s arguments handed to the provider as they are (the rest go into its `databricks`)."""

CONNECTION = ProviderArguments(
    dbtcloud.GlobalConnection,
    passed=CONNECTION_FIELDS,
    by_hand={"databricks": "host, httpPath and catalog"},
    not_modelled={
        **left_alone(
            "another kind of warehouse: this connection is to Databricks",
            "apache_spark",
            "athena",
            "bigquery",
            "clickhouse",
            "fabric",
            "postgres",
            "redshift",
            "salesforce",
            "snowflake",
            "starburst",
            "synapse",
            "teradata",
        ),
        "oauth_configuration_id": NotModelled("OAuth sign-in for developers"),
        "private_link_endpoint_id": NotModelled("a private link to the workspace"),
    },
)
PROVIDER_ARGUMENTS = (CONNECTION,)


class DatabricksConnectionArgs(TypedDict):
    """Arguments of `DatabricksConnection`."""

    name: pulumi.Input[str]
    """Connection name shown in dbt Cloud's account settings."""
    host: pulumi.Input[str]
    """Workspace hostname without scheme (a `SqlWarehouse`'s `host`, the warehouse's `odbc_params.hostname`)."""
    http_path: pulumi.Input[str]
    """The warehouse's HTTP path (a `SqlWarehouse`'s `httpPath`, `/sql/1.0/warehouses/<id>`)."""
    catalog: NotRequired[pulumi.Input[str]]
    """Default Unity Catalog catalog of the connection. Default: none (the workspace's default catalog)."""
    import_id: NotRequired[str]
    """Number of an existing connection to adopt (import) instead of creating one. Default: create one."""


class DatabricksConnection(pulumi.ComponentResource):
    """An account-level dbt Cloud connection (`dbtcloud.GlobalConnection`) to one Databricks SQL warehouse.

    Environments link to it by `connectionId`; the old project-level connection resources were removed from the
    provider in 1.0.
    """

    connection_id: pulumi.Output[int]
    """The connection's number, as an environment's `connectionId` wants it."""

    def __init__(self, name: str, args: DatabricksConnectionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(type_token(DatabricksConnection, "dbtcloud"), name, None, opts)
        self.connection = dbtcloud.GlobalConnection(
            f"{name}-databricks",
            **passed(CONNECTION_FIELDS, args),
            databricks=dbtcloud.GlobalConnectionDatabricksArgs(
                host=args["host"],
                http_path=args["http_path"],
                catalog=args.get("catalog"),
            ),
            opts=pulumi.ResourceOptions(parent=self, import_=args.get("import_id")),
        )
        # A GlobalConnection's Pulumi id is its number as text; dbt Cloud inputs want the integer.
        self.connection_id = self.connection.id.apply(int)
        self.register_outputs({"connection_id": self.connection_id})
