"""The dbt Cloud v2 endpoints the commands use, by name (paths from `openapi-v2.yaml`)."""

from __future__ import annotations

import json
from typing import Any, Iterator, Optional

from .client import DbtCloudClient
from .errors import ApiError
from .runs import Run

RUN_RELATED = json.dumps(["run_steps", "job", "trigger"], separators=(",", ":"))
"""`include_related` as the API documents it for `GET /runs/{id}/` (a JSON list)."""
LIST_RELATED = json.dumps(["trigger"])
"""`GET /runs/` includes `trigger`, `job`, `audit`, `debug_logs`, but not `run_steps`."""


def _run(data: Any, what: str) -> Run:
    """The run in an answer's `data`; an answer without one is an error that says which request it answered."""
    if not isinstance(data, dict):
        raise ApiError(f"dbt Cloud's answer to {what} holds no run ('data' is {json.dumps(data)[:60]})", 200)
    return Run.from_api(data)


def get_run(client: DbtCloudClient, run_id: int, steps: bool = True) -> Run:
    params = {"include_related": RUN_RELATED} if steps else {"include_related": LIST_RELATED}
    run = _run(client.get(f"/runs/{run_id}/", params), f"GET /runs/{run_id}/")
    if run.id is None:
        run.id = run_id  # the run asked for, even if the answer does not repeat its id
    return run


def trigger_run(client: DbtCloudClient, job_id: int, cause: str) -> Run:
    """`POST /jobs/{job_id}/run/` (`TriggerRunRequestRequest`: `cause` is required)."""
    return _run(client.post(f"/jobs/{job_id}/run/", {"cause": cause}), f"POST /jobs/{job_id}/run/")


def cancel_run(client: DbtCloudClient, run_id: int) -> Run:
    """`POST /runs/{run_id}/cancel/` (no body); cancelling twice does no harm, so it is retried like a read."""
    run = _run(client.post(f"/runs/{run_id}/cancel/", idempotent=True), f"POST /runs/{run_id}/cancel/")
    if run.id is None:
        run.id = run_id
    return run


def retry_run(client: DbtCloudClient, run_id: int) -> Run:
    """`POST /runs/{run_id}/retry/` (no body): a new run from the failed step."""
    return _run(client.post(f"/runs/{run_id}/retry/"), f"POST /runs/{run_id}/retry/")


def job_runs(client: DbtCloudClient, job_id: int, limit: Optional[int] = None) -> Iterator[Run]:
    """The job's runs, newest first (items that are not runs at all are skipped)."""
    params = {"job_definition_id": job_id, "order_by": "-id", "include_related": LIST_RELATED}
    for item in client.paginate("/runs/", params, limit=limit):
        if isinstance(item, dict):
            yield Run.from_api(item)


def account(client: DbtCloudClient) -> dict[str, Any]:
    data = client.get("/")
    if not isinstance(data, dict):
        raise ApiError(f"dbt Cloud's answer to GET /accounts/{client.account_id}/ holds no account", 200)
    return data


def projects(client: DbtCloudClient) -> list[dict[str, Any]]:
    return _objects(client.paginate("/projects/"))


def environments(client: DbtCloudClient, project_id: int) -> list[dict[str, Any]]:
    return _objects(client.paginate("/environments/", {"project_id": project_id}))


def jobs(client: DbtCloudClient, project_id: int) -> list[dict[str, Any]]:
    return _objects(client.paginate("/jobs/", {"project_id": project_id}))


def notifications(client: DbtCloudClient) -> list[dict[str, Any]]:
    return _objects(client.paginate("/notifications/"))


def _objects(items: Iterator[Any]) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)]
