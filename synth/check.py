"""`python -m synth check [STACK ...]`: whether each stack's `pulumi up` would get past its program, offline.

Each stack is loaded as the program loads it (`settings.load_stack`: the file as the Pulumi CLI reads it, the
settings, the stack files beside it), then rendered through the program under the contract mocks, which refuse what
the real providers refuse. A stack passes only if both pass: `synth check` and `synth STACK` cannot disagree.
Exit status 1 when anything is wrong: usable in CI and in editors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi

from settings import ConfigError, LoadedSettings, Problem, load_folder
from settings.files import StackFileError, stack_names

from .contract import ContractViolation
from .render import Rendering, render


@dataclass
class Outcome:
    """One stack's verdict."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def check(root: Path, stacks: list[str]) -> dict[str, Outcome]:
    """Each stack's problems and warnings (every stack here is loaded: those not asked about matter to those that
    are, the stack that creates the project, say)."""
    verdicts = load_folder(root)
    outcomes: dict[str, Outcome] = {}
    rendered: dict[str, Rendering] = {}  # each stack rendered once, even the owner of another's project
    for stack in stacks:
        verdict = verdicts[stack]
        outcome = outcomes[stack] = Outcome()
        if isinstance(verdict, StackFileError):
            outcome.problems.append(Problem("file", str(verdict)))
            continue
        if isinstance(verdict, ConfigError):
            outcome.problems.extend(verdict.problems)
            continue
        outcome.warnings.extend(verdict.warnings)
        owner = _owner_with_problems(verdict, verdicts)
        if owner:
            outcome.warnings.append(Problem("project.fromStack", f"not rendered: stack {owner!r} has problems"))
        elif not outcome.problems:
            outcome.problems.extend(_rendering_problems(stack, root, rendered))
    return outcomes


def _owner_with_problems(verdict: LoadedSettings, verdicts: dict[str, Any]) -> Optional[str]:
    """The stack this one takes its project from, when that stack does not load (it renders first)."""
    reference = verdict.settings.project.from_stack
    owner = reference.split("/")[-1] if reference else None
    return owner if owner and not isinstance(verdicts.get(owner), LoadedSettings) else None


def _rendering_problems(stack: str, root: Path, rendered: dict[str, Rendering]) -> list[Problem]:
    """What the program, run under the contract mocks, refuses: a provider rule, a component's own check."""
    try:
        render(stack, root, rendered)
    except ContractViolation as violation:
        return [
            Problem(f"resource {v.name}", f"{v.input}: {v.found}; {v.rule} [{v.source}]") for v in violation.violations
        ]
    except (ConfigError, StackFileError) as error:
        return list(getattr(error, "problems", [])) or [Problem("file", str(error))]
    except pulumi.RunError as error:  # a component refused an argument
        return [Problem("program", str(error))]
    return []


def report(outcomes: dict[str, Outcome]) -> str:
    """The check's printout: each stack, ok or its problems, and its warnings."""
    lines = []
    for stack, outcome in outcomes.items():
        if outcome.problems:
            count = len(outcome.problems)
            lines.append(f"{stack}: {count} problem{'s' if count != 1 else ''}")
            lines.extend(f"  - {_shown(problem, stack)}" for problem in outcome.problems)
        else:
            lines.append(f"{stack}: ok")
        lines.extend(f"  warning: {_shown(warning, stack)}" for warning in outcome.warnings)
    return "\n".join(lines)


def as_json(outcomes: dict[str, Outcome]) -> dict:
    """The check for machines."""
    return {
        "passed": all(outcome.passed for outcome in outcomes.values()),
        "stacks": {
            stack: {
                "passed": outcome.passed,
                "problems": [{"path": p.path, "message": p.message} for p in outcome.problems],
                "warnings": [{"path": w.path, "message": w.message} for w in outcome.warnings],
            }
            for stack, outcome in outcomes.items()
        },
    }


def _shown(problem: Problem, stack: str) -> str:
    """A problem under its stack's heading: the stack's own name is not repeated before the key."""
    return str(problem).removeprefix(f"{stack}: ")


def all_stacks(root: Path) -> list[str]:
    """The stacks that have a stack file here."""
    return stack_names(root)
