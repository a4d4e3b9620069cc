"""Print a rendering as a readable tree (components, their resources, the inputs) or as JSON.

Secrets print as `[secret]`; integers that are another resource's number are annotated with its name,
so that a reader sees, say, the job's `environmentId` point at the right environment.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable

from settings.files import set_secret_command
from settings.schedule import format_runs, next_runs

from . import type_tokens as types
from .render import Rendering
from .values import SECRET_MASK, masked

NUMBER_OUTPUTS = {
    types.ENVIRONMENT: "environmentId",
    types.CREDENTIAL: "credentialId",
    types.REPOSITORY: "repositoryId",
    types.JOB: "jobId",
}
"""The output that carries a dbt Cloud resource's own number, where its Pulumi id is composite."""

COMPONENT_ORDER = (
    "SqlWarehouse",
    "ServicePrincipal",
    "DatabricksConnection",
    "Project",
    "AdoptedProject",
    "Environments",
    "Jobs",
    "JobNotifications",
    "EnvironmentVariables",
)
"""Components in the order data flows between them (registration order is not stable)."""


def own_number(registration) -> Any:
    """The number dbt Cloud knows a resource by (its Pulumi id may be composite), or None."""
    number = registration.outputs.get(NUMBER_OUTPUTS.get(registration.type, ""))
    if isinstance(number, (int, float)):
        return int(number)
    return int(registration.id) if registration.id and registration.id.isdigit() else None


def as_json(rendering: Rendering) -> dict:
    """The rendering as plain data, secrets masked."""
    by_urn = rendering.by_urn()
    return {
        "project": rendering.project,
        "stack": rendering.stack,
        "placeholders": rendering.placeholders,
        "encrypted": rendering.encrypted,
        "unset": rendering.unset,
        "warnings": rendering.warnings,
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "component": not r.custom,
                "parent": by_urn[r.parent].name if r.parent in by_urn else None,
                "protect": r.protect,
                "importId": r.import_id or None,
                "id": r.id or None,
                "number": own_number(r) if r.custom else None,
                "inputs": masked(r.inputs),
            }
            for r in rendering.registrations
        ],
        "outputs": _masked_outputs(rendering),
    }


def as_tree(rendering: Rendering) -> str:
    """The rendering as an indented tree for people."""
    components = sorted(rendering.components(), key=_component_rank)
    lines = [
        f"{rendering.project} / {rendering.stack}: {len(components)} components, "
        f"{len(rendering.resources())} resources (rendered offline under mocks: ids are made up)",
    ]
    if rendering.encrypted:
        lines.append("")
        lines.append("Encrypted in the stack file (read as placeholders offline; pulumi up decrypts them):")
        lines.extend(f"  {path}" for path in rendering.encrypted)
    if rendering.unset:
        lines.append("")
        lines.append("Secrets not set yet (placeholders offline); before deploying:")
        lines.extend(f"  {set_secret_command(key, rendering.stack)}" for key in rendering.unset)
    if rendering.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  {warning}" for warning in rendering.warnings)
    names = _numbers_to_names(rendering)
    paused = paused_jobs(rendering.outputs)
    children_of: dict[str, list] = {}
    for resource in rendering.resources():
        children_of.setdefault(resource.parent, []).append(resource)
    runs_of = _next_runs_of()
    for component in components:
        lines.append("")
        lines.append(f"{component.type.split(':')[-1]} {component.name}{_flags(component)}")
        children = sorted(children_of.get(component.urn, []), key=lambda r: r.name)
        for index, child in enumerate(children):
            last = index == len(children) - 1
            lines.append(f"{'└──' if last else '├──'} {_short_type(child.type)} {child.name}{_flags(child)}")
            prefix = "    " if last else "│   "
            lines.extend(
                prefix + "    " + line
                for line in _inputs(child.type, masked(child.inputs), names, runs_of, own_number(child) in paused)
            )
    lines.append("")
    lines.append("Outputs:")
    lines.extend(_value_lines(_masked_outputs(rendering), "  ", {}))
    return "\n".join(lines)


def _masked_outputs(rendering: Rendering) -> dict[str, Any]:
    return {
        name: SECRET_MASK if name in rendering.secret_outputs else value for name, value in rendering.outputs.items()
    }


def _component_rank(component) -> tuple:
    kind = component.type.split(":")[-1]
    return (COMPONENT_ORDER.index(kind) if kind in COMPONENT_ORDER else len(COMPONENT_ORDER), component.name)


def _flags(registration) -> str:
    flags = ["protected"] if registration.protect else []
    if registration.import_id:
        flags.append(f"adopts existing {registration.import_id}")
    return "".join(f"  [{flag}]" for flag in flags)


def _short_type(type_: str) -> str:
    """`dbtcloud:index/job:Job` -> `dbtcloud:Job`."""
    package, _, rest = type_.partition(":")
    return f"{package}:{rest.split(':')[-1]}"


def _numbers_to_names(rendering: Rendering) -> dict[int, str]:
    return {own_number(r): r.name for r in rendering.resources() if own_number(r) is not None}


def _next_runs_of() -> Callable[[str], str]:
    """A schedule's next three runs, as text: from one moment for the whole tree, each schedule read once (croniter
    takes milliseconds, and many jobs share a schedule)."""
    now = datetime.now(timezone.utc)
    return lru_cache(maxsize=None)(lambda cron: format_runs(next_runs(cron, 3, now)))


def _inputs(
    type_: str, inputs: dict, names: dict[int, str], runs_of: Callable[[str], str], paused: bool = False
) -> list[str]:
    lines = _value_lines(inputs, "", names)
    cron = inputs.get("scheduleCron")
    if type_ == types.JOB and paused:
        lines.append("(paused: every trigger is off, so nothing starts it but a person; its settings are kept)")
    elif type_ == types.JOB and isinstance(cron, str):
        lines.append(f"(schedule is UTC; next runs: {runs_of(cron)})")
    if type_ == types.WEBHOOK and not inputs.get("jobIds"):
        lines.append("(no jobIds: dbt Cloud sends the runs of every job of the account, other projects' too)")
    return lines


def paused_jobs(outputs: dict) -> set[int]:
    """The numbers of the jobs a rendering's `jobs` output marks paused (every trigger off)."""
    jobs = outputs.get("jobs") if isinstance(outputs.get("jobs"), dict) else {}
    return {link["id"] for link in jobs.values() if isinstance(link, dict) and link.get("paused")}


def _value_lines(values: dict, indent: str, names: dict[int, str]) -> list[str]:
    lines = []
    for key, value in sorted(values.items(), key=lambda item: (item[0] != "name", item[0])):
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.extend(_value_lines(value, indent + "  ", names))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            lines.append(f"{indent}{key}:")
            for item in value:
                item_lines = _value_lines(item, indent + "    ", names) if isinstance(item, dict) else [str(item)]
                if item_lines:
                    lines.append(f"{indent}  - {item_lines[0].strip()}")
                    lines.extend(item_lines[1:])
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: [{', '.join(_scalar(item, names) for item in value)}]")
        else:
            lines.append(f"{indent}{key}: {_scalar(value, names)}")
    return lines


def _scalar(value: Any, names: dict[int, str]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value in names:
        return f"{value} (-> {names[value]})"
    return str(value)
