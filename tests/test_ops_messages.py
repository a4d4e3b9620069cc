"""What the commands say when something goes wrong: what happened, and what to do about it; never a claim that is
not true (retries that were not made, a plan change for a locked account), never an SDK's `None`."""

from __future__ import annotations

import json

import pytest
from fakes.dbt_cloud import seed_prod
from ops_cli import FAST, QUICK, ops


@pytest.fixture
def prod(dbt):
    return seed_prod(dbt)


# -- a trigger that may have started a run ------------------------------------------------------------------------


def test_a_500_to_the_trigger_is_not_retried_and_says_the_run_may_have_started(dbt, prod, capsys):
    dbt.fail_next("POST", "/jobs/4001/run/", 500)
    status, _, err = ops(capsys, "run", "prod", "daily-pipeline", "--wait", *FAST)
    assert status == 5 and len(dbt.requests_to("POST", r"/jobs/4001/run/")) == 1
    assert "retries" not in err  # none were made
    assert "HTTP 500" in err and "not retried: the server may have carried the request out" in err
    assert "a run of 'Daily Pipeline - Production' (4001) may have started all the same" in err
    assert "look at the job's runs in dbt Cloud or run python -m ops history prod daily-pipeline" in err
    status, _, err = ops(capsys, "run", "prod", "--job-id", "4001", *QUICK)  # named by id: history by id
    assert status == 0
    dbt.fail_next("POST", "/jobs/4001/run/", 502)
    status, _, err = ops(capsys, "run", "prod", "--job-id", "4001", "--if-running", "cancel", *QUICK)
    assert status == 5 and "python -m ops history prod --job-id 4001" in err


def test_a_500_to_a_retry_says_the_new_run_may_have_started(dbt, prod, capsys):
    failed = dbt.add_run(4001, "error")
    failed.position = len(failed.phases) - 1
    dbt.fail_next("POST", f"/runs/{failed.id}/retry/", 503)
    status, _, err = ops(capsys, "retry", str(failed.id), *QUICK)
    assert status == 5 and "retries" not in err
    assert f"a retry of run {failed.id} may have started all the same" in err


def test_retries_made_are_counted(dbt, prod, capsys):
    run = dbt.add_run(4001, "no-counts")
    dbt.fail_next("GET", f"/runs/{run.id}/", 503, times=10)
    status, _, err = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 5 and "(gave up after 4 retries)" in err and "may have" not in err


def test_a_429_to_the_trigger_is_retried(dbt, prod, capsys):
    # The API refused it before doing anything: a retry cannot start a second run.
    dbt.fail_next("POST", "/jobs/4001/run/", 429, headers={"Retry-After": "2"})
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", *QUICK)
    assert status == 0 and len(dbt.requests_to("POST", r"/jobs/4001/run/")) == 2 and "started run" in out


# -- a locked account --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cause, reason, fix",
    [
        ("trial_expired", "Trial expired", "choose a plan (Account settings -> Billing)"),
        ("unpaid", None, "settle the unpaid invoice"),
        (None, None, "ask an account admin or support@getdbt.com why the account is locked"),
    ],
)
def test_preflight_of_a_locked_account_says_why_not_to_change_plan(dbt, databricks, capsys, cause, reason, fix):
    dbt.account.update(locked=True, lock_cause=cause, lock_reason=reason, plan="team")
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 1
    line = next(line for line in out.splitlines() if line.startswith("FAIL  dbt Cloud token"))
    assert line.startswith("FAIL  dbt Cloud token: account 12345 (Shanghai Transport) is locked: ")
    assert (reason or {"unpaid": "an invoice is unpaid", None: "no reason given"}[cause]) in line
    assert fix in out and "plan" not in line and "Starter, Enterprise" not in out


# -- history --limit ---------------------------------------------------------------------------------------------


def test_history_limit_shows_at_most_that_many_runs(dbt, prod, capsys):
    # Also from a server that answers 100 a page whatever `limit` asks.
    dbt.add_history(4001, 30)
    for quirks in (set(), {"ignore_limit"}):
        dbt.list_quirks = quirks
        status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "5", "--json", *QUICK)
        assert status == 0 and len(json.loads(out)["runs"]) == 5, quirks
        status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "5", *QUICK)
        assert status == 0 and "5 runs, newest first" in out and "runs: 5 (" in out, quirks
        assert sum(line.lstrip().startswith("70") for line in out.splitlines()) == 5


# -- the Databricks SDK's errors ---------------------------------------------------------------------------------


def test_databricks_errors_in_the_scim_shape_read_without_none(dbt, prod, databricks, capsys):
    databricks.fail_next("/scim/v2/Me", 403, databricks.scim_error(403, "User is not authorized to call this API."))
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 1
    assert "FAIL  Databricks token: User is not authorized to call this API." in out
    assert "None" not in out and "Config:" not in out


def test_adopt_reads_databricks_errors_without_none(dbt, databricks, capsys, tmp_path):
    import shutil
    from pathlib import Path

    from fakes.projects import seed_hand_made

    seed_hand_made(dbt, databricks)
    root = Path(__file__).resolve().parent.parent
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(root / name, tmp_path / name)
    databricks.fail_next("/sql/warehouses/", 403, databricks.scim_error(403, "Insufficient permissions."))
    status, _, err = ops(
        capsys, "adopt", "--project-id", "270542", "--stack", "prod", "--project-dir", str(tmp_path), *QUICK
    )
    assert status == 5
    assert "Databricks refused reading warehouse 0123456789abcdef at http://127.0.0.1:" in err
    assert ": Insufficient permissions.; check DATABRICKS_TOKEN" in err and "None" not in err
    databricks.fail_next("/sql/warehouses/", 403, {"error_code": "PERMISSION_DENIED"})  # no message at all
    status, _, err = ops(
        capsys, "adopt", "--project-id", "270542", "--stack", "prod", "--project-dir", str(tmp_path), *QUICK
    )
    assert status == 5 and "None" not in err and ": request failed.; check DATABRICKS_TOKEN" in err, err


def test_history_keeps_run_ids_whole_at_80_columns(dbt, prod, capsys, monkeypatch):
    """Issue 17, item 25: at 80 columns the cause gives way, never a run id, a date or a duration."""
    monkeypatch.setenv("COLUMNS", "80")
    dbt.add_history(4001, 12)
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "12", *QUICK)
    assert status == 0
    rows = [line for line in out.splitlines() if line.lstrip()[:1].isdigit()]
    assert [line for line in out.splitlines() if len(line) > 80] == []
    for run in list(dbt.runs.values())[-12:]:
        assert any(row.split()[:1] == [str(run.id)] for row in rows), (run.id, out)


def test_a_stack_named_as_pulumi_names_it(dbt, prod, capsys):
    """Issue 17, item 20: `org/<project>/prod` is the stack `prod`, as for `pulumi -s`; a bad --stack for adopt is
    refused by the CLI's own rule."""
    dbt.add_history(4001, 2)
    status, out, _ = ops(capsys, "history", "organization/dbtcloud-databricks/prod", "daily-pipeline", *QUICK)
    assert status == 0 and "2 runs, newest first" in out
    status, _, err = ops(capsys, "adopt", "--project-id", "1", "--stack", "my stack")
    assert status == 2 and "(' ' at position 2)" in err


def test_options_and_tokens_that_would_turn_a_bound_off_or_crash_are_usage_errors(capsys, monkeypatch):
    """`--timeout nan` would never pass, `--detail -3` and `--cause ''` mean nothing, and a token with characters no
    token has cannot go into an HTTP header: each is refused before any request, in words."""
    for argv, said in (
        (["follow", "5", "--timeout", "nan"], "--timeout: must be a number greater than 0, got nan"),
        (["history", "prod", "daily-pipeline", "--detail", "-3"], "--detail: must be a number of 0 or more, got -3"),
        (["run", "prod", "daily-pipeline", "--cause", " "], "--cause: must not be empty"),
    ):
        status, _, err = ops(capsys, *argv)
        assert status == 2 and said in err
    monkeypatch.setenv("DBT_CLOUD_TOKEN", "tökén")
    status, _, err = ops(capsys, "follow", "5", "--stack", "prod")
    assert status == 2 and "DBT_CLOUD_TOKEN holds characters no dbt Cloud token has" in err
