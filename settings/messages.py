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
        elif (
            not _is_secret(location)
            and isinstance(detail.get("input"), (str, int, float, bool))
            and repr(detail["input"]) not in message
        ):
            message = f"{message} (you wrote {detail['input']!r})"
        problems.append(Problem(dotted(location), message))
    return problems


MISSING_HINTS = {
    "tokenPermissions": ": viaGroup: <a group with token usage>, or manage: true with keepAccessFor (README, "
    '"Who holds which credential")',
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
