"""A stack diff in words for people who know dbt (and as JSON): jobs as dbt Cloud shows them, replacements and
deletions of protected resources first, secrets only as "changed"."""

from __future__ import annotations

import json
from typing import Any

from settings.schedule import describe, format_runs, next_runs

from .compare import EVENTS, JOB, NOTIFICATION, REPLACED_BY, Change, ResourceDiff, StackDiff, recipient


def format_diff(diff: StackDiff) -> str:
    """The diff for people: the dangerous parts first, then jobs in dbt's words, then everything else."""
    if not diff.changed:
        return f"{diff.stack}: no changes against {diff.base}"
    counts = {op: sum(1 for r in diff.resources if r.op == op) for op in ("add", "change", "replace", "remove")}
    lines = [
        f"{diff.stack} against {diff.base}: {counts['add']} to add, {counts['change']} to change, "
        f"{counts['replace']} to replace, {counts['remove']} to remove"
    ]
    danger = [r for r in diff.resources if r.op in ("remove", "replace")]
    if danger:
        lines.append("")
        lines.append("Attention:")
        for r in danger:
            verb = "deleted" if r.op == "remove" else "deleted and re-created (replaced)"
            guard = " - it is PROTECTED: pulumi up will refuse until it is unprotected" if r.protected else ""
            cause = (
                f" because {', '.join(c.path for c in r.changes if c.path in REPLACED_BY.get(r.type, ()))} changed"
                if r.op == "replace"
                else ""
            )
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
                lines.append(
                    f"      {recipient(r.after or r.before)}: {_notified_events(r.after or r.before, jobs_by_number)}"
                )
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
        "stack": diff.stack,
        "base": diff.base,
        "changed": diff.changed,
        "resources": [
            {
                "op": r.op,
                "type": r.type,
                "name": r.name,
                "protected": r.protected,
                "changes": [change(c) for c in r.changes],
            }
            for r in diff.resources
        ],
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
        side = "after" if r.op == "add" else "before"
        lines.extend(f"      {line}" for line in _job_card(inputs, names, number in diff.paused.get(side, set())))
        lines.append(f"      notifies: {'; '.join(diff.notified[side].get(number, [])) or 'nobody'}")
        return lines
    was, now = number in diff.paused.get("before", set()), number in diff.paused.get("after", set())
    if was != now:
        lines.append(
            "      paused: every trigger off, its settings kept" if now else "      unpaused: its triggers on again"
        )
    for change in r.changes:
        if change.path == "scheduleCron":
            lines.append(f"      schedule: {_schedule(change.before)} -> {_schedule(change.after)}")
        else:
            lines.append(f"      {_change_text(change, names)}")
        if change.path == "deferringEnvironmentId" and change.after is None and _ci_or_merge(r.after["inputs"]):
            # terraform-provider-dbtcloud job/resource.go:780-784, :936-942: for CI and merge jobs the provider keeps
            # the API's deferral when the plan has none.
            lines.append(
                "      note: the provider keeps a pull-request or merge job's deferral when none is declared: remove "
                "it in dbt Cloud too (the job's settings, Advanced settings -> Defer to)"
            )
    before, after = diff.notified["before"].get(number, []), diff.notified["after"].get(number, [])
    if before != after:
        lines.append(f"      notifies: {'; '.join(before) or 'nobody'} -> {'; '.join(after) or 'nobody'}")
    return lines


def _ci_or_merge(inputs: dict) -> bool:
    return inputs.get("jobType") in ("ci", "merge")


def _job_card(inputs: dict, names: dict[int, str], paused: bool = False) -> list[str]:
    triggers = inputs.get("triggers", {})
    started_by = [
        word
        for flag, word in (("schedule", "schedule"), ("githubWebhook", "pull requests"), ("onMerge", "merges"))
        if triggers.get(flag)
    ]
    card = [f"steps: {'; '.join(inputs.get('executeSteps', []))}"]
    if inputs.get("scheduleCron"):
        card.append(f"schedule: {_schedule(inputs['scheduleCron'])}")
    for condition in inputs.get("jobCompletionTriggerConditions", []):
        card.append(
            f"runs after: {names.get(condition.get('jobId'), condition.get('jobId'))} "
            f"({', '.join(condition.get('statuses', []))})"
        )
        started_by.append("another job")
    card.append(f"started by: {'people (by hand): paused' if paused else ', '.join(started_by) or 'people (by hand)'}")
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


def _notified_events(document: dict, names: dict[int, str]) -> str:
    inputs = document["inputs"]
    events = [(word, inputs.get(key, [])) for word, key in EVENTS]
    return "; ".join(f"on {word}: {', '.join(_show(i, names) for i in ids)}" for word, ids in events if ids)
