"""The code's shape: every committed source file at most 500 lines (one job each); what is generated (locks, schemas)
is exempt, being written by a command."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("requirements", "schema.json", ".png")
"""Files written by commands (`./lock`, `synth schema`, `synth package-schema`, the plot)."""


def test_no_source_file_is_over_500_lines():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    sources = [name for name in listed if not any(part in name for part in GENERATED) and (ROOT / name).is_file()]
    assert len(sources) > 100
    long = {
        name: count
        for name in sources
        if (count := len((ROOT / name).read_text(encoding="utf-8", errors="replace").splitlines())) > 500
    }
    assert long == {}


def test_no_module_is_named_like_one_of_the_standard_library():
    # `python -m synth` run from a folder puts that folder first on sys.path: a `synth/types.py` hid Python's own
    # `types` there, and every command failed in `synth/`.
    import sys

    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    modules = {Path(name).stem for name in listed.split()} | {Path(name).parent.name for name in listed.split()}
    assert len(modules) > 50
    assert sorted(modules & set(sys.stdlib_module_names)) == []
