"""The cost estimate's arithmetic, on schedules with known answers."""

from __future__ import annotations

import pytest
from stack_config import raw_config, short_values

from settings import load_settings
from settings.cost import HOURS_PER_MONTH, runs_per_month, runs_per_year, stack_cost
from synth.__main__ import main


@pytest.mark.parametrize(
    "cron, per_year",
    [
        ("0 2 * * *", 365),  # daily
        ("0 * * * *", 8760),  # hourly
        ("0 2 * * 1-5", 261),  # weekdays: 2026 has 261
        ("0 */6 * * *", 1460),  # every 6 hours
        ("0 3 1 * *", 12),  # monthly
        ("30 6 * * 0", 52),  # Sundays in 2026
        ("0 0 L * *", 12),  # last day of each month (croniter walks the year)
        ("0 0 1,15 * 0", 70),  # 1st, 15th or a Sunday: cron ORs the day fields (24 + 52 - 6 overlaps)
        ("*/15 9-17 * * 1-5", 4 * 9 * 261),
    ],
)
def test_runs_per_year(cron, per_year):
    assert runs_per_year(cron, 2026) == per_year


def test_a_month_is_a_twelfth_of_the_year():
    assert runs_per_month("0 3 1 * *", 2026) == 1
    assert runs_per_month("0 * * * *", 2026) == HOURS_PER_MONTH == 730
    assert runs_per_month("0 2 * * *", 2026) == pytest.approx(30.42, abs=0.01)


def estimate(change=lambda values: None, year=2026):
    values = short_values("prod")
    values["deploymentToken"] = "t"
    change(values)
    loaded = load_settings(raw_config(values))
    return loaded, stack_cost(loaded.settings, year)


def test_the_guides_daily_job_builds_about_480_models_a_month():
    _, cost = estimate()
    daily = next(job for job in cost.jobs if job.key == "daily-pipeline")
    assert daily.models_per_month == pytest.approx(16 * 365 / 12)  # 486.7: "about 480"
    assert cost.models_per_month == pytest.approx(486.67, abs=0.01)
    assert (cost.plan_models_per_month, cost.overage_usd, cost.over_allowance) == (15000, 0.0, False)


def test_a_chained_job_runs_as_often_as_the_job_it_waits_for():
    _, cost = estimate()
    runs = {job.key: job.runs_per_month for job in cost.jobs}
    assert runs["marts-quality"] == runs["daily-pipeline"] == pytest.approx(365 / 12)


def test_a_job_with_two_triggers_runs_for_both():
    """A pull-request job that also runs on a schedule: both are counted, and the pull-request runs are an
    assumption (marked so)."""
    values = short_values("dev")
    values["deploymentToken"] = "t0ken"
    values["jobs"]["pull-requests"]["schedule"] = {"cron": "0 2 * * *"}
    cost = load_settings(raw_config(values)).cost
    ci = next(job for job in cost.jobs if job.key == "pull-requests")
    assert ci.runs_per_month == pytest.approx(365 / 12 + 40) and ci.assumed


def test_warehouse_hours_are_runs_times_timeout_plus_auto_stop():
    _, cost = estimate()
    runs = 365 / 12
    assert cost.warehouse_hours == pytest.approx(runs * (60 + 10) / 60 + runs * (30 + 10) / 60)
    assert cost.warehouse_hours_at_default_auto_stop == pytest.approx(runs * (60 + 120) / 60 + runs * (30 + 120) / 60)
    assert cost.warehouse_usd == pytest.approx(cost.warehouse_hours * 12 * 0.70)  # Small = 12 DBU/h
    assert cost.warehouse_usd_at_default_auto_stop > 2.9 * cost.warehouse_usd


def test_a_job_without_timeout_makes_the_bound_the_whole_month():
    _, cost = estimate(lambda v: v["jobs"]["daily-pipeline"].pop("timeoutMinutes"))
    assert cost.warehouse_hours == HOURS_PER_MONTH
    assert cost.notes[0].startswith("no timeoutMinutes on daily-pipeline")


def test_hourly_schedules_go_over_the_starter_allowance_with_a_warning():
    def hourly(values):
        values["jobs"]["daily-pipeline"]["schedule"]["cron"] = "0 * * * *"
        values["jobs"]["daily-pipeline"]["modelsPerRun"] = 30

    loaded, cost = estimate(hourly)
    assert cost.models_per_month == 730 * 30
    assert cost.overage_usd == pytest.approx((21900 - 15000) * 0.01)
    assert [str(w) for w in loaded.warnings if w.path != "placeholders"] == [
        "jobs: builds about 21,900 models a month, 6,900 over the starter plan's 15,000: "
        "about $69.00 a month in overage"
    ]


def test_the_developer_plan_cancels_runs_instead_of_billing():
    def developer(values):
        values["cost"] = {"plan": "developer"}
        values["jobs"]["daily-pipeline"]["modelsPerRun"] = 200

    loaded, cost = estimate(developer)
    assert cost.overage_usd == 0 and cost.over_allowance
    warnings = [str(warning) for warning in loaded.warnings]
    assert any("runs are cancelled once the allowance is used" in warning for warning in warnings)
    # And the plan itself cannot be driven by the providers at all: said as plainly as in the README.
    assert any(warning.startswith("cost.plan: the Developer plan has no API access") for warning in warnings)


def test_the_estimate_is_a_stack_output(prod):
    assert prod.outputs["cost"]["modelsPerMonth"] == 487
    assert prod.outputs["cost"]["warehouseHoursPerMonthAtMost"] > 0
    assert prod.outputs["cost"]["plan"] == "starter"


def test_cost_command_prints_a_table_per_stack_and_the_account(project, capsys):
    assert main(["cost", "--project-dir", str(project)]) == 0  # the committed stacks, without any of the user's
    out = capsys.readouterr().out
    assert "prod: plan starter, warehouse Small (12 DBU/h at $0.70/DBU)" in out
    assert "daily-pipeline           0 2 * * *" in out
    assert "with the API's default 120-minute auto-stop" in out
    # Pull-request runs are estimated from an assumption the table shows (issue 12: dev's CI job is not free).
    assert "pull-requests            pull requests               40.0*             0            26.7" in out
    assert "note: * pull-requests: assumed 40 pull-request runs and 20 merges a month" in out
    assert "dev: plan starter" in out and "warehouse: at most 26.7 h = $74.67 a month" in out
    assert out.rstrip().splitlines()[-1].startswith("account (dev, prod): 487 models a month of 15,000")


def test_pull_request_and_merge_jobs_are_estimated_from_the_assumptions():
    from stack_config import raw_config, short_values

    values = short_values("dev")
    values["deploymentToken"] = "t"
    values["cost"] = {"plan": "starter", "pullRequestRunsPerMonth": 100, "mergesPerMonth": 10}
    values["jobs"]["test-run"].update(runOnMerge=True)
    estimate = load_settings(raw_config(values)).cost
    runs = {job.key: (job.runs_per_month, job.assumed) for job in estimate.jobs}
    assert runs == {"test-run": (10.0, True), "pull-requests": (100.0, True)}
    # 100 runs x (30 min timeout + 10 min auto-stop) + 10 x 40 min, in hours
    assert round(estimate.warehouse_hours, 1) == round((100 * 40 + 10 * 40) / 60, 1)
