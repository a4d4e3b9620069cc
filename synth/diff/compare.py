"""Two renderings of a stack, compared resource by resource and input by input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from components.fields import camel
from components.rules import NOTIFICATION_KINDS, notification_kind_of

from .. import type_tokens as types
from ..tree import paused_jobs
from ..values import SECRET_MASK

JOB, NOTIFICATION = types.JOB, types.NOTIFICATION
EVENTS = (("success", "onSuccesses"), ("failure", "onFailures"), ("cancel", "onCancels"), ("warning", "onWarnings"))

REPLACED_BY = {
    types.ENVIRONMENT: ("type", "projectId"),
    types.REPOSITORY: ("gitCloneStrategy", "projectId"),
    types.JOB: ("projectId", "triggers.githubWebhook", "triggers.gitProviderWebhook", "jobType"),
    types.CREDENTIAL: ("projectId",),
    types.PROJECT_REPOSITORY: ("projectId", "repositoryId"),
    types.ENV_VAR: ("projectId", "name"),
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
    paused: dict[str, set[int]] = field(default_factory=dict)
    """`before`/`after`: the numbers of the paused jobs."""

    @property
    def changed(self) -> bool:
        return bool(self.resources or self.outputs)


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
                resources.append(
                    ResourceDiff(
                        "replace" if replaced else "change", key[0], key[1], a["protect"] or b["protect"], changes, a, b
                    )
                )
    outputs = _changes(_flatten((before or {}).get("outputs", {})), _flatten(after.get("outputs", {})))
    documents = {"before": list(old.values()), "after": list(new.values())}
    names = {
        r["number"]: r["inputs"].get("name", r["name"])
        for rs in documents.values()
        for r in rs
        if r["type"] == JOB and r.get("number") is not None
    }
    notified = {side: _who_is_notified(rs, names) for side, rs in documents.items()}
    paused = {"before": paused_jobs((before or {}).get("outputs", {})), "after": paused_jobs(after.get("outputs", {}))}
    return StackDiff(stack, base, resources, outputs, names, notified, paused)


def _who_is_notified(resources: list[dict], names: dict[int, str]) -> dict[int, list[str]]:
    notified: dict[int, list[str]] = {}
    for r in resources:
        if r["type"] != NOTIFICATION:
            continue
        for word, key in EVENTS:
            for number in r["inputs"].get(key, []):
                notified.setdefault(number, []).append(f"{recipient(r)} on {word}")
    # Sorted: the renderings register notifications in no fixed order, and order is not a change.
    return {number: sorted(who) for number, who in notified.items()}


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
    return [
        Change(path, before.get(path), after.get(path))
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


# --- Printing ---------------------------------------------------------------------------------


def recipient(document: dict) -> str:
    """Who a notification reaches, in words: `Slack #data-alerts`, `email a@example.com`, `dbt Cloud user 100001`."""
    inputs = document["inputs"]
    word = notification_kind_of(inputs.get("notificationType"))
    if word is None:
        return f"notification type {inputs.get('notificationType')} of user {inputs.get('userId')}"
    kind = NOTIFICATION_KINDS[word]
    return f"{kind.label} {kind.address({field: inputs.get(camel(field)) for field in ('user_id', *kind.fields)})}"
