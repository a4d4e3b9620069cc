"""A throw-away git repository holding a copy of the project, for the diff tests."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from synth.render import PROJECT_ROOT

COPIED = (
    "Pulumi.yaml",
    "Pulumi.prod.yaml",
    "Pulumi.dev.yaml",
    "__main__.py",
    "command_line.py",
    "runtime_config.py",
    "stack_args.py",
    "requirements.txt",
    "settings",
    "components",
    "synth",
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def project_repo(folder: Path) -> Path:
    """The project's code and stack files, committed once in a new repository at `folder`."""
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, folder / name)
    git(folder, "init", "-q")
    commit(folder, "base")
    return folder


def start_code_change_render(folder: Path) -> tuple[Path, Future]:
    """A repository whose last commit has other component code than its working tree, and the rendering of
    `prod` at that commit, started in the background (it runs in a process of its own, as the diff does)."""
    from synth.diff import render_at

    repo = project_repo(folder)
    jobs = repo / "components" / "jobs.py"
    original = jobs.read_text()
    jobs.write_text(original.replace("validate_execute_steps=True", "validate_execute_steps=False"))
    commit(repo, "other code")
    jobs.write_text(original)
    return repo, ThreadPoolExecutor(max_workers=1).submit(render_at, "prod", "HEAD", repo)
