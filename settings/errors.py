"""The one error a bad stack config ends the program with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem (or warning) at a key path of the stack config."""

    path: str
    """The key path as the user wrote it, e.g. `jobs.daily-pipeline.schedule.cron`."""
    message: str
    """What is wrong and what is allowed."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(Exception):
    """The stack config is invalid: every problem found, in one error (the program raises it as a Pulumi `RunError`,
    `runtime_config.StackConfigError`, so that `pulumi up` prints it without a Python traceback)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"the stack config has {count} problem{'s' if count != 1 else ''}; nothing was declared:\n{lines}"
        )
