"""`python -m synth check [STACK ...]`: validate stack files offline, alone and against each other.

The same validation `pulumi up` runs before declaring anything, plus what only a look at all the stacks
(or at the YAML text) can tell. Exit status 1 when anything is wrong: usable in CI and in editors.
"""

from __future__ import annotations

from pathlib import Path

from settings import ConfigError, LoadedSettings, Problem, RawConfig, load_settings
from settings.across import cross_stack_problems
from settings.files import StackFileError, ambiguous_words, load_stack_file, project_name, stack_names


def all_stacks(root: Path) -> list[str]:
    """The stacks that have a stack file here."""
    return stack_names(root)


def check(root: Path, stacks: list[str]) -> tuple[dict[str, list[Problem]], dict[str, list[Problem]]]:
    """Problems and warnings by stack, and under `*` the problems across all the stacks here."""
    # Every stack is loaded once: those not asked about still matter to those that were (the stack that
    # creates the project, say).
    loaded: dict[str, LoadedSettings | ConfigError | StackFileError] = {}
    for stack in sorted(set(all_stacks(root)) | set(stacks)):
        try:
            loaded[stack] = _load(root, stack)
        except (ConfigError, StackFileError) as error:
            loaded[stack] = error  # one broken file does not stop the others being checked
    problems: dict[str, list[Problem]] = {}
    warnings: dict[str, list[Problem]] = {}
    for stack in stacks:
        result = loaded[stack]
        if isinstance(result, StackFileError):
            problems[stack] = [Problem("file", str(result))]
            continue
        problems[stack] = [
            Problem(
                f"line {line}",
                f"{word!r} is read as a boolean by some YAML readers and as text by others: write true or false "
                f"for a yes/no setting, or quote it ('{word}') where text is meant",
            )
            for line, word in ambiguous_words(root, stack)
        ]
        if isinstance(result, ConfigError):
            problems[stack].extend(result.problems)
        else:
            warnings[stack] = result.warnings
    valid = {stack: result.settings for stack, result in loaded.items() if isinstance(result, LoadedSettings)}
    # A stack that did not validate is not a missing one: rules that need it wait until it is fixed.
    unchecked = frozenset(loaded) - frozenset(valid)
    problems["*"] = cross_stack_problems(valid, project_name(root), unchecked) if valid else []
    return problems, warnings


def _load(root: Path, stack: str) -> LoadedSettings:
    stack_file = load_stack_file(root, stack)
    return load_settings(RawConfig(stack_file.config, frozenset(stack_file.secret_keys)), stack_file.project)


def report(problems: dict[str, list[Problem]], warnings: dict[str, list[Problem]]) -> tuple[str, bool]:
    """The check's printout, and whether everything passed."""
    lines = []
    for stack, found in problems.items():
        label = "across stacks" if stack == "*" else stack
        if found:
            lines.append(f"{label}: {len(found)} problem{'s' if len(found) != 1 else ''}")
            lines.extend(f"  - {problem}" for problem in found)
        elif stack != "*":
            lines.append(f"{label}: ok")
        for warning in warnings.get(stack, []):
            lines.append(f"  warning: {warning}")
    return "\n".join(lines), not any(problems.values())
