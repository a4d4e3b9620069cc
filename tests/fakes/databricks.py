"""A fake Databricks workspace API behind a real HTTP server on 127.0.0.1: the REST paths `databricks-sdk` calls
(`/api/2.0/preview/scim/v2/Me`, `/api/2.1/unity-catalog/catalogs/{name}`, `/api/2.0/sql/config/warehouses`,
`/api/2.0/sql/warehouses`, `GET /api/2.0/sql/warehouses/{id}` as `GetWarehouseResponse`) with the API's error
shape (`{"error_code", "message"}`), which the SDK turns into its typed errors."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DATABRICKS_TOKEN = "dapiFAKE0123456789abcdef0123456789"


class FakeDatabricks:
    """The workspace REST paths the preflight's SDK calls hit, with Databricks' error shape."""

    def __init__(self, server: HTTPServer, token: str = DATABRICKS_TOKEN):
        self.server = server
        self.token = token
        self.user = {
            "id": "8123",
            "userName": "platform@example.com",
            "active": True,
            "groups": [
                {"display": "admins", "value": "1", "type": "direct"},
                {"display": "users", "value": "2", "type": "direct"},
            ],
            "entitlements": [{"value": "allow-cluster-create"}, {"value": "databricks-sql-access"}],
        }
        self.catalogs = {"shanghai_transport"}
        self.serverless_enabled = True
        self.warehouses = [self.warehouse("0123456789abcdef", "dbt-production", "Small")]
        self.requests: list[str] = []
        self.failures: list[tuple[str, int, dict[str, Any]]] = []
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    @property
    def host(self) -> str:
        return self.server.url_for("/").rstrip("/")

    @staticmethod
    def warehouse(
        warehouse_id: str, name: str, size: str, hostname: str = "dbc-a1b2c3d4-e5f6.cloud.databricks.com", **fields: Any
    ) -> dict[str, Any]:
        """A `GetWarehouseResponse` as the SQL warehouses API answers it (`odbc_params` name the real workspace)."""
        path = f"/sql/1.0/warehouses/{warehouse_id}"
        return {
            "id": warehouse_id,
            "name": name,
            "state": "STOPPED",
            "cluster_size": size,
            "auto_stop_mins": 10,
            "enable_serverless_compute": True,
            "warehouse_type": "PRO",
            "min_num_clusters": 1,
            "max_num_clusters": 1,
            "num_clusters": 0,
            "num_active_sessions": 0,
            "enable_photon": True,
            "spot_instance_policy": "COST_OPTIMIZED",
            "channel": {"name": "CHANNEL_NAME_CURRENT"},
            "tags": {},
            "creator_name": "platform@example.com",
            "odbc_params": {"hostname": hostname, "path": path, "port": 443, "protocol": "https"},
            "jdbc_url": f"jdbc:spark://{hostname}:443/default;transportMode=http;httpPath={path}",
            "health": {"status": "HEALTHY"},
            **fields,
        }

    def fail_next(self, path_contains: str, status: int, body: dict[str, Any]) -> None:
        """The next request whose path contains `path_contains` gets `status` and `body` (an error shape of the
        workspace's: `{"error_code", "message"}`, or the SCIM API's `{"schemas", "detail", "status"}`)."""
        self.failures.append((path_contains, status, body))

    @staticmethod
    def scim_error(status: int, detail: str) -> dict[str, Any]:
        """The SCIM API's error body (RFC 7644 3.12): no `scimType` for most errors."""
        return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": detail, "status": str(status)}

    def handle(self, request: Request) -> Response:
        self.requests.append(f"{request.method} {request.path}")
        for index, (contains, status, body) in enumerate(self.failures):
            if contains in request.path:
                del self.failures[index]
                return Response(json.dumps(body), status=status, content_type="application/json")
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _db_error(401, "UNAUTHENTICATED", "Invalid access token.")
        path = request.path
        if path == "/api/2.0/preview/scim/v2/Me":
            return _json({**self.user, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]})
        match = re.fullmatch(r"/api/2\.1/unity-catalog/catalogs/([^/]+)", path)
        if match:
            name = match.group(1)
            if name not in self.catalogs:
                return _db_error(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{name}' does not exist.")
            return _json({"name": name, "owner": "platform@example.com", "catalog_type": "MANAGED_CATALOG"})
        if path == "/api/2.0/sql/config/warehouses":
            return _json(
                {"enable_serverless_compute": self.serverless_enabled, "security_policy": "DATA_ACCESS_CONTROL"}
            )
        if path == "/api/2.0/sql/warehouses":
            return _json({"warehouses": self.warehouses})
        match = re.fullmatch(r"/api/2\.0/sql/warehouses/([^/]+)", path)
        if match and request.method == "GET":
            for warehouse in self.warehouses:
                if warehouse["id"] == match.group(1):
                    return _json(warehouse)
            return _db_error(404, "RESOURCE_DOES_NOT_EXIST", f"Unable to find warehouse {match.group(1)}.")
        return _db_error(404, "ENDPOINT_NOT_FOUND", f"No API found for '{request.method} {path}'")


def _json(body: Any) -> Response:
    return Response(json.dumps(body), status=200, content_type="application/json")


def _db_error(status: int, code: str, message: str) -> Response:
    return Response(
        json.dumps({"error_code": code, "message": message}), status=status, content_type="application/json"
    )
