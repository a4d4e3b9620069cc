"""The dbt Cloud connection to a Databricks SQL warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings import ConnectionSettings


@dataclass
class DatabricksConnectionArgs:
    """Arguments of `DatabricksConnection`."""

    settings: ConnectionSettings
    """Connection name and default catalog."""
    host: pulumi.Input[str]
    """Workspace hostname without scheme (the warehouse's `odbc_params.hostname`)."""
    http_path: pulumi.Input[str]
    """The warehouse's HTTP path (its `odbc_params.path`)."""
    import_id: Optional[str] = None
    """Adopt this existing connection instead of creating one."""


class DatabricksConnection(pulumi.ComponentResource):
    """An account-level dbt Cloud connection (`GlobalConnection`) to one warehouse.

    Environments link to it by `connection_id`; the old project-level connection resources were removed
    from the provider in 1.0.
    """

    connection_id: pulumi.Output[int]
    """The connection's number, as `Environment.connection_id` wants it."""

    def __init__(self, name: str, args: DatabricksConnectionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:DatabricksConnection", name, None, opts)
        self.connection = dbtcloud.GlobalConnection(
            f"{name}-databricks",
            name=args.settings.name,
            databricks=dbtcloud.GlobalConnectionDatabricksArgs(
                host=args.host,
                http_path=args.http_path,
                catalog=args.settings.catalog,
            ),
            opts=pulumi.ResourceOptions(parent=self, import_=args.import_id),
        )
        # A GlobalConnection's Pulumi id is its number as text; dbt Cloud inputs want the integer.
        self.connection_id = self.connection.id.apply(int)
        self.register_outputs({"connection_id": self.connection_id})
