"""Answers dbt Labs' spec allows, and the service gives, that `ops` must read without crashing: a run answer holds
only what `RunResponse` requires (`created_at`, `updated_at`), nulls where the service has no value, no `id`, no
`status`, durations that are not `HH:MM:SS`, a `Retry-After` that is neither seconds nor a date. Where something
needed is truly absent the command says so (and what to do), with an exit status, never a traceback."""

from __future__ import annotations

import email.utils
import json
import re
import time

import pytest
from fakes import spec
from fakes.dbt_cloud import seed_prod
from fakes.logs import RUN_STEP
from ops_cli import FAST, QUICK, ops
from rich.console import Console

from ops import history
from ops.client import retry_after_seconds
from ops.follow import exit_for, progress_line, report_end
from ops.runs import UNKNOWN, Run, parse_duration

STAMP = "2026-11-25 02:00:00.000000+00:00"


@pytest.fixture
def prod(dbt):
    return seed_prod(dbt)


def every_view_of(run: Run) -> str:
    """What every command shows of a run, as text (the progress line, the end report, the history table, its
    JSON record and the summary)."""
    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115 - closed below
    try:
        console.print(progress_line(run, 5.0))
        report_end(run, console)
        console.print(history.table([run], "runs"))
        console.print(json.dumps(history.run_record(run)))
        history.print_summary(history.summarise([run]), console)
        return console.export_text()
    finally:
        console.file.close()


# -- the run model ---------------------------------------------------------------------------------------------


def test_a_run_with_only_what_the_spec_requires():
    run = Run.from_api({"created_at": STAMP, "updated_at": STAMP})
    assert run.id is None and run.status == UNKNOWN and run.word == "unknown" and not run.finished
    assert exit_for(run) != 0
    text = every_view_of(run)
    assert "a run (its id not given) unknown" in text and "do not say how" in text


def test_a_run_whose_every_field_is_null():
    spec.require_specs()
    schemas = spec.raw("v2")["components"]["schemas"]
    data = {name: None for name in schemas["RunResponse"]["properties"]}
    data["run_steps"] = [{name: None for name in schemas["RunStepResponse"]["properties"]}]
    data["trigger"] = {name: None for name in schemas["RunTrigger"]["properties"]}
    run = Run.from_api(data)
    assert run.id is None and run.status == UNKNOWN and run.duration is None and run.cause is None
    assert [(step.index, step.name, step.status, step.logs) for step in run.steps] == [(1, "step 1", 0, "")]
    every_view_of(run)
    # Nulls, or values of another type, where the run's steps and trigger should be.
    for odd in (None, "", 7, "text", ["x"]):
        every_view_of(Run.from_api({"id": 1, "status": 3, "run_steps": odd, "trigger": odd, "duration": odd}))


def test_without_a_status_the_flags_say_how_a_run_stands():
    def status_of(**flags: bool) -> int:
        return Run.from_api({"id": 1, **flags}).status

    assert status_of(is_success=True, is_complete=True) == 10
    assert status_of(is_error=True, is_complete=True) == 20
    assert status_of(is_cancelled=True, is_complete=True) == 30
    assert status_of(is_running=True) == 3
    complete = Run.from_api({"id": 1, "is_complete": True})
    assert complete.finished and complete.word == "complete (outcome not given)" and exit_for(complete) != 0
    assert Run.from_api({"id": "7", "status": "20"}).status == 20  # numbers written as text
    assert Run.from_api({"id": True, "status": 1.5}).id is None


@pytest.mark.parametrize(
    "text", ["inf:00:00", "nan:00:00", "-1:00:00", "00:61:00", "00:00:75", "1e9:00:00", "soon", "", "12", 12, None]
)
def test_durations_that_are_not_hh_mm_ss_read_as_unknown(text):
    assert parse_duration(text) is None
    run = Run.from_api({"id": 1, "status": 10, "duration": text, "queued_duration": text, "run_duration": text})
    assert "run 1 success" in every_view_of(run)


def test_durations_in_the_forms_the_service_writes():
    assert parse_duration("24:00:36") == 86_436 and parse_duration("123:00:00") == 123 * 3600
    assert parse_duration("1 day, 0:00:36") == 86_436 and parse_duration("2 days, 1:00:00") == 2 * 86400 + 3600
    assert parse_duration("00:00:05.250000") == 5


def test_retry_after_in_seconds_a_date_or_neither():
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds(" 0 ") == 0.0
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 31
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert retry_after_seconds(earlier) == 0.0
    for text in ("soon", "inf", "nan", "-5", "", "Mon, 99 Foo 2026 99:99:99 GMT", "1e400"):
        assert retry_after_seconds(text) is None, text


# -- through the commands, against the fake --------------------------------------------------------------------


def test_a_followed_run_whose_answers_name_no_id_and_odd_durations(dbt, prod, capsys):
    dbt.run_answer_edit = lambda data: {
        key: "inf:00:00" if key.endswith("duration") else value for key, value in data.items() if key != "id"
    }
    run = dbt.add_run(4001, "error")
    status, out, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 1
    assert f"[00:00:00] run {run.id} error" in out  # the id asked for
    assert f"failed step 4: {RUN_STEP}" in out and "TABLE_OR_VIEW_NOT_FOUND" in out


def test_a_run_answer_without_a_status_ends_by_its_flags(dbt, prod, capsys):
    dbt.run_answer_edit = lambda data: {key: value for key, value in data.items() if key != "status"}
    run = dbt.add_run(4001, "cancelled")
    status, out, _ = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 3 and f"run {run.id} cancelled" in out and "not a success" in out


def test_a_trigger_whose_answer_names_no_run_id(dbt, prod, capsys):
    dbt.run_answer_edit = lambda data: {key: value for key, value in data.items() if key != "id"}
    status, out, err = ops(capsys, "run", "prod", "daily-pipeline", "--wait", *FAST)
    assert status == 5
    assert "dbt Cloud started a run of 'Daily Pipeline - Production' (4001) but its answer names no run id" in err
    assert "python -m ops history prod daily-pipeline" in err
    assert len(dbt.requests_to("POST", r"/jobs/4001/run/")) == 1  # not started twice


def test_a_retry_whose_answer_names_no_run_id(dbt, prod, capsys):
    failed = dbt.add_run(4001, "error")
    failed.position = len(failed.phases) - 1
    dbt.run_answer_edit = lambda data: data if data["id"] == failed.id else {k: v for k, v in data.items() if k != "id"}
    status, _, err = ops(capsys, "retry", str(failed.id), "--wait", *FAST)
    assert status == 5 and f"dbt Cloud retried run {failed.id} but its answer names no new run id" in err


def test_the_history_of_runs_without_ids(dbt, prod, capsys):
    dbt.add_history(4001, 5)
    dbt.run_answer_edit = lambda data: {key: value for key, value in data.items() if key != "id"}
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", "--json", *QUICK)
    assert status == 0
    document = json.loads(out)
    assert [run["id"] for run in document["runs"]] == [None] * 5 and document["summary"]["runs"] == 5
    assert not dbt.requests_to("GET", r"/runs/None/")  # none read alone: there is no id to read it by
    status, out, _ = ops(capsys, "history", "prod", "daily-pipeline", *QUICK)
    assert (
        status == 0 and sum(bool(re.match(r"\s*- (success|error|cancelled) ", line)) for line in out.splitlines()) == 5
    )


def test_a_retry_after_that_is_neither_seconds_nor_a_date(dbt, prod, capsys, clock):
    run = dbt.add_run(4001, "no-counts")
    dbt.fail_next("GET", f"/runs/{run.id}/", 429, headers={"Retry-After": "soon"})
    status, _, err = ops(capsys, "follow", str(run.id), *FAST)
    assert status == 0
    assert "HTTP 429" in err and "(Retry-After 'soon' is neither seconds nor an HTTP date: backing off instead)" in err
    assert clock.sleeps[0] < 0.1  # the backoff (--retry-backoff 0.01), not a guess
