"""Validation errors in the user's words: the key path as written in the stack file, what is wrong, what to write.

pydantic reports in its own terms (model class names, union tags, regexes); these functions turn each error into a
`Problem` that names the key, the value and what is allowed, with a hint where people often go wrong.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from components import rules

from .account import ACCOUNT_KEYS
from .base import CREDENTIAL_IN_VALUE
from .errors import Problem
from .model import PROVIDER_FIELDS, SECRET_KEYS, StackSettings


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        tagged = tuple(detail["loc"])
        location = _without_union_tags(tagged)
        message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if detail["type"] == "extra_forbidden":
            allowed = _allowed_keys(tagged[:-1])
            message = f"is not a setting here{did_you_mean(str(location[-1]), allowed)}"
        elif detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
            # A kind chosen by `type`: say so in the words of the other errors.
            expected = ", ".join(rules.NOTIFICATION_KINDS)
            written = detail.get("ctx", {}).get("tag")
            location += ("type",)
            message = (
                f"must be one of {expected} (you wrote {written!r})"
                if written is not None
                else f"is required: one of {expected}"
            )
        elif detail["type"] == "missing":
            message = "is required" + _account_hint(location) + MISSING_HINTS.get(str(location[-1]), "")
        elif detail["type"] == "literal_error" and detail.get("input") in rules.PRIVILEGE_HINTS:
            message = rules.PRIVILEGE_HINTS[detail["input"]]
        elif detail["type"] == "literal_error" and detail.get("input") in LITERAL_HINTS:
            message = f"{message} (you wrote {detail['input']!r}: {LITERAL_HINTS[detail['input']]})"
        elif detail["type"] in ("int_parsing", "int_type") and str(location[-1]) in INTEGER_HINTS:
            message = f"{message} (you wrote {detail.get('input')!r}): {INTEGER_HINTS[str(location[-1])]}"
        elif detail["type"] in SHAPE_ERRORS:
            message = _wrong_shape(SHAPE_ERRORS[detail["type"]], location, detail.get("input"))
        elif detail["type"] == "string_type" and isinstance(detail.get("input"), (int, float, bool)):
            written = _as_yaml(detail["input"])
            message = f'must be text, and YAML reads {written} as a {_kind(detail["input"])}: quote it ("{written}")'
        elif detail["type"] == "too_long" and isinstance(detail.get("input"), (list, dict)):
            limit, count = detail["ctx"]["max_length"], len(detail["input"])  # pydantic's actual_length may be None
            reason = LIMIT_REASONS.get(str(location[-1]), "")
            message = f"has {count} entries, {count - limit} too many: at most {limit}{reason}"
        elif detail["type"] == "string_pattern_mismatch":
            form = PATTERN_WORDS.get(detail.get("ctx", {}).get("pattern", ""), "is not in the form this setting takes")
            message = f"{form} (you wrote {detail.get('input')!r})"
        elif detail["type"] == CREDENTIAL_IN_VALUE:
            pass  # the value holds a credential: never repeated
        elif (
            not _is_secret(location)
            and isinstance(detail.get("input"), (str, int, float, bool))
            and repr(detail["input"]) not in message
        ):
            message = f"{message} (you wrote {detail['input']!r})"
        problems.append(Problem(dotted(location), message))
    return problems


MISSING_HINTS = {
    "tokenPermissions": ": viaGroup: <a group with token usage>, or manage: true with keepAccessFor "
    '(docs/credentials.md, "Who holds which credential")',
}
"""What to write where a required key is missing and its choices are not obvious."""

LITERAL_HINTS = {"team": "the Team plan is now called starter"}
"""Old names of allowed values."""

INTEGER_HINTS = {
    "userId": "a dbt Cloud user's number (Account settings -> Users: the number in the user's URL), not an email",
    "accountId": "the number after /accounts/ in your dbt Cloud URLs",
    "githubInstallationId": "the number at the end of the dbt Cloud app's page in your GitHub organisation's settings",
}
"""Where to find a number people often write as something else."""


SHAPE_ERRORS = {
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "list_type": "list",
}
"""pydantic's errors for a value of the wrong shape, and the shape wanted."""

FORM_EXAMPLES = {
    ("warehouse", "keepAccessFor"): "keepAccessFor: {group:data-engineers: CAN_USE, user:ana@example.com: CAN_MANAGE}",
    ("tokenPermissions", "keepAccessFor"): "keepAccessFor: [group:users, user:ana@example.com]",
    ("warehouse", "tags"): "tags: {team: data-platform}",
}
"""The form to write where a setting of one shape sits beside a same-named one of the other (or is often mistaken)."""

LIMIT_REASONS = {"tags": f" (Databricks takes fewer than {rules.MAX_TAGS + 1} custom tags on a SQL warehouse)"}
"""Why a list or mapping is limited, where the service sets the limit."""

PATTERN_WORDS = {
    r"^https://[^/\s]+/?$": "must be your workspace URL: https:// and the workspace's host, nothing after it (e.g. "
    "https://dbc-1234abcd-5678.cloud.databricks.com, or https://adb-1234567890123456.7.azuredatabricks.net)",
    rules.SCHEMA_PATTERN.pattern: "may hold only letters, digits, _, spaces and ( ) { } ' \" (dbt Cloud's rule for "
    "a schema name)",
    r"^[0-9]+$": "must be a number, written as text (the number in the resource's dbt Cloud URL)",
    r"^[0-9]+:[0-9]+$": "must be <project number>:<number>, both from the resource's dbt Cloud URL (e.g. 70403:123)",
    r"^[0-9a-f]{16}$": "must be a SQL warehouse id: 16 characters of 0-9 and a-f (the end of its HTTP path)",
    rules.UUID_PATTERN: "must be a UUID, e.g. 01234567-89ab-cdef-0123-456789abcdef (lowercase)",
    r"^\S+$": "may not hold spaces",
    rules.TEAMS_ID_PATTERN: "must be the id itself, decoded (like 19:abc123@thread.tacv2): no spaces, slashes or "
    "%-escapes, which a link copied from Teams holds",
}
"""Every `pattern=` of the settings in words (a test holds this to the models): a regex is never shown."""


def _wrong_shape(wanted: str, location: tuple, value: Any) -> str:
    """`must be a mapping, not a list` with the form to write, built from what was written where possible."""
    example = FORM_EXAMPLES.get(tuple(str(part) for part in location[-2:]))
    key = str(location[-1]) if location else "key"
    if example is None and key == "schedule" and isinstance(value, str):
        example = f'schedule: {{cron: "{value}"}}'
    if example is None and wanted == "mapping" and isinstance(value, list) and value:
        example = f"{key}: {{{', '.join(f'{item}: ...' for item in value[:2])}}}"
    if example is None:
        example = f"{key}: {{name: value}}" if wanted == "mapping" else f"{key}: [first, second]"
    written = f"{_kind(value)} ({value!r})" if isinstance(value, (str, int, float, bool)) else _kind(value)
    return f"must be a {wanted}, not {written}: write {example}"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _as_yaml(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _without_union_tags(location: tuple) -> tuple:
    """pydantic puts the chosen kind in an error's location (`notifications.team.slack.slackChannelId`); users wrote
    no such key."""
    kinds = set(rules.NOTIFICATION_KINDS)
    if location[:1] == ("notifications",) and len(location) > 2 and location[2] in kinds:
        return location[:2] + location[3:]
    return location


def _account_hint(location: tuple) -> str:
    if location[:1] == ("account",):
        key = str(location[-1])
        return f": pulumi config set dbtcloud:{key} ... (or set {ACCOUNT_KEYS.get(key, 'it')})"
    return ""


def _is_secret(location: tuple) -> bool:
    return bool(location) and location[0] in SECRET_KEYS


def dotted(location: tuple) -> str:
    """The key path as the user wrote it: `jobs.daily-pipeline.schedule.cron`, `dbtcloud:accountId`."""
    if location[:1] == ("account",) and len(location) > 1:
        return f"dbtcloud:{location[1]}"
    if location[:1] == ("databricksHost",):
        return "databricks:host"
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(stack config)"


def did_you_mean(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; allowed: {', '.join(allowed)}" if allowed else ""


def top_level_keys() -> list[str]:
    return [info.alias or name for name, info in StackSettings.model_fields.items() if name not in PROVIDER_FIELDS]


def _allowed_keys(location: tuple) -> list[str]:
    """The keys the settings model accepts at `location`, found by walking the model's annotations."""
    current: Any = StackSettings
    for part in location:
        kinds = _kinds(current)
        if part in kinds:  # the kind a union's `type` chose (pydantic names it in the location)
            current = kinds[part]
            continue
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {info.alias or name: info.annotation for name, info in current.model_fields.items()}
            current = fields.get(part)
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """`Optional[X]` -> X; `Annotated[X, ...]` -> X; a union of kinds -> their common base (the keys all kinds share
    are what a misspelt key is compared with)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is typing.Union and all(
        isinstance(arg, type) and issubclass(arg, BaseModel) for arg in typing.get_args(annotation)
    ):
        members = typing.get_args(annotation)
        return _common_fields_model(members)
    if typing.get_origin(annotation) is typing.Union:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _kinds(annotation: Any) -> dict[str, type]:
    """A discriminated union's kinds by their `type` value; {} for anything else."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is not typing.Union:
        return {}
    kinds = {}
    for member in typing.get_args(annotation):
        field = getattr(member, "model_fields", {}).get("type")
        if field is not None and typing.get_origin(field.annotation) is typing.Literal:
            kinds.update({value: member for value in typing.get_args(field.annotation)})
    return kinds


def _common_fields_model(members: tuple) -> type:
    """The nearest base class of a union's kinds (their shared keys), or the first kind."""
    for base in members[0].__mro__:
        if all(issubclass(member, base) for member in members) and issubclass(base, BaseModel) and base.model_fields:
            return base
    return members[0]
