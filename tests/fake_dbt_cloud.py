"""A fake dbt Cloud Administrative API v2 and a fake Databricks workspace API, real HTTP servers on 127.0.0.1.

Answers are shaped from dbt Labs' published spec (`dbt-labs/dbt-cloud-openapi-spec`, `openapi-v2.yaml`):
the envelope `ResponseStatus` + `data` + `Extra`/`CustomPagination`, `RunResponse` (status codes, `*_humanized`,
`in_progress`, `is_complete`, `is_success`, `is_error`, `is_cancelled`, durations as "HH:MM:SS" strings, `href`,
`can_retry`, `retry_not_supported_reason`, `trigger`), `RunStepResponse` (`name`, `status`, `logs`), lists with
`limit` (at most 100) and `offset`, `include_related`. The step logs are dbt's console output with its ANSI colour
codes (`N of M START ...`, `N of M OK created ...`, `Done. PASS= WARN= ERROR= SKIP= TOTAL=`).

The Databricks side answers the REST paths `databricks-sdk` calls (`/api/2.0/preview/scim/v2/Me`,
`/api/2.1/unity-catalog/catalogs/{name}`, `/api/2.0/sql/config/warehouses`, `/api/2.0/sql/warehouses`) with the
API's error shape (`{"error_code", "message"}`), which the SDK turns into its typed errors.

For `ops adopt`, the resources dbt Labs' provider reads through v3 (`openapi-v3.yaml`): projects, repositories,
account connections (`config` holding the Databricks `host`, `http_path`, `catalog`), environments, credentials
(`unencrypted_credential_details`, as the provider's Databricks credential reads them: not in the spec), the
environment variables by environment (secret values masked as `**********`, as the spec's example shows); and
through v2 jobs (`HumanReadableJobDefinitionResponse`) and notifications (`JobNotificationSettingsResponse`). The
Databricks side also answers `GET /api/2.0/sql/warehouses/{id}` (`GetWarehouseResponse`).

Used by tests/test_ops*.py and tests/test_adopt.py (through pytest-httpserver's server) and by bench/ops_bench.py.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "dbtc" + "_FAKE_token_0123456789abcdef"  # built, so that no token-shaped text is committed
"""The one token the fake accepts; tests assert it never appears in any output."""
DATABRICKS_TOKEN = "dapiFAKE0123456789abcdef0123456789"
ACCOUNT_ID = 12345

# dbt's terminal colours, as dbt Cloud keeps them in `logs`.
GREEN, RED, YELLOW, RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"
STATUS_HUMANIZED = {1: "Queued", 2: "Starting", 3: "Running", 10: "Success", 20: "Error", 30: "Cancelled"}
BASE_TIME = datetime(2026, 11, 25, 2, 0, 0, tzinfo=timezone.utc)

MODELS = [
    f"analytics.{name}"
    for name in (
        "stg_bus_routes",
        "stg_bus_stops",
        "stg_metro_lines",
        "stg_metro_stations",
        "stg_trips",
        "stg_fares",
        "dim_routes",
        "dim_stops",
        "dim_stations",
        "dim_dates",
        "fct_trips",
        "fct_fares",
        "fct_ridership",
        "mart_daily_ridership",
        "mart_route_performance",
        "mart_station_load",
    )
]


# -- dbt log lines ---------------------------------------------------------------------------------------------


def _stamp(seconds: int) -> str:
    moment = BASE_TIME + timedelta(seconds=seconds)
    return f"{RESET}{moment:%H:%M:%S}  "


def log_header(nodes: str) -> list[str]:
    return [
        _stamp(0) + "Running with dbt=1.9.4",
        _stamp(1) + "Registered adapter: databricks=1.9.7",
        _stamp(3) + f"Found {nodes}, 12 sources, 0 exposures, 0 metrics, 612 macros",
        _stamp(3),
        _stamp(5) + "Concurrency: 8 threads (target='default')",
        _stamp(5),
    ]


def run_log(done: int = 16, error_at: Optional[int] = None, finished: bool = True) -> str:
    """`dbt run` output over the 16 models; `done` of them finished; model `error_at` fails (the rest skip)."""
    total = len(MODELS)
    lines = log_header("16 models, 100 data tests")
    for number, model in enumerate(MODELS[:done], start=1):
        kind = "view" if number <= 6 else "table"
        lines.append(_stamp(5 + number) + f"{number} of {total} START sql {kind} model {model} " + "." * 20 + " [RUN]")
        if error_at is not None and number > error_at:
            lines.append(
                _stamp(5 + number)
                + f"{number} of {total} SKIP relation {model} "
                + "." * 20
                + f" [{YELLOW}SKIP{RESET}]"
            )
        elif number == error_at:
            lines.append(
                _stamp(6 + number)
                + f"{number} of {total} ERROR creating sql {kind} model {model} "
                + "." * 10
                + f" [{RED}ERROR{RESET} in 2.31s]"
            )
        else:
            lines.append(
                _stamp(6 + number)
                + f"{number} of {total} OK created sql {kind} model {model} "
                + "." * 10
                + f" [{GREEN}OK{RESET} in 1.{number:02d}s]"
            )
    if finished:
        errors = 1 if error_at else 0
        skipped = total - error_at if error_at else 0
        passed = total - errors - skipped
        lines += [
            _stamp(30),
            _stamp(30) + "Finished running 6 view models, 10 table models in 0 hours 0 minutes "
            "and 25.40 seconds (25.40s).",
            _stamp(30),
        ]
        if error_at:
            model = MODELS[error_at - 1]
            lines += [
                _stamp(30) + f"{RED}Completed with 1 error, 0 partial successes, and 0 warnings:{RESET}",
                _stamp(30),
                _stamp(30) + f"{RED}Runtime Error in model {model.split('.')[1]} "
                f"(models/facts/{model.split('.')[1]}.sql){RESET}",
                _stamp(30) + "  [TABLE_OR_VIEW_NOT_FOUND] The table or view `shanghai_transport`.`raw`.`trips` "
                "cannot be found. Verify the spelling and correctness of the schema and catalog.",
                _stamp(30),
            ]
        else:
            lines.append(_stamp(30) + f"{GREEN}Completed successfully{RESET}")
            lines.append(_stamp(30))
        lines.append(_stamp(30) + f"Done. PASS={passed} WARN=0 ERROR={errors} SKIP={skipped} TOTAL={total}")
    return "\n".join(lines) + "\n"


def dbt_test_log(done: int = 100, total: int = 100, failures: int = 0, finished: bool = True) -> str:
    """`dbt test` output: `done` of `total` tests finished, the last `failures` of them failing."""
    lines = log_header(f"16 models, {total} data tests")
    for number in range(1, done + 1):
        name = f"not_null_{MODELS[number % 16].split('.')[1]}_id_{number}"
        lines.append(_stamp(40) + f"{number} of {total} START test {name} " + "." * 20 + " [RUN]")
        if number > total - failures:
            lines.append(
                _stamp(41) + f"{number} of {total} FAIL 3 {name} " + "." * 10 + f" [{RED}FAIL 3{RESET} in 0.91s]"
            )
        else:
            lines.append(
                _stamp(41) + f"{number} of {total} PASS {name} " + "." * 10 + f" [{GREEN}PASS{RESET} in 0.42s]"
            )
    if finished:
        lines += [
            _stamp(60),
            _stamp(60) + f"Finished running {total} data tests in 0 hours 0 minutes and 19.80 seconds (19.80s).",
            _stamp(60),
        ]
        summary = (
            f"{GREEN}Completed successfully{RESET}"
            if not failures
            else f"{RED}Completed with {failures} errors, 0 partial successes, and 0 warnings:{RESET}"
        )
        lines.append(_stamp(60) + summary)
        lines.append(_stamp(60) + f"Done. PASS={total - failures} WARN=0 ERROR={failures} SKIP=0 TOTAL={total}")
    return "\n".join(lines) + "\n"


def plain_step_log(text: str) -> str:
    return f"{RESET}{text}\n"


# -- runs ------------------------------------------------------------------------------------------------------

PRE_STEPS = [
    ("Clone git repository", plain_step_log("Cloning into '/tmp/jobs/1/target'...\nSuccessfully cloned repository.")),
    ("Create profile from connection Databricks - Production", plain_step_log("Writing profile")),
    ("Invoke dbt with `dbt deps`", plain_step_log("Running with dbt=1.9.4\nInstalling dbt-labs/dbt_utils")),
]
RUN_STEP = "Invoke dbt with `dbt run --select staging+ dimensions+ facts+ marts+`"
TEST_STEP = "Invoke dbt with `dbt test`"
DOCS_STEP = "Invoke dbt with `dbt docs generate`"


@dataclass
class Phase:
    """What a run looks like at one poll: status code, steps (name, status, logs), message."""

    status: int
    steps: list[tuple[str, int, str]] = field(default_factory=list)
    status_message: Optional[str] = None


def _pre(status_last: int = 10) -> list[tuple[str, int, str]]:
    return [(name, 10, logs) for name, logs in PRE_STEPS[:-1]] + [(PRE_STEPS[-1][0], status_last, PRE_STEPS[-1][1])]


SCENARIOS: dict[str, list[Phase]] = {
    "success": [
        Phase(1),
        Phase(2),
        Phase(3, _pre() + [(RUN_STEP, 3, run_log(done=7, finished=False))]),
        Phase(3, _pre() + [(RUN_STEP, 10, run_log()), (TEST_STEP, 3, dbt_test_log(done=40, finished=False))]),
        Phase(
            10,
            _pre()
            + [
                (RUN_STEP, 10, run_log()),
                (TEST_STEP, 10, dbt_test_log()),
                (DOCS_STEP, 10, plain_step_log("Catalog written to target/catalog.json")),
            ],
        ),
    ],
    "error": [
        Phase(1),
        Phase(3, _pre() + [(RUN_STEP, 3, run_log(done=5, finished=False))]),
        Phase(20, _pre() + [(RUN_STEP, 20, run_log(error_at=11)), (TEST_STEP, 30, ""), (DOCS_STEP, 30, "")]),
    ],
    "test-failures": [
        Phase(3, _pre() + [(RUN_STEP, 3, run_log(done=2, finished=False))]),
        Phase(20, _pre() + [(RUN_STEP, 10, run_log()), (TEST_STEP, 20, dbt_test_log(failures=2))]),
    ],
    "cancelled": [
        Phase(1),
        Phase(3, _pre() + [(RUN_STEP, 3, run_log(done=3, finished=False))]),
        Phase(30, _pre() + [(RUN_STEP, 30, run_log(done=3, finished=False))], "Cancelled by user"),
    ],
    "no-counts": [
        Phase(3, [(PRE_STEPS[0][0], 3, PRE_STEPS[0][1])]),
        Phase(
            10,
            [
                (PRE_STEPS[0][0], 10, PRE_STEPS[0][1]),
                ("Invoke dbt with `dbt source freshness`", 10, plain_step_log("Done.")),
            ],
        ),
    ],
    "forever": [Phase(1), Phase(2), Phase(3, _pre() + [(RUN_STEP, 3, run_log(done=4, finished=False))])],
}
"""Runs' lives, one phase per poll (the last repeats): what the fake answers as a run progresses."""


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00") if moment else None


@dataclass
class FakeRun:
    id: int
    job_id: int
    project_id: int
    environment_id: int
    phases: list[Phase]
    cause: str = "Scheduled"
    created_at: datetime = BASE_TIME
    queued_seconds: int = 4
    run_seconds: int = 95
    position: int = 0
    cancelled: bool = False
    can_retry: Optional[bool] = None
    retry_not_supported_reason: Optional[str] = None
    has_docs_generated: Optional[bool] = None
    ends_at: Optional[float] = None
    """With a `time.monotonic()` value: the run is in its last-but-one phase until then, in its last after
    (a run that ends at a known moment, whoever polls it, for the benchmark)."""

    @property
    def phase(self) -> Phase:
        if self.ends_at is not None and not self.cancelled:
            return self.phases[-1] if time.monotonic() >= self.ends_at else self.phases[-2]
        if self.cancelled:
            current = self.phases[min(self.position, len(self.phases) - 1)]
            return Phase(
                30,
                [(name, 30 if status in (1, 2, 3) else status, logs) for name, status, logs in current.steps],
                "Cancelled by user",
            )
        return self.phases[min(self.position, len(self.phases) - 1)]

    def advance(self) -> None:
        if self.position < len(self.phases) - 1:
            self.position += 1


class FakeDbtCloud:
    """A dbt Cloud account behind a real HTTP server: projects, environments, jobs and runs that progress."""

    def __init__(self, server: HTTPServer, account_id: int = ACCOUNT_ID, token: str = TOKEN):
        self.server = server
        self.account_id = account_id
        self.token = token
        self.account = {
            "id": account_id,
            "name": "Shanghai Transport",
            "plan": "team",
            "locked": False,
            "lock_reason": None,
            "state": 1,
            "run_slots": 5,
            "developer_seats": 5,
        }
        self.projects: list[dict[str, Any]] = []
        self.environments: list[dict[str, Any]] = []
        self.jobs: list[dict[str, Any]] = []
        self.runs: dict[int, FakeRun] = {}
        self.connections: list[dict[str, Any]] = []
        self.repositories: list[dict[str, Any]] = []
        self.credentials: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.variables: dict[int, dict[str, dict[str, str]]] = {}
        """Project id -> variable name -> {`project` or environment name: value}."""
        self.next_scenario: dict[int, str] = {}
        self.notifications_forbidden = False
        self.failures: list[tuple[str, str, int, dict[str, str]]] = []
        self.requests: list[tuple[float, str, str, dict[str, list[str]]]] = []
        self._lock = threading.Lock()
        self._next_run_id = 70_000_000
        self.clock = time.monotonic
        """What stamps `requests` (the benchmark swaps in its simulated clock)."""
        server.expect_request(re.compile(r"^/api/v[23]/.*")).respond_with_handler(self.handle)

    # -- set-up helpers -----------------------------------------------------------------------------------------

    @property
    def host_url(self) -> str:
        return self.server.url_for("/api").rstrip("/")

    @property
    def web_url(self) -> str:
        return self.host_url.removesuffix("/api")

    def add_project(self, name: str, project_id: int = 270542) -> dict[str, Any]:
        project = {
            "id": project_id,
            "name": name,
            "account_id": self.account_id,
            "state": 1,
            "dbt_project_subdirectory": "data_warehouse/dbt",
            "docs_job_id": None,
            "freshness_job_id": None,
            "created_at": _iso(BASE_TIME),
            "updated_at": _iso(BASE_TIME),
        }
        self.projects.append(project)
        return project

    def add_environment(
        self, project_id: int, name: str, env_id: int, deployment_type: Optional[str] = None, **fields: Any
    ) -> dict[str, Any]:
        """An `EnvironmentV3Response`; `deployment_type` None is a development environment unless `type` says
        otherwise (a general deployment environment)."""
        environment = {
            "id": env_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "name": name,
            "type": "deployment" if deployment_type else "development",
            "deployment_type": deployment_type,
            "dbt_version": "latest",
            "raw_dbt_version": "latest",
            "state": 1,
            "use_custom_branch": False,
            "custom_branch": None,
            "connection_id": None,
            "credentials_id": None,
            "extended_attributes_id": None,
            "supports_docs": False,
            "enable_model_query_history": False,
            "is_deferrable": bool(deployment_type),
            "created_at": _iso(BASE_TIME),
            "updated_at": _iso(BASE_TIME),
            **fields,
        }
        self.environments.append(environment)
        return environment

    def add_job(
        self, project_id: int, environment_id: int, name: str, job_id: int, generate_docs: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """A `HumanReadableJobDefinitionResponse` with the API's defaults; `fields` override them."""
        job = {
            "id": job_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "environment_id": environment_id,
            "name": name,
            "description": "",
            "dbt_version": None,
            "generate_docs": generate_docs,
            "run_generate_sources": False,
            "state": 1,
            "execute_steps": ["dbt run", "dbt test"],
            "job_type": "scheduled",
            "triggers": {
                "github_webhook": False,
                "git_provider_webhook": False,
                "schedule": True,
                "on_merge": False,
                "custom_branch_only": False,
            },
            "schedule": {
                "cron": "0 2 * * *",
                "date": {"type": "custom_cron", "cron": "0 2 * * *"},
                "time": {"type": "every_hour", "interval": 1},
            },
            "settings": {"threads": 4, "target_name": "default"},
            "execution": {"timeout_seconds": 0},
            "deferring_environment_id": None,
            "deferring_job_definition_id": None,
            "job_completion_trigger_condition": None,
            "triggers_on_draft_pr": False,
            "run_lint": False,
            "errors_on_lint_failure": True,
            "run_compare_changes": False,
            "compare_changes_flags": "--select state:modified",
            "cost_optimization_features": [],
            "lifecycle_webhooks": False,
            **fields,
        }
        self.jobs.append(job)
        return job

    def add_connection(
        self, connection_id: int, name: str, host: str, http_path: str, catalog: Optional[str] = None
    ) -> dict[str, Any]:
        """An account connection (`AccountConnectionDetail`) to a Databricks SQL warehouse."""
        connection = {
            "id": connection_id,
            "account_id": self.account_id,
            "name": name,
            "adapter_version": "databricks_v0",
            "private_link_endpoint_id": None,
            "is_ssh_tunnel_enabled": False,
            "oauth_configuration_id": None,
            "created_at": _iso(BASE_TIME),
            "updated_at": _iso(BASE_TIME),
            "config": {"host": host, "http_path": http_path, "catalog": catalog, "client_id": None},
        }
        self.connections.append(connection)
        return connection

    def add_repository(self, project_id: int, repository_id: int, remote_url: str, **fields: Any) -> dict[str, Any]:
        """A `RepositoryV3Response` (plus `remote_url`, which the provider reads), linked to its project."""
        repository = {
            "id": repository_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "remote_url": remote_url,
            "git_clone_strategy": "github_app",
            "github_installation_id": None,
            "gitlab_project_id": None,
            "azure_active_directory_project_id": None,
            "azure_active_directory_repository_id": None,
            "deploy_key_id": None,
            "state": 1,
            "remote_backend": "github",
            "full_name": remote_url.split(":")[-1].removesuffix(".git"),
            "created_at": _iso(BASE_TIME),
            "updated_at": _iso(BASE_TIME),
            **fields,
        }
        self.repositories.append(repository)
        for project in self.projects:
            if project["id"] == project_id:
                project["repository_id"] = repository_id
        return repository

    def add_credential(
        self, project_id: int, credential_id: int, schema: str, catalog: Optional[str] = None, threads: int = 4
    ) -> dict[str, Any]:
        """A Databricks credential as `GET .../credentials/{id}/` answers the provider (never with its token)."""
        credential = {
            "id": credential_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "type": "adapter",
            "adapter_version": "databricks_v0",
            "state": 1,
            "threads": threads,
            "target_name": "default",
            "unencrypted_credential_details": {
                "schema": schema,
                "catalog": catalog or "",
                "target_name": "default",
                "threads": threads,
            },
        }
        self.credentials.append(credential)
        return credential

    def add_notification(self, notification_id: int, user_id: int, type_: int = 1, **fields: Any) -> dict[str, Any]:
        """A `JobNotificationSettingsResponse`: `type_` 1 user email, 2 Slack, 4 external email, 5 Slack app."""
        notification = {
            "id": notification_id,
            "account_id": self.account_id,
            "user_id": user_id,
            "type": type_,
            "state": 1,
            "external_email": None,
            "slack_channel_id": None,
            "slack_channel_name": None,
            "on_success": [],
            "on_failure": [],
            "on_cancel": [],
            "on_warning": [],
            **fields,
        }
        self.notifications.append(notification)
        return notification

    def set_variable(self, project_id: int, name: str, values: dict[str, str]) -> None:
        """An environment variable's values: `project` (the default) and environment names."""
        self.variables.setdefault(project_id, {})[name] = dict(values)

    def add_run(self, job_id: int, scenario: str = "success", **fields: Any) -> FakeRun:
        job = self._job(job_id)
        with self._lock:
            self._next_run_id += 1
            run = FakeRun(
                self._next_run_id, job_id, job["project_id"], job["environment_id"], SCENARIOS[scenario], **fields
            )
            self.runs[run.id] = run
        return run

    def add_history(self, job_id: int, count: int, seed: int = 7) -> None:
        """`count` finished runs, one a day back in time, with durations that drift and some > 24 h."""
        import random

        rng = random.Random(seed)
        for index in reversed(range(count)):  # oldest first, so that ids grow with time as in dbt Cloud
            roll = rng.random()
            scenario = "success" if roll < 0.85 else ("error" if roll < 0.95 else "cancelled")
            run_seconds = int(1500 + 4 * (count - index) + rng.gauss(0, 200))
            if index % 250 == 17:
                run_seconds = 86_436  # "24:00:36": a run that took more than a day
            created_at = BASE_TIME - timedelta(days=index, minutes=rng.randint(0, 9))
            run = self.add_run(
                job_id,
                scenario,
                created_at=created_at,
                run_seconds=max(60, run_seconds),
                queued_seconds=rng.randint(1, 90),
                cause="Scheduled" if index % 10 else "Triggered with python -m ops run",
            )
            run.position = len(run.phases) - 1

    def fail_next(
        self, method: str, path_contains: str, status: int, times: int = 1, headers: Optional[dict[str, str]] = None
    ) -> None:
        """The next `times` matching requests get `status` (e.g. 429 with Retry-After, 500)."""
        for _ in range(times):
            self.failures.append((method, path_contains, status, headers or {}))

    def requests_to(self, method: str, pattern: str) -> list[tuple[float, str, str, dict[str, list[str]]]]:
        return [entry for entry in self.requests if entry[1] == method and re.search(pattern, entry[2])]

    # -- the API ------------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        query = parse_qs(request.query_string.decode())
        with self._lock:
            self.requests.append((self.clock(), request.method, request.path, query))
        auth = request.headers.get("Authorization", "")
        if auth not in (f"Token {self.token}", f"Bearer {self.token}"):
            return self._status(401, "Invalid token.")
        for index, (method, contains, status, headers) in enumerate(self.failures):
            if method == request.method and contains in request.path:
                del self.failures[index]
                message = {
                    429: "Too many requests.",
                    403: "You do not have permission to perform this action.",
                    404: "Not found.",
                }.get(status, "Internal server error.")
                return self._status(status, message, headers)
        version = request.path.split("/")[2]
        prefix = f"/api/{version}/accounts/{self.account_id}"
        if not request.path.startswith(prefix + "/"):
            return self._status(404, "Not found.")
        path = request.path[len(prefix) :]
        route = self._route(request.method, path) if version == "v2" else self._route_v3(request.method, path)
        if route is None:
            return self._status(404, "Not found.")
        handler, params = route
        try:
            return handler(query, request, *params)
        except LookupError:
            return self._status(404, "Not found.")

    def _route(self, method: str, path: str):
        table = [
            ("GET", r"/", self._account),
            ("GET", r"/projects/", self._list(lambda q: self.projects)),
            (
                "GET",
                r"/environments/",
                self._list(lambda q: [e for e in self.environments if _matches(e, q, "project_id")]),
            ),
            ("GET", r"/jobs/", self._list(lambda q: [j for j in self.jobs if _matches(j, q, "project_id")])),
            ("GET", r"/notifications/", self._notifications),
            ("GET", r"/runs/", self._runs),
            ("GET", r"/runs/(\d+)/", self._get_run),
            ("POST", r"/jobs/(\d+)/run/", self._trigger),
            ("POST", r"/runs/(\d+)/cancel/", self._cancel),
            ("POST", r"/runs/(\d+)/retry/", self._retry),
        ]
        for route_method, pattern, handler in table:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return handler, [int(group) for group in match.groups()]
        return None

    def _route_v3(self, method: str, path: str):
        """The v3 paths dbt Labs' provider reads projects, repositories, connections, environments, credentials and
        environment variables through (terraform-provider-dbtcloud pkg/dbt_cloud/*.go)."""
        if method != "GET":
            return None
        table = [
            (r"/projects/", self._list(lambda q: self.projects)),
            (r"/projects/(\d+)/", lambda q, r, pid: self._ok(self._one(self.projects, pid))),
            (
                r"/projects/(\d+)/repositories/(\d+)/",
                lambda q, r, pid, rid: self._ok(self._one(self.repositories, rid, pid)),
            ),
            (r"/connections/", self._list(lambda q: self.connections)),
            (r"/connections/(\d+)/", lambda q, r, cid: self._ok(self._one(self.connections, cid))),
            (r"/projects/(\d+)/environments/", self._environments_v3),
            (
                r"/projects/(\d+)/credentials/(\d+)/",
                lambda q, r, pid, cid: self._ok(self._one(self.credentials, cid, pid)),
            ),
            (r"/projects/(\d+)/environment-variables/environment/", self._variables),
        ]
        for pattern, handler in table:
            match = re.fullmatch(pattern, path)
            if match:
                return handler, [int(group) for group in match.groups()]
        return None

    @staticmethod
    def _one(items: list[dict[str, Any]], item_id: int, project_id: Optional[int] = None) -> dict[str, Any]:
        for item in items:
            if item["id"] == item_id and (project_id is None or item.get("project_id") == project_id):
                return item
        raise LookupError(item_id)

    def _environments_v3(self, query, request, project_id: int) -> Response:
        return self._page([e for e in self.environments if e["project_id"] == project_id], query)

    def _variables(self, query, request, project_id: int) -> Response:
        """`EnvVarEnvironmentResponse`: every variable's values by environment name, secret values masked."""
        self._one(self.projects, project_id)
        names = ["project"] + [e["name"] for e in self.environments if e["project_id"] == project_id]
        variables = {}
        for number, (name, values) in enumerate(sorted(self.variables.get(project_id, {}).items())):
            secret = name.startswith("DBT_ENV_SECRET")
            variables[name] = {
                where: {"id": number * 100 + index, "value": "**********" if secret else value}
                for index, (where, value) in enumerate(values.items())
            }
        return self._ok({"environments": names, "variables": variables}, extra={})

    def _account(self, query, request) -> Response:
        return self._ok(self.account)

    def _notifications(self, query, request) -> Response:
        if self.notifications_forbidden:
            return self._status(403, "You do not have permission to perform this action.")
        return self._list(lambda q: self.notifications)(query, request)

    def _list(self, items_for):
        def handler(query, request) -> Response:
            items = items_for(query)
            return self._page(items, query)

        return handler

    def _page(
        self, items: list[Any], query: dict[str, list[str]], order_by: str = "id", render=lambda item: item
    ) -> Response:
        limit = int(query.get("limit", ["100"])[0])
        offset = int(query.get("offset", ["0"])[0])
        if limit > 100 or limit < 1 or offset < 0:
            return self._status(400, "limit must be between 1 and 100, offset 0 or more.")
        page = [render(item) for item in items[offset : offset + limit]]
        return self._ok(
            page,
            extra={
                "filters": {k: v[0] for k, v in query.items() if k not in ("limit", "offset")},
                "order_by": order_by,
                "pagination": {"count": len(page), "total_count": len(items)},
            },
        )

    def _runs(self, query, request) -> Response:
        runs = [
            run for run in self.runs.values() if _matches({"job_definition_id": run.job_id}, query, "job_definition_id")
        ]
        order_by = query.get("order_by", ["id"])[0]
        runs.sort(key=lambda run: run.id, reverse=order_by.startswith("-"))
        related = _related(query)
        return self._page(runs, query, order_by, lambda run: self.run_json(run, related, advance=False))

    def _get_run(self, query, request, run_id: int) -> Response:
        run = self.runs[run_id]
        body = self.run_json(run, _related(query))
        run.advance()
        return self._ok(body)

    def _trigger(self, query, request, job_id: int) -> Response:
        self._job(job_id)
        body = request.get_json(silent=True) or {}
        if not body.get("cause"):
            return self._status(400, "cause: This field is required.")
        run = self.add_run(
            job_id,
            self.next_scenario.get(job_id, "success"),
            cause=body["cause"],
            created_at=datetime.now(timezone.utc),
        )
        return self._ok(self.run_json(run, set(), advance=False))

    def _cancel(self, query, request, run_id: int) -> Response:
        run = self.runs[run_id]
        if run.phase.status not in (10, 20, 30):
            run.cancelled = True
        return self._ok(self.run_json(run, set(), advance=False))

    def _retry(self, query, request, run_id: int) -> Response:
        run = self.runs[run_id]
        body = self.run_json(run, set(), advance=False)
        if not body["can_retry"]:
            return self._status(400, f"Run {run_id} cannot be retried: {body['retry_not_supported_reason']}.")
        new = self.add_run(
            run.job_id,
            self.next_scenario.get(run.job_id, "success"),
            cause=f"Retry of run {run_id}",
            created_at=datetime.now(timezone.utc),
        )
        return self._ok(self.run_json(new, set(), advance=False))

    def _job(self, job_id: int) -> dict[str, Any]:
        for job in self.jobs:
            if job["id"] == job_id:
                return job
        raise LookupError(job_id)

    def run_json(self, run: FakeRun, related: set[str], advance: bool = False) -> dict[str, Any]:
        """A `RunResponse` for the run's current phase."""
        phase = run.phase
        status = phase.status
        done = status in (10, 20, 30)
        started = run.created_at + timedelta(seconds=run.queued_seconds) if status >= 3 else None
        finished = started + timedelta(seconds=run.run_seconds) if done and started else None
        if done and not started:
            started = run.created_at + timedelta(seconds=run.queued_seconds)
            finished = started
        can_retry = run.can_retry if run.can_retry is not None else status == 20
        reason = run.retry_not_supported_reason or (
            None if can_retry else "RETRY_NOT_FAILED_RUN" if status != 20 else None
        )
        data: dict[str, Any] = {
            "id": run.id,
            "trigger_id": run.id + 1_000_000,
            "account_id": self.account_id,
            "environment_id": run.environment_id,
            "project_id": run.project_id,
            "job_definition_id": run.job_id,
            "job_id": run.job_id,
            "status": status,
            "dbt_version": "latest",
            "git_branch": "main",
            "git_sha": "3f9e1c2a7b",
            "status_message": phase.status_message,
            "owner_thread_id": None,
            "executed_by_thread_id": "dbt-run-7c9f",
            "deferring_run_id": None,
            "artifacts_saved": done,
            "artifact_s3_path": f"prod-us-c1/runs/{run.id}/artifacts/target" if done else None,
            "has_docs_generated": run.has_docs_generated if run.has_docs_generated is not None else status == 10,
            "has_sources_generated": False,
            "notifications_sent": done,
            "blocked_by": [],
            "created_at": _iso(run.created_at),
            "updated_at": _iso(finished or run.created_at),
            "dequeued_at": _iso(started),
            "started_at": _iso(started),
            "finished_at": _iso(finished),
            "last_checked_at": None,
            "last_heartbeat_at": None,
            "should_start_at": None,
            "trigger": {
                "cause": run.cause,
                "job_definition_id": run.job_id,
                "git_branch": None,
                "git_sha": None,
                "schema_override": None,
                "steps_override": None,
                "cause_category": "scheduled" if run.cause == "Scheduled" else "api",
            },
            "status_humanized": STATUS_HUMANIZED[status],
            "in_progress": not done,
            "is_complete": done,
            "is_success": status == 10,
            "is_error": status == 20,
            "is_cancelled": status == 30,
            "is_running": status == 3,
            "duration": hms(run.queued_seconds + (run.run_seconds if done else 0)),
            "queued_duration": hms(run.queued_seconds),
            "run_duration": hms(run.run_seconds if done else 0),
            "duration_humanized": f"{run.run_seconds // 60} minutes",
            "queued_duration_humanized": "a few seconds",
            "run_duration_humanized": f"{run.run_seconds // 60} minutes",
            "created_at_humanized": "1 day ago",
            "finished_at_humanized": "1 day ago" if done else "0 minutes from now",
            "retrying_run_id": None,
            "can_retry": can_retry,
            "retry_not_supported_reason": reason,
            "href": f"{self.web_url}/deploy/{self.account_id}/projects/{run.project_id}/runs/{run.id}/",
            "used_repo_cache": None,
        }
        if "run_steps" in related:
            data["run_steps"] = [
                {
                    "id": run.id * 10 + index,
                    "run_id": run.id,
                    "account_id": self.account_id,
                    "index": index,
                    "status": step_status,
                    "name": name,
                    "logs": logs,
                    "debug_logs": "",
                    "truncated_debug_logs": "",
                    "status_humanized": STATUS_HUMANIZED[step_status],
                    "status_color": {10: "#3dbd5c", 20: "#fe4141"}.get(step_status, "#d2d2d2"),
                    "duration": "00:00:12",
                    "duration_humanized": "12 seconds",
                    "started_at": _iso(started),
                    "finished_at": _iso(finished) if step_status in (10, 20, 30) else None,
                    "created_at": _iso(run.created_at),
                    "updated_at": _iso(run.created_at),
                    "run_step_command": None,
                    "run_step_invocation": None,
                }
                for index, (name, step_status, logs) in enumerate(phase.steps, start=1)
            ]
        if "job" in related:
            data["job"] = self._job(run.job_id)
        return data

    # -- envelope -----------------------------------------------------------------------------------------------

    def _ok(self, data: Any, extra: Optional[dict[str, Any]] = None) -> Response:
        body: dict[str, Any] = {
            "status": {"code": 200, "is_success": True, "user_message": "Success!", "developer_message": ""},
            "data": data,
        }
        if extra is not None:
            body["extra"] = extra
        return Response(json.dumps(body), status=200, content_type="application/json")

    def _status(self, code: int, message: str, headers: Optional[dict[str, str]] = None) -> Response:
        body = {
            "status": {"code": code, "is_success": False, "user_message": message, "developer_message": ""},
            "data": None,
        }
        return Response(json.dumps(body), status=code, content_type="application/json", headers=headers or {})


def _matches(item: dict[str, Any], query: dict[str, list[str]], key: str) -> bool:
    return key not in query or str(item.get(key)) == query[key][0]


def _related(query: dict[str, list[str]]) -> set[str]:
    """`include_related` as a JSON list (`["run_steps","job"]`) or comma-separated."""
    text = query.get("include_related", [""])[0]
    try:
        value = json.loads(text)
        return set(value) if isinstance(value, list) else {str(value)}
    except ValueError:
        return {part.strip() for part in text.split(",") if part.strip()}


def seed_prod(fake: FakeDbtCloud) -> dict[str, int]:
    """What `pulumi up -s prod` leaves in dbt Cloud: the project, Production, the two jobs."""
    project = fake.add_project("Shanghai Transport DW")
    fake.add_environment(project["id"], "Development", 301, None)
    fake.add_environment(project["id"], "Production", 302, "production")
    fake.add_job(project["id"], 302, "Daily Pipeline - Production", 4001, generate_docs=True)
    fake.add_job(project["id"], 302, "Marts Data Quality - Production", 4002)
    return {"project": project["id"], "daily-pipeline": 4001, "marts-quality": 4002}


# -- Databricks ------------------------------------------------------------------------------------------------


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

    def handle(self, request: Request) -> Response:
        self.requests.append(f"{request.method} {request.path}")
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


# -- a setup made by hand, for `ops adopt` ----------------------------------------------------------------------

WORKSPACE_HOST = "dbc-a1b2c3d4-e5f6.cloud.databricks.com"
"""The workspace the hand-made connection names (the fake Databricks API answers for it on 127.0.0.1)."""


def seed_hand_made(
    fake: FakeDbtCloud,
    databricks: Optional["FakeDatabricks"] = None,
    project_id: int = 270542,
    name: str = "Shanghai Transport DW",
) -> dict[str, int]:
    """The click-through guide, done by hand: project and GitHub repository, the Databricks connection, Development
    and Production environments, the daily job and a job chained on it, email and Slack notifications, two
    environment variables (one secret), and the SQL warehouse."""
    warehouse_id = "0123456789abcdef"
    project = fake.add_project(name, project_id)
    project.update(description="Shanghai public transport data warehouse", connection_id=None)
    fake.add_repository(
        project_id, 345678, "git@github.com:shanghai-data/shanghai-transport-dw.git", github_installation_id=10000001
    )
    fake.add_connection(
        456789, "Databricks - Production", WORKSPACE_HOST, f"/sql/1.0/warehouses/{warehouse_id}", "shanghai_transport"
    )
    fake.add_environment(project_id, "Development", 234566, None, connection_id=456789)
    fake.add_environment(project_id, "Production", 234567, "production", connection_id=456789, credentials_id=567890)
    fake.add_credential(project_id, 567890, "analytics", "shanghai_transport", threads=8)
    fake.add_job(
        project_id,
        234567,
        "Daily Pipeline - Production",
        678901,
        generate_docs=True,
        description="Builds and tests every model each night, then generates the docs.",
        execute_steps=["dbt run --select staging+ dimensions+ facts+ marts+", "dbt test"],
        run_generate_sources=True,
        settings={"threads": 8, "target_name": "default"},
        execution={"timeout_seconds": 3600},
    )
    fake.add_job(
        project_id,
        234567,
        "Marts Data Quality - Production",
        678902,
        job_type="other",
        execute_steps=["dbt test --select marts --store-failures"],
        triggers={
            "github_webhook": False,
            "git_provider_webhook": False,
            "schedule": False,
            "on_merge": False,
            "custom_branch_only": False,
        },
        schedule={"cron": "0 * * * *", "date": {"type": "every_day"}, "time": {"type": "every_hour", "interval": 1}},
        job_completion_trigger_condition={"condition": {"job_id": 678901, "project_id": project_id, "statuses": [10]}},
        execution={"timeout_seconds": 1800},
    )
    fake.add_notification(9001, 100001, 1, on_failure=[678901, 678902])
    fake.add_notification(
        9002,
        100001,
        2,
        slack_channel_id="C0123456789",
        slack_channel_name="#data-alerts",
        on_failure=[678901, 678902],
        on_cancel=[678901],
    )
    fake.set_variable(
        project_id, "DBT_TARGET_CATALOG", {"project": "shanghai_transport", "Production": "shanghai_transport"}
    )
    fake.set_variable(project_id, "DBT_ENV_SECRET_GIT_TOKEN", {"Production": "ghp_not_readable"})
    if databricks is not None:
        databricks.warehouses = [
            databricks.warehouse(
                warehouse_id,
                "dbt-production",
                "Small",
                WORKSPACE_HOST,
                max_num_clusters=2,
                tags={
                    "custom_tags": [{"key": "team", "value": "data-platform"}, {"key": "managed-by", "value": "hand"}]
                },
            )
        ]
    return {"project": project_id, "warehouse": warehouse_id}
