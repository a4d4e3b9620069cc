"""The contract's building blocks: a violation, a rule on one resource's inputs, and the builders of the rules
(required inputs, enumerations, patterns, inputs that exclude or need each other). Inputs are checked as the provider
receives them: camelCase names, secrets unwrapped, integers as integers. A rule's message never shows a secret."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional


@dataclass(frozen=True)
class Violation:
    """One rule one registration breaks."""

    type: str
    name: str
    input: str
    """The input (camelCase, dotted for nested ones) the rule is about."""
    found: str
    """What the registration has that breaks the rule (never a secret's value)."""
    rule: str
    source: str

    def __str__(self) -> str:
        return (
            f"{self.type} {self.name!r}: {self.input}: {self.found}; the provider's rule: {self.rule} [{self.source}]"
        )


class ContractViolation(Exception):
    """The program declares what the real providers would refuse: a rendering with it must not pass."""

    def __init__(self, violations: Iterable[Violation], stack: str = ""):
        self.violations = list(violations)
        self.stack = stack
        count = len(self.violations)
        where = f"stack {stack!r} declares" if stack else "declared:"
        lines = "\n".join(f"  - {violation}" for violation in self.violations)
        plural = "s" if count != 1 else ""
        super().__init__(f"{where} {count} resource{plural} the real providers would refuse:\n{lines}")


# --- Rules on one resource's own inputs ------------------------------------------------------------------------

Check = Callable[[dict], Optional[str]]
"""Inputs -> what breaks the rule, or None."""


@dataclass(frozen=True)
class Rule:
    input: str
    rule: str
    source: str
    broken: Check = field(compare=False)


MISSING = object()


def get(inputs: dict, path: str) -> Any:
    """The value at a dotted path, or `MISSING` (None counts as missing: Pulumi does not send it)."""
    value: Any = inputs
    for key in path.split("."):
        if not isinstance(value, dict) or value.get(key) is None:
            return MISSING
        value = value[key]
    return value


def present(inputs: dict, path: str) -> bool:
    value = get(inputs, path)
    return value is not MISSING and value != ""


def required(path: str, source: str, why: str = "is required") -> Rule:
    return Rule(path, why, source, lambda inputs: None if present(inputs, path) else "missing")


def one_of(path: str, allowed: Iterable[Any], source: str) -> Rule:
    allowed = tuple(allowed)

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is MISSING or value in allowed else f"{value!r}"

    return Rule(path, f"one of {', '.join(map(str, allowed))}", source, broken)


def matches(path: str, pattern: str, source: str) -> Rule:
    compiled = re.compile(pattern)

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is MISSING or compiled.search(str(value)) else f"{value!r}"

    return Rule(path, f"matches {pattern}", source, broken)


def excludes(path: str, other: str, source: str, secret: bool = False) -> Rule:
    """`path` and `other` cannot both be set (the framework's ConflictsWith: any non-null value counts)."""

    def broken(inputs: dict) -> Optional[str]:
        if get(inputs, path) is MISSING or get(inputs, other) is MISSING:
            return None
        if secret:
            return f"both {path} and {other} are set"
        return f"{get(inputs, path)!r} with {other} {get(inputs, other)!r}"

    return Rule(path, f"cannot be set together with {other}", source, broken)


def needs(path: str, when: Callable[[Any], bool], other: str, condition: str, source: str) -> Rule:
    """When `path`'s value satisfies `when`, `other` must be set."""

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is MISSING or not when(value) or present(inputs, other):
            return None
        return f"{value!r} without {other}"

    return Rule(path, f"{condition} needs {other}", source, broken)


def forbids(path: str, when: Callable[[Any], bool], other: str, condition: str, source: str) -> Rule:
    """When `path`'s value satisfies `when`, `other` must not be set."""

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is MISSING or not when(value) or get(inputs, other) is MISSING:
            return None
        return f"{value!r} with {other} {get(inputs, other)!r}"

    return Rule(path, f"{condition} does not take {other}", source, broken)


def custom(path: str, rule: str, source: str, broken: Check) -> Rule:
    return Rule(path, rule, source, broken)


def between(path: str, low: int, high: Optional[int], source: str) -> Rule:
    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r} is not an integer"
        return None if value >= low and (high is None or value <= high) else f"{value!r}"

    return Rule(path, f"an integer from {low}" + (f" to {high}" if high is not None else " up"), source, broken)


def size_at_least(path: str, minimum: int, source: str) -> Rule:
    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is MISSING or len(value) >= minimum else f"{len(value)} item(s)"

    return Rule(path, f"at least {minimum} item(s)", source, broken)
