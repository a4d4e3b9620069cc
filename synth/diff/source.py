"""Where the two renderings come from: the stack at a git ref and in the working tree, each rendered with its own
code (in this process when it is the code already loaded, otherwise in a process of its own)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

from settings import ConfigError
from settings.files import StackFileError, stack_file_path

from ..contract import ContractViolation
from ..render import PROJECT_ROOT, render
from ..tree import as_json
from ..values import FINGERPRINT_KEY_VARIABLE
from .compare import DiffError, StackDiff, compare

CODE_PATHS = (
    "__main__.py",
    "command_line.py",
    "runtime_config.py",
    "stack_args.py",
    "Pulumi.yaml",
    "settings",
    "components",
    "synth",
    "requirements.txt",
)
"""What decides how stack files are read: where it equals the loaded code, a tree renders in-process."""


def diff_stack(stack: str, base: str, root: Path) -> StackDiff:
    """Compare `stack` as declared at git ref `base` with the working tree."""
    key = secrets.token_hex(16)
    previous = os.environ.get(FINGERPRINT_KEY_VARIABLE)
    os.environ[FINGERPRINT_KEY_VARIABLE] = key
    try:
        before = render_at(stack, base, root)
        after = render_tree(stack, root, f"the change, {stack} in the working tree,")
    finally:
        if previous is None:
            os.environ.pop(FINGERPRINT_KEY_VARIABLE, None)
        else:
            os.environ[FINGERPRINT_KEY_VARIABLE] = previous
    return compare(stack, base, before, after)


def render_at(stack: str, ref: str, root: Path) -> Optional[dict]:
    """The stack's JSON rendering at `ref`, or None if the stack did not exist there."""
    _known_ref(root, ref)
    prefix = _git(root, "rev-parse", "--show-prefix").strip()  # the project folder may sit below the repository's top
    archive = _git(root, "archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref, binary=True)
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        tree = Path(folder)
        if not stack_file_path(tree, stack).exists():
            return None
        return render_tree(stack, tree, f"the base, {stack} at {ref},")


def render_tree(stack: str, tree: Path, label: str = "") -> dict:
    """Render `stack` with the code of `tree`: in this process when that is the code already loaded (a
    change to stack files only), otherwise in a process of its own started in `tree`."""
    if _code_digest(tree) == _loaded_code_digest():
        try:
            return as_json(render(stack, tree))
        except (ConfigError, ContractViolation, StackFileError) as error:
            # Say which side is wrong: a base that no longer validates is not the change's fault.
            raise DiffError(f"{label or stack} does not render: {error}") from None
    result = subprocess.run(
        [sys.executable, "-m", "synth", stack, "--json"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        raise DiffError(f"{label or stack} does not render: {result.stderr.strip()}")
    return json.loads(result.stdout)


@lru_cache(maxsize=1)
def _loaded_code_digest() -> str:
    """The fingerprint of the code this process loaded: read once, as the code was (a diff renders twice)."""
    return _code_digest(PROJECT_ROOT)


def _code_digest(tree: Path) -> str:
    """A fingerprint of the code that decides how stack files are read."""
    digest = hashlib.sha256()
    for name in CODE_PATHS:
        path = tree / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
            if path.exists()
            else []
        )
        for file in files:
            digest.update(str(file.relative_to(tree)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _known_ref(root: Path, ref: str) -> None:
    """Refuse, in words, a folder outside git or a ref git does not have (git's own errors are for git's users)."""
    inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--git-dir"], capture_output=True)
    if inside.returncode != 0:
        raise DiffError(f"{root} is not in a git repository: synth diff compares a stack with a git ref")
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        capture_output=True,
    )
    if found.returncode != 0:
        raise DiffError(
            f"--base {ref!r} is not a branch, tag or commit of this repository; a remote branch must be fetched "
            f"first (git fetch origin; in CI, check out with fetch-depth: 0)"
        )


def _git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args[:2])}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout if binary else result.stdout.decode()
