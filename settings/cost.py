"""What a stack will cost, before anything is deployed: dbt Cloud models per month against the plan, and
an upper bound of warehouse hours, DBUs and dollars per month.

A month is a twelfth of a calendar year (a fixed reference year), so that a monthly job runs exactly once a month
and a daily one about 30.4 times. Schedules are read by croniter; the days they run on are counted over the whole year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Optional

from croniter import croniter
from pydantic import Field, ValidationInfo, field_validator

from components import rules

from .base import SettingsModel, report_warning

if TYPE_CHECKING:  # the stack holds the cost settings; the estimate reads the whole stack
    from .model import StackSettings

Plan = Literal["developer", "starter", "enterprise"]
"""dbt Cloud plans, as the cost estimate knows them."""


class CostSettings(SettingsModel):
    """Assumptions of the offline cost estimate (`python -m synth cost`)."""

    plan: Plan = "starter"
    """dbt Cloud plan: `developer` (3,000 models a month, no API), `starter` (15,000, then $0.01 each) or
    `enterprise`."""
    dbu_price_usd: float = Field(default=0.70, gt=0, le=1000)
    """Dollars per DBU for this warehouse type, cloud and tier (Databricks' pricing page)."""
    pull_request_runs_per_month: int = Field(default=40, ge=0, le=rules.MAX_INT32)
    """Assumed runs a month of each job triggered by pull requests (every push to an open pull request runs it)."""
    merges_per_month: int = Field(default=20, ge=0, le=rules.MAX_INT32)
    """Assumed merges a month, each running every job triggered by merges."""

    @field_validator("plan")
    @classmethod
    def _plan_with_api(cls, plan: str, info: ValidationInfo) -> str:
        if plan == "developer":
            report_warning(
                info,
                ("cost", "plan"),
                "the Developer plan has no API access (docs.getdbt.com, dbt APIs): "
                "dbt Cloud refuses pulumi up; Starter or Enterprise is needed",
            )
        return plan


REFERENCE_YEAR = 2026
"""The calendar year schedules are counted over (365 days, 261 weekdays): a fixed year keeps the figures,
and so the stack outputs, from changing on New Year's Day."""

HOURS_PER_MONTH = 365 * 24 / 12
"""730: the most hours a warehouse can run in a month."""

PLAN_MODELS_PER_MONTH: dict[str, Optional[int]] = {"developer": 3000, "starter": 15000, "enterprise": None}
"""Successful models built per month each dbt Cloud plan includes (enterprise: by contract)."""

OVERAGE_USD_PER_MODEL: dict[str, Optional[float]] = {"developer": None, "starter": 0.01, "enterprise": None}
"""Starter bills models over the allowance; Developer cancels runs instead until the month resets."""


@lru_cache(maxsize=4096)
def runs_per_year(cron: str, year: int) -> int:
    """How often a 5-field cron schedule fires in a calendar year (UTC)."""
    minutes, hours, *_ = croniter(cron).expanded
    per_day = (60 if minutes == ["*"] else len(minutes)) * (24 if hours == ["*"] else len(hours))
    return per_day * _days_per_year(" ".join(cron.split()[2:]), year)


def runs_per_month(cron: str, year: int) -> float:
    """Average runs per month: a twelfth of the year's runs."""
    return runs_per_year(cron, year) / 12


@lru_cache(maxsize=4096)
def _days_per_year(day_fields: str, year: int) -> int:
    """Days of `year` matching the day-of-month, month and day-of-week fields of a cron schedule."""
    if any(marker in day_fields.upper() for marker in ("L", "#", "W")):
        # Last-day, nth-weekday and nearest-weekday rules: let croniter walk the year day by day.
        iterator = croniter(f"0 0 {day_fields}", datetime(year, 1, 1, tzinfo=timezone.utc) - timedelta(minutes=1))
        count = 0
        while iterator.get_next(datetime).year == year:
            count += 1
        return count
    _, _, days, months, weekdays = croniter(f"0 0 {day_fields}").expanded
    any_day, any_weekday = days == ["*"], weekdays == ["*"]
    count = 0
    current = date(year, 1, 1)
    while current.year == year:
        if months == ["*"] or current.month in months:
            day_ok = any_day or current.day in days
            weekday_ok = any_weekday or current.isoweekday() % 7 in weekdays  # cron: 0 = Sunday
            # Cron's rule: with both day fields restricted, either one matching is enough.
            if (day_ok or weekday_ok) if not (any_day or any_weekday) else (day_ok and weekday_ok):
                count += 1
        current += timedelta(days=1)
    return count


@dataclass(frozen=True)
class JobCost:
    """One job's share."""

    key: str
    name: str
    runs_per_month: Optional[float]
    """None for jobs started only by people: not predictable from config."""
    models_per_month: float
    warehouse_hours: Optional[float]
    """Upper bound of warehouse hours per month (runs x (timeout + auto-stop)); None when unbounded."""
    assumed: bool = False
    """The runs come from an assumption (`cost.pullRequestRunsPerMonth`, `cost.mergesPerMonth`), not a schedule."""


@dataclass(frozen=True)
class StackCost:
    """A stack's bill, as far as config can tell."""

    plan: str
    jobs: list[JobCost]
    models_per_month: float
    plan_models_per_month: Optional[int]
    overage_usd: float
    warehouse_size: str
    dbu_per_hour: int
    dbu_price_usd: float
    warehouse_hours: float
    warehouse_hours_at_default_auto_stop: float
    notes: list[str] = field(default_factory=list)

    @property
    def warehouse_usd(self) -> float:
        """Upper bound of the warehouse's monthly cost."""
        return self.warehouse_hours * self.dbu_per_hour * self.dbu_price_usd

    @property
    def warehouse_usd_at_default_auto_stop(self) -> float:
        """The same bound had auto-stop been left to Databricks' default of 120 minutes."""
        return self.warehouse_hours_at_default_auto_stop * self.dbu_per_hour * self.dbu_price_usd

    @property
    def over_allowance(self) -> bool:
        return self.plan_models_per_month is not None and self.models_per_month > self.plan_models_per_month

    def as_output(self) -> dict:
        """The figures as a stack output (rounded: they are estimates)."""
        return {
            "plan": self.plan,
            "modelsPerMonth": round(self.models_per_month),
            "planModelsPerMonth": self.plan_models_per_month,
            "overageUsdPerMonth": round(self.overage_usd, 2),
            "warehouseHoursPerMonthAtMost": round(self.warehouse_hours, 1),
            "warehouseUsdPerMonthAtMost": round(self.warehouse_usd, 2),
            "warehouseUsdPerMonthAtMostWithDefaultAutoStop": round(self.warehouse_usd_at_default_auto_stop, 2),
        }


def stack_cost(settings: StackSettings, year: Optional[int] = None) -> StackCost:
    """Estimate a stack's monthly models and warehouse cost from its config alone."""
    year = year or REFERENCE_YEAR
    cost = settings.cost
    warehouse = settings.warehouse
    notes: list[str] = []
    runs = _runs_per_month(settings, year)
    auto_stop = warehouse.auto_stop_minutes
    jobs = [
        JobCost(
            key,
            job.name,
            runs[key],
            (runs[key] or 0) * job.models_per_run,
            _hours(runs[key], job.timeout_minutes, auto_stop, _passes(job)),
            assumed=_assumed(settings, key),
        )
        for key, job in settings.jobs.items()
    ]
    # Unbounded for want of a timeout (with auto-stop off, the warehouse never stops anyway: noted below).
    unbounded = [
        job.key
        for job in jobs
        if job.runs_per_month and job.warehouse_hours is None and settings.jobs[job.key].timeout_minutes is None
    ]
    on_demand = [job.key for job in jobs if job.runs_per_month is None]
    if unbounded:
        notes.append(
            f"no timeoutMinutes on {', '.join(unbounded)}: their runs have no upper bound, so the "
            "warehouse bound is the whole month"
        )
    assumed = [job.key for job in jobs if job.assumed]
    if assumed:
        notes.append(
            f"{', '.join(assumed)}: assumed {cost.pull_request_runs_per_month} pull-request runs and "
            f"{cost.merges_per_month} merges a month (cost.pullRequestRunsPerMonth, cost.mergesPerMonth)"
        )
    if on_demand:
        notes.append(f"{', '.join(on_demand)} run by hand: not counted")
    paused = [key for key, job in settings.jobs.items() if job.paused]
    if paused:
        notes.append(f"{', '.join(paused)} paused: no run counted")
    comparing = [key for key, job in settings.jobs.items() if job.compare_changes]
    if comparing:
        notes.append(
            f"{', '.join(comparing)}: compare changes runs extra queries on the warehouse (each changed model against "
            "the environment it defers to): each run is counted twice its timeout"
        )
    if auto_stop == 0:
        notes.append("autoStopMinutes is 0: the warehouse never stops, so it may run the whole month")
    models = sum(job.models_per_month for job in jobs)
    allowance = PLAN_MODELS_PER_MONTH[cost.plan]
    overage_price = OVERAGE_USD_PER_MODEL[cost.plan] or 0.0
    overage = max(0.0, models - allowance) * overage_price if allowance is not None else 0.0
    return StackCost(
        plan=cost.plan,
        jobs=jobs,
        models_per_month=models,
        plan_models_per_month=allowance,
        overage_usd=overage,
        warehouse_size=warehouse.size,
        dbu_per_hour=rules.DBU_PER_HOUR[warehouse.size],
        dbu_price_usd=cost.dbu_price_usd,
        warehouse_hours=_warehouse_hours(runs, settings, auto_stop),
        warehouse_hours_at_default_auto_stop=_warehouse_hours(runs, settings, rules.API_DEFAULT_AUTO_STOP_MINUTES),
        notes=notes,
    )


def cost_warnings(settings: StackSettings, estimate: StackCost) -> list[tuple[tuple, str]]:
    """Warnings about a stack's bill, as (key path, message)."""
    if not estimate.over_allowance:
        return []
    over = estimate.models_per_month - (estimate.plan_models_per_month or 0)
    consequence = (
        f"about ${estimate.overage_usd:,.2f} a month in overage"
        if estimate.overage_usd
        else "runs are cancelled once the allowance is used, until the month resets"
    )
    return [
        (
            ("jobs",),
            f"builds about {estimate.models_per_month:,.0f} models a month, {over:,.0f} over the "
            f"{estimate.plan} plan's {estimate.plan_models_per_month:,}: {consequence}",
        )
    ]


def _runs_per_month(settings: StackSettings, year: int) -> dict[str, Optional[float]]:
    """Runs per month by job: each trigger's runs added up (a job on a schedule and on pull requests runs for both);
    a chained job runs at most as often as the job it waits for."""
    runs: dict[str, Optional[float]] = {}
    for key, job in settings.jobs_in_dependency_order():
        if job.paused:
            runs[key] = 0.0
            continue
        counted = [
            runs_per_month(job.schedule.cron, year) if job.schedule is not None else None,
            runs[job.run_after.job] if job.run_after is not None else None,
            float(settings.cost.pull_request_runs_per_month) if job.run_on_pull_request else None,
            float(settings.cost.merges_per_month) if job.run_on_merge else None,
        ]
        known = [count for count in counted if count is not None]
        runs[key] = sum(known) if known else None
    return runs


def _assumed(settings: StackSettings, key: str) -> bool:
    """Whether a job's runs (or those of the job it runs after) come from the pull-request and merge assumptions."""
    job = settings.jobs[key]
    chained = job.run_after is not None and _assumed(settings, job.run_after.job)
    return job.run_on_pull_request or job.run_on_merge or chained


def _passes(job) -> int:
    """How many times a run works the warehouse: twice with compare changes (Advanced CI runs queries that compare
    each changed model with the deferred environment's, beside the build)."""
    return 2 if job.compare_changes else 1


def _hours(runs: Optional[float], timeout_minutes: Optional[int], auto_stop: int, passes: int = 1) -> Optional[float]:
    if not runs:
        return 0.0 if runs is not None else None
    if timeout_minutes is None or auto_stop == 0:
        return None
    return runs * (passes * timeout_minutes + auto_stop) / 60


def _warehouse_hours(runs: dict[str, Optional[float]], settings: StackSettings, auto_stop: int) -> float:
    """Upper bound of the warehouse's running hours per month: every counted run at its timeout, plus the
    idle tail before auto-stop, never more than the month has."""
    total = 0.0
    for key, job in settings.jobs.items():
        hours = _hours(runs[key], job.timeout_minutes, auto_stop, _passes(job))
        if hours is None and runs[key]:
            return HOURS_PER_MONTH
        total += hours or 0.0
    return min(total, HOURS_PER_MONTH)
