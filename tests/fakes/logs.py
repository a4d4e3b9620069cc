"""dbt's console output as dbt Cloud keeps it in a run step's `logs`: `N of M START ...`, `N of M OK created ...`,
`Done. PASS= WARN= ERROR= SKIP= TOTAL=`, with dbt's ANSI colour codes; and the step names dbt Cloud gives them."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional

from .envelope import BASE_TIME

# dbt's terminal colours, as dbt Cloud keeps them in `logs`.
GREEN, RED, YELLOW, RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"

MODELS = [
    f"analytics.{name}"
    for name in (
        "stg_bus_routes",
        "stg_bus_stops",
        "stg_metro_lines",
        "stg_metro_stations",
        "stg_trips",
        "stg_fares",
        "dim_routes",
        "dim_stops",
        "dim_stations",
        "dim_dates",
        "fct_trips",
        "fct_fares",
        "fct_ridership",
        "mart_daily_ridership",
        "mart_route_performance",
        "mart_station_load",
    )
]


def _stamp(seconds: int) -> str:
    moment = BASE_TIME + timedelta(seconds=seconds)
    return f"{RESET}{moment:%H:%M:%S}  "


def log_header(nodes: str) -> list[str]:
    return [
        _stamp(0) + "Running with dbt=1.9.4",
        _stamp(1) + "Registered adapter: databricks=1.9.7",
        _stamp(3) + f"Found {nodes}, 12 sources, 0 exposures, 0 metrics, 612 macros",
        _stamp(3),
        _stamp(5) + "Concurrency: 8 threads (target='default')",
        _stamp(5),
    ]


def run_log(done: int = 16, error_at: Optional[int] = None, finished: bool = True) -> str:
    """`dbt run` output over the 16 models; `done` of them finished; model `error_at` fails (the rest skip)."""
    total = len(MODELS)
    lines = log_header("16 models, 100 data tests")
    for number, model in enumerate(MODELS[:done], start=1):
        kind = "view" if number <= 6 else "table"
        lines.append(_stamp(5 + number) + f"{number} of {total} START sql {kind} model {model} " + "." * 20 + " [RUN]")
        if error_at is not None and number > error_at:
            lines.append(
                _stamp(5 + number)
                + f"{number} of {total} SKIP relation {model} "
                + "." * 20
                + f" [{YELLOW}SKIP{RESET}]"
            )
        elif number == error_at:
            lines.append(
                _stamp(6 + number)
                + f"{number} of {total} ERROR creating sql {kind} model {model} "
                + "." * 10
                + f" [{RED}ERROR{RESET} in 2.31s]"
            )
        else:
            lines.append(
                _stamp(6 + number)
                + f"{number} of {total} OK created sql {kind} model {model} "
                + "." * 10
                + f" [{GREEN}OK{RESET} in 1.{number:02d}s]"
            )
    if finished:
        errors = 1 if error_at else 0
        skipped = total - error_at if error_at else 0
        passed = total - errors - skipped
        lines += [
            _stamp(30),
            _stamp(30) + "Finished running 6 view models, 10 table models in 0 hours 0 minutes "
            "and 25.40 seconds (25.40s).",
            _stamp(30),
        ]
        if error_at:
            model = MODELS[error_at - 1]
            lines += [
                _stamp(30) + f"{RED}Completed with 1 error, 0 partial successes, and 0 warnings:{RESET}",
                _stamp(30),
                _stamp(30) + f"{RED}Runtime Error in model {model.split('.')[1]} "
                f"(models/facts/{model.split('.')[1]}.sql){RESET}",
                _stamp(30) + "  [TABLE_OR_VIEW_NOT_FOUND] The table or view `shanghai_transport`.`raw`.`trips` "
                "cannot be found. Verify the spelling and correctness of the schema and catalog.",
                _stamp(30),
            ]
        else:
            lines.append(_stamp(30) + f"{GREEN}Completed successfully{RESET}")
            lines.append(_stamp(30))
        lines.append(_stamp(30) + f"Done. PASS={passed} WARN=0 ERROR={errors} SKIP={skipped} TOTAL={total}")
    return "\n".join(lines) + "\n"


def dbt_test_log(done: int = 100, total: int = 100, failures: int = 0, finished: bool = True) -> str:
    """`dbt test` output: `done` of `total` tests finished, the last `failures` of them failing."""
    lines = log_header(f"16 models, {total} data tests")
    for number in range(1, done + 1):
        name = f"not_null_{MODELS[number % 16].split('.')[1]}_id_{number}"
        lines.append(_stamp(40) + f"{number} of {total} START test {name} " + "." * 20 + " [RUN]")
        if number > total - failures:
            lines.append(
                _stamp(41) + f"{number} of {total} FAIL 3 {name} " + "." * 10 + f" [{RED}FAIL 3{RESET} in 0.91s]"
            )
        else:
            lines.append(
                _stamp(41) + f"{number} of {total} PASS {name} " + "." * 10 + f" [{GREEN}PASS{RESET} in 0.42s]"
            )
    if finished:
        lines += [
            _stamp(60),
            _stamp(60) + f"Finished running {total} data tests in 0 hours 0 minutes and 19.80 seconds (19.80s).",
            _stamp(60),
        ]
        summary = (
            f"{GREEN}Completed successfully{RESET}"
            if not failures
            else f"{RED}Completed with {failures} errors, 0 partial successes, and 0 warnings:{RESET}"
        )
        lines.append(_stamp(60) + summary)
        lines.append(_stamp(60) + f"Done. PASS={total - failures} WARN=0 ERROR={failures} SKIP=0 TOTAL={total}")
    return "\n".join(lines) + "\n"


def plain_step_log(text: str) -> str:
    return f"{RESET}{text}\n"


PRE_STEPS = [
    ("Clone git repository", plain_step_log("Cloning into '/tmp/jobs/1/target'...\nSuccessfully cloned repository.")),
    ("Create profile from connection Databricks - Production", plain_step_log("Writing profile")),
    ("Invoke dbt with `dbt deps`", plain_step_log("Running with dbt=1.9.4\nInstalling dbt-labs/dbt_utils")),
]
RUN_STEP = "Invoke dbt with `dbt run --select staging+ dimensions+ facts+ marts+`"
TEST_STEP = "Invoke dbt with `dbt test`"
DOCS_STEP = "Invoke dbt with `dbt docs generate`"
