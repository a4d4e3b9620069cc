"""Guardrails any stack of this project can be previewed against (`pulumi preview --policy-pack policy`).

Each check is a plain function of the resource's inputs (camelCase, as the engine passes them), so that it
is unit-tested without a policy server; the policies around them read their configuration (policy config
file, `--policy-pack-config`) with defaults that fit the reference stacks.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

SQL_ENDPOINT = "databricks:index/sqlEndpoint:SqlEndpoint"
JOB = "dbtcloud:index/job:Job"
NOTIFICATIONS = ("dbtcloud:index/notification:Notification", "dbtcloud:index/partialNotification:PartialNotification")
ENV_VARIABLES = (
    "dbtcloud:index/environmentVariable:EnvironmentVariable",
    "dbtcloud:index/partialEnvironmentVariable:PartialEnvironmentVariable",
)

DEFAULTS = {
    "maxAutoStopMinutes": 30,
    "allowedSizes": {
        "prod": ["2X-Small", "X-Small", "Small", "Medium", "Large"],
        "*": ["2X-Small", "X-Small", "Small"],
    },
    "productionStacks": ["prod"],
    "requiredTags": ["team", "environment"],
}


def _shared_rules() -> Any:
    """`components/rules/common.py`, the rules both providers share, which every layer of this repository reads. The
    pack runs from its own folder in its own virtualenv; the rules need nothing but the standard library, so they are
    loaded by their path."""
    path = Path(__file__).resolve().parent.parent / "components" / "rules" / "common.py"
    spec = importlib.util.spec_from_file_location("dbt_platform_rules", path)
    rules = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules)
    return rules


TOKEN_SHAPES = _shared_rules().TOKEN_SHAPES
"""Databricks and dbt Cloud tokens, private keys: values that must only ever travel in secret inputs (the pattern
`synth check` and the program refuse in plain text too)."""

SECRET_INPUTS = {"token", "tokenWo", "clientSecret", "azureClientSecret", "password", "privateKey"}
"""Inputs the providers encrypt in the state and mask in diffs."""


def stack_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::...` -> the stack name."""
    return urn.split(":")[2] if urn.count(":") >= 3 else ""


# --- Checks: inputs in, problems out ------------------------------------------------------------


def auto_stop_problems(props: Mapping[str, Any], max_minutes: int) -> list[str]:
    minutes = props.get("autoStopMins")
    if minutes is None:
        return ["autoStopMins is not set: Databricks would keep an idle warehouse running for 120 minutes"]
    if minutes == 0:
        return ["autoStopMins is 0: the warehouse never stops"]
    if minutes > max_minutes:
        return [f"autoStopMins is {minutes}: at most {max_minutes} minutes allowed"]
    return []


def size_problems(props: Mapping[str, Any], stack: str, allowed: Mapping[str, list[str]]) -> list[str]:
    sizes = allowed.get(stack, allowed.get("*", []))
    size = props.get("clusterSize")
    return [] if size in sizes else [f"clusterSize {size!r} is not allowed in stack {stack!r} ({', '.join(sizes)})"]


def tag_problems(props: Mapping[str, Any], required: Iterable[str]) -> list[str]:
    tags = {tag.get("key") for tag in ((props.get("tags") or {}).get("customTags") or [])}
    missing = [tag for tag in required if tag not in tags]
    return [f"missing required tags: {', '.join(missing)}"] if missing else []


def plaintext_secret_problems(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Token-shaped values anywhere but in inputs the provider treats as secret."""
    problems = [
        f"{path} holds a token-shaped value in plain text; pass it in a secret input"
        for path, value in _strings(props)
        if TOKEN_SHAPES.search(value)
    ]
    if resource_type in ENV_VARIABLES and not str(props.get("name", "")).startswith("DBT_ENV_SECRET_"):
        problems = [
            p.replace(
                "pass it in a secret input", "name the variable DBT_ENV_SECRET_... and keep its value a Pulumi secret"
            )
            for p in problems
        ]
    return problems


def unnotified_jobs(jobs: Iterable[Any], notifications: Iterable[Any]) -> list[str]:
    """Names of jobs no notification lists under on-failure (followed through property dependencies,
    which are known even when the job ids are not yet)."""
    notified = {
        id(dependency)
        for notification in notifications
        for key in ("onFailures", "on_failures")
        for dependency in (notification.property_dependencies or {}).get(key, [])
    }
    return [job.props.get("name", job.name) for job in jobs if id(job) not in notified]


def _strings(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key not in SECRET_INPUTS:
                yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


# --- Policies -----------------------------------------------------------------------------------


def _config(args: Any, key: str) -> Any:
    return (args.get_config() or {}).get(key, DEFAULTS[key])


def _resource_policy(
    name: str,
    description: str,
    types: Optional[tuple[str, ...]],
    check: Callable[[ResourceValidationArgs], list[str]],
    schema: dict,
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if types is None or args.resource_type in types:
            for problem in check(args):
                report_violation(problem, args.urn)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        config_schema=PolicyConfigSchema(properties=schema) if schema else None,
    )


def _notify_on_failure(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    if not any(stack_of(r.urn) in _config(args, "productionStacks") for r in args.resources):
        return
    jobs = [r for r in args.resources if r.resource_type == JOB]
    notifications = [r for r in args.resources if r.resource_type in NOTIFICATIONS]
    for name in unnotified_jobs(jobs, notifications):
        report_violation(f"production job {name!r} notifies nobody when it fails")


POLICIES = [
    _resource_policy(
        "warehouse-auto-stop",
        "SQL warehouses stop when idle, within a bound.",
        (SQL_ENDPOINT,),
        lambda args: auto_stop_problems(args.props, _config(args, "maxAutoStopMinutes")),
        {"maxAutoStopMinutes": {"type": "integer", "minimum": 1, "default": DEFAULTS["maxAutoStopMinutes"]}},
    ),
    _resource_policy(
        "warehouse-size",
        "SQL warehouses use a size allowed for their stack.",
        (SQL_ENDPOINT,),
        lambda args: size_problems(args.props, stack_of(args.urn), _config(args, "allowedSizes")),
        {"allowedSizes": {"type": "object", "default": DEFAULTS["allowedSizes"]}},
    ),
    _resource_policy(
        "required-tags",
        "SQL warehouses carry the tags cost reports group by.",
        (SQL_ENDPOINT,),
        lambda args: tag_problems(args.props, _config(args, "requiredTags")),
        {"requiredTags": {"type": "array", "items": {"type": "string"}, "default": DEFAULTS["requiredTags"]}},
    ),
    _resource_policy(
        "no-plaintext-secrets",
        "Tokens and keys travel only in secret inputs.",
        None,
        lambda args: plaintext_secret_problems(args.resource_type, args.props),
        {},
    ),
    StackValidationPolicy(
        name="production-jobs-notify-on-failure",
        description="Every job of a production stack notifies someone when it fails.",
        validate=_notify_on_failure,
        config_schema=PolicyConfigSchema(
            properties={
                "productionStacks": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": DEFAULTS["productionStacks"],
                }
            }
        ),
    ),
]
