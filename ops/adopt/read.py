"""Read one dbt Cloud project and its warehouse, through the endpoints dbt Labs' provider itself reads them with.

terraform-provider-dbtcloud, pkg/dbt_cloud/*.go: projects, repositories, account connections, environments,
credentials and environment variables through v3 (`/v3/accounts/{account}/projects/{id}/`,
`.../projects/{p}/repositories/{r}/`, `/connections/{id}/`, `.../projects/{p}/environments/`,
`.../projects/{p}/credentials/{c}/`, `.../projects/{p}/environment-variables/environment/`); jobs and notifications
through v2 (`/jobs/?project_id=`, `/notifications/`); webhooks, Teams notification settings and model notifications as
`read_alerts` says. The warehouse through `databricks-sdk`
(`warehouses.get`). Only what belongs to the named project is kept: other projects' environments, jobs, connections
and the notifications that name none of its jobs are left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..client import DbtCloudClient
from ..errors import ApiError, OpsError, UsageError, sdk_message
from .read_alerts import Alerts, read_alerts

ACTIVE = 1
"""`state` of a live entity (2 is deleted)."""
WAREHOUSE_PATH = "/sql/1.0/warehouses/"


@dataclass
class Live:
    """What the APIs returned for one project: the raw answers, filtered to the project."""

    account_id: int
    host_url: str
    project: dict[str, Any]
    repository: Optional[dict[str, Any]]
    connection: Optional[dict[str, Any]]
    environments: list[dict[str, Any]]
    credentials: dict[int, dict[str, Any]]
    """Environment id -> its Databricks credential."""
    jobs: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    variables: dict[str, dict[str, str]]
    """Variable name -> {`project` or environment name: value}; secret values are masked by the API."""
    warehouse: Optional[dict[str, Any]]
    connection_ids: list[int] = field(default_factory=list)
    """Every connection the project's environments use (the stack holds one)."""
    alerts: Alerts = field(default_factory=Alerts)
    """Webhooks, Teams notification settings and model notifications (`read_alerts`)."""

    @property
    def project_id(self) -> int:
        return int(self.project["id"])

    @property
    def job_ids(self) -> set[int]:
        return {int(job["id"]) for job in self.jobs}


def read(
    client: DbtCloudClient, project_id: int, warehouse_id: Optional[str], workspace: Callable[[Optional[str]], Any]
) -> Live:
    """Everything of project `project_id`; `workspace(host)` builds a Databricks `WorkspaceClient` (the host of the
    connection as fallback when DATABRICKS_HOST is not set)."""
    project = _project(client, project_id)
    repository = None
    if project.get("repository_id"):
        repository = client.get(f"/projects/{project_id}/repositories/{project['repository_id']}/", api="v3")
    environments = [
        e
        for e in client.paginate(f"/projects/{project_id}/environments/", api="v3")
        if e.get("project_id") == project_id and e.get("state", ACTIVE) == ACTIVE
    ]
    connection_ids = _connection_ids(project, environments)
    connection = client.get(f"/connections/{connection_ids[0]}/", api="v3") if connection_ids else None
    credentials = {
        int(e["id"]): client.get(f"/projects/{project_id}/credentials/{e['credentials_id']}/", api="v3")
        for e in environments
        if e.get("type") == "deployment" and e.get("credentials_id")
    }
    environment_ids = {int(e["id"]) for e in environments}
    # A job belongs to the project when it runs in one of its environments (an account may hold jobs of other
    # projects, and the filter parameter is not trusted alone).
    jobs = sorted(
        (
            j
            for j in client.paginate("/jobs/", {"project_id": project_id})
            if j.get("project_id") == project_id
            and j.get("environment_id") in environment_ids
            and j.get("state", ACTIVE) == ACTIVE
        ),
        key=lambda j: j["id"],
    )
    job_ids = {int(j["id"]) for j in jobs}
    notifications = [
        n for n in client.paginate("/notifications/") if n.get("state", ACTIVE) == ACTIVE and _named_jobs(n) & job_ids
    ]
    variables = _variables(client.get(f"/projects/{project_id}/environment-variables/environment/", api="v3"))
    alerts = read_alerts(client, environments, job_ids)
    warehouse = _warehouse(warehouse_id, connection, workspace)
    return Live(
        client.account_id,
        client.host_url,
        project,
        repository,
        connection,
        environments,
        credentials,
        jobs,
        notifications,
        variables,
        warehouse,
        connection_ids,
        alerts,
    )


def _project(client: DbtCloudClient, project_id: int) -> dict[str, Any]:
    try:
        return client.get(f"/projects/{project_id}/", api="v3")
    except ApiError as error:
        if error.status != 404:
            raise
    names = ", ".join(f"{p.get('id')} ({p.get('name')!r})" for p in client.paginate("/projects/", api="v3"))
    raise UsageError(
        f"--project-id {project_id}: no such project in dbt Cloud account {client.account_id} (or the "
        f"token cannot see it); projects there: {names or 'none'}"
    )


def _connection_ids(project: dict[str, Any], environments: list[dict[str, Any]]) -> list[int]:
    """The connections the environments use, the production environment's first (else the project's own)."""
    ordered = sorted(environments, key=lambda e: (e.get("deployment_type") != "production", e.get("id")))
    ids: list[int] = []
    for environment in ordered:
        if environment.get("connection_id") and int(environment["connection_id"]) not in ids:
            ids.append(int(environment["connection_id"]))
    if not ids and project.get("connection_id"):
        ids.append(int(project["connection_id"]))
    return ids


def _named_jobs(notification: dict[str, Any]) -> set[int]:
    return {
        int(job)
        for event in ("on_success", "on_failure", "on_cancel", "on_warning")
        for job in notification.get(event) or []
    }


def _variables(answer: dict[str, Any]) -> dict[str, dict[str, str]]:
    """`{"variables": {NAME: {"project" | environment name: {"id", "value"}}}}` -> NAME -> {where: value}."""
    variables = (answer or {}).get("variables") or {}
    return {
        name: {
            where: (value or {}).get("value")
            for where, value in values.items()
            if (value or {}).get("value") not in (None, "")
        }
        for name, values in sorted(variables.items())
    }


def _warehouse(
    warehouse_id: Optional[str], connection: Optional[dict[str, Any]], workspace: Callable[[Optional[str]], Any]
) -> Optional[dict[str, Any]]:
    config = (connection or {}).get("config") or {}
    if warehouse_id is None:
        path = str(config.get("http_path") or "")
        if not path.startswith(WAREHOUSE_PATH):
            raise UsageError(
                "the project's connection names no SQL warehouse (its HTTP path is "
                f"{path or 'empty'!r}, not /sql/1.0/warehouses/<id>): give --warehouse-id"
            )
        warehouse_id = path[len(WAREHOUSE_PATH) :].strip("/")
    host = f"https://{config['host']}" if config.get("host") and not os.environ.get("DATABRICKS_HOST") else None
    return read_warehouse(workspace(host), warehouse_id)


def read_warehouse(client: Any, warehouse_id: str) -> dict[str, Any]:
    """`GET /api/2.0/sql/warehouses/{id}` through the SDK, as plain data; errors say what to check (exit 5)."""
    from databricks.sdk.errors import DatabricksError, NotFound

    host = getattr(getattr(client, "config", None), "host", None) or "the workspace"
    try:
        return client.warehouses.get(warehouse_id).as_dict()
    except NotFound:
        raise OpsError(
            f"SQL warehouse {warehouse_id} not found in {host}: check DATABRICKS_HOST (the workspace "
            "the dbt Cloud connection points at) or give --warehouse-id",
            exit=UsageError.exit,
        ) from None
    except DatabricksError as error:
        raise ApiError(
            f"Databricks refused reading warehouse {warehouse_id} at {host}: "
            f"{sdk_message(error)}; check DATABRICKS_TOKEN "
            "(or a profile in ~/.databrickscfg)"
        ) from None
    except (OSError, ValueError) as error:
        raise ApiError(f"Databricks unreachable at {host} ({error}); check DATABRICKS_HOST and the network") from None
