"""Read `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands them to the program.

The CLI passes every config value as text (structured values as JSON) under `namespace:key`, with
`Pulumi.yaml`'s declared defaults under the stack file's values, and tells the program which keys are
secret. Offline, encrypted (`secure:`) values cannot be decrypted: they become visible placeholders,
still marked secret, as do required secrets a committed stack file rightly leaves out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from settings import RawConfig
from settings.load import secrets_needed

OFFLINE_SECRET = "offline-placeholder-secret"
"""What an encrypted or unset secret reads as offline (it is masked in every printout anyway)."""



class StackFileError(Exception):
    """A stack or project file is missing or unreadable."""


@dataclass
class StackFile:
    """One stack's config as the program would receive it."""

    project: str
    stack: str
    config: dict[str, str]
    secret_keys: set[str] = field(default_factory=set)
    placeholders: list[str] = field(default_factory=list)
    """Keys given an offline placeholder because the stack file has no clear-text value for them."""
    workspace_host: str = "dbc-00000000-0000.cloud.databricks.com"
    """The Databricks workspace host (from `databricks:host`), for realistic warehouse outputs."""


def project_name(root: Path) -> str:
    """The project's name, from `Pulumi.yaml`."""
    return _read_yaml(root / "Pulumi.yaml")["name"]


def stack_file_path(root: Path, stack: str) -> Path:
    """Where a stack's file lives."""
    return root / f"Pulumi.{stack}.yaml"


def load_stack_file(root: Path, stack: str) -> StackFile:
    """A stack's config: `Pulumi.yaml` defaults, then the stack file's values over them."""
    project_doc = _read_yaml(root / "Pulumi.yaml")
    project = project_doc["name"]
    path = stack_file_path(root, stack)
    if not path.exists():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise StackFileError(f"no stack file {path.name}; stacks here: {', '.join(known) or 'none'}")
    stack_doc = _read_yaml(path) or {}

    result = StackFile(project=project, stack=stack, config={})
    for key, declaration in (project_doc.get("config") or {}).items():
        full_key = key if ":" in key else f"{project}:{key}"
        default = declaration.get("default", declaration.get("value")) if isinstance(declaration, dict) else declaration
        if default is not None:
            result.config[full_key] = _as_text(default)
    for full_key, value in (stack_doc.get("config") or {}).items():
        if _has_secure(value):
            result.secret_keys.add(full_key)
            result.placeholders.append(full_key)
            value = _strip_secure(value)
        result.config[full_key] = _as_text(value)
    for key in secrets_needed(RawConfig(result.config), project):
        full_key = f"{project}:{key}"
        if full_key not in result.config:
            result.config[full_key] = OFFLINE_SECRET
            result.secret_keys.add(full_key)
            result.placeholders.append(full_key)
    host = str(result.config.get("databricks:host", ""))
    if host:
        result.workspace_host = host.removeprefix("https://").removeprefix("http://").rstrip("/")
    return result


YAML_11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
"""Words PyYAML (YAML 1.1) reads as booleans and YAML 1.2 readers (the Pulumi CLI's Go parser) may read as text."""


def ambiguous_words(root: Path, stack: str) -> list[tuple[int, str]]:
    """Unquoted YAML 1.1 boolean words in a stack file, as (line, word): read differently offline and by the CLI."""
    text = stack_file_path(root, stack).read_text(encoding="utf-8")
    return [
        (token.start_mark.line + 1, token.value)
        for token in yaml.scan(text)
        if isinstance(token, yaml.ScalarToken) and token.plain and token.value.lower() in YAML_11_BOOLEANS
    ]


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # libyaml's loader when PyYAML has it (the wheels do): ten times faster on large stacks.
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise StackFileError(f"{path.name} not found in {path.parent}") from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name} is not valid YAML: {error}") from None


def _as_text(value: Any) -> str:
    """How the Pulumi CLI passes a config value: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_has_secure(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_secure(item) for item in value)
    return False


def _strip_secure(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            # Derived from the ciphertext (public, it is committed) so that a re-set secret reads differently.
            return f"{OFFLINE_SECRET}-{hashlib.sha256(str(value['secure']).encode()).hexdigest()[:12]}"
        return {key: _strip_secure(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_secure(item) for item in value]
    return value
