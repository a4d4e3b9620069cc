"""The Databricks SQL warehouse dbt runs on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_databricks as databricks

from settings import WarehouseSettings


@dataclass
class SqlWarehouseArgs:
    """Arguments of `SqlWarehouse`."""

    settings: WarehouseSettings
    """Size, auto-stop, scaling, serverless flag and tags, already validated."""
    import_id: Optional[str] = None
    """Adopt this existing warehouse instead of creating one."""


class SqlWarehouse(pulumi.ComponentResource):
    """A Databricks SQL warehouse whose connection details feed the dbt Cloud connection directly."""

    warehouse_id: pulumi.Output[str]
    """The warehouse id."""
    host: pulumi.Output[str]
    """Workspace hostname without scheme: exactly the dbt Cloud connection's `host`."""
    http_path: pulumi.Output[str]
    """`/sql/1.0/warehouses/<id>`: exactly the dbt Cloud connection's `http_path`."""

    def __init__(self, name: str, args: SqlWarehouseArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:databricks:SqlWarehouse", name, None, opts)
        self.endpoint = self._endpoint(name, args.settings, args.import_id)
        self.warehouse_id = self.endpoint.id
        # odbc_params is what the warehouse's "Connection details" tab shows: nobody copies it by hand.
        self.host = self.endpoint.odbc_params.apply(lambda params: params.hostname)
        self.http_path = self.endpoint.odbc_params.apply(lambda params: params.path)
        self.register_outputs({"warehouse_id": self.warehouse_id, "host": self.host, "http_path": self.http_path})

    def _endpoint(self, name: str, settings: WarehouseSettings, import_id: Optional[str]) -> databricks.SqlEndpoint:
        return databricks.SqlEndpoint(
            f"{name}-endpoint",
            name=settings.name,
            cluster_size=settings.size,
            # Always explicit: left out, Databricks keeps an idle warehouse running for 120 minutes.
            auto_stop_mins=settings.auto_stop_minutes,
            # Always explicit too: the default differs between workspaces.
            enable_serverless_compute=settings.serverless,
            warehouse_type=settings.warehouse_type,
            min_num_clusters=settings.min_clusters,
            max_num_clusters=settings.max_clusters,
            # Spot instances are a classic/pro matter: serverless compute ignores the policy.
            spot_instance_policy=None if settings.serverless else settings.spot_instance_policy,
            tags=self._tags(settings.tags),
            opts=pulumi.ResourceOptions(parent=self, import_=import_id),
        )

    @staticmethod
    def _tags(tags: dict[str, str]) -> Optional[databricks.SqlEndpointTagsArgs]:
        if not tags:
            return None
        return databricks.SqlEndpointTagsArgs(
            custom_tags=[databricks.SqlEndpointTagsCustomTagArgs(key=key, value=value) for key, value in tags.items()]
        )
