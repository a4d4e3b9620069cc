"""Reading and validating stacks: the one way the program, `synth check`, `synth cost`, `ops` and `ops adopt` get a
stack's settings.

A stack's file is read as the Pulumi CLI reads it (`files`), its config validated (`config`), and the result held
to the stack files beside it (`across`: one stack creates the project, names unique, CI jobs only where the
repository can trigger them), exactly as `pulumi up` of that stack holds it. A stack file beside it that does not
validate is its own stack's problem: the rules that need it wait until it is fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional, Union

from .across import problems_joining
from .config import LoadedSettings, RawConfig, environ_for_account, load_settings
from .errors import ConfigError
from .files import StackFileError, load_stack_file, project_name, stack_names

Verdict = Union[LoadedSettings, ConfigError, StackFileError]
"""A stack's settings, or why it cannot be deployed."""


def load_stack(
    root: Path,
    stack: str,
    raw: Optional[RawConfig] = None,
    text: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
    beside: bool = True,
) -> LoadedSettings:
    """The validated settings of `stack` in the project folder `root`, held to the stack files beside it.

    The config is read from the stack's file, unless given as the Pulumi runtime passes it (`raw`, for the program)
    or as the text of a file not written yet (`text`, for `ops adopt`). `environ` holds the provider variables the
    config falls back to (DBT_CLOUD_ACCOUNT_ID, ...; default: this process's). `beside=False` leaves the other stack
    files out (`ops adopt` decides so whether a setup can be written at all). Raises `ConfigError` listing every
    problem, or `StackFileError` for a file that cannot be read.
    """
    environ = environ_for_account() if environ is None else environ
    project = project_name(root)
    others = [name for name in stack_names(root) if name != stack] if beside else []
    verdicts = {name: _validated(root, name, None, environ) for name in others}
    verdicts[stack] = _validated(root, stack, raw, environ, text)
    verdict = _held_to_the_others(stack, verdicts, project)
    if isinstance(verdict, Exception):
        raise verdict
    return verdict


def load_folder(root: Path, environ: Optional[Mapping[str, str]] = None) -> dict[str, Verdict]:
    """Every stack of the folder `root`, each as `load_stack` would give it (each file read once)."""
    environ = environ_for_account() if environ is None else environ
    project = project_name(root)
    verdicts = {name: _validated(root, name, None, environ) for name in stack_names(root)}
    return {name: _held_to_the_others(name, verdicts, project) for name in verdicts}


def _validated(
    root: Path, stack: str, raw: Optional[RawConfig], environ: Mapping[str, str], text: Optional[str] = None
) -> Verdict:
    try:
        if raw is None:
            stack_file = load_stack_file(root, stack, text)
            raw = RawConfig(stack_file.config, frozenset(stack_file.secret_keys), environ)
        return load_settings(raw, project_name(root))
    except (ConfigError, StackFileError) as error:
        return error


def _held_to_the_others(stack: str, verdicts: dict[str, Verdict], project: str) -> Verdict:
    verdict = verdicts[stack]
    if not isinstance(verdict, LoadedSettings):
        return verdict
    others = {
        name: other.settings for name, other in verdicts.items() if name != stack and isinstance(other, LoadedSettings)
    }
    unchecked = frozenset(name for name in verdicts if name != stack and name not in others)
    problems = problems_joining(stack, verdict.settings, others, project, unchecked)
    return ConfigError(problems) if problems else verdict
