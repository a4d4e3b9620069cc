"""The adopted config as a stack file: YAML the Pulumi CLI and `settings.files` read alike, with a header
saying where it came from and what to set by hand (the tokens the APIs never return)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from settings.files import CliYamlLoader

from .config import Adoption

SECRET_CONFIG_KEYS = ("deploymentToken", "servicePrincipalSecret", "secretEnvironmentVariables")
PROVIDER_SECRETS = ("dbtcloud:token", "databricks:token")


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the committed stack files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def dump(config: dict[str, Any]) -> str:
    """`config:` as YAML. Strings YAML would read otherwise (`yes`, `on`, `#data-alerts`, `12345`) are quoted;
    names in any script are kept as they are (UTF-8)."""
    return yaml.dump(
        {"config": config},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
        indent=2,
    )


def header(stack: str, project_id: int, account_id: int, adoption: Adoption, preserved: set[str]) -> str:
    lines = [
        "# yaml-language-server: $schema=./stack-config.schema.json",
        f"# Adopted from dbt Cloud account {account_id}, project {project_id}, and its Databricks warehouse by",
        f"#   python -m ops adopt --project-id {project_id} --stack {stack}",
        "# Everything below is the setup as it is; importIds make `pulumi up` take it over instead of creating it.",
    ]
    missing = [entry for entry in adoption.secrets if _key(entry) not in preserved]
    if missing:
        lines.append("#")
        lines.append("# The APIs never return tokens or secret values: set them before the first preview.")
        lines.extend(f"#   pulumi config set --secret {entry} -s {stack}   # PLACEHOLDER" for entry in missing)
    lines.append(
        "# Credentials of pulumi itself: pulumi config set --secret dbtcloud:token ... (or DBT_CLOUD_TOKEN), "
        "databricks:token (or DATABRICKS_TOKEN)."
    )
    return "\n".join(lines) + "\n"


def _key(entry: str) -> str:
    """`deploymentToken <...>` -> `deploymentToken`; `--path 'secretEnvironmentVariables.X.production' <...>` ->
    `secretEnvironmentVariables.X.production`."""
    if entry.startswith("--path "):
        return entry.split("'")[1]
    return entry.split()[0]


def text(stack: str, adoption: Adoption, project_id: int, account_id: int, existing: dict[str, Any]) -> str:
    """The whole file. Secrets already set in an existing file (`secure:` values) are kept, so that adopting again
    changes nothing."""
    config = dict(adoption.config)
    preserved = carry_secrets(config, existing)
    return header(stack, project_id, account_id, adoption, preserved) + dump(config)


def carry_secrets(config: dict[str, Any], existing: dict[str, Any]) -> set[str]:
    """Copy the encrypted values of an existing stack file's config into `config`; the dotted keys kept."""
    kept: set[str] = set()
    for key, value in existing.items():
        short = key.split(":", 1)[-1] if ":" in key else key
        if (short in SECRET_CONFIG_KEYS or key in PROVIDER_SECRETS) and _has_secure(value):
            config[key] = value
            kept.update(_secure_paths(short, value))
    return kept


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_has_secure(item) for item in value.values())
    return False


def _secure_paths(prefix: str, value: Any) -> list[str]:
    if isinstance(value, dict) and set(value) != {"secure"}:
        return [path for key, item in value.items() for path in _secure_paths(f"{prefix}.{key}", item)]
    return [prefix]


def read_existing(path: Path) -> dict[str, Any]:
    """The `config:` of an existing stack file (empty when there is none)."""
    if not path.exists():
        return {}
    # As the Pulumi CLI and the program read it (YAML 1.2, libyaml's parser).
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=CliYamlLoader) or {}
    return document.get("config") or {}
