"""Stack config (flat `namespace:key` values, as Pulumi hands them over) -> validated `StackSettings`.

All problems are collected in one pass and raised as one `ConfigError`, before any resource exists.
"""

from __future__ import annotations

import difflib
import json
import os
import typing
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from pydantic import BaseModel, ValidationError

from components import rules

from .backend import stack_reference_problem
from .base import References, new_context
from .cost import StackCost, cost_warnings, stack_cost
from .errors import ConfigError, Problem
from .model import StackSettings

PROJECT_NAME = "dbtcloud-databricks"
"""The `name` in Pulumi.yaml: the namespace of this project's config keys."""

SECRET_KEYS = StackSettings.secret_keys()
"""Keys that must be set with `pulumi config set --secret`."""

PROVIDER_SECRET_KEYS = {
    "dbtcloud:token": "DBT_CLOUD_TOKEN",
    "databricks:token": "DATABRICKS_TOKEN",
    "databricks:clientSecret": "DATABRICKS_CLIENT_SECRET",
    "databricks:azureClientSecret": "ARM_CLIENT_SECRET",
    "databricks:password": "DATABRICKS_PASSWORD",
    "databricks:googleCredentials": "GOOGLE_CREDENTIALS",
    "databricks:metadataServiceUrl": "DATABRICKS_METADATA_SERVICE_URL",
}
"""The providers' own secret settings, with the environment variable each falls back to.

The providers' schemas mark exactly these secret (`additional_secret_outputs` of `pulumi_dbtcloud.Provider` and
`pulumi_databricks.Provider`; env names from the provider docs and databricks-sdk `Config`). In clear text in a
stack file they would be committed to git: `pulumi config set` itself refuses a token-like value under a key
matching `passwd|pass|password|pwd|secret|token` without `--secret` (pulumi/pulumi
pkg/cmd/pulumi/config/config.go, `looksLikeSecret`); a hand-edited stack file skips that check, so we refuse here.
"""

STRING_KEYS = ("deploymentToken", "servicePrincipalSecret")
"""Keys whose value is taken as written (a token of digits must stay a string)."""

PROVIDER_FIELDS = ("account", "databricks_host")
"""Settings read from the providers' own keys, not from this project's namespace."""

ACCOUNT_KEYS = {"accountId": "DBT_CLOUD_ACCOUNT_ID", "hostUrl": "DBT_CLOUD_HOST_URL"}
"""The dbt Cloud provider's own keys this program reads too, with the environment variables it falls back to."""


@dataclass(frozen=True)
class RawConfig:
    """A stack's config as Pulumi passes it: `namespace:key` -> value, and which keys are secrets.

    The runtime always says which keys are secret (the Pulumi CLI's Python language host sets
    PULUMI_CONFIG_SECRET_KEYS on every run, `[]` when there are none): a key missing from `secret_keys` is
    stored in clear text.
    """

    values: Mapping[str, Any]
    secret_keys: frozenset[str] = frozenset()
    environ: Mapping[str, str] = field(default_factory=dict)
    """Environment variables the providers fall back to (DBT_CLOUD_ACCOUNT_ID, ...)."""


@dataclass(frozen=True)
class LoadedSettings:
    """Valid settings, the warnings to show, and what the stack will cost."""

    settings: StackSettings
    warnings: list[Problem]
    cost: StackCost


def load_settings(raw: RawConfig, project_name: str = PROJECT_NAME) -> LoadedSettings:
    """Validate a stack's whole config; raise one `ConfigError` listing every problem."""
    prefix = f"{project_name}:"
    problems: list[Problem] = []
    document: dict[str, Any] = {}
    known = _top_level_keys()
    for full_key, value in raw.values.items():
        if not full_key.startswith(prefix):
            problems.extend(_misspelt_namespace(full_key, project_name))
            continue
        key = full_key[len(prefix) :]
        if key not in known:
            problems.append(Problem(key, f"is not a setting of this project{_did_you_mean(key, known)}"))
            continue
        if key in SECRET_KEYS and full_key not in raw.secret_keys:
            problems.append(Problem(key, f"is stored in plain text: {_set_secret_command(key, _decode(value))}"))
        elif key not in SECRET_KEYS and full_key in raw.secret_keys:
            problems.append(
                Problem(
                    key,
                    "is stored as a secret but is not a secret setting; only "
                    f"{' and '.join(SECRET_KEYS)} are (set it without --secret)",
                )
            )
        document[key] = value if key in STRING_KEYS else _decode(value)
    problems.extend(plain_text_provider_secrets(raw))
    document["account"] = _account(raw)
    host = raw.values.get("databricks:host", raw.environ.get("DATABRICKS_HOST"))
    if host is not None:
        document["databricksHost"] = host

    context = new_context(document)
    settings: Optional[StackSettings] = None
    try:
        settings = StackSettings.model_validate(document, context=context)
    except ValidationError as error:
        problems.extend(_problems_from(error))
    problems.extend(Problem(_dotted(path), message) for path, message in context["problems"])
    if problems or settings is None:
        raise ConfigError(problems)
    estimate = stack_cost(settings)
    found = context["warnings"] + cost_warnings(settings, estimate)
    return LoadedSettings(settings, [Problem(_dotted(path), message) for path, message in found], estimate)


def _set_secret_command(key: str, value: Any) -> str:
    """The command that stores a secret setting encrypted. A map of secrets is set one value at a time with
    `--path` (`pulumi config set --secret secretEnvironmentVariables ...` would store the whole map as one text)."""
    if isinstance(value, dict) and value:
        paths = [
            f"{key}.{name}.{environment}"
            for name, values in value.items()
            for environment in (values if isinstance(values, dict) else {"<environment>": None})
        ]
        example = paths[0]
        more = f" (and the same for {', '.join(paths[1:])})" if len(paths) > 1 else ""
        return (
            f"remove it from the stack file and set each value with pulumi config set --secret --path "
            f"'{example}' <value>{more}"
        )
    return f"remove it from the stack file and set it with pulumi config set --secret {key} <value>"


KNOWN_NAMESPACES = ("dbtcloud", "databricks", "pulumi", "time")
"""Config namespaces besides this project's: the providers it uses, and Pulumi's own."""


def _misspelt_namespace(full_key: str, project_name: str) -> list[Problem]:
    """A key whose namespace is a near miss of this project's or a provider's: the CLI would hand it over under that
    namespace, and nothing would read it (a whole section silently gone)."""
    namespace = full_key.split(":", 1)[0]
    if namespace in KNOWN_NAMESPACES or ":" not in full_key:
        return []
    close = difflib.get_close_matches(namespace, [project_name, *KNOWN_NAMESPACES], n=1, cutoff=0.8)
    if not close:
        return []
    return [
        Problem(
            full_key,
            f"is read by nothing: the namespace {namespace!r} is not {close[0]!r}; "
            f"did you mean {close[0] + ':' + full_key.split(':', 1)[1]!r}?",
        )
    ]


def plain_text_provider_secrets(raw: RawConfig) -> list[Problem]:
    """The providers' secret settings given in clear text (see `PROVIDER_SECRET_KEYS`)."""
    return [
        Problem(
            key,
            f"is stored in plain text: remove it from the stack file and set it with pulumi config set --secret "
            f"{key} <value> (or set the environment variable {variable}); if the file was ever committed, revoke "
            "that token",
        )
        for key, variable in PROVIDER_SECRET_KEYS.items()
        if key in raw.values and key not in raw.secret_keys
    ]


def secrets_needed(raw: RawConfig, project_name: str = PROJECT_NAME) -> list[str]:
    """The secret keys this stack's config needs (without validating the rest): what the offline runner
    gives placeholders when the stack file rightly leaves them out."""
    document = {
        key[len(project_name) + 1 :]: _decode(value)
        for key, value in raw.values.items()
        if key.startswith(f"{project_name}:")
    }
    needed = []
    if References.from_document(document).needing_run_as("deploymentToken"):
        needed.append("deploymentToken")
    principal = document.get("servicePrincipal")
    if isinstance(principal, dict) and rules.signs_in_itself(principal.get("cloud", "aws")):
        needed.append("servicePrincipalSecret")
    return needed


def project_owner_stack(raw: RawConfig, project_name: str = PROJECT_NAME) -> Optional[str]:
    """The stack named by `project.fromStack`, read without validating the rest (for the offline runner,
    which must render that stack first); None when there is none or the backend would refuse it (the
    program then reports why)."""
    project = _decode(raw.values.get(f"{project_name}:project", "{}"))
    reference = project.get("fromStack") if isinstance(project, dict) else None
    if not isinstance(reference, str) or not reference or stack_reference_problem(reference):
        return None
    return reference


def _decode(value: Any) -> Any:
    """Pulumi passes structured values as JSON text and scalars as text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _account(raw: RawConfig) -> dict[str, Any]:
    account: dict[str, Any] = {}
    for key, variable in ACCOUNT_KEYS.items():
        value = raw.values.get(f"dbtcloud:{key}", raw.environ.get(variable))
        if value is not None:
            account[key] = value
    return account


def _problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        tagged = tuple(detail["loc"])
        location = _without_union_tags(tagged)
        message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if detail["type"] == "extra_forbidden":
            allowed = _allowed_keys(tagged[:-1])
            message = f"is not a setting here{_did_you_mean(str(location[-1]), allowed)}"
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
        problems.append(Problem(_dotted(location), message))
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


def _dotted(location: tuple) -> str:
    """The key path as the user wrote it: `jobs.daily-pipeline.schedule.cron`, `dbtcloud:accountId`."""
    if location[:1] == ("account",) and len(location) > 1:
        return f"dbtcloud:{location[1]}"
    if location[:1] == ("databricksHost",):
        return "databricks:host"
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(stack config)"


def _did_you_mean(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; allowed: {', '.join(allowed)}" if allowed else ""


def _top_level_keys() -> list[str]:
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


def environ_for_account() -> dict[str, str]:
    """The provider environment variables the settings may fall back to."""
    names = (*ACCOUNT_KEYS.values(), "DATABRICKS_HOST")
    return {name: os.environ[name] for name in names if name in os.environ}
