"""The fake dbt Cloud's v2 runs and jobs (`openapi-v2.yaml`): `HumanReadableJobDefinitionResponse`, and runs that
progress one phase per poll (`RunResponse`: status codes, `*_humanized`, `in_progress`, `is_complete`, durations as
"HH:MM:SS" strings, `href`, `can_retry`, `retry_not_supported_reason`, `trigger`; `RunStepResponse` with dbt's
logs), triggered, cancelled and retried."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from werkzeug import Response

from .envelope import BASE_TIME, Envelope, iso, matches, related
from .logs import DOCS_STEP, PRE_STEPS, RUN_STEP, TEST_STEP, dbt_test_log, plain_step_log, run_log

STATUS_HUMANIZED = {1: "Queued", 2: "Starting", 3: "Running", 10: "Success", 20: "Error", 30: "Cancelled"}


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


class RunsApi(Envelope):
    """Jobs and their runs: set-up helpers and the v2 handlers."""

    jobs: list[dict[str, Any]]
    runs: dict[int, FakeRun]
    next_scenario: dict[int, str]
    web_url: str
    run_answer_edit: Optional[Callable[[dict[str, Any]], dict[str, Any]]]

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
            "lifecycle_webhooks_url": None,
            "raw_dbt_version": "latest",
            "is_deferrable": False,
            "run_failure_count": 0,
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            **fields,
        }
        self.jobs.append(job)
        return job

    def add_run(self, job_id: int, scenario: str = "success", **fields: Any) -> FakeRun:
        job = self._job(job_id)
        with self.lock:
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

    def _runs(self, query, request) -> Response:
        runs = [
            run for run in self.runs.values() if matches({"job_definition_id": run.job_id}, query, "job_definition_id")
        ]
        order_by = query.get("order_by", ["id"])[0]
        runs.sort(key=lambda run: run.id, reverse=order_by.startswith("-"))
        included = related(query)
        return self._page(runs, query, order_by, lambda run: self.run_json(run, included, advance=False))

    def _get_run(self, query, request, run_id: int) -> Response:
        run = self.runs[run_id]
        body = self.run_json(run, related(query))
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
        if not body.get("can_retry"):
            return self._status(400, f"Run {run_id} cannot be retried: {body.get('retry_not_supported_reason')}.")
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
            "created_at": iso(run.created_at),
            "updated_at": iso(finished or run.created_at),
            "dequeued_at": iso(started),
            "started_at": iso(started),
            "finished_at": iso(finished),
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
                    "started_at": iso(started),
                    "finished_at": iso(finished) if step_status in (10, 20, 30) else None,
                    "created_at": iso(run.created_at),
                    "updated_at": iso(run.created_at),
                    "run_step_command": None,
                    "run_step_invocation": None,
                }
                for index, (name, step_status, logs) in enumerate(phase.steps, start=1)
            ]
        if "job" in related:
            data["job"] = internal_job(self._job(run.job_id))
        return self.run_answer_edit(data) if self.run_answer_edit is not None else data


INTERNAL_JOB_FIELDS = frozenset(
    "account_id project_id environment_id name dbt_version deferring_environment_id deferring_job_definition_id "
    "description execute_steps execution generate_docs job_type lifecycle_webhooks run_compare_changes "
    "compare_changes_flags run_generate_sources run_lint errors_on_lint_failure cost_optimization_features settings "
    "state triggers_on_draft_pr triggers".split()
)


def internal_job(job: dict[str, Any]) -> dict[str, Any]:
    """A job as a run includes it (`include_related=["job"]`: `InternalJobDefinition`, its schedule's date and time
    as their type names)."""
    schedule = job.get("schedule") or {}
    internal = {key: value for key, value in job.items() if key in INTERNAL_JOB_FIELDS}
    internal["id"] = job["id"]
    internal["schedule"] = {
        "cron": schedule.get("cron"),
        "date": (schedule.get("date") or {}).get("type"),
        "time": (schedule.get("time") or {}).get("type"),
    }
    return internal
