"""`python -m synth cost [STACK ...]`: what each stack, and the account, will cost per month."""

from __future__ import annotations

from pathlib import Path

from settings import ConfigError, LoadedSettings, Problem, RawConfig, load_settings
from settings.cost import StackCost
from settings.files import load_stack_file


def load(root: Path, stack: str) -> LoadedSettings:
    """A stack's validated settings and estimate, from its stack file (the program need not run)."""
    stack_file = load_stack_file(root, stack)
    try:
        return load_settings(RawConfig(stack_file.config, frozenset(stack_file.secret_keys)), stack_file.project)
    except ConfigError as error:  # several stacks are estimated at once: say whose config is wrong
        raise ConfigError(
            [Problem(f"{stack}: {problem.path}", problem.message) for problem in error.problems]
        ) from None


def cost_table(estimates: dict[str, tuple[LoadedSettings, StackCost]]) -> str:
    """Per stack: each job's runs, models and warehouse hours; then the warehouse bill; then the account."""
    lines: list[str] = []
    for stack, (loaded, estimate) in estimates.items():
        jobs = loaded.settings.jobs
        lines.append(
            f"{stack}: plan {estimate.plan}, warehouse {estimate.warehouse_size} "
            f"({estimate.dbu_per_hour} DBU/h at ${estimate.dbu_price_usd:.2f}/DBU)"
        )
        lines.append(f"  {'job':<24} {'when (UTC)':<22} {'runs/month':>10} {'models/month':>13} {'max wh h/month':>15}")
        for job in estimate.jobs:
            settings = jobs[job.key]
            when = (
                settings.schedule.cron
                if settings.schedule
                else f"after {settings.run_after.job}"
                if settings.run_after
                else "pull requests"
                if settings.run_on_pull_request
                else "merges"
                if settings.run_on_merge
                else "by hand"
            )
            runs = "-" if job.runs_per_month is None else f"{job.runs_per_month:.1f}" + ("*" if job.assumed else "")
            hours = (
                "-"
                if job.runs_per_month is None
                else "unbounded"
                if job.warehouse_hours is None
                else f"{job.warehouse_hours:.1f}"
            )
            lines.append(f"  {job.key:<24} {when:<22} {runs:>10} {job.models_per_month:>13,.0f} {hours:>15}")
        allowance = (
            f"of the {estimate.plan} plan's {estimate.plan_models_per_month:,}"
            if estimate.plan_models_per_month is not None
            else "(enterprise: by contract)"
        )
        lines.append(
            f"  models: {estimate.models_per_month:,.0f} a month {allowance}"
            + (f", ${estimate.overage_usd:,.2f} overage" if estimate.overage_usd else "")
        )
        lines.append(
            f"  warehouse: at most {estimate.warehouse_hours:,.1f} h = ${estimate.warehouse_usd:,.2f} a month; "
            f"with the API's default 120-minute auto-stop: {estimate.warehouse_hours_at_default_auto_stop:,.1f} h"
            f" = ${estimate.warehouse_usd_at_default_auto_stop:,.2f}"
        )
        lines.extend(f"  note: {'* ' if 'assumed' in note else ''}{note}" for note in estimate.notes)
        lines.extend(f"  warning: {warning}" for warning in loaded.warnings if warning.path == "jobs")
        lines.append("")
    if len(estimates) > 1:
        plan_estimates = [estimate for _, estimate in estimates.values()]
        total = sum(estimate.models_per_month for estimate in plan_estimates)
        allowance = plan_estimates[0].plan_models_per_month
        verdict = (
            ""
            if allowance is None
            else f" of {allowance:,}" + (": OVER the plan's allowance" if total > allowance else "")
        )
        lines.append(
            f"account ({', '.join(estimates)}): {total:,.0f} models a month{verdict}; "
            f"warehouses at most ${sum(e.warehouse_usd for e in plan_estimates):,.2f} a month"
        )
    return "\n".join(lines).rstrip()
