"""What the rule tests share: the committed stacks' values, a change to them, and the check that the program refuses
it before declaring anything, with a message that starts with the key path as the user wrote it."""

from __future__ import annotations

from typing import Any, Callable

from program import declare
from stack_config import changed, raw_config, short_values

from settings import load_settings

OWNER_OUTPUTS = {"organization/dbtcloud-databricks/prod": {"projectId": 1, "environmentIds": {"production": 2}}}

daily = "jobs.daily-pipeline"
quality = "jobs.marts-quality"


def values_of(stack: str) -> dict[str, Any]:
    """A committed stack's values with short keys for this project's settings, and a deployment token."""
    values = short_values(stack)
    values["deploymentToken"] = "t0ken"
    return values


def settings_of(stack: str, change: Callable[[dict], Any] = lambda v: None):
    return load_settings(raw_config(changed(stack, change))).settings


def assert_refused(stack: str, change: Callable[[dict], Any], expected: str) -> None:
    """The program refuses the changed stack, declares nothing, and one message starts with `expected`."""
    values = changed(stack, change)
    error, declared = declare(raw_config(values), OWNER_OUTPUTS)
    assert error is not None, "the program accepted the bad value"
    assert declared == [], "something was declared before the error"
    messages = [str(problem) for problem in error.problems]
    assert any(message.startswith(expected) for message in messages), messages
