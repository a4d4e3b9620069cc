"""Benchmark (not a test): what the program, the offline runner and the tests cost over the SDK import floor.

    venv/bin/python bench/bench.py [--runs N] [--jobs N] [--memory-jobs N]

Every command runs as a whole process: its wall time is the median of `--runs` runs after one warm-up, its peak
memory the kernel's maximum resident set size of that one process (`os.wait4`), median of the same runs. What each
figure means:

- floor: `python -c "import pulumi, pulumi_dbtcloud, pulumi_databricks"`, importing the three SDKs and exiting (the
  exit included: the interpreter's last garbage collection over what they made). What anything here starts from.
- synth prod: `python -m synth prod`, the committed production stack. Target: within 1.3x the floor.
- jobs ratio: what 1,000 jobs cost the program, against what 1,000 resources cost the Pulumi SDK itself,

      (synth(1,000-job stack) - synth(0-job stack)) / (bare(1,000) - bare(0))

  synth(...) is `python -m synth generated` on a stack from generate.py (prod's settings with N generated jobs, and
  one notification on all of them); bare(N) is bare_jobs.py: N `dbtcloud.Job` with plain inputs, registered under
  the same mocks and recorded by the same monitor, in a process set up as synth's (the garbage collector paused, the
  heap frozen before exit). Each side subtracts its own run with no jobs, which imports the
  same modules and declares the same rest: what remains is the jobs' own cost, from the stack file's YAML to the
  printed tree on synth's side, the SDK's registrations and the mocks on bare's. (bare minus the floor would not
  do: bare never imports pulumi_databricks, so that difference misses about a second of import.) Target: at most 2.
- memory per job: (peak RSS of synth on a 5,000-job stack - peak RSS of the floor) / 5,000. Target: 150 KB at most.
  The peak is not the same from run to run: on the shared 2-core development machine it sat at one of two levels
  about 50 MB apart with the same code (the SDK's tasks and the mocks' thread run as the machine schedules them);
  hence the median, and each run's figure beside it. For reference, the same measure of the SDK alone: (peak RSS of
  bare(5,000) - peak RSS of bare(0)) / 5,000.
- suite: `python -m pytest -q` as one process. Target: at most 5x the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import write_stack

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TIMEOUT_SECONDS = 900
"""A command that runs longer is hung (the suite takes well under a minute): the benchmark stops with an error."""


def measure(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak resident set in KB) of one run of `command`; a failed or hung run stops the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # wait4 reports the resources of this one child (RUSAGE_CHILDREN would give the largest of all so far).
        _, status, usage = _wait4(process.pid, start + TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        process.wait()
        raise SystemExit(f"hung for {TIMEOUT_SECONDS} s: {' '.join(command)}") from None
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"exit {process.returncode}: {' '.join(command)}")
    return seconds, usage.ru_maxrss  # Linux: kilobytes


def _wait4(pid: int, deadline: float) -> tuple[int, int, os.struct_rusage]:
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        if time.perf_counter() > deadline:
            raise TimeoutError
        time.sleep(0.01)


def timed(command: list[str], runs: int) -> tuple[float, list[int]]:
    """(median wall seconds over `runs` runs after one warm-up, each run's peak RSS in KB)."""
    results = [measure(command) for _ in range(runs + 1)][1:]
    return statistics.median(seconds for seconds, _ in results), [rss for _, rss in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs per command (default 3)")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in the generated stack (default 1000)")
    parser.add_argument("--memory-jobs", type=int, default=5000, help="jobs in the memory stack (default 5000)")
    args = parser.parse_args()
    bare = str(ROOT / "bench" / "bare_jobs.py")
    with tempfile.TemporaryDirectory() as folder:
        stacks = {count: Path(folder, str(count)) for count in (0, args.jobs, args.memory_jobs)}
        for count, path in stacks.items():
            path.mkdir()
            write_stack(path, "generated", count)

        def synth(count: int) -> list[str]:
            return [PYTHON, "-m", "synth", "generated", "--project-dir", str(stacks[count])]

        floor, floor_rss = timed([PYTHON, "-c", "import pulumi, pulumi_dbtcloud, pulumi_databricks"], args.runs)
        prod, _ = timed([PYTHON, "-m", "synth", "prod"], args.runs)
        bare_none, bare_none_rss = timed([PYTHON, bare, "0"], args.runs)
        bare_jobs, _ = timed([PYTHON, bare, str(args.jobs)], args.runs)
        synth_none, _ = timed(synth(0), args.runs)
        synth_jobs, _ = timed(synth(args.jobs), args.runs)
        many_seconds, many_rss = timed(synth(args.memory_jobs), args.runs)
        _, bare_many_rss = timed([PYTHON, bare, str(args.memory_jobs)], args.runs)
        suite, _ = timed([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], args.runs)

    rows = [
        ("import the three SDKs (floor)", floor, ""),
        ("python -m synth prod", prod, "within 1.3x"),
        ("bare SDK: 0 dbtcloud.Job under mocks", bare_none, ""),
        (f"bare SDK: {args.jobs} dbtcloud.Job under mocks", bare_jobs, ""),
        ("python -m synth (stack of 0 jobs)", synth_none, ""),
        (f"python -m synth (stack of {args.jobs} jobs)", synth_jobs, ""),
        (f"python -m synth (stack of {args.memory_jobs} jobs)", many_seconds, ""),
        ("python -m pytest (whole suite)", suite, "at most 5x"),
    ]
    print(f"{'command':<48} {'median s':>9} {'x floor':>8} {'floor + s':>10}  target")
    for name, seconds, target in rows:
        print(f"{name:<48} {seconds:>9.2f} {seconds / floor:>7.2f}x {seconds - floor:>+10.2f}  {target}")

    ratio = (synth_jobs - synth_none) / (bare_jobs - bare_none)
    floor_kb = statistics.median(floor_rss)
    per_job = (statistics.median(many_rss) - floor_kb) / args.memory_jobs
    spread = ", ".join(f"{(rss - floor_kb) / args.memory_jobs:.1f}" for rss in sorted(many_rss))
    print()
    print(
        f"jobs ratio: (synth {args.jobs} jobs - synth 0 jobs) / (bare {args.jobs} - bare 0) = "
        f"{synth_jobs - synth_none:.2f} s / {bare_jobs - bare_none:.2f} s = {ratio:.2f}  {_verdict(ratio <= 2)} "
        "(target: at most 2)"
    )
    print(
        f"memory: (peak RSS of synth on {args.memory_jobs} jobs {statistics.median(many_rss) / 1024:.0f} MB - floor "
        f"{floor_kb / 1024:.0f} MB) / {args.memory_jobs} = {per_job:.1f} KB per job (runs: {spread})  "
        f"{_verdict(per_job <= 150)} (target: at most 150 KB)"
    )
    sdk_per_job = (statistics.median(bare_many_rss) - statistics.median(bare_none_rss)) / args.memory_jobs
    print(f"  the SDK alone (bare {args.memory_jobs} - bare 0) / {args.memory_jobs}: {sdk_per_job:.1f} KB per job")
    print(f"suite: {suite:.2f} s = {suite / floor:.2f}x the floor  {_verdict(suite <= 5 * floor)} (target: at most 5x)")
    print(f"synth prod: {prod / floor:.2f}x the floor  {_verdict(prod <= 1.3 * floor)} (target: within 1.3x)")
    return 0


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
