"""Run the real `__main__.py` on a config given in the test, and keep what it declared."""

from __future__ import annotations

import runpy
from typing import Optional

from settings import ConfigError, RawConfig
from synth.mocks import Registration
from synth.render import PROJECT_ROOT, run_under_mocks

MAIN = str(PROJECT_ROOT / "__main__.py")


def declare(raw: RawConfig, stack_outputs: Optional[dict] = None) -> tuple[Optional[ConfigError], list[Registration]]:
    """The ConfigError the program ended with (or None), and every resource it registered."""
    caught: list[ConfigError] = []

    def program() -> None:
        try:
            runpy.run_path(MAIN, run_name="__main__")
        except ConfigError as error:
            caught.append(error)

    rendering = run_under_mocks(program, "dbtcloud-databricks", "rules", raw.values, raw.secret_keys,
                                stack_outputs=stack_outputs)
    return (caught[0] if caught else None), rendering.registrations
