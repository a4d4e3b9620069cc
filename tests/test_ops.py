"""`python -m ops` against real HTTP servers on 127.0.0.1 that answer like dbt Cloud's v2 API and Databricks.

Nothing of ours is patched: the commands run whole (`ops.cli.main`), with the environment a user would set, and
the fake servers record what they were sent.
"""

from __future__ import annotations

import json
import re
import struct
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fakes.dbt_cloud import TOKEN, seed_prod
from ops_cli import FAST, QUICK, free_port, lines_with, ops

from ops.cli import main
from ops.commands import DEFAULT_CAUSE


@pytest.fixture
def prod(dbt):
    return seed_prod(dbt)


# -- run and follow --------------------------------------------------------------------------------------------


def test_run_follows_queued_starting_running_to_success(dbt, prod, capsys):
    # Polls as long as the longest interval: off a terminal every changed progress line is printed.
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--wait", "--poll", "0.06", "--max-poll", "0.06")
    assert status == 0
    run_id = max(dbt.runs)
    assert f"started run {run_id} of 'Daily Pipeline - Production' (4001): {dbt.web_url}/deploy/" in out
    changes = [line.split("] ", 1)[1] for line in out.splitlines() if line.startswith("[")]
    assert changes == [
        f"run {run_id} queued",
        f"run {run_id} starting",
        f"run {run_id} running",
        f"run {run_id} success",
    ]
    assert f"run {run_id} success in 00:01:39 (queued 00:00:04) · models 16/16 completed · tests 100/100 passed" in out
    progress = [line for line in out.splitlines() if line.startswith(f"run {run_id} running")]
    assert any(
        line.endswith("· Invoke dbt with `dbt run --select staging+ dimensions+ facts+ marts+` · models 7/16 completed")
        for line in progress
    ), progress
    assert any(
        line.endswith("· Invoke dbt with `dbt test` · models 16/16 completed · tests 40/100 passed")
        for line in progress
    ), progress
    trigger = dbt.requests_to("POST", r"/jobs/4001/run/")
    assert len(trigger) == 1
    assert dbt.runs[run_id].cause == "Triggered with python -m ops run"


def test_run_without_wait_prints_the_url_and_returns(dbt, prod, capsys):
    status, out, _ = ops(capsys, "run", "prod", "marts-quality", "--cause", "smoke test", *FAST)
    run_id = max(dbt.runs)
    assert status == 0 and f"/runs/{run_id}/" in out
    assert dbt.runs[run_id].cause == "smoke test" and not dbt.requests_to("GET", rf"/runs/{run_id}/")


def test_an_error_shows_the_failed_step_and_its_log_tail(dbt, prod, capsys):
    dbt.next_scenario[4001] = "error"
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--wait", *FAST)
    assert status == 1
    assert "failed step 4: Invoke dbt with `dbt run --select staging+ dimensions+ facts+ marts+`" in out
    assert "11 of 16 ERROR creating sql table model analytics.fct_trips" in out
    assert "TABLE_OR_VIEW_NOT_FOUND" in out
    assert "Done. PASS=10 WARN=0 ERROR=1 SKIP=5 TOTAL=16" in out
    assert "error in 00:01:39 (queued 00:00:04) · models 16/16 completed (1 error, 5 skipped)" in out
    assert "\x1b[" not in out


def test_failing_tests_are_the_failed_step(dbt, prod, capsys):
    dbt.next_scenario[4001] = "test-failures"
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--wait", *FAST)
    assert status == 1
    assert "failed step 5: Invoke dbt with `dbt test`" in out
    assert "tests 98/100 passed (2 failed)" in out and "FAIL 3 not_null_" in out


def test_a_cancelled_run_is_not_a_success(dbt, prod, capsys):
    run = dbt.add_run(4001, "cancelled")
    status, out, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 3
    assert f"run {run.id} cancelled: Cancelled by user" in out
    assert "not a success" in out


def test_a_timeout_cancels_the_run(dbt, prod, capsys):
    dbt.next_scenario[4001] = "forever"
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--wait", "--timeout", "60", *QUICK)
    run_id = max(dbt.runs)
    assert status == 4
    assert "timed out after 00:01:00; cancelling run" in out
    assert len(dbt.requests_to("POST", rf"/runs/{run_id}/cancel/")) == 1
    assert dbt.runs[run_id].cancelled and f"run {run_id} is now cancelled: Cancelled by user" in out


def test_requests_carry_the_specs_bearer_auth_and_cancel_and_retry_no_body(dbt, prod, capsys):
    # The spec declares `Authorization: Bearer <token>` (BearerAuthentication) for every operation, a JSON body
    # for a trigger and none for cancel and retry (a request-validating server answers 415 to one).
    failed = dbt.add_run(4001, "error")
    failed.position = len(failed.phases) - 1
    assert ops(capsys, "retry", str(failed.id), *FAST)[0] == 0
    busy = dbt.add_run(4001, "forever")
    assert ops(capsys, "run", "prod", "daily-pipeline", "--if-running", "cancel", *FAST)[0] == 0
    assert busy.cancelled
    assert dbt.received and {received.authorization for received in dbt.received} == {f"Bearer {TOKEN}"}
    posts = {re.sub(r"\d+", "N", received.path): received for received in dbt.received if received.method == "POST"}
    assert set(posts) == {
        "/api/vN/accounts/N/runs/N/retry/",
        "/api/vN/accounts/N/runs/N/cancel/",
        "/api/vN/accounts/N/jobs/N/run/",
    }
    for path in ("/api/vN/accounts/N/runs/N/retry/", "/api/vN/accounts/N/runs/N/cancel/"):
        assert posts[path].body == b"" and posts[path].content_type == "", path
    trigger = posts["/api/vN/accounts/N/jobs/N/run/"]
    assert trigger.content_type == "application/json" and json.loads(trigger.body) == {"cause": DEFAULT_CAUSE}


def test_a_timeout_with_no_cancel_leaves_the_run(dbt, prod, capsys):
    run = dbt.add_run(4001, "forever")
    status, out, _ = ops(capsys, "follow", str(run.id), "--timeout", "60", "--no-cancel", *QUICK)
    assert status == 4
    assert not dbt.requests_to("POST", r"/cancel/") and not run.cancelled
    assert f"timed out after 00:01:00; run {run.id} is still running, not cancelled" in out


def test_ctrl_c_cancels_the_run(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "forever")
    clock.interrupt_after(0.3)  # what Ctrl-C does: KeyboardInterrupt in the main thread, here during a poll's wait
    status, out, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 3
    assert "interrupted (Ctrl-C); cancelling run" in out
    assert len(dbt.requests_to("POST", rf"/runs/{run.id}/cancel/")) == 1


def test_ctrl_c_with_no_cancel_leaves_the_run_and_exits_130(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "forever")
    clock.interrupt_after(0.3)
    status, out, _ = ops(capsys, "follow", str(run.id), "--no-cancel", *FAST)
    assert status == 130
    assert f"interrupted (Ctrl-C); run {run.id} is still running, not cancelled" in out
    assert not dbt.requests_to("POST", r"/cancel/") and not run.cancelled


def test_if_running_fail_and_cancel(dbt, prod, capsys):
    busy = dbt.add_run(4001, "forever")
    status, _, err = ops(capsys, "run", "prod", "daily-pipeline", "--if-running", "fail", *FAST)
    assert status == 1 and f"run {busy.id} of 'Daily Pipeline - Production' (4001) is already queued" in err
    assert not dbt.requests_to("POST", r"/jobs/4001/run/")
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--if-running", "cancel", *FAST)
    assert status == 0 and busy.cancelled and f"cancelled run {busy.id}" in out
    assert len(dbt.requests_to("POST", r"/jobs/4001/run/")) == 1


def test_if_running_wait_follows_the_other_run_first(dbt, prod, capsys):
    busy = dbt.add_run(4001, "success")
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--wait", *FAST)
    assert status == 0
    assert out.index(f"run {busy.id} success") < out.index("started run")
    assert not busy.cancelled


def test_a_run_whose_logs_have_no_counts(dbt, prod, capsys):
    run = dbt.add_run(4001, "no-counts")
    status, out, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 0
    final = lines_with(out, f"run {run.id} success in")
    assert final and "models" not in final[0] and "tests" not in final[0]


# -- the HTTP client -------------------------------------------------------------------------------------------


def test_429_then_success_honours_retry_after(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "no-counts")
    dbt.fail_next("GET", f"/runs/{run.id}/", 429, headers={"Retry-After": "30"})
    started = time.perf_counter()
    status, _, err = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 0
    first, second = dbt.requests_to("GET", rf"/runs/{run.id}/")[:2]
    assert second[0] - first[0] >= 30  # waited as told, not the 0.01 s backoff: on the fake clock
    assert clock.sleeps[0] == 30 and time.perf_counter() - started < 5  # ... which takes no real time
    assert f"dbt Cloud API: HTTP 429 for GET /api/v2/accounts/12345/runs/{run.id}/; retry 1 of 4 in 30.0 s" in err


def test_500_then_success(dbt, prod, capsys):
    run = dbt.add_run(4001, "no-counts")
    dbt.fail_next("GET", f"/runs/{run.id}/", 500, times=2)
    status, _, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 0
    assert len(dbt.requests_to("GET", rf"/runs/{run.id}/")) == 2 + 2


def test_persistent_500_gives_up_with_exit_5(dbt, prod, capsys):
    run = dbt.add_run(4001, "no-counts")
    dbt.fail_next("GET", f"/runs/{run.id}/", 503, times=10)
    status, _, err = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 5
    assert "HTTP 503" in err and "gave up after 4 retries" in err
    assert len(dbt.requests_to("GET", rf"/runs/{run.id}/")) == 5


def test_a_trigger_is_not_retried_after_a_500(dbt, prod, capsys):
    dbt.fail_next("POST", "/jobs/4001/run/", 502)
    status, _, err = ops(capsys, "run", "prod", "daily-pipeline", *FAST)
    assert status == 5 and "HTTP 502" in err
    assert len(dbt.requests_to("POST", r"/jobs/4001/run/")) == 1  # a second could start a second run


def test_401_names_what_to_check_and_never_the_token(dbt, prod, capsys, monkeypatch):
    monkeypatch.setenv("DBT_CLOUD_TOKEN", "dbtc_expired_" + "x" * 20)
    status, out, err = ops(capsys, "history", "prod", "daily-pipeline", *QUICK)
    assert status == 5
    assert "HTTP 401" in err and "Invalid token." in err
    assert "DBT_CLOUD_TOKEN" in err and "dbtcloud:hostUrl" in err
    assert "dbtc_expired_" not in out + err


def test_an_unreachable_api_exits_5(dbt, prod, capsys, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/api"
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", url)
    status, _, err = ops(capsys, "follow", "1", *FAST)
    assert status == 5 and f"dbt Cloud API unreachable at {url}" in err


def test_when_timeout_ends_the_retries_the_connections_own_error_is_said(dbt, prod, capsys, monkeypatch, clock):
    url = f"http://127.0.0.1:{free_port()}/api"
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", url)
    status, out, err = ops(capsys, "follow", "1", "--timeout", "1", "--retry-backoff", "0.4", "--no-cancel")
    said = out + err
    assert status == 4, said
    # The socket's own words (errno 111 on Linux, 61 on macOS), then why it was not retried.
    cause = rf"ConnectError \(\[Errno \d+\] Connection refused\) from {re.escape(url)}: the retry would come after"
    assert re.search(cause, said), said


def test_bad_stack_and_bad_job_are_usage_errors(dbt, prod, capsys):
    status, _, err = ops(capsys, "run", "staging", "daily-pipeline")
    assert status == 2 and "no stack file Pulumi.staging.yaml; stacks here: dev, prod" in err
    status, _, err = ops(capsys, "run", "prod", "nightly")
    assert status == 2 and "has no job 'nightly'; its jobs: daily-pipeline, marts-quality" in err
    assert not dbt.requests


def test_missing_token_and_plain_http_hosts_are_refused(dbt, capsys, monkeypatch):
    monkeypatch.delenv("DBT_CLOUD_TOKEN")
    status, _, err = ops(capsys, "follow", "1")
    assert status == 2 and "DBT_CLOUD_TOKEN is not set" in err
    monkeypatch.setenv("DBT_CLOUD_TOKEN", TOKEN)
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", "http://cloud.getdbt.com/api")
    status, _, err = ops(capsys, "follow", "1")
    assert status == 2 and "unencrypted" in err
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", "https://cloud.getdbt.com")
    status, _, err = ops(capsys, "follow", "1")
    assert status == 2 and "an https URL ending in /api" in err


def test_argument_errors_exit_2(capsys):
    for argv in (
        ["run", "prod"],
        ["run", "prod", "daily-pipeline", "--job-id", "3"],
        ["follow", "abc"],
        ["history", "prod", "daily-pipeline", "--limit", "0"],
        ["bogus"],
    ):
        assert main(argv) == 2, argv
    status, _, err = ops(capsys, "histroy", "prod")
    assert status == 2 and "no command 'histroy'; did you mean 'history'? commands: run, follow" in err
    status, _, err = ops(capsys, "run", "prod", "daily-pipeline", "--no-cancel")
    assert status == 2 and "--no-cancel applies to --wait" in err
    status, _, err = ops(capsys, "retry", "7", "--no-cancel")
    assert status == 2 and "--no-cancel applies to --wait" in err


def test_help_lists_commands_and_exit_statuses(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for word in ("run", "follow", "retry", "history", "docs", "preflight", "adopt", "70 ", "130 "):
        assert word in text
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    assert "4   --timeout passed first" in text and "5   an API was unreachable" in text and "--poll" in text


@pytest.mark.parametrize("command", ["docs", "preflight", "history", "adopt"])
def test_help_offers_only_what_a_command_uses(command, capsys):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "--poll" not in text and "--max-poll" not in text, "it polls nothing"
    assert "cancelled" not in text and "--timeout passed" not in text, "it follows no run"
    assert "--request-timeout" in text and "--project-dir" in text


# -- retry -----------------------------------------------------------------------------------------------------


def test_retry_a_failed_run_from_its_failed_step(dbt, prod, capsys):
    failed = dbt.add_run(4001, "error")
    failed.position = len(failed.phases) - 1
    status, out, _ = ops(capsys, "retry", str(failed.id), "--wait", *FAST)
    new_id = max(dbt.runs)
    assert status == 0
    assert f"retrying run {failed.id} from its failed step as run {new_id}" in out
    assert len(dbt.requests_to("POST", rf"/runs/{failed.id}/retry/")) == 1
    assert f"run {new_id} success" in out


@pytest.mark.parametrize("scenario, word", [("cancelled", "cancelled"), ("success", "success")])
def test_retry_never_reruns_a_cancelled_or_successful_run(dbt, prod, capsys, scenario, word):
    run = dbt.add_run(4001, scenario)
    run.position = len(run.phases) - 1
    status, _, err = ops(capsys, "retry", str(run.id), *FAST)
    assert status == 1 and f"run {run.id} is {word}, not failed: nothing to retry" in err
    assert not dbt.requests_to("POST", r"/retry/")


def test_retry_says_why_dbt_cloud_cannot(dbt, prod, capsys):
    run = dbt.add_run(4001, "error", can_retry=False, retry_not_supported_reason="RETRY_NOT_LATEST_RUN")
    run.position = len(run.phases) - 1
    status, _, err = ops(capsys, "retry", str(run.id), *FAST)
    assert status == 1 and "a newer run of the job exists" in err and "RETRY_NOT_LATEST_RUN" in err
    assert not dbt.requests_to("POST", r"/retry/")


# -- history ---------------------------------------------------------------------------------------------------


def test_history_pages_through_1000_runs(dbt, prod, capsys):
    dbt.add_history(4001, 1000)
    status, out, _ = ops(
        capsys, "history", "prod", "daily-pipeline", "--limit", "1000", "--json", "--detail", "3", *QUICK
    )
    assert status == 0
    document = json.loads(out)
    lists = dbt.requests_to("GET", r"/runs/$")
    assert [int(q["offset"][0]) for _, _, _, q in lists] == list(range(0, 1000, 100))
    assert all(
        q["limit"] == ["100"] and q["job_definition_id"] == ["4001"] and q["order_by"] == ["-id"]
        for _, _, _, q in lists
    )
    runs = document["runs"]
    assert len(runs) == 1000 and len({run["id"] for run in runs}) == 1000
    assert [run["id"] for run in runs] == sorted((run["id"] for run in runs), reverse=True)
    assert set(runs[0]) == {
        "id",
        "status",
        "cause",
        "started_at",
        "finished_at",
        "duration_seconds",
        "queued_seconds",
        "models",
        "tests",
    }
    assert {run["status"] for run in runs} <= {"queued", "starting", "running", "success", "error", "cancelled"}
    assert 86_436 in {run["duration_seconds"] for run in runs}  # "24:00:36"
    detailed = [run for run in runs if run["models"] is not None]
    assert len(detailed) <= 3 and runs[3]["models"] is None
    summary = document["summary"]
    assert summary["runs"] == 1000 and summary["succeeded"] + summary["failed"] + summary["cancelled"] == 1000
    assert summary["success_rate"] == round(summary["succeeded"] / 1000, 4)
    assert summary["p95_run_seconds"] >= summary["p50_run_seconds"] > 0
    assert summary["duration_trend"] > 0  # the fake's runs grow slower over time
    assert document["job"] == {
        "id": 4001,
        "key": "daily-pipeline",
        "name": "Daily Pipeline - Production",
        "stack": "prod",
    }


def test_history_table_summary_and_since(dbt, prod, capsys):
    dbt.add_history(4001, 30)
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--since", "2026-11-16", *QUICK)
    assert status == 0
    assert "success rate:" in out and "run duration: p50" in out and "tests:" in out
    table_rows = [line for line in out.splitlines() if line.lstrip().startswith("70")]
    assert len(table_rows) == 10  # 2026-11-16 .. 2026-11-25, one run a day
    successes = sum(1 for run in list(dbt.runs.values())[-10:] if run.phase.status == 10)
    assert 0 < successes < 10  # the fake's mix: successful runs' logs have test counts, the others none
    assert f"tests: 100% passed ({successes * 100}/{successes * 100} over the {successes} runs with test counts)" in out
    assert sum("100/100" in row for row in table_rows) == successes
    assert sum("10/16" in row for row in table_rows) == sum(
        1 for run in list(dbt.runs.values())[-10:] if run.phase.status == 20
    )  # models built ok of 16


def test_history_plot_writes_a_png(dbt, prod, capsys, tmp_path: Path):
    dbt.add_history(4001, 200)
    target = tmp_path / "run-history.png"
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "200", "--plot", str(target), *QUICK)
    assert status == 0 and f"plot written to {target}" in out
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 800 and height >= 400 and len(data) > 20_000


def test_history_bad_since_is_a_usage_error(dbt, prod, capsys):
    status, _, err = ops(capsys, "history", "prod", "daily-pipeline", "--since", "last week")
    assert status == 2 and "--since: 'last week' is not a date" in err


# -- docs ------------------------------------------------------------------------------------------------------


def test_docs_points_at_the_catalog_and_the_docs_job(dbt, prod, capsys):
    dbt.add_history(4001, 3)
    newest = dbt.add_run(4001, "success")
    newest.position = len(newest.phases) - 1
    dbt.add_run(4001, "forever")  # an unfinished run does not count
    status, out, _ = ops(capsys, "docs", "prod", *QUICK)
    assert status == 0
    assert f"docs (dbt Catalog): {dbt.web_url}/explore/12345/projects/270542" in out
    assert f"docs job 'daily-pipeline': 'Daily Pipeline - Production' (4001) {dbt.web_url}/deploy/12345/" in out
    assert f"last run {newest.id} (success, 2026-11-25 02:01 UTC) generated docs" in out
    assert "marts-quality" not in out  # it does not generate docs


def test_docs_when_the_last_run_made_none(dbt, prod, capsys):
    good = dbt.add_run(4001, "success")
    run = dbt.add_run(4001, "error", created_at=datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc))
    good.position, run.position = len(good.phases) - 1, len(run.phases) - 1
    status, out, _ = ops(capsys, "docs", "prod", *QUICK)
    assert status == 1
    assert (
        f"last run {run.id} (error, 2026-11-26 02:01 UTC) did NOT generate docs; it failed before the docs step"
    ) in out
    assert f"the Catalog shows the docs of run {good.id} (2026-11-25 02:01 UTC)" in out


# -- preflight -------------------------------------------------------------------------------------------------


def test_ops_is_not_imported_by_the_program_and_imports_no_provider_sdk():
    program = (Path(__file__).resolve().parent.parent / "__main__.py").read_text()
    assert "import ops" not in program and "from ops" not in program
    import subprocess
    import sys

    probe = (
        "import sys, pathlib, ops.cli, ops.account; ops.account.load_stack('prod', pathlib.Path('.')); "
        "print(sorted(m for m in ('pulumi_databricks', 'pulumi_dbtcloud', 'matplotlib', 'databricks.sdk') "
        "if m in sys.modules))"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout
    assert time.monotonic() - started < 10


def test_the_deploy_workflows_smoke_test_is_opt_in_and_bounded():
    import yaml

    workflow = yaml.safe_load((Path(__file__).resolve().parent.parent / ".github/workflows/deploy.yml").read_text())
    steps = workflow["jobs"]["prod"]["steps"]
    smoke = [index for index, step in enumerate(steps) if "python -m ops run" in step.get("run", "")]
    assert len(smoke) == 1
    step = steps[smoke[0]]
    deploy = [index for index, step in enumerate(steps) if "pulumi/actions" in step.get("uses", "")]
    assert deploy and deploy[0] < smoke[0]  # after prod is deployed
    assert "vars.PROD_SMOKE_TEST == 'true'" in step["if"]
    assert "--wait --timeout 3600" in step["run"] and step["timeout-minutes"] * 60 > 3600  # ours cancels first
    assert step["env"] == {"DBT_CLOUD_TOKEN": "${{ secrets.DBT_CLOUD_TOKEN }}"}


def test_404_and_403_name_what_to_check(dbt, prod, capsys):
    status, _, err = ops(capsys, "follow", "999", *FAST)
    assert status == 5
    assert "dbt Cloud refused GET /api/v2/accounts/12345/runs/999/: HTTP 404 NOT FOUND: Not found." in err
    assert "check the account id (12345: DBT_CLOUD_ACCOUNT_ID / dbtcloud:accountId), the region" in err
    dbt.fail_next("GET", "/projects/", 403)
    status, _, err = ops(capsys, "history", "prod", "daily-pipeline", *QUICK)
    assert status == 5 and "HTTP 403" in err and "You do not have permission" in err
    assert "has permission for this in account 12345" in err and "Developer plan has none" in err
