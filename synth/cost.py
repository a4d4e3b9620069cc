"""`python -m synth cost [STACK ...]`: what each stack, and the account, will cost per month."""

from __future__ import annotations

from pathlib import Path

from settings import ConfigError, LoadedSettings, Problem, load_folder
from settings.files import StackFileError


def estimates(root: Path, stacks: list[str]) -> dict[str, LoadedSettings]:
    """The stacks' validated settings and estimates (the program need not run). The account's figures add the stacks
    up, so every stack of the folder must load, alone and beside the others; else one `ConfigError` says whose
    config is wrong."""
    verdicts = load_folder(root)
    problems: list[Problem] = []
    for stack, verdict in verdicts.items():
        if isinstance(verdict, StackFileError):
            problems.append(Problem(f"{stack}: file", str(verdict)))
        elif isinstance(verdict, ConfigError):
            problems.extend(
                Problem(
                    problem.path if problem.path.startswith(f"{stack}: ") else f"{stack}: {problem.path}",
                    problem.message,
                )
                for problem in verdict.problems
            )
    if problems:
        raise ConfigError(problems)
    return {stack: verdicts[stack] for stack in stacks}  # type: ignore[misc]


def cost_table(loaded_stacks: dict[str, LoadedSettings]) -> str:
    """Per stack: each job's runs, models and warehouse hours; then the warehouse bill; then the account."""
    lines: list[str] = []
    for stack, loaded in loaded_stacks.items():
        estimate = loaded.cost
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
    if len(loaded_stacks) > 1:
        plan_estimates = [loaded.cost for loaded in loaded_stacks.values()]
        total = sum(estimate.models_per_month for estimate in plan_estimates)
        allowance = plan_estimates[0].plan_models_per_month
        verdict = (
            ""
            if allowance is None
            else f" of {allowance:,}" + (": OVER the plan's allowance" if total > allowance else "")
        )
        lines.append(
            f"account ({', '.join(loaded_stacks)}): {total:,.0f} models a month{verdict}; "
            f"warehouses at most ${sum(e.warehouse_usd for e in plan_estimates):,.2f} a month"
        )
    return "\n".join(lines).rstrip()


def cost_json(loaded_stacks: dict[str, LoadedSettings]) -> dict:
    """The estimate for machines: each stack's figures (as its `cost` stack output), its jobs and notes, and the
    account's total."""
    stacks = {
        stack: {
            **loaded.cost.as_output(),
            "jobs": [
                {
                    "key": job.key,
                    "runsPerMonth": None if job.runs_per_month is None else round(job.runs_per_month, 1),
                    "runsAssumed": job.assumed,
                    "modelsPerMonth": round(job.models_per_month),
                    "warehouseHoursPerMonthAtMost": None
                    if job.warehouse_hours is None
                    else round(job.warehouse_hours, 1),
                }
                for job in loaded.cost.jobs
            ],
            "notes": list(loaded.cost.notes),
        }
        for stack, loaded in loaded_stacks.items()
    }
    costs = [loaded.cost for loaded in loaded_stacks.values()]
    return {
        "stacks": stacks,
        "account": {
            "modelsPerMonth": round(sum(cost.models_per_month for cost in costs)),
            "planModelsPerMonth": costs[0].plan_models_per_month if costs else None,
            "warehouseUsdPerMonthAtMost": round(sum(cost.warehouse_usd for cost in costs), 2),
        },
    }
