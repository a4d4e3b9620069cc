"""Follow a run to its end: adaptive polling, a live progress line, each status change, the failed step's log.

Ctrl-C and `--timeout` cancel the run (`POST .../runs/{id}/cancel/`) unless told not to, so nothing is left
running unseen. The exit status comes from the run's status code, never from `is_complete` alone: a cancelled
run is complete but is not a success.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from rich.console import Console
from rich.live import Live
from rich.text import Text

from . import endpoints
from .client import DbtCloudClient
from .errors import ApiError, DeadlineExceeded, Exit
from .runs import CANCELLED, ERROR, SUCCESS, UNKNOWN, Counts, Run, format_duration

LOG_TAIL_LINES = 30
CANCEL_GRACE = 10.0
"""Seconds a cancel gets after --timeout passed or Ctrl-C (its requests and retries included)."""


@dataclass(frozen=True)
class PollSchedule:
    """Fast at first (a run that fails at once is seen at once), then slower, capped; back to fast on each
    status change. With the defaults a followed minute costs at most a dozen requests (see bench/ops_bench.py)."""

    first: float = 2.0
    factor: float = 1.5
    cap: float = 30.0

    def intervals(self) -> Iterator[float]:
        wait = self.first
        while True:
            yield min(wait, self.cap)
            wait = min(wait * self.factor, self.cap)


@dataclass
class FollowResult:
    run: Run
    exit: Exit


def exit_for(run: Run) -> Exit:
    """Success only for status 10; a run whose outcome the answers do not give is not a success either."""
    return {SUCCESS: Exit.OK, ERROR: Exit.FAILED, CANCELLED: Exit.CANCELLED}.get(run.status, Exit.FAILED)


def progress_line(run: Run, elapsed: float) -> Text:
    """`run 123 running 00:01:05 · Invoke dbt with `dbt run` · models 7/16 · tests 0/100`."""
    text = Text(f"{run.label} ")
    text.append(run.word, style=_style(run))
    text.append(f" {format_duration(elapsed)}")
    step = run.current_step
    if step is not None:
        text.append(f" · {step.name}")
    text.append(counts_text(run, prefix=" · "))
    return text


def counts_text(run: Run, prefix: str = "") -> str:
    counts = run.counts
    parts = []
    if counts.models.known:
        parts.append(f"models {counts.models.done}/{counts.models.total} completed{_troubles(counts.models)}")
    if counts.tests.known:
        troubles = _troubles(counts.tests, errored="failed")
        parts.append(f"tests {counts.tests.passed}/{counts.tests.total} passed{troubles}")
    return prefix + " · ".join(parts) if parts else ""


def _troubles(counts: Counts, errored: str = "error") -> str:
    """` (1 error, 5 skipped)`: what did not go well, if anything."""
    words = [
        f"{number} {word}"
        for number, word in ((counts.errored, errored), (counts.warned, "warn"), (counts.skipped, "skipped"))
        if number
    ]
    return f" ({', '.join(words)})" if words else ""


def follow(
    client: DbtCloudClient,
    run_id: int,
    console: Console,
    timeout: Optional[float] = None,
    cancel: bool = True,
    schedule: PollSchedule = PollSchedule(),
    clock: Optional[Callable[[], float]] = None,
    sleep: Optional[Callable[[float], None]] = None,
) -> FollowResult:
    """Poll run `run_id` until it ends, the timeout passes, or Ctrl-C; print what happens.

    `timeout` bounds everything, the client's requests, retries and waits included (`client.limit`); when it
    passes the run is cancelled (with `CANCEL_GRACE` seconds more for that) unless `cancel` is False.

    On a terminal the progress line is redrawn in place; elsewhere (CI logs) it is printed when it changes, at
    most once per longest poll interval, so that a long wait still shows signs of life without flooding the log.
    """
    clock = clock or client.clock
    sleep = sleep or client.sleep
    started = clock()
    last_progress, last_progress_at = "", float("-inf")
    deadline = started + timeout if timeout else None
    timed_out = f"timed out after {format_duration(timeout)}" if timeout else "timed out"
    last_status: Optional[int] = None
    run: Optional[Run] = None
    intervals = schedule.intervals()
    live = Live(console=console, transient=True, refresh_per_second=4, auto_refresh=console.is_terminal)
    try:
        with live, client.limit(timeout):
            while True:
                run = endpoints.get_run(client, run_id)
                elapsed = clock() - started
                if run.status != last_status:
                    last_status = run.status
                    intervals = schedule.intervals()
                    message = f": {run.status_message}" if run.status_message and run.finished else ""
                    console.print(
                        Text.assemble(f"[{format_duration(elapsed)}] run {run_id} ", (run.word, _style(run)), message)
                    )
                if run.finished:
                    break
                line = progress_line(run, elapsed)
                live.update(line)
                step = run.current_step
                progress = f"{run.status} {step.name if step else ''} {counts_text(run)}"  # all but the clock
                if not console.is_terminal and progress != last_progress and clock() - last_progress_at >= schedule.cap:
                    console.print(line)
                    last_progress, last_progress_at = progress, clock()
                wait = next(intervals)
                if deadline is not None:
                    remaining = deadline - clock()
                    if remaining <= 0:
                        return _stop(client, run_id, run, console, cancel, Exit.TIMED_OUT, timed_out)
                    wait = min(wait, remaining)
                sleep(wait)
                if deadline is not None and clock() >= deadline:
                    return _stop(client, run_id, run, console, cancel, Exit.TIMED_OUT, timed_out)
    except DeadlineExceeded as error:
        return _stop(client, run_id, run, console, cancel, Exit.TIMED_OUT, f"{timed_out} ({error})")
    except KeyboardInterrupt:
        return _stop(client, run_id, run, console, cancel, Exit.CANCELLED, "interrupted (Ctrl-C)")
    report_end(run, console)
    return FollowResult(run, exit_for(run))


def report_end(run: Run, console: Console) -> None:
    """The outcome: duration and counts; for an error the failed step and its log's tail."""
    line = Text.assemble(f"{run.label} ", (run.word, _style(run)))
    if run.duration is not None:
        line.append(f" in {format_duration(run.duration)}")
        if run.queued_duration:
            line.append(f" (queued {format_duration(run.queued_duration)})")
    line.append(counts_text(run, prefix=" · "))
    console.print(line)
    if run.status == ERROR:
        step = run.failed_step
        if step is None:
            console.print(f"no step reported the error{': ' + run.status_message if run.status_message else ''}")
        else:
            console.print(Text(f"failed step {step.index}: {step.name}", style="bold red"))
            tail = step.log_tail(LOG_TAIL_LINES)
            if tail:
                console.print(Text(f"last {len(tail)} lines of its log:", style="dim"))
                for log_line in tail:
                    console.print(Text("  " + log_line), soft_wrap=True)
            else:
                console.print("  (the step has no log)")
    elif run.status == CANCELLED:
        console.print(f"cancelled: {run.status_message or 'no reason given'}; a cancelled run is not a success")
    elif run.status not in (SUCCESS, ERROR, CANCELLED):
        console.print(
            f"dbt Cloud's answers do not say how {run.label} ended (no status): not counted as a success; "
            "see its page in dbt Cloud"
        )
    if run.href:
        console.print(f"details: {run.href}")


def _stop(
    client: DbtCloudClient, run_id: int, run: Optional[Run], console: Console, cancel: bool, exit: Exit, why: str
) -> FollowResult:
    """End following early: cancel the run (or say it goes on) and return `exit`. The cancel has `CANCEL_GRACE`
    seconds of its own (the timeout has passed already); if it fails the run may go on, and the message says where."""
    where = (run.href if run is not None else None) or client.web_url
    state = run.word if run is not None else "going on"
    if run is None:
        run = Run(id=run_id, status=UNKNOWN)
    if not cancel:
        console.print(f"{why}; run {run_id} is still {state}, not cancelled: {where}")
        return FollowResult(run, Exit.INTERRUPTED if exit == Exit.CANCELLED else exit)
    console.print(f"{why}; cancelling run {run_id} ...")
    try:
        with client.limit(CANCEL_GRACE, replace=True):
            cancelled = endpoints.cancel_run(client, run_id)
            console.print(
                f"run {run_id} is now {cancelled.word}"
                + (f": {cancelled.status_message}" if cancelled.status_message else "")
            )
            if cancelled.status == SUCCESS or cancelled.status == ERROR:
                # It ended before the cancel arrived: report what it really did.
                report_end(endpoints.get_run(client, run_id), console)
    except (ApiError, DeadlineExceeded) as error:
        raise ApiError(
            f"{why}; cancelling run {run_id} failed, so it may still be running (cancel it in dbt Cloud: "
            f"{where}): {error}",
            getattr(error, "status", None),
        ) from None
    return FollowResult(cancelled, exit)


def _style(run: Run) -> str:
    return {SUCCESS: "bold green", ERROR: "bold red", CANCELLED: "bold yellow"}.get(run.status, "cyan")
