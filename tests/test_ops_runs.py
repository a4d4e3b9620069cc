"""The run model alone: status words, durations past 24 hours, dbt log counts with colour codes, poll intervals."""

from __future__ import annotations

from fakes.logs import RUN_STEP, TEST_STEP, dbt_test_log, run_log

from ops.follow import PollSchedule
from ops.history import percentile, summarise
from ops.runs import Run, format_duration, parse_duration, parse_step_logs, step_command, strip_ansi


def test_durations_past_a_day_read_and_print_back():
    assert parse_duration("24:00:36") == 86_436
    assert parse_duration("00:01:05") == 65
    assert parse_duration("123:00:00") == 123 * 3600
    assert parse_duration(None) is None and parse_duration("soon") is None
    assert format_duration(86_436) == "24:00:36"
    assert format_duration(None) == "-"


def test_status_codes_in_words():
    words = {code: Run.from_api({"id": 1, "status": code}).word for code in (1, 2, 3, 10, 20, 30)}
    assert words == {1: "queued", 2: "starting", 3: "running", 10: "success", 20: "error", 30: "cancelled"}
    cancelled = Run.from_api({"id": 1, "status": 30, "is_complete": True, "is_success": False})
    assert cancelled.finished and cancelled.word == "cancelled"


def test_step_command_from_dbt_clouds_step_names():
    assert step_command(RUN_STEP) == "run"
    assert step_command("Invoke dbt with `dbt --warn-error test --select marts`") == "test"
    assert step_command("Clone git repository") is None


def test_model_counts_from_a_run_log_with_colour_codes():
    log = run_log(done=7, finished=False)
    assert "\x1b[32m" in log
    counts = parse_step_logs(log, "run")
    assert (counts.models.done, counts.models.total, counts.models.passed) == (7, 16, 7)
    assert not counts.tests.known


def test_the_done_summary_decides_a_finished_step():
    counts = parse_step_logs(run_log(error_at=11), "run").models
    assert (counts.done, counts.total, counts.passed, counts.errored, counts.skipped) == (16, 16, 10, 1, 5)
    tests = parse_step_logs(dbt_test_log(failures=2), "test").tests
    assert (tests.passed, tests.errored, tests.total) == (98, 2, 100)


def test_build_steps_split_models_and_tests():
    log = "\n".join(
        [
            "1 of 3 START sql view model analytics.stg_trips ... [RUN]",
            "1 of 3 OK created sql view model analytics.stg_trips ... [\x1b[32mOK\x1b[0m in 1.1s]",
            "2 of 3 START test not_null_stg_trips_id ... [RUN]",
            "2 of 3 PASS not_null_stg_trips_id ... [\x1b[32mPASS\x1b[0m in 0.3s]",
            "3 of 3 START test unique_stg_trips_id ... [RUN]",
        ]
    )
    counts = parse_step_logs(log, "build")
    assert (counts.models.done, counts.models.total) == (1, 1)
    assert (counts.tests.passed, counts.tests.total) == (1, 2)


def test_logs_without_counts_give_none():
    counts = parse_step_logs("\x1b[0m02:00:01  Running with dbt=1.9.4\n\x1b[0mDone.\n", "run")
    assert not counts.models.known and not counts.tests.known
    assert parse_step_logs(run_log(), None).models.known is False  # not a dbt step: not counted


def test_log_tail_strips_ansi():
    run = Run.from_api(
        {
            "id": 5,
            "status": 20,
            "run_steps": [
                {"index": 4, "name": RUN_STEP, "status": 20, "logs": run_log(error_at=11)},
                {"index": 5, "name": TEST_STEP, "status": 30, "logs": ""},
            ],
        }
    )
    step = run.failed_step
    assert step is not None and step.name == RUN_STEP
    tail = step.log_tail(5)
    assert len(tail) == 5 and tail[-1].endswith("Done. PASS=10 WARN=0 ERROR=1 SKIP=5 TOTAL=16")
    assert all("\x1b" not in line for line in tail)
    assert strip_ansi("\x1b[31mRuntime Error\x1b[0m") == "Runtime Error"


def test_poll_intervals_grow_to_the_cap():
    intervals = PollSchedule(first=2, factor=1.5, cap=30).intervals()
    values = [next(intervals) for _ in range(12)]
    assert values[:3] == [2, 3, 4.5]
    assert max(values) == 30 and values[-1] == 30
    assert values == sorted(values)


def test_percentiles_and_summary():
    assert percentile([], 0.5) is None
    assert percentile([float(v) for v in range(1, 101)], 0.95) == 95
    shapes = [(10, "00:10:00", 1), (20, "00:12:00", 8), (10, "00:20:00", 15), (30, "00:01:00", 22), (1, None, 23)]
    runs = [
        Run.from_api(
            {"id": i, "status": status, "run_duration": duration, "created_at": f"2026-11-{day:02d} 02:00:00+00:00"}
        )
        for i, (status, duration, day) in enumerate(shapes)
    ]
    summary = summarise(runs)
    assert (summary.succeeded, summary.failed, summary.cancelled, summary.finished) == (2, 1, 1, 4)
    assert summary.success_rate == 0.5
    assert summary.failures_per_week is not None and round(summary.failures_per_week, 2) == round(1 / (22 / 7), 2)
