"""A job's run history: the runs (paginated), a table, and a summary (success rate, failures, durations, tests)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from rich import box
from rich.console import Console
from rich.table import Table

from . import endpoints
from .client import DbtCloudClient
from .runs import CANCELLED, ERROR, SUCCESS, Run, format_duration, parse_time


def fetch(
    client: DbtCloudClient, job_id: int, limit: Optional[int], since: Optional[datetime], detail: int
) -> list[Run]:
    """The job's runs, newest first, back to `since`; the newest `detail` of them with their steps (for models
    and tests: the list endpoint does not include steps, so each costs one more request)."""
    runs: list[Run] = []
    for run in endpoints.job_runs(client, job_id, limit=limit):
        created = parse_time(run.created_at)
        if since is not None and created is not None and created < since:
            break  # newest first: everything after is older still
        runs.append(run)
        if limit is not None and len(runs) >= limit:
            break  # never more than asked, whatever the pages hold
    for index in range(min(detail, len(runs))):
        run_id = runs[index].id
        if run_id is not None:  # a run the list names no id of cannot be read alone
            runs[index] = endpoints.get_run(client, run_id)
    return runs


def percentile(values: list[float], fraction: float) -> Optional[float]:
    """Nearest-rank percentile (p95 of 20 runs is the 19th fastest), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


@dataclass
class Summary:
    runs: int
    finished: int
    succeeded: int
    failed: int
    cancelled: int
    success_rate: Optional[float]
    failures_per_week: Optional[float]
    p50_seconds: Optional[float]
    p95_seconds: Optional[float]
    trend: Optional[float]
    """Median duration of the newer half of the runs over that of the older half, minus one (+0.1: 10% slower)."""
    tests_passed: int
    tests_total: int
    test_runs: int
    """Runs whose step logs gave test counts."""

    @property
    def test_pass_rate(self) -> Optional[float]:
        return self.tests_passed / self.tests_total if self.tests_total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "finished": self.finished,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "success_rate": _round(self.success_rate),
            "failures_per_week": _round(self.failures_per_week),
            "p50_run_seconds": self.p50_seconds,
            "p95_run_seconds": self.p95_seconds,
            "duration_trend": _round(self.trend),
            "test_pass_rate": _round(self.test_pass_rate),
            "tests_passed": self.tests_passed,
            "tests_total": self.tests_total,
            "runs_with_test_counts": self.test_runs,
        }


def summarise(runs: list[Run]) -> Summary:
    finished = [run for run in runs if run.finished]
    succeeded = sum(1 for run in finished if run.status == SUCCESS)
    failed = sum(1 for run in finished if run.status == ERROR)
    cancelled = sum(1 for run in finished if run.status == CANCELLED)
    durations = [float(run.run_duration) for run in finished if run.run_duration is not None]
    times = [t for t in (parse_time(run.created_at) for run in runs) if t is not None]
    weeks = (max(times) - min(times)).total_seconds() / (7 * 86400) if len(times) > 1 else 0
    tests_passed = tests_total = test_runs = 0
    for run in runs:
        tests = run.counts.tests
        if tests.known:
            test_runs += 1
            tests_passed += tests.passed
            tests_total += tests.total
    return Summary(
        runs=len(runs),
        finished=len(finished),
        succeeded=succeeded,
        failed=failed,
        cancelled=cancelled,
        success_rate=succeeded / len(finished) if finished else None,
        failures_per_week=failed / weeks if weeks >= 1 else None,
        p50_seconds=percentile(durations, 0.5),
        p95_seconds=percentile(durations, 0.95),
        trend=_trend(finished),
        tests_passed=tests_passed,
        tests_total=tests_total,
        test_runs=test_runs,
    )


def _trend(finished_newest_first: list[Run]) -> Optional[float]:
    durations = [run.run_duration for run in reversed(finished_newest_first) if run.run_duration is not None]
    if len(durations) < 4:
        return None
    half = len(durations) // 2
    older, newer = statistics.median(durations[:half]), statistics.median(durations[-half:])
    return newer / older - 1 if older else None


def run_record(run: Run) -> dict[str, Any]:
    """One run in `--json` (the shape the issue specifies)."""
    counts = run.counts if run.steps_known else None
    return {
        "id": run.id,
        "status": run.word,
        "cause": run.cause,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_seconds": run.run_duration,
        "queued_seconds": run.queued_duration,
        "models": counts.models.as_dict() if counts else None,
        "tests": counts.tests.as_dict() if counts else None,
    }


def table(runs: Iterable[Run], title: str, width: int = 80) -> Table:
    """The runs, one line each. It fits 80 columns: light rules, shared padding, and everything but the cause on one
    line (a run id or a date broken over two lines cannot be copied); the cause, last, gets what room is left, cut
    short with an ellipsis (`--json` has it whole)."""
    grid = Table(
        title=title,
        title_justify="left",
        caption="models: built / total; tests: passed / total\n(from the step logs of the runs read in detail)",
        caption_justify="left",
        box=box.SIMPLE_HEAD,  # its column rule is one space: no other padding
        padding=0,
    )
    rows = [
        (
            str(run.id) if run.id is not None else "-",
            run.word,
            _started(run),
            format_duration(run.queued_duration),
            format_duration(run.run_duration),
            *_counts(run),
            run.cause or "",
        )
        for run in runs
    ]
    fixed = ("run", "status", "started (UTC)", "queued", "duration", "models", "tests")
    used = 0
    for index, column in enumerate(fixed):
        widest = max([len(row[index]) for row in rows] + [len(column)])
        justify = "left" if column in ("status", "started (UTC)") else "right"
        grid.add_column(column, justify=justify, no_wrap=True, min_width=widest)
        used += widest + 1  # and the one-space rule after it
    room = max(len("cause"), width - used - 3)  # the box's edges, and a console never fills its last column
    grid.add_column("cause", justify="left", no_wrap=True, overflow="ellipsis", max_width=room)
    for row in rows:
        grid.add_row(*row)
    return grid


def _started(run: Run) -> str:
    started = parse_time(run.started_at)
    return started.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if started else "-"


def _counts(run: Run) -> tuple[str, str]:
    """Models built / total and tests passed / total, where the run's step logs were read."""
    counts = run.counts if run.steps_known else None
    models = f"{counts.models.passed}/{counts.models.total}" if counts and counts.models.known else ""
    tests = f"{counts.tests.passed}/{counts.tests.total}" if counts and counts.tests.known else ""
    return models, tests


def print_summary(summary: Summary, console: Console) -> None:
    def pct(value: Optional[float]) -> str:
        return f"{value:.0%}" if value is not None else "n/a"

    console.print(
        f"runs: {summary.runs} ({summary.succeeded} success, {summary.failed} error, "
        f"{summary.cancelled} cancelled, {summary.runs - summary.finished} in progress)"
    )
    console.print(
        f"success rate: {pct(summary.success_rate)} of finished runs; failures: {summary.failed}"
        + (f" ({summary.failures_per_week:.1f} a week)" if summary.failures_per_week is not None else "")
    )
    trend = ""
    if summary.trend is not None:
        trend = f"; newer half {abs(summary.trend):.0%} {'slower' if summary.trend > 0 else 'faster'}"
    console.print(
        f"run duration: p50 {format_duration(summary.p50_seconds)}, p95 {format_duration(summary.p95_seconds)}{trend}"
    )
    if summary.tests_total:
        console.print(
            f"tests: {pct(summary.test_pass_rate)} passed ({summary.tests_passed}/{summary.tests_total} "
            f"over the {summary.test_runs} runs with test counts)"
        )
    else:
        console.print("tests: no test counts in the runs read (--detail N reads the newest N runs' steps)")


def _round(value: Optional[float]) -> Optional[float]:
    return round(value, 4) if value is not None else None
