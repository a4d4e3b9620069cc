"""Benchmark (not a test) of the online commands against the fake dbt Cloud API on 127.0.0.1.

    venv/bin/python bench/ops_bench.py [--trials N] [--plot docs/run-history.png]

Measures three targets of issue 10 and prints each with its verdict:
1. the end of a run is noticed within one poll interval: runs that end at random moments, followed with a shrunk
   schedule (0.2 s first, x1.5, 1 s cap); latency = when `follow` returned minus when the run ended;
2. the history of 1,000 runs, in 10 pages, fetched and summarised in under 2 s (`--detail 0`: pages only), and the
   whole `ops history --json` command in the same process;
3. requests per followed minute stay bounded: the default schedule (2 s first, x1.5, 30 s cap) followed over ten
   minutes of a run that never ends, with a clock that jumps instead of sleeping (the requests are real).

`--plot FILE` also draws the README's picture: `ops history prod daily-pipeline --limit 90 --plot FILE` against
the same fake history.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.dbt_cloud import TOKEN, FakeDbtCloud, seed_prod  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402
from rich.console import Console  # noqa: E402

from ops import history  # noqa: E402
from ops.cli import main as ops_main  # noqa: E402
from ops.client import DbtCloudClient  # noqa: E402
from ops.follow import PollSchedule, follow  # noqa: E402


def quiet_console() -> Console:
    return Console(file=io.StringIO(), markup=False)


def end_noticed(fake: FakeDbtCloud, client: DbtCloudClient, trials: int) -> tuple[float, float, float, float]:
    """(median latency, worst latency, worst wait as a fraction of the interval in force, worst excess in s).

    latency: from the run's end to `follow` returning. wait: from the run's end to the server receiving the poll
    that saw it ended; it must not exceed the interval slept before that poll (the interval in force when the run
    ended), give or take the request's trip to the server, which `excess` shows.
    """
    schedule = PollSchedule(first=0.2, factor=1.5, cap=1.0)
    latencies, ratios, excesses = [], [], []
    rng = random.Random(3)
    for _ in range(trials):
        ends_in = rng.uniform(0.5, 4.0)
        run = fake.add_run(4001, "success", ends_at=time.monotonic() + ends_in)
        slept: list[float] = []

        def sleep(seconds: float, slept: list[float] = slept) -> None:
            slept.append(seconds)
            time.sleep(seconds)

        before = len(fake.requests)
        follow(client, run.id, quiet_console(), schedule=schedule, sleep=sleep)
        latency = time.monotonic() - run.ends_at
        seen = min(
            stamp
            for stamp, method, path, _ in fake.requests[before:]
            if path.endswith(f"/runs/{run.id}/") and stamp >= run.ends_at
        )
        wait, interval = seen - run.ends_at, slept[-1]
        latencies.append(latency)
        ratios.append(wait / interval)
        excesses.append(wait - interval)
    return statistics.median(latencies), max(latencies), max(ratios), max(excesses)


def history_of_1000(fake: FakeDbtCloud, client: DbtCloudClient) -> tuple[float, int, float]:
    """(seconds to fetch and summarise, list requests, seconds for the whole command in this process)."""
    before = len(fake.requests)
    started = time.perf_counter()
    runs = history.fetch(client, 4001, limit=1000, since=None, detail=0)
    history.summarise(runs)
    fetched = time.perf_counter() - started
    pages = sum(1 for _, method, path, _ in fake.requests[before:] if method == "GET" and path.endswith("/runs/"))
    assert len(runs) == 1000, len(runs)
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = ops_main(["history", "prod", "daily-pipeline", "--limit", "1000", "--detail", "0", "--json"])
    assert status == 0
    return fetched, pages, time.perf_counter() - started


def requests_per_minute(fake: FakeDbtCloud, client: DbtCloudClient, minutes: int = 10) -> list[int]:
    """Requests in each followed minute, with the default schedule, over `minutes` simulated minutes."""
    now = [0.0]
    run = fake.add_run(4001, "forever")
    before = len(fake.requests)
    fake.clock = lambda: now[0]  # the server stamps what it receives with the simulated time

    def sleep(seconds: float) -> None:
        now[0] += seconds

    follow(
        client,
        run.id,
        quiet_console(),
        timeout=minutes * 60,
        cancel=False,
        schedule=PollSchedule(),
        clock=lambda: now[0],
        sleep=sleep,
    )
    fake.clock = time.monotonic
    stamps = [stamp for stamp, *_ in fake.requests[before:]]
    return [sum(1 for stamp in stamps if minute * 60 <= stamp < (minute + 1) * 60) for minute in range(minutes)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8, help="runs followed for the end-noticed figure")
    parser.add_argument("--plot", metavar="FILE", help="also write the history plot of the last 90 runs to FILE")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        fake = FakeDbtCloud(server)
        seed_prod(fake)
        fake.add_history(4001, 1000)
        os.environ.update(
            {
                "DBT_CLOUD_TOKEN": TOKEN,
                "DBT_CLOUD_ACCOUNT_ID": str(fake.account_id),
                "DBT_CLOUD_HOST_URL": fake.host_url,
            }
        )
        client = DbtCloudClient(fake.host_url, fake.account_id, TOKEN)

        fetched, pages, command = history_of_1000(fake, client)
        print(
            f"history of 1,000 runs: {pages} pages fetched and summarised in {fetched:.2f} s "
            f"(target < 2 s: {'met' if fetched < 2 and pages == 10 else 'MISSED'}); "
            f"the whole `ops history --json` in-process: {command:.2f} s"
        )
        if args.plot:  # before the runs the next measurements add
            with contextlib.redirect_stdout(io.StringIO()):
                status = ops_main(["history", "prod", "daily-pipeline", "--limit", "90", "--plot", args.plot])
            print(f"history plot written to {args.plot}" if status == 0 else f"plot failed: exit {status}")

        median, worst, ratio, excess = end_noticed(fake, client, args.trials)
        met = excess <= 0.02  # within the interval, give or take the request's own trip over the loopback
        print(
            f"end of a run noticed ({args.trials} runs ending at random, poll 0.2 s x1.5 up to 1 s): "
            f"the poll that saw it came at most {ratio:.2f} of the interval in force after the end "
            f"({excess * 1000:+.0f} ms); `follow` returned {median * 1000:.0f} ms (median), "
            f"{worst * 1000:.0f} ms (worst) after the end (target within one interval: {'met' if met else 'MISSED'})"
        )

        per_minute = requests_per_minute(fake, client)
        print(
            f"requests per followed minute (default schedule, 10 minutes): {per_minute}; "
            f"at most {max(per_minute)} (bounded: then {per_minute[-1]} a minute at the 30 s cap; "
            "the API allows 5,000 a minute per account)"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
