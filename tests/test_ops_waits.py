"""Every wait has a bound: `--timeout` bounds everything a command does (requests, retries, `Retry-After` waits, slow
answers), `run` without `--wait` waits for the job's active run at most an hour unless told, and a list is never
read for ever, whatever its `total_count` says. The waits run on the tests' fake clock (`clock` in conftest.py):
a sleep takes no real time, and the clock still counts the real time that passes."""

from __future__ import annotations

import json
import time

import pytest
from fakes.dbt_cloud import seed_prod
from ops_cli import FAST, QUICK, ops

from ops.cli import main
from ops.client import DbtCloudClient


@pytest.fixture
def prod(dbt):
    return seed_prod(dbt)


# -- --timeout bounds everything -------------------------------------------------------------------------------


def test_a_timeout_bounds_retry_after_waits(dbt, prod, capsys, clock):
    # The API asks to wait an hour; --timeout 20 ends the command within 20 s, and the run is cancelled.
    run = dbt.add_run(4001, "forever")
    dbt.fail_next("GET", f"/runs/{run.id}/", 429, times=10, headers={"Retry-After": "3600"})
    status, out, _ = ops(capsys, "follow", str(run.id), "--timeout", "20", *QUICK)
    assert status == 4
    assert sum(clock.sleeps) < 20  # the waits made, in fake time (real time on a busy machine varies)
    assert "timed out after 00:00:20 (HTTP 429 for GET" in out
    assert "the retry would come after --timeout passes (60.0 s to wait" in out  # Retry-After capped at 60 s
    assert run.cancelled and f"run {run.id} is now cancelled" in out


def test_a_timeout_bounds_the_retries_of_a_failing_api(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "forever")
    dbt.fail_next("GET", f"/runs/{run.id}/", 503, times=10)
    status, out, _ = ops(capsys, "follow", str(run.id), "--timeout", "5", "--retry-backoff", "2")
    assert status == 4 and sum(clock.sleeps) < 5  # the waits made (fake time): the next backoff did not fit
    assert "retry would come after --timeout passes" in out and run.cancelled


def test_a_timeout_cuts_a_slow_answer(dbt, prod, capsys, clock):
    # No answer for 10 s (real time): the request's read timeout (30 s) is cut to what --timeout leaves.
    run = dbt.add_run(4001, "forever")
    dbt.hang("GET", f"/runs/{run.id}/", seconds=10)
    started = time.perf_counter()
    status, out, _ = ops(capsys, "follow", str(run.id), "--timeout", "0.3", "--request-timeout", "30", *FAST)
    assert time.perf_counter() - started < 3
    assert status == 4 and "--timeout passed waiting for dbt Cloud to answer GET" in out
    assert run.cancelled  # the cancel has a grace of its own


def test_a_cancel_that_fails_after_a_timeout_says_the_run_may_go_on(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "forever")
    dbt.fail_next("POST", f"/runs/{run.id}/cancel/", 503, times=10)
    status, out, err = ops(capsys, "follow", str(run.id), "--timeout", "60", *QUICK)
    assert status == 5 and not run.cancelled
    assert f"cancelling run {run.id} failed, so it may still be running (cancel it in dbt Cloud: " in err
    assert "HTTP 503" in err and "gave up after 4 retries" in err


def test_run_without_wait_waits_for_the_jobs_active_run_at_most_an_hour(dbt, prod, capsys, clock):
    busy = dbt.add_run(4001, "forever")
    started = clock.monotonic()
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--max-poll", "600", *QUICK)
    assert status == 4
    assert (
        f"run {busy.id} of 'Daily Pipeline - Production' (4001) is queued; waiting for it to end first "
        "(--if-running wait), at most 01:00:00 (01:00:00 without --wait; --timeout SECONDS to change)"
    ) in out
    assert f"'Daily Pipeline - Production' (4001) was not started: run {busy.id} had not ended within" in out
    assert 3600 <= clock.monotonic() - started < 3600 + 60
    assert not dbt.requests_to("POST", r"/jobs/4001/run/") and not busy.cancelled


def test_the_hour_bounds_the_wait_for_all_the_active_runs_together(dbt, prod, capsys, clock):
    first = dbt.add_run(4001, "success", ends_at=clock.monotonic() + 3000)  # ends after 50 minutes
    second = dbt.add_run(4001, "forever")
    started = clock.monotonic()
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--max-poll", "120", *QUICK)
    assert status == 4 and 3600 <= clock.monotonic() - started < 3600 + 60  # not an hour more for the second
    assert f"run {first.id} success" in out
    assert out.index(f"run {first.id} success") < out.index(f"run {second.id} of 'Daily Pipeline - Production'")
    assert "at most 00:0" in out.split(f"run {second.id} of", 1)[1]  # what remained of the hour


def test_timeout_without_wait_bounds_the_wait_for_the_active_run(dbt, prod, capsys, clock):
    busy = dbt.add_run(4001, "forever")
    started = clock.monotonic()
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--timeout", "90", *QUICK)
    assert status == 4 and clock.monotonic() - started < 90 + 2  # (the stack is read before the clock starts)
    assert "at most 00:01:30 (--timeout 00:01:30)" in out and not busy.cancelled
    busy.cancelled = True
    other = dbt.add_run(4001, "success")  # a run that ends within the bound: the job starts after it
    status, out, _ = ops(capsys, "run", "prod", "daily-pipeline", "--timeout", "600", *QUICK)
    assert status == 0 and out.index(f"run {other.id} success") < out.index("started run")


def test_following_takes_no_real_time(dbt, prod, capsys, clock):
    # Ten minutes of a run that never ends, at the default polls (2 s growing to 30 s), and a Retry-After of 30 s.
    run = dbt.add_run(4001, "forever")
    dbt.fail_next("GET", f"/runs/{run.id}/", 429, headers={"Retry-After": "30"})
    started = time.perf_counter()
    status, _, _ = ops(capsys, "follow", str(run.id), "--timeout", "600", *QUICK)
    assert status == 4 and 30 in clock.sleeps and sum(clock.sleeps) >= 590
    assert time.perf_counter() - started < 5


def test_the_help_names_the_bounds_the_commands_keep(capsys):
    from ops.commands import IF_RUNNING_WAIT
    from ops.follow import CANCEL_GRACE

    assert main(["run", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert IF_RUNNING_WAIT == 3600 and "which is otherwise 1 hour" in text and "within --timeout or 1 hour" in text
    assert f"up to {CANCEL_GRACE:g} s more for the cancel" in text


def test_the_clients_waits_are_the_standard_librarys_at_the_time(clock):
    client = DbtCloudClient("http://127.0.0.1:9/api", 1, "token")
    client.sleep(7)
    assert clock.sleeps == [7] and abs(client.clock() - time.monotonic()) < 1


# -- lists end ---------------------------------------------------------------------------------------------------


def test_a_list_that_repeats_its_first_page_is_read_once(dbt, prod, capsys):
    # A server that ignores `offset` and says there are 10**9 runs: two pages read, then it stops.
    dbt.add_history(4001, 150)
    dbt.list_quirks = {"ignore_offset", "total_count_1e9"}
    status, out, err = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "1000", "--json", *QUICK)
    assert status == 0, err
    runs = json.loads(out)["runs"]
    assert len(runs) == 100 and len({run["id"] for run in runs}) == 100
    assert "with the same 100 items as at offset 0 (it seems to ignore offset): read no further" in err
    assert len(dbt.requests_to("GET", r"/runs/$")) == 2


def test_a_total_count_that_lies_does_not_prolong_a_list(dbt, prod, capsys):
    dbt.add_history(4001, 150)
    dbt.list_quirks = {"total_count_1e9"}
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--limit", "1000", "--json", *QUICK)
    assert status == 0 and len(json.loads(out)["runs"]) == 150
    assert [q["offset"] for _, _, _, q in dbt.requests_to("GET", r"/runs/$")] == [["0"], ["100"]]  # the short page


def test_every_list_stops_at_a_page_that_repeats(dbt, prod, databricks, capsys):
    for number in range(120):
        dbt.add_notification(20000 + number, 200000 + number, 1, on_failure=[999999])
    dbt.list_quirks = {"ignore_offset", "total_count_1e9"}
    status, out, err = ops(capsys, "preflight", "prod", *QUICK)
    assert "PASS  dbt Cloud rights" in out, out + err
    assert "GET /api/v2/accounts/12345/notifications/ at offset 100 with the same 100 items" in err
