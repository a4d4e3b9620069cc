"""A dbt Cloud run as the Administrative API v2 returns it, and what its step logs say.

Shapes follow dbt Labs' OpenAPI spec (`dbt-labs/dbt-cloud-openapi-spec`, `openapi-v2.yaml`: `RunResponse`,
`RunStepResponse`, `RunTrigger`): `status` 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled;
durations as `"HH:MM:SS"` strings whose hours can pass 24 (`"24:00:36"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

STATUS_WORDS = {1: "queued", 2: "starting", 3: "running", 10: "success", 20: "error", 30: "cancelled"}
"""Run status codes (spec: `status__in` "1: Queued, 2: Starting, 3: Running, 10: Success, 20: Error, 30: Cancelled")."""
SUCCESS, ERROR, CANCELLED = 10, 20, 30
UNKNOWN = 0
"""A run whose answer says neither its `status` nor how it stands (`is_success`, `is_running`, ...)."""
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


DURATION = re.compile(r"^(?:(\d+) days?, )?(\d+):(\d{1,2}):(\d{1,2})(?:\.\d+)?$")
"""`HH:MM:SS` (hours past 24 allowed), with fractions of a second, or Python's `1 day, 0:00:36`."""


def parse_duration(text: Any) -> Optional[int]:
    """Seconds in an API duration `"HH:MM:SS"` (hours may exceed 24: `"24:00:36"` is 86,436 s; `"1 day, 0:00:36"`
    too), or None for anything else (`"inf:00:00"`, `"soon"`, a number, null)."""
    if not isinstance(text, str):
        return None
    match = DURATION.match(text.strip())
    if not match:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if minutes >= 60 or seconds >= 60:
        return None
    return days * 86400 + hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: Optional[float]) -> str:
    """`HH:MM:SS`, hours unbounded (`24:00:36`), or `-` when unknown."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def parse_time(text: Any) -> Optional[datetime]:
    """An API timestamp (`2026-11-25 02:00:04.123456+00:00` or ISO 8601) as an aware datetime (UTC when the text
    names no zone), or None when there is none or it does not read."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


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
    """One run, from `GET .../runs/{id}/` (or an item of `GET .../runs/`). Every field is optional in the spec
    (`RunResponse` requires only `created_at` and `updated_at`) and the service writes null for what it lacks: a
    missing or odd value reads as unknown (`id` None, `status` 0 when neither it nor the `is_*` flags say)."""

    id: Optional[int]
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
        trigger = data.get("trigger") if isinstance(data.get("trigger"), dict) else {}
        steps_data = data.get("run_steps") if isinstance(data.get("run_steps"), list) else None
        return cls(
            id=_integer(data.get("id")),
            status=_status(data),
            job_id=_integer(data.get("job_definition_id")) or _integer(data.get("job_id")),
            status_humanized=_text(data.get("status_humanized")) or "",
            status_message=_text(data.get("status_message")),
            href=_text(data.get("href")),
            cause=_text(trigger.get("cause")),
            created_at=_text(data.get("created_at")),
            started_at=_text(data.get("started_at")),
            finished_at=_text(data.get("finished_at")),
            duration=parse_duration(data.get("duration")),
            queued_duration=parse_duration(data.get("queued_duration")),
            run_duration=parse_duration(data.get("run_duration")),
            in_progress=data.get("in_progress") is True,
            is_complete=data.get("is_complete") is True,
            can_retry=data.get("can_retry") is True,
            retry_not_supported_reason=_text(data.get("retry_not_supported_reason")),
            has_docs_generated=data.get("has_docs_generated") is True,
            steps=[
                Step(
                    index=_integer(step.get("index")) or number,
                    name=_text(step.get("name")) or f"step {number}",
                    status=_integer(step.get("status")) or 0,
                    logs=_text(step.get("logs")) or "",
                    started_at=_text(step.get("started_at")),
                    finished_at=_text(step.get("finished_at")),
                )
                for number, step in enumerate(steps_data or [], start=1)
                if isinstance(step, dict)
            ],
            steps_known=steps_data is not None,
        )

    @property
    def label(self) -> str:
        """`run 123`, or `a run` when the answer named no id."""
        return f"run {self.id}" if self.id is not None else "a run (its id not given)"

    @property
    def word(self) -> str:
        """`queued`, `starting`, `running`, `success`, `error` or `cancelled` (`unknown` when not said)."""
        if self.status == UNKNOWN:
            return "complete (outcome not given)" if self.is_complete else "unknown"
        return STATUS_WORDS.get(self.status, f"status {self.status}")

    @property
    def finished(self) -> bool:
        # The status code decides, not `is_complete` alone: a cancelled run is complete but not a success. Only
        # when the answer gives no status is `is_complete` all there is.
        return self.status in FINISHED or (self.status == UNKNOWN and self.is_complete)

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


def _integer(value: Any) -> Optional[int]:
    """An integer field (`7`, `"7"`), or None for null, text, fractions, booleans and the like."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _status(data: dict[str, Any]) -> int:
    """The run's status code; without one, what the `is_*` flags say; else `UNKNOWN`."""
    status = _integer(data.get("status"))
    if status is not None:
        return status
    for flag, code in (("is_cancelled", CANCELLED), ("is_error", ERROR), ("is_success", SUCCESS), ("is_running", 3)):
        if data.get(flag) is True:
            return code
    return UNKNOWN
