"""Benchmark (not a test): how much the program, the offline runner and the tests add to the SDK import floor.

    venv/bin/python bench/bench.py [--runs N]

Measures, in one run, the median wall time of each command as a whole process (after one warm-up):
importing the three SDKs (the floor: `import pulumi_databricks` alone costs 2-3 s), `python -m synth prod`,
the same for a generated stack of 1,000 jobs, and the full test suite; and prints each against the floor
and its target. For reference it also times 1,000 bare `dbtcloud.Job` resources under the same mocks: the
Pulumi SDK's own cost per resource, which no program on top of it can go below.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import write_stack

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def wall(command: list[str], runs: int) -> float:
    """Median wall seconds of `command` over `runs` runs, after one warm-up run."""
    times = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs per command (default 3)")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in the generated stack (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_stack(Path(folder), "generated", args.jobs)
        floor = wall([PYTHON, "-c", "import pulumi, pulumi_dbtcloud, pulumi_databricks"], args.runs)
        rows = [
            ("import the three SDKs (floor)", floor, "1.00x", "-"),
            ("python -m synth prod", wall([PYTHON, "-m", "synth", "prod"], args.runs), None, "within 1.3x"),
            (
                f"bare SDK: {args.jobs} dbtcloud.Job under mocks",
                wall([PYTHON, str(ROOT / "bench" / "bare_jobs.py"), str(args.jobs)], args.runs),
                None,
                "(reference)",
            ),
            (
                f"python -m synth (stack of {args.jobs} jobs)",
                wall([PYTHON, "-m", "synth", "generated", "--project-dir", folder], args.runs),
                None,
                "floor + 10 s",
            ),
            (
                "python -m pytest (whole suite)",
                wall([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], args.runs),
                None,
                "under 4x",
            ),
        ]
    print(f"{'command':<40} {'median s':>9} {'x floor':>8} {'floor + s':>10}  target")
    for name, seconds, ratio, target in rows:
        print(f"{name:<40} {seconds:>9.2f} {ratio or f'{seconds / floor:.2f}x':>8} {seconds - floor:>+10.2f}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
