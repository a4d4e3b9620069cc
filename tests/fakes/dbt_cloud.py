"""A fake dbt Cloud Administrative API (v2 and v3) behind a real HTTP server on 127.0.0.1: an account whose runs
progress, fail, get cancelled or never end, with 429 and 5xx answers on demand and pagination.

Answers are shaped from dbt Labs' published specs (`dbt-labs/dbt-cloud-openapi-spec`, `openapi-v2.yaml` and
`openapi-v3.yaml`); the runs and jobs are in `runs.py`, the resources `ops adopt` reads in `projects.py`, webhooks,
Teams notification settings and model notifications in `alerts.py` (the last two through endpoints the specs lack,
shaped as dbt Labs' provider reads them: `outside_spec.py`).

Used by tests/test_ops*.py and tests/test_adopt.py (through pytest-httpserver's server) and by bench/ops_bench.py.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .alerts import AlertsApi
from .envelope import ACCOUNT_ID, BASE_TIME, TOKEN, iso, matches
from .projects import ProjectsApi
from .runs import FakeRun, RunsApi

if TYPE_CHECKING:
    from .spec import Contract

__all__ = ["ACCOUNT_ID", "TOKEN", "FakeDbtCloud", "seed_prod"]


@dataclass(frozen=True)
class Received:
    """One request as the fake received it, headers and body included."""

    method: str
    path: str
    authorization: str
    content_type: str
    body: bytes


class FakeDbtCloud(RunsApi, ProjectsApi, AlertsApi):
    """A dbt Cloud account behind a real HTTP server: projects, environments, jobs and runs that progress."""

    def __init__(
        self,
        server: HTTPServer,
        account_id: int = ACCOUNT_ID,
        token: str = TOKEN,
        contract: Optional["Contract"] = None,
    ):
        self.server = server
        self.contract = contract
        """With dbt Labs' specs (`spec.Contract`): every request and answer is checked against them."""
        self.account_id = account_id
        self.token = token
        self.account = {  # `AccountResponse`: a Team-plan account, not locked
            "id": account_id,
            "name": "Shanghai Transport",
            "plan": "team",
            "state": 1,
            "locked": False,
            "lock_reason": None,
            "lock_cause": None,
            "unlocked_at": None,
            "pending_cancel": False,
            "run_slots": 5,
            "developer_seats": 5,
            "it_seats": 1,
            "explorer_seats": 0,
            "analyst_seats": 0,
            "read_only_seats": 0,
            "billing_email_address": "billing@example.com",
            "pod_memory_request_mebibytes": 600,
            "develop_pod_memory_request_mebibytes": 0,
            "run_duration_limit_seconds": 86400,
            "queue_limit": 50,
            "enterprise_login_slug": None,
            "business_critical": False,
            "starter_repo_url": None,
            "git_auth_level": "team",
            "identifier": f"act_{account_id}",
            "trial_end_date": None,
            "static_subdomain": "ab123",
            "vanity_subdomain": None,
            "run_locked_until": None,
            "copilot_locked_until": None,
            "agent_credit_locked": False,
            "account_migration_events": [],
            "groups": [],
            "created_at": iso(BASE_TIME - timedelta(days=400)),
            "updated_at": iso(BASE_TIME),
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
        self.webhooks: list[dict[str, Any]] = []
        self.notification_settings: list[dict[str, Any]] = []
        self.model_notifications: dict[int, dict[str, Any]] = {}
        self.alert_quirks: set[str] = set()
        self.next_scenario: dict[int, str] = {}
        self.notifications_forbidden = False
        self.failures: list[tuple[str, str, int, dict[str, str]]] = []
        self.hangs: list[tuple[str, str, float]] = []
        self.released = threading.Event()
        self.list_quirks: set[str] = set()
        self.pages_served = 0
        self.run_answer_edit: Optional[Callable[[dict[str, Any]], dict[str, Any]]] = None
        """Applied to every run the fake answers with (a test's odd but spec-valid answers: no `id`, a duration
        `inf:00:00`)."""
        self.requests: list[tuple[float, str, str, dict[str, list[str]]]] = []
        """(time, method, path, query) of every request received."""
        self.received: list[Received] = []
        """What came with each request: its auth header and body."""
        self.lock = threading.Lock()
        self._next_run_id = 70_000_000
        self.clock = time.monotonic
        """What stamps `requests` (the benchmark swaps in its simulated clock)."""
        server.expect_request(re.compile(r"^/api/(v[23]|private)/.*")).respond_with_handler(self.handle)

    # -- set-up helpers -----------------------------------------------------------------------------------------

    @property
    def host_url(self) -> str:
        return self.server.url_for("/api").rstrip("/")

    @property
    def web_url(self) -> str:
        return self.host_url.removesuffix("/api")

    def fail_next(
        self, method: str, path_contains: str, status: int, times: int = 1, headers: Optional[dict[str, str]] = None
    ) -> None:
        """The next `times` matching requests get `status` (e.g. 429 with Retry-After, 500)."""
        for _ in range(times):
            self.failures.append((method, path_contains, status, headers or {}))

    def hang(self, method: str, path_contains: str, seconds: float = 10.0) -> None:
        """The next matching request gets no answer for `seconds` (real time; `release` ends every hang): a slow
        connection. The server answers other requests meanwhile."""
        self.hangs.append((method, path_contains, seconds))

    def release(self) -> None:
        self.released.set()

    def requests_to(self, method: str, pattern: str) -> list[tuple[float, str, str, dict[str, list[str]]]]:
        return [entry for entry in self.requests if entry[1] == method and re.search(pattern, entry[2])]

    # -- the API ------------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Every request: recorded, checked against the spec (refused as a request-validating server would refuse
        it), answered, and the answer checked against the spec too."""
        query = parse_qs(request.query_string.decode())
        with self.lock:
            self.requests.append((self.clock(), request.method, request.path, query))
            self.received.append(
                Received(
                    request.method,
                    request.path,
                    request.headers.get("Authorization", ""),
                    request.mimetype,
                    request.get_data(),
                )
            )
        if self.contract is None:
            return self._answer(request, query)
        refusal = self.contract.check_request(request)
        if refusal is not None:
            return self._status(refusal.status, f"Request refused by the API's spec: {refusal.message}")
        response = self._answer(request, query)
        self.contract.check_response(request, response)
        return response

    def _answer(self, request: Request, query: dict[str, list[str]]) -> Response:
        for index, (method, contains, seconds) in enumerate(self.hangs):
            if method == request.method and contains in request.path:
                del self.hangs[index]
                self.released.wait(seconds)
                break
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
        route = self._route(request.method, path) if version == "v2" else None
        if version == "v3":
            route = self._route_v3(request.method, path)
        route = route or self._route_alerts(version, request.method, path)
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
                self._list(lambda q: [e for e in self.environments if matches(e, q, "project_id")]),
            ),
            ("GET", r"/jobs/", self._list(lambda q: [j for j in self.jobs if matches(j, q, "project_id")])),
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

    def _account(self, query, request) -> Response:
        return self._ok(self.account)


def seed_prod(fake: FakeDbtCloud) -> dict[str, int]:
    """What `pulumi up -s prod` leaves in dbt Cloud: the project, Production, the two jobs."""
    project = fake.add_project("Shanghai Transport DW")
    fake.add_environment(project["id"], "Development", 301, None)
    fake.add_environment(project["id"], "Production", 302, "production")
    fake.add_job(project["id"], 302, "Daily Pipeline - Production", 4001, generate_docs=True)
    fake.add_job(project["id"], 302, "Marts Data Quality - Production", 4002)
    return {"project": project["id"], "daily-pipeline": 4001, "marts-quality": 4002}
