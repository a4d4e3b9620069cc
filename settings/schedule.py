"""Cron schedules, read by a real cron library (croniter), always in UTC as dbt Cloud runs them."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Optional

from cron_descriptor import Options, get_description
from croniter import croniter
from croniter.croniter import CroniterBadDateError, CroniterError

CRON_FIELDS = ("minute", "hour", "day of month", "month", "day of week")

NEVER_CHECK_FROM = datetime(2026, 1, 1, tzinfo=timezone.utc)


@lru_cache(maxsize=None)
def cron_problem(expression: str) -> Optional[str]:
    """Why `expression` is not a 5-field cron schedule dbt Cloud accepts, or None when it is. Cached: stacks repeat
    their schedules, and croniter takes a millisecond to read one."""
    fields = expression.split()
    if len(fields) != len(CRON_FIELDS):
        return (
            f"needs 5 fields ({', '.join(CRON_FIELDS)}), got {len(fields)}; "
            "for example '0 2 * * *' runs at 02:00 UTC every day"
        )
    try:
        # Eight years cover every calendar a date can need (29 February included).
        schedule = croniter(expression, NEVER_CHECK_FROM, max_years_between_matches=8)
    except (CroniterError, ValueError, KeyError) as error:
        return f"is not a valid cron schedule ({error}); for example '0 2 * * *' runs at 02:00 UTC every day"
    try:
        schedule.get_next(datetime)
    except CroniterBadDateError:
        return (
            f"never fires: no date has day of month {fields[2]!r} in month {fields[3]!r} (like 30 February); "
            "for example '0 2 28 2 *' runs on 28 February"
        )
    return None


def next_runs(expression: str, count: int = 3, after: Optional[datetime] = None) -> list[datetime]:
    """The next `count` run times (UTC) of a valid cron expression after `after` (default: now)."""
    start = after or datetime.now(timezone.utc)
    iterator = croniter(expression, start)
    return [iterator.get_next(datetime) for _ in range(count)]


def format_runs(runs: list[datetime]) -> str:
    """Run times as dbt users read them: `Mon 2026-11-23 02:00 UTC`."""
    return ", ".join(run.strftime("%a %Y-%m-%d %H:%M UTC") for run in runs)


def describe(expression: str) -> str:
    """A valid cron expression in words, with its time zone: `At 02:00 (UTC)`."""
    options = Options()
    options.use_24hour_time_format = True
    return f"{get_description(expression, options)} (UTC)"
