"""Run the real `__main__.py` on a config given in the test, and keep what it declared."""

from __future__ import annotations

import runpy
from typing import Optional

from settings import ConfigError, RawConfig
from synth.mocks import Registration
from synth.render import PROJECT_ROOT, run_under_mocks

MAIN = str(PROJECT_ROOT / "__main__.py")


def declare(
    raw: RawConfig, stack_outputs: Optional[dict] = None, stack: Optional[str] = None
) -> tuple[Optional[ConfigError], list[Registration]]:
    """The ConfigError the program ended with (or None), and every resource it registered.

    The program runs as `stack`, by default the committed stack the config stands for (the one that creates the
    project, or the one that adopts it): it holds itself to the other stack files beside it, as under `pulumi up`.
    """
    caught: list[ConfigError] = []

    def program() -> None:
        try:
            runpy.run_path(MAIN, run_name="__main__")
        except ConfigError as error:
            caught.append(error)

    rendering = run_under_mocks(
        program,
        "dbtcloud-databricks",
        stack or _stack_like(raw),
        raw.values,
        raw.secret_keys,
        stack_outputs=stack_outputs,
    )
    return (caught[0] if caught else None), rendering.registrations


def _stack_like(raw: RawConfig) -> str:
    project = raw.values.get("dbtcloud-databricks:project")
    adopts = isinstance(project, (dict, str)) and ("fromStack" in str(project) or '"id"' in str(project))
    return "dev" if adopts else "prod"
