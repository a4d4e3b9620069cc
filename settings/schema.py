"""A JSON Schema of the stack files, generated from the settings model, for editors to complete and check.

Stack files put this project's keys under `<project>:` (or, as the Pulumi CLI allows, without a namespace);
provider keys (`dbtcloud:`, `databricks:`) sit beside them. Secrets may appear encrypted (`{secure: ...}`),
and the providers' secrets only so.
"""

from __future__ import annotations

from typing import Any

from .account import AccountSettings
from .config import PROJECT_NAME, PROVIDER_SECRET_KEYS
from .model import StackSettings

SCHEMA_FILE = "stack-config.schema.json"

_SECURE = {
    "type": "object",
    "properties": {"secure": {"type": "string"}},
    "required": ["secure"],
    "additionalProperties": False,
    "description": "A value encrypted by `pulumi config set --secret`.",
}


def stack_file_schema(project_name: str = PROJECT_NAME) -> dict[str, Any]:
    """The schema of `Pulumi.<stack>.yaml` for this project."""
    model = StackSettings.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    definitions = model.pop("$defs", {})
    settings = {
        key: _allow_secure(value)
        for key, value in model["properties"].items()
        if key not in ("account", "databricksHost")
    }
    definitions = {key: _allow_secure(value) for key, value in definitions.items()}
    definitions.pop(AccountSettings.__name__, None)
    properties = {f"{project_name}:{key}": value for key, value in settings.items()}
    account = AccountSettings.model_json_schema(by_alias=True)["properties"]
    properties["dbtcloud:accountId"] = {
        "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}],
        "description": account["accountId"].get("description", ""),
    }
    properties["dbtcloud:hostUrl"] = {
        "type": "string",
        "pattern": "^https://.*/api/?$",
        "description": account["hostUrl"].get("description", ""),
    }
    for key in PROVIDER_SECRET_KEYS:
        properties[key] = {
            **_SECURE,
            "description": f"Secret: pulumi config set --secret {key} (or its environment "
            "variable); refused in clear text.",
        }
    # A key without a namespace is this project's, as the Pulumi CLI reads it (`cost` is `<project>:cost`).
    properties.update({key: value for key, value in settings.items()})
    own = sorted([f"{project_name}:{key}" for key in settings] + list(settings))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Pulumi stack file of {project_name}",
        "description": "Generated from the settings (settings/) by `python -m synth schema`; do not edit by hand.",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": properties,
                # This project's keys (with or without its namespace) must be known ones; other namespaces
                # belong to the providers.
                "propertyNames": {"anyOf": [{"pattern": ":", "not": {"pattern": f"^{project_name}:"}}, {"enum": own}]},
            },
            "encryptionsalt": {"type": "string"},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def _allow_secure(schema: Any) -> Any:
    """Secret fields (pydantic's `format: password`) may also hold an encrypted `{secure: ...}` value."""
    if isinstance(schema, dict):
        if schema.get("format") == "password":
            return {"anyOf": [schema, _SECURE]}
        return {key: _allow_secure(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_allow_secure(item) for item in schema]
    return schema
