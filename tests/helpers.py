"""Small helpers for the tests: reading recorded registrations, running `synth`, and the type tokens."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from synth.mocks import plain  # noqa: F401  (re-exported for the tests)
from synth.type_tokens import (  # noqa: F401  (one table of type tokens, re-exported for the tests)
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    GLOBAL_CONNECTION,
    GRANT,
    GROUP_MEMBER,
    JOB,
    MODEL_NOTIFICATIONS,
    NOTIFICATION,
    NOTIFICATION_SETTING,
    OBO_TOKEN,
    PERMISSIONS,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
    ROTATING,
    SERVICE_PRINCIPAL,
    SQL_ENDPOINT,
    STACK_REFERENCE,
    TOKEN,
    WEBHOOK,
)

CONNECTION = GLOBAL_CONNECTION


def is_int(value: Any) -> bool:
    """An integer as it crosses the RPC boundary (a float with no fraction), never a string or bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def only(rendering, type_: str):
    """The single resource of a type."""
    found = rendering.resources(type_)
    assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
    return found[0]


def run_synth(capsys, *argv: str) -> tuple[int, str]:
    """Run `python -m synth ...` in this process; its exit status and everything it printed."""
    from synth.__main__ import main

    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out + out.err


@functools.cache
def modules_after_imports() -> dict[str, list[str]]:
    """What a fresh interpreter has loaded after importing the shared rules, then the settings: what must stay out of
    each is checked by test_package and test_settings, from one process for both (a process costs a fifth of a
    second). The rules come first, so that what the settings load is not counted for them."""
    probe = (
        "import json, sys; sys.path.insert(0, '.'); loaded = {}; "
        "import components.rules, components.fields, components.rotation; "
        "loaded['components.rules'] = sorted(sys.modules); "
        "import settings, settings.load, settings.across, settings.schema; "
        "loaded['settings'] = sorted(sys.modules); "
        "print(json.dumps(loaded))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)
