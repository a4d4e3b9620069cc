"""`python -m synth diff STACK --base REF`: what a change does to a stack, offline, for people who know dbt.

Renders the stack as declared at git ref REF and as in the working tree, and compares them resource by
resource and input by input. Jobs are described the way dbt Cloud shows them (schedule in words and its
next runs, steps, triggers, chains, who is notified); replacements and deletions of protected resources
come first. Secrets are never shown: both renderings fingerprint them with a key made for this diff only,
so a changed secret reads "changed", and nothing more.
"""

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from settings.schedule import describe, format_runs, next_runs
from settings.stackfile import StackFileError, stack_file_path

from .render import PROJECT_ROOT, render
from .tree import FINGERPRINT_KEY_VARIABLE, SECRET_MASK, as_json

JOB = "dbtcloud:index/job:Job"
NOTIFICATION = "dbtcloud:index/partialNotification:PartialNotification"
EVENTS = (("success", "onSuccesses"), ("failure", "onFailures"), ("cancel", "onCancels"), ("warning", "onWarnings"))

CODE_PATHS = ("__main__.py", "runtime_config.py", "stack_args.py", "Pulumi.yaml", "settings", "components", "synth",
              "requirements.txt")
"""What decides how stack files are read: where it equals the loaded code, a tree renders in-process."""

REPLACED_BY = {
    "dbtcloud:index/environment:Environment": ("type", "projectId"),
    "dbtcloud:index/repository:Repository": ("gitCloneStrategy", "projectId"),
    "dbtcloud:index/job:Job": ("projectId", "triggers.githubWebhook", "triggers.gitProviderWebhook", "jobType"),
    "dbtcloud:index/databricksCredential:DatabricksCredential": ("projectId",),
    "dbtcloud:index/projectRepository:ProjectRepository": ("projectId", "repositoryId"),
    "dbtcloud:index/partialEnvironmentVariable:PartialEnvironmentVariable": ("projectId", "name"),
}
"""Inputs whose change makes the provider delete and re-create the resource (FACTS: forces replacement)."""


class DiffError(Exception):
    """The base ref could not be read or rendered."""


@dataclass
class Change:
    """One input that differs."""

    path: str
    before: Any
    after: Any

    @property
    def secret(self) -> bool:
        return any(isinstance(v, str) and v.startswith(SECRET_MASK[:-1]) for v in (self.before, self.after))


@dataclass
class ResourceDiff:
    """One resource that is added, removed, changed or replaced."""

    op: str
    """`add`, `remove`, `change` or `replace`."""
    type: str
    name: str
    protected: bool
    changes: list[Change] = field(default_factory=list)
    before: Optional[dict] = None
    after: Optional[dict] = None


@dataclass
class StackDiff:
    """Everything that differs between two renderings of a stack."""

    stack: str
    base: str
    resources: list[ResourceDiff]
    outputs: list[Change]
    job_names: dict[int, str] = field(default_factory=dict)
    """Job numbers to job names, from both renderings (notifications name jobs by number)."""
    notified: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    """`before`/`after`: job number -> who hears about its runs."""

    @property
    def changed(self) -> bool:
        return bool(self.resources or self.outputs)


def diff_stack(stack: str, base: str, root: Path) -> StackDiff:
    """Compare `stack` as declared at git ref `base` with the working tree."""
    key = secrets.token_hex(16)
    previous = os.environ.get(FINGERPRINT_KEY_VARIABLE)
    os.environ[FINGERPRINT_KEY_VARIABLE] = key
    try:
        before = _render_at(stack, base, root)
        after = _render_tree(stack, root)
    finally:
        if previous is None:
            os.environ.pop(FINGERPRINT_KEY_VARIABLE, None)
        else:
            os.environ[FINGERPRINT_KEY_VARIABLE] = previous
    return compare(stack, base, before, after)


def _render_at(stack: str, ref: str, root: Path) -> Optional[dict]:
    """The stack's JSON rendering at `ref`, or None if the stack did not exist there."""
    archive = _git(root, "archive", "--format=tar", ref, binary=True)
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        tree = Path(folder)
        if not stack_file_path(tree, stack).exists():
            return None
        return _render_tree(stack, tree, f"{stack} at {ref}")


def _render_tree(stack: str, tree: Path, label: str = "") -> dict:
    """Render `stack` with the code of `tree`: in this process when that is the code already loaded (a
    change to stack files only), otherwise in a process of its own started in `tree`."""
    if _code_digest(tree) == _code_digest(PROJECT_ROOT):
        return as_json(render(stack, tree))
    result = subprocess.run([sys.executable, "-m", "synth", stack, "--json"], cwd=tree, capture_output=True,
                            text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if result.returncode != 0:
        raise DiffError(f"{label or stack} does not render: {result.stderr.strip()}")
    return json.loads(result.stdout)


def _code_digest(tree: Path) -> str:
    """A fingerprint of the code that decides how stack files are read."""
    digest = hashlib.sha256()
    for name in CODE_PATHS:
        path = tree / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path] if path.exists() else []
        for file in files:
            digest.update(str(file.relative_to(tree)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args[:2])}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout if binary else result.stdout.decode()


def compare(stack: str, base: str, before: Optional[dict], after: dict) -> StackDiff:
    """The differences between two JSON renderings (`before` None: the stack is new)."""
    old = {(r["type"], r["name"]): r for r in (before or {}).get("resources", []) if not r["component"]}
    new = {(r["type"], r["name"]): r for r in after["resources"] if not r["component"]}
    resources = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], k[1])):
        a, b = old.get(key), new.get(key)
        if a is None:
            resources.append(ResourceDiff("add", key[0], key[1], b["protect"], after=b))
        elif b is None:
            resources.append(ResourceDiff("remove", key[0], key[1], a["protect"], before=a))
        else:
            changes = _changes(_flatten(a["inputs"]), _flatten(b["inputs"]))
            if changes:
                replaced = any(c.path in REPLACED_BY.get(key[0], ()) for c in changes)
                resources.append(ResourceDiff("replace" if replaced else "change", key[0], key[1],
                                              a["protect"] or b["protect"], changes, a, b))
    outputs = _changes(_flatten((before or {}).get("outputs", {})), _flatten(after.get("outputs", {})))
    documents = {"before": list(old.values()), "after": list(new.values())}
    names = {r["number"]: r["inputs"].get("name", r["name"]) for rs in documents.values() for r in rs
             if r["type"] == JOB and r.get("number") is not None}
    notified = {side: _who_is_notified(rs, names) for side, rs in documents.items()}
    return StackDiff(stack, base, resources, outputs, names, notified)


def _who_is_notified(resources: list[dict], names: dict[int, str]) -> dict[int, list[str]]:
    notified: dict[int, list[str]] = {}
    for r in resources:
        if r["type"] != NOTIFICATION:
            continue
        for word, key in EVENTS:
            for number in r["inputs"].get(key, []):
                notified.setdefault(number, []).append(f"{_recipient(r)} on {word}")
    return notified


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested inputs as `a.b.c` paths; lists of plain values stay whole."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        flat = {}
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix: value}


def _changes(before: dict, after: dict) -> list[Change]:
    return [Change(path, before.get(path), after.get(path)) for path in sorted(before.keys() | after.keys())
            if before.get(path) != after.get(path)]


# --- Printing ---------------------------------------------------------------------------------


def format_diff(diff: StackDiff) -> str:
    """The diff for people: the dangerous parts first, then jobs in dbt's words, then everything else."""
    if not diff.changed:
        return f"{diff.stack}: no changes against {diff.base}"
    counts = {op: sum(1 for r in diff.resources if r.op == op) for op in ("add", "change", "replace", "remove")}
    lines = [f"{diff.stack} against {diff.base}: {counts['add']} to add, {counts['change']} to change, "
             f"{counts['replace']} to replace, {counts['remove']} to remove"]
    danger = [r for r in diff.resources if r.op in ("remove", "replace")]
    if danger:
        lines.append("")
        lines.append("Attention:")
        for r in danger:
            verb = "deleted" if r.op == "remove" else "deleted and re-created (replaced)"
            guard = " - it is PROTECTED: pulumi up will refuse until it is unprotected" if r.protected else ""
            cause = f" because {', '.join(c.path for c in r.changes if c.path in REPLACED_BY.get(r.type, ()))} " \
                    "changed" if r.op == "replace" else ""
            lines.append(f"  ! {_label(r)} will be {verb}{cause}{guard}")
    jobs_by_number = diff.job_names
    job_diffs = [r for r in diff.resources if r.type == JOB]
    if job_diffs:
        lines.append("")
        lines.append("Jobs:")
        for r in job_diffs:
            lines.extend(_job_lines(r, diff, jobs_by_number))
    others = [r for r in diff.resources if r.type != JOB]
    if others:
        lines.append("")
        lines.append("Other resources:")
        for r in others:
            symbol = {"add": "+", "remove": "-", "change": "~", "replace": "+-"}[r.op]
            lines.append(f"  {symbol} {_label(r)}")
            if r.op in ("change", "replace"):
                lines.extend(f"      {_change_text(c, jobs_by_number)}" for c in r.changes)
            elif r.type == NOTIFICATION:
                lines.append(f"      {_recipient(r.after or r.before)}: "
                             f"{_notified_events(r.after or r.before, jobs_by_number)}")
    # Job ids and addresses are made up offline, and the jobs themselves are listed above.
    outputs = [c for c in diff.outputs if not c.path.startswith("jobs.")]
    if outputs:
        lines.append("")
        lines.append("Stack outputs:")
        lines.extend(f"  {_change_text(c, {})}" for c in outputs)
    return "\n".join(lines)


def as_dict(diff: StackDiff) -> dict:
    """The diff for machines."""
    def change(c: Change) -> dict:
        if c.secret:
            return {"path": c.path, "secret": True}
        return {"path": c.path, "before": c.before, "after": c.after}

    return {
        "stack": diff.stack, "base": diff.base, "changed": diff.changed,
        "resources": [{"op": r.op, "type": r.type, "name": r.name, "protected": r.protected,
                       "changes": [change(c) for c in r.changes]} for r in diff.resources],
        "outputs": [change(c) for c in diff.outputs],
    }


def _label(r: ResourceDiff) -> str:
    document = r.after or r.before or {}
    shown = document.get("inputs", {}).get("name")
    kind = r.type.split(":")[-1]
    return f"{kind} {shown!r} ({r.name})" if isinstance(shown, str) else f"{kind} {r.name}"


def _job_lines(r: ResourceDiff, diff: StackDiff, names: dict[int, str]) -> list[str]:
    symbol = {"add": "+", "remove": "-", "change": "~", "replace": "+-"}[r.op]
    lines = [f"  {symbol} {_label(r)}"]
    number = (r.after or r.before).get("number")
    if r.op in ("add", "remove"):
        inputs = (r.after or r.before)["inputs"]
        lines.extend(f"      {line}" for line in _job_card(inputs, names))
        side = "after" if r.op == "add" else "before"
        lines.append(f"      notifies: {'; '.join(diff.notified[side].get(number, [])) or 'nobody'}")
        return lines
    for change in r.changes:
        if change.path == "scheduleCron":
            lines.append(f"      schedule: {_schedule(change.before)} -> {_schedule(change.after)}")
        else:
            lines.append(f"      {_change_text(change, names)}")
    before, after = diff.notified["before"].get(number, []), diff.notified["after"].get(number, [])
    if before != after:
        lines.append(f"      notifies: {'; '.join(before) or 'nobody'} -> {'; '.join(after) or 'nobody'}")
    return lines


def _job_card(inputs: dict, names: dict[int, str]) -> list[str]:
    triggers = inputs.get("triggers", {})
    started_by = [word for flag, word in (("schedule", "schedule"), ("githubWebhook", "pull requests"),
                                          ("onMerge", "merges")) if triggers.get(flag)]
    card = [f"steps: {'; '.join(inputs.get('executeSteps', []))}"]
    if inputs.get("scheduleCron"):
        card.append(f"schedule: {_schedule(inputs['scheduleCron'])}")
    for condition in inputs.get("jobCompletionTriggerConditions", []):
        card.append(f"runs after: {names.get(condition.get('jobId'), condition.get('jobId'))} "
                    f"({', '.join(condition.get('statuses', []))})")
        started_by.append("another job")
    card.append(f"started by: {', '.join(started_by) or 'people (by hand)'}")
    return card


def _schedule(cron: Any) -> str:
    if not isinstance(cron, str):
        return "none"
    return f"{cron} ({describe(cron)}; next: {format_runs(next_runs(cron, 2))})"


def _change_text(c: Change, names: dict[int, str]) -> str:
    if c.secret:
        return f"{c.path}: secret changed (value not shown)"
    return f"{c.path}: {_show(c.before, names)} -> {_show(c.after, names)}"


def _show(value: Any, names: dict[int, str]) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item, names) for item in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and value in names:
        return repr(names[value])
    return json.dumps(value) if isinstance(value, (bool, str)) else str(value)


def _recipient(document: dict) -> str:
    inputs = document["inputs"]
    if inputs.get("slackChannelName"):
        return f"Slack {inputs['slackChannelName']}"
    return inputs.get("externalEmail") or f"dbt Cloud user {inputs.get('userId')}"


def _notified_events(document: dict, names: dict[int, str]) -> str:
    inputs = document["inputs"]
    events = [(word, inputs.get(key, [])) for word, key in EVENTS]
    return "; ".join(f"on {word}: {', '.join(_show(i, names) for i in ids)}" for word, ids in events if ids)


def main(stack: str, base: str, as_json_output: bool, root: Path) -> int:
    """Exit status: 0 no changes, 1 changes, 2 the diff could not be made."""
    from settings import ConfigError

    from .contract import ContractViolation

    try:
        diff = diff_stack(stack, base, root)
    except (DiffError, StackFileError, ConfigError, ContractViolation) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(as_dict(diff), indent=2) if as_json_output else format_diff(diff))
    return 1 if diff.changed else 0
