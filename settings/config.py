"""Stack config (flat `namespace:key` values, as Pulumi hands them over) -> validated `StackSettings`.

All problems are collected in one pass and raised as one `ConfigError`, before any resource exists.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from pydantic import ValidationError

from components import rules

from .account import ACCOUNT_KEYS
from .backend import stack_reference_problem
from .base import References, new_context
from .cost import StackCost, cost_warnings, stack_cost
from .errors import ConfigError, Problem
from .messages import did_you_mean, dotted, problems_from, top_level_keys
from .model import SECRET_KEYS, StackSettings

PROJECT_NAME = "dbtcloud-databricks"
"""The `name` in Pulumi.yaml: the namespace of this project's config keys."""

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
    known = top_level_keys()
    for full_key, value in raw.values.items():
        if not full_key.startswith(prefix):
            problems.extend(_misspelt_namespace(full_key, project_name))
            continue
        key = full_key[len(prefix) :]
        if key not in known:
            problems.append(Problem(key, f"is not a setting of this project{did_you_mean(key, known)}"))
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
        problems.extend(problems_from(error))
    problems.extend(Problem(dotted(path), message) for path, message in context["problems"])
    if problems or settings is None:
        raise ConfigError(problems)
    estimate = stack_cost(settings)
    found = context["warnings"] + cost_warnings(settings, estimate)
    return LoadedSettings(settings, [Problem(dotted(path), message) for path, message in found], estimate)


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
    namespace, _, name = full_key.partition(":")
    if namespace in rules.PROVIDER_CONFIG_KEYS:
        return _unknown_provider_key(namespace, name)
    if namespace in KNOWN_NAMESPACES or ":" not in full_key:
        return []
    close = difflib.get_close_matches(namespace, [project_name, *KNOWN_NAMESPACES], n=1, cutoff=0.8)
    if not close and name in top_level_keys():
        return [
            Problem(
                full_key,
                f"is read by nothing: Pulumi.yaml names the project {project_name!r}, so this project's settings are "
                f"{project_name}:{name} (or just {name}); rename the namespace, or the project back",
            )
        ]
    if not close:
        return []
    return [
        Problem(
            full_key,
            f"is read by nothing: the namespace {namespace!r} is not {close[0]!r}; "
            f"did you mean {close[0] + ':' + full_key.split(':', 1)[1]!r}?",
        )
    ]


def _unknown_provider_key(provider: str, name: str) -> list[Problem]:
    """A key under a provider's namespace that the provider does not have: `pulumi up` would stop on it."""
    known = rules.PROVIDER_CONFIG_KEYS[provider]
    if name in known or name == "version":
        return []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or [
        key for key in known if key.lower() == name.lower()
    ]
    hint = f"did you mean {provider}:{close[0]}?" if close else f"its settings are {', '.join(known)}"
    return [
        Problem(
            f"{provider}:{name}",
            f'is not a setting of the {provider} provider, and pulumi up would stop on it ("Invalid or unknown '
            f'key"): {hint}',
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


def environ_for_account() -> dict[str, str]:
    """The provider environment variables the settings may fall back to."""
    names = (*ACCOUNT_KEYS.values(), "DATABRICKS_HOST")
    return {name: os.environ[name] for name in names if name in os.environ}
