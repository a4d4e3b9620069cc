"""The dbt Cloud v2 endpoints the commands use, by name (paths from `openapi-v2.yaml`)."""

from __future__ import annotations

import json
from typing import Any, Iterator, Optional

from .client import DbtCloudClient
from .runs import Run

RUN_RELATED = json.dumps(["run_steps", "job", "trigger"], separators=(",", ":"))
"""`include_related` as the API documents it for `GET /runs/{id}/` (a JSON list)."""
LIST_RELATED = json.dumps(["trigger"])
"""`GET /runs/` includes `trigger`, `job`, `audit`, `debug_logs`, but not `run_steps`."""


def get_run(client: DbtCloudClient, run_id: int, steps: bool = True) -> Run:
    params = {"include_related": RUN_RELATED} if steps else {"include_related": LIST_RELATED}
    return Run.from_api(client.get(f"/runs/{run_id}/", params))


def trigger_run(client: DbtCloudClient, job_id: int, cause: str) -> Run:
    """`POST /jobs/{job_id}/run/` (`TriggerRunRequestRequest`: `cause` is required)."""
    return Run.from_api(client.post(f"/jobs/{job_id}/run/", {"cause": cause}))


def cancel_run(client: DbtCloudClient, run_id: int) -> Run:
    """`POST /runs/{run_id}/cancel/`; cancelling twice does no harm, so it is retried like a read."""
    return Run.from_api(client.post(f"/runs/{run_id}/cancel/", idempotent=True))


def retry_run(client: DbtCloudClient, run_id: int) -> Run:
    """`POST /runs/{run_id}/retry/`: a new run from the failed step."""
    return Run.from_api(client.post(f"/runs/{run_id}/retry/"))


def job_runs(client: DbtCloudClient, job_id: int, limit: Optional[int] = None) -> Iterator[Run]:
    """The job's runs, newest first."""
    params = {"job_definition_id": job_id, "order_by": "-id", "include_related": LIST_RELATED}
    for item in client.paginate("/runs/", params, limit=limit):
        yield Run.from_api(item)


def account(client: DbtCloudClient) -> dict[str, Any]:
    return client.get("/")


def projects(client: DbtCloudClient) -> list[dict[str, Any]]:
    return list(client.paginate("/projects/"))


def environments(client: DbtCloudClient, project_id: int) -> list[dict[str, Any]]:
    return list(client.paginate("/environments/", {"project_id": project_id}))


def jobs(client: DbtCloudClient, project_id: int) -> list[dict[str, Any]]:
    return list(client.paginate("/jobs/", {"project_id": project_id}))


def notifications(client: DbtCloudClient) -> list[dict[str, Any]]:
    return list(client.paginate("/notifications/"))
