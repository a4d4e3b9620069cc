"""Benchmark (not a test): the README's first command on a fresh clone, with uv (`./install`) and with pip.

    python3 bench/install_bench.py [--runs N]

Each run clones this repository's HEAD into a new folder and times, as one shell command, what a new user types:

- uv:  `./install requirements.txt && venv/bin/python -m synth prod` (the README's first command);
- pip: `python3 -m venv venv && venv/bin/pip install --require-hashes -r requirements.txt && venv/bin/python -m
  synth prod` (the same lock, installed the way the README used to say).

Both start with empty caches (their own cache folders, deleted after) and read packages from PyPI as a fresh laptop
would: the machine's own pip configuration (a local wheel folder or mirror, which uv would not read) is switched off
for both, so that neither gets packages the other cannot. The paths alternate, and the median of each is printed with
their ratio (target: uv at most a quarter of pip).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "uv": "./install requirements.txt && venv/bin/python -m synth prod",
    "pip": "python3 -m venv venv && venv/bin/pip install --quiet --require-hashes -r requirements.txt "
    "&& venv/bin/python -m synth prod",
}


def fresh_environment(caches: Path) -> dict[str, str]:
    """This process's environment with empty caches and no machine-wide pip configuration."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "UV_"))}
    environ.update(
        PIP_CONFIG_FILE=os.devnull,  # pip reads no configuration file at all
        PIP_CACHE_DIR=str(caches / "pip"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        UV_CACHE_DIR=str(caches / "uv"),
        PYTHONDONTWRITEBYTECODE="",  # as on a laptop: Python writes its bytecode
    )
    environ.pop("PYTHONDONTWRITEBYTECODE")
    environ.pop("VIRTUAL_ENV", None)
    return environ


def one_run(path: str) -> float:
    """Seconds from a fresh clone to the production stack printed, for `path`."""
    with tempfile.TemporaryDirectory() as folder:
        clone, caches = Path(folder) / "clone", Path(folder) / "caches"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        start = time.perf_counter()
        result = subprocess.run(
            COMMANDS[path], shell=True, cwd=clone, env=fresh_environment(caches), capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        if result.returncode != 0 or "dbtcloud-databricks / prod" not in result.stdout:
            sys.exit(f"{path}: failed ({result.returncode})\n{result.stderr[-2000:]}")
        shutil.rmtree(caches, ignore_errors=True)
        return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of each path (default 2), alternating")
    args = parser.parse_args()
    times: dict[str, list[float]] = {path: [] for path in COMMANDS}
    for _ in range(args.runs):
        for path in COMMANDS:
            times[path].append(one_run(path))
            print(f"{path}: {times[path][-1]:.1f} s", file=sys.stderr)
    uv, pip = (statistics.median(times[path]) for path in ("uv", "pip"))
    print("| first command, fresh clone, empty caches | median |")
    print("|---|---|")
    print(f"| uv (`./install requirements.txt && venv/bin/python -m synth prod`) | {uv:.1f} s |")
    print(f"| pip (`pip install --require-hashes -r requirements.txt`, then `synth prod`) | {pip:.1f} s |")
    print(f"uv / pip: {uv / pip:.2f} (target: at most 0.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
