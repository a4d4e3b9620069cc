"""Build stack configs in tests: the committed stack files as the CLI would pass them, with overrides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from settings import PROJECT_NAME, RawConfig
from settings.files import load_stack_file

ROOT = Path(__file__).resolve().parent.parent

STACKS = ("prod", "dev")

PROD_EMAIL_NOTIFICATION = """\
    data-team-email:
      type: userEmail
      userId: 100001                     # PLACEHOLDER: dbt Cloud user id of the recipient
      onFailure: [daily-pipeline, marts-quality]
"""
PROD_SLACK_NOTIFICATION = """\
    data-alerts-slack:
      type: slack
      userId: 100001                     # PLACEHOLDER: dbt Cloud user id of whoever connected Slack
      slackChannelId: C0000000000        # PLACEHOLDER: channel id (Slack: channel details, bottom)
      slackChannelName: "#data-alerts"
      onFailure: [daily-pipeline, marts-quality]
      onCancel: [daily-pipeline]
"""
"""The committed prod stack's two notifications, as written there (for tests that edit them)."""
"""The committed stacks."""


def stack_values(stack: str) -> dict[str, Any]:
    """A committed stack's config, decoded: `namespace:key` -> value."""
    loaded = load_stack_file(ROOT, stack)
    return {key: _decode(value) for key, value in loaded.config.items()}


def raw_config(values: dict[str, Any], secret_keys: tuple[str, ...] = ("deploymentToken",)) -> RawConfig:
    """Values (short keys for this project's, `ns:key` for providers') as Pulumi would pass them."""
    full = {key if ":" in key else f"{PROJECT_NAME}:{key}": value for key, value in values.items()}
    text = {key: value if isinstance(value, str) else json.dumps(value) for key, value in full.items()}
    return RawConfig(text, frozenset(f"{PROJECT_NAME}:{key}" for key in secret_keys))


def short_values(stack: str) -> dict[str, Any]:
    """A committed stack's values, this project's keys without their namespace (`jobs`, `dbtcloud:accountId`)."""
    return {
        key.split(":", 1)[1] if key.startswith(f"{PROJECT_NAME}:") else key: value
        for key, value in stack_values(stack).items()
    }


def with_changes(stack: str, **changes: Any) -> RawConfig:
    """A committed stack's config with some of its project keys replaced (None removes a key)."""
    values = short_values(stack)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return raw_config(values)


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def edit(root: Path, stack: str, old: str, new: str) -> None:
    """Replace one exact piece of a stack file's text (in a copy of the project: see the `project` fixture)."""
    path = root / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new))


def append(root: Path, stack: str, lines: str) -> None:
    """Add lines at the end of a stack file (its `config:` section is last)."""
    path = root / f"Pulumi.{stack}.yaml"
    path.write_text(path.read_text() + lines)


def changed(stack: str, change: Callable[[dict], Any], token: str = "t0ken") -> dict[str, Any]:
    """A committed stack's values (short keys, as `short_values`), with a deployment token, changed by `change`."""
    values = short_values(stack)
    values["deploymentToken"] = token
    change(values)
    return values


def setting(path: str, value: Any) -> Callable[[dict], None]:
    """A change that sets `a.b.c` (or removes it, for value REMOVE)."""

    def change(values: dict) -> None:
        *parents, last = path.split(".")
        target = values
        for part in parents:
            target = target[part]
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value

    return change


REMOVE = object()
"""`setting(path, REMOVE)` removes the key."""
