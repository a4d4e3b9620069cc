"""A dbt Cloud run as the Administrative API v2 returns it, and what its step logs say.

Shapes follow dbt Labs' OpenAPI spec (`dbt-labs/dbt-cloud-openapi-spec`, `openapi-v2.yaml`: `RunResponse`,
`RunStepResponse`, `RunTrigger`): `status` 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled;
durations as `"HH:MM:SS"` strings whose hours can pass 24 (`"24:00:36"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

STATUS_WORDS = {1: "queued", 2: "starting", 3: "running", 10: "success", 20: "error", 30: "cancelled"}
"""Run status codes (spec: `status__in` "1: Queued, 2: Starting, 3: Running, 10: Success, 20: Error, 30: Cancelled")."""
SUCCESS, ERROR, CANCELLED = 10, 20, 30
FINISHED = frozenset({SUCCESS, ERROR, CANCELLED})

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
"""Colour and cursor codes dbt writes into step logs."""
COUNTED_LINE = re.compile(r"(?:^|\s)(\d+) of (\d+) (START|OK|PASS|WARN|ERROR|FAIL|SKIP)\b(.*)$")
"""`12 of 16 OK created sql table model ...`, `3 of 100 PASS not_null_...`, `5 of 100 FAIL 2 unique_...`."""
DONE_LINE = re.compile(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)(?: NO-OP=\d+)? TOTAL=(\d+)")
"""dbt's final summary line (dbt 1.8+ may add `NO-OP=`)."""
DBT_COMMAND = re.compile(
    r"\bdbt\s+(?:--[\w-]+\s+)*(run|test|build|seed|snapshot|docs|source|compile|ls|list|retry|clone)\b"
)


def parse_duration(text: Optional[str]) -> Optional[int]:
    """Seconds in an API duration `"HH:MM:SS"` (hours may exceed 24: `"24:00:36"` is 86,436 s)."""
    if not text:
        return None
    parts = text.strip().split(":")
    try:
        hours, minutes, seconds = (int(float(part)) for part in parts) if len(parts) == 3 else (0, *map(int, parts))
    except ValueError:
        return None
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: Optional[float]) -> str:
    """`HH:MM:SS`, hours unbounded (`24:00:36`), or `-` when unknown."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """An API timestamp (`2026-11-25 02:00:04.123456+00:00` or ISO 8601) as an aware datetime."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


@dataclass
class Counts:
    """Nodes of one kind (models or tests): how many finished of how many, and how they ended."""

    done: int = 0
    total: int = 0
    passed: int = 0
    warned: int = 0
    errored: int = 0
    skipped: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (self.done, self.total, self.passed, self.warned, self.errored, self.skipped)

    @property
    def known(self) -> bool:
        return self.total > 0

    def as_dict(self) -> Optional[dict[str, int]]:
        if not self.known:
            return None
        return {
            "done": self.done,
            "total": self.total,
            "passed": self.passed,
            "warned": self.warned,
            "errored": self.errored,
            "skipped": self.skipped,
        }


@dataclass
class LogCounts:
    models: Counts = field(default_factory=Counts)
    tests: Counts = field(default_factory=Counts)


_RESULT_FIELD = {
    "OK": "passed",
    "PASS": "passed",
    "WARN": "warned",
    "ERROR": "errored",
    "FAIL": "errored",
    "SKIP": "skipped",
}


def step_command(step_name: str) -> Optional[str]:
    """The dbt command a step runs (`Invoke dbt with \\`dbt run --select x\\`` -> `run`), if any."""
    match = DBT_COMMAND.search(step_name or "")
    return match.group(1) if match else None


def parse_step_logs(logs: str, command: Optional[str]) -> LogCounts:
    """Models and tests of one step, from its `N of M` lines and final `Done. PASS= ...` summary.

    `dbt run`/`seed`/`snapshot` count models, `dbt test` tests; `dbt build` mixes both, told apart by what each
    `START` line names. The summary, when present, is authoritative for a single-kind step.
    """
    result = LogCounts()
    if command not in ("run", "test", "build", "seed", "snapshot"):
        return result
    kinds: dict[int, str] = {}
    totals = 0
    finished: dict[int, tuple[str, str]] = {}
    done_line = None
    for raw_line in strip_ansi(logs or "").splitlines():
        line = raw_line.rstrip()
        summary = DONE_LINE.search(line)
        if summary:
            done_line = tuple(int(value) for value in summary.groups())
            continue
        match = COUNTED_LINE.search(line)
        if not match:
            continue
        number, total, word, rest = int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)
        totals = total
        if word == "START":
            kinds[number] = "tests" if re.match(r"\s*(test|unit_test)\b", rest) else "models"
        else:
            finished[number] = (word, rest)
    if command == "build":
        for number, (word, _rest) in finished.items():
            kind = kinds.get(number) or ("tests" if word in ("PASS", "FAIL") else "models")
            _count(getattr(result, kind), word)
        result.models.total = sum(1 for kind in kinds.values() if kind == "models")
        result.tests.total = sum(1 for kind in kinds.values() if kind == "tests")
        if totals and not kinds:
            result.models.total = totals
        return result
    counts = result.tests if command == "test" else result.models
    counts.total = totals
    for word, _ in finished.values():
        _count(counts, word)
    if done_line:
        passed, warned, errored, skipped, total = done_line
        counts.passed, counts.warned, counts.errored, counts.skipped = passed, warned, errored, skipped
        counts.total = total
        counts.done = total
    return result


def _count(counts: Counts, word: str) -> None:
    counts.done += 1
    field_name = _RESULT_FIELD[word]
    setattr(counts, field_name, getattr(counts, field_name) + 1)


@dataclass
class Step:
    """One step of a run (`RunStepResponse`)."""

    index: int
    name: str
    status: int
    logs: str = ""
    started_at: Optional[str] = None
    finished_at: Optional[str] = None

    @property
    def counts(self) -> LogCounts:
        return parse_step_logs(self.logs, step_command(self.name))

    def log_tail(self, lines: int = 30) -> list[str]:
        """The last lines of the step's log, colour codes removed."""
        text = strip_ansi(self.logs or "").rstrip()
        return text.splitlines()[-lines:] if text else []


@dataclass
class Run:
    """One run, from `GET .../runs/{id}/` (or an item of `GET .../runs/`)."""

    id: int
    status: int
    job_id: Optional[int] = None
    status_humanized: str = ""
    status_message: Optional[str] = None
    href: Optional[str] = None
    cause: Optional[str] = None
    created_at: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    duration: Optional[int] = None
    queued_duration: Optional[int] = None
    run_duration: Optional[int] = None
    in_progress: bool = False
    is_complete: bool = False
    can_retry: bool = False
    retry_not_supported_reason: Optional[str] = None
    has_docs_generated: bool = False
    steps: list[Step] = field(default_factory=list)
    steps_known: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "Run":
        trigger = data.get("trigger") or {}
        steps_data = data.get("run_steps")
        return cls(
            id=int(data["id"]),
            status=int(data["status"]),
            job_id=data.get("job_definition_id") or data.get("job_id"),
            status_humanized=data.get("status_humanized") or "",
            status_message=data.get("status_message"),
            href=data.get("href"),
            cause=trigger.get("cause"),
            created_at=data.get("created_at"),
            started_at=data.get("started_at"),
            finished_at=data.get("finished_at"),
            duration=parse_duration(data.get("duration")),
            queued_duration=parse_duration(data.get("queued_duration")),
            run_duration=parse_duration(data.get("run_duration")),
            in_progress=bool(data.get("in_progress")),
            is_complete=bool(data.get("is_complete")),
            can_retry=bool(data.get("can_retry")),
            retry_not_supported_reason=data.get("retry_not_supported_reason"),
            has_docs_generated=bool(data.get("has_docs_generated")),
            steps=[
                Step(
                    index=int(step.get("index") or number),
                    name=step.get("name") or f"step {number}",
                    status=int(step.get("status") or 0),
                    logs=step.get("logs") or "",
                    started_at=step.get("started_at"),
                    finished_at=step.get("finished_at"),
                )
                for number, step in enumerate(steps_data or [], start=1)
            ],
            steps_known=steps_data is not None,
        )

    @property
    def word(self) -> str:
        """`queued`, `starting`, `running`, `success`, `error` or `cancelled`."""
        return STATUS_WORDS.get(self.status, f"status {self.status}")

    @property
    def finished(self) -> bool:
        # The status code decides, not `is_complete` alone: a cancelled run is complete but not a success.
        return self.status in FINISHED

    @property
    def current_step(self) -> Optional[Step]:
        running = [step for step in self.steps if step.status in (1, 2, 3)]
        if running:
            return running[0]
        return self.steps[-1] if self.steps else None

    @property
    def failed_step(self) -> Optional[Step]:
        failed = [step for step in self.steps if step.status == ERROR]
        return failed[0] if failed else None

    @property
    def counts(self) -> LogCounts:
        total = LogCounts()
        for step in self.steps:
            counts = step.counts
            total.models = total.models + counts.models
            total.tests = total.tests + counts.tests
        return total
