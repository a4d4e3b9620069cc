"""The offline runner's command line: `python -m synth [COMMAND] ...` (see `--help`, or the README).

Each subcommand is a row of `COMMANDS` (`command_line.Command`): its help, its options, the function that runs it
and its exit statuses. A stack name alone (`python -m synth prod`) means `show`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import traceback
from pathlib import Path

import pulumi

from command_line import JSON, PROJECT_DIR, Command, Exit, option, parser, resolved_project_dir, run, unknown_command
from settings import ConfigError, load_stack
from settings.files import StackFileError, project_name, stack_from_argument, stack_names
from settings.schema import SCHEMA_FILE, stack_file_schema

from .check import as_json as check_json, check, report
from .contract import ContractViolation
from .cost import cost_json, cost_table, estimates
from .diff import DiffError, as_dict, diff_stack, format_diff
from .reference import REFERENCE_FILE, reference_text
from .render import render
from .tree import as_json, as_tree

STACK = option("stack", help="stack name: the X of Pulumi.X.yaml (e.g. prod, dev)")
STACKS = option("stacks", nargs="*", help="stacks (default: every Pulumi.*.yaml of the project)")
WRITE = option("--write", action="store_true", help="write the file instead of printing it")
BASE = option("--base", required=True, help="git ref to compare with, e.g. origin/main")

INVALID = {Exit.OK: "the stacks are valid", Exit.FAILED: "a stack is invalid: its problems are printed"}
USAGE = {Exit.USAGE: "bad usage, or a stack file missing or unreadable as the Pulumi CLI reads it"}


def _show(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    args.stack = _known_stack(args.stack, root)
    try:
        rendering = render(args.stack, root)
    except (ConfigError, ContractViolation, pulumi.RunError) as error:  # RunError: a component refused an argument
        return _fail(error, Exit.FAILED)
    except StackFileError:
        # The stack it takes its project from could not be rendered (missing, in a circle, invalid): when that is this
        # stack's own mistake (a fromStack the rules across stacks refuse), say so as `check` does.
        try:
            load_stack(root, args.stack)
        except ConfigError as error:
            return _fail(error, Exit.FAILED)
        raise
    print(json.dumps(as_json(rendering), indent=2) if args.json else as_tree(rendering))
    return Exit.OK


def _check(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    here = stack_names(root)
    if not here:
        raise StackFileError(f"no stack files (Pulumi.<stack>.yaml) in {root}")
    stacks = [_known_stack(stack, root) for stack in args.stacks]
    outcomes = check(root, stacks or here)
    print(json.dumps(check_json(outcomes), indent=2) if args.json else report(outcomes))
    return Exit.OK if all(outcome.passed for outcome in outcomes.values()) else Exit.FAILED


def _diff(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    args.stack = stack_from_argument(args.stack, root)
    try:
        diff = diff_stack(args.stack, args.base, root)
    except (DiffError, StackFileError, ConfigError, ContractViolation) as error:
        return _fail(error, Exit.USAGE)  # not 1: a workflow reads 1 as "changes"
    print(json.dumps(as_dict(diff), indent=2) if args.json else format_diff(diff))
    return Exit.FAILED if diff.changed else Exit.OK


def _cost(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    stacks = [_known_stack(stack, root) for stack in args.stacks]
    try:
        loaded = estimates(root, stacks or stack_names(root))
    except ConfigError as error:
        return _fail(error, Exit.FAILED)
    print(json.dumps(cost_json(loaded), indent=2) if args.json else cost_table(loaded))
    return Exit.OK


def _schema(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    return _emit(json.dumps(stack_file_schema(project_name(root)), indent=2) + "\n", SCHEMA_FILE, root, args.write)


def _reference(args: argparse.Namespace) -> int:
    root = resolved_project_dir(args)
    if args.write:
        (root / "docs").mkdir(exist_ok=True)
    return _emit(reference_text(project_name(root)), REFERENCE_FILE, root, args.write)


def _package_schema(args: argparse.Namespace) -> int:
    # Imported here: the components import the providers' SDKs (seconds), which the other commands do without.
    from .package_schema import PACKAGE_SCHEMA_FILE, package_schema_text

    return _emit(package_schema_text(), PACKAGE_SCHEMA_FILE, resolved_project_dir(args), args.write)


def _emit(text: str, file_name: str, root: Path, write: bool) -> int:
    if write:
        (root / file_name).write_text(text, encoding="utf-8")
        print(f"wrote {file_name}")
    else:
        sys.stdout.write(text)
    return Exit.OK


def _known_stack(text: str, root: Path) -> str:
    """The stack a command line names (`prod`, `org/prod`, `Pulumi.prod.yaml`); refused when it has no file, naming
    the stacks there (and the command meant, for a misspelt one)."""
    stack = stack_from_argument(text, root)
    if stack in stack_names(root):
        return stack
    here = ", ".join(stack_names(root)) or "none"
    raise StackFileError(
        f"no stack file Pulumi.{stack}.yaml in {root}; stacks here: {here} ({unknown_command(stack, COMMANDS)})"
    )


COMMANDS = (
    Command(
        "show",
        "what a stack declares, as a tree (or JSON): the real program, run under the providers' mocks",
        _show,
        (STACK, JSON, PROJECT_DIR),
        {**INVALID, **USAGE},
    ),
    Command(
        "check",
        "whether each stack's pulumi up would pass its program: the stack alone and beside the others, rendered "
        "under the providers' rules",
        _check,
        (STACKS, JSON, PROJECT_DIR),
        {
            Exit.OK: "the stacks are valid",
            Exit.FAILED: "a stack is invalid or its file unreadable: its problems are printed (the others are checked)",
            Exit.USAGE: "bad usage, or no Pulumi.yaml or stack files to check",
        },
    ),
    Command(
        "diff",
        "what a change does to a stack against a git ref",
        _diff,
        (STACK, BASE, JSON, PROJECT_DIR),
        {
            Exit.OK: "no changes",
            Exit.FAILED: "the stack changes",
            Exit.USAGE: "the diff could not be made (bad usage, or a side does not render)",
        },
    ),
    Command(
        "cost",
        "models, warehouse hours and dollars per month, per stack and for the account",
        _cost,
        (STACKS, JSON, PROJECT_DIR),
        {Exit.OK: "estimated", Exit.FAILED: "a stack is invalid: its problems are printed", **USAGE},
    ),
    Command(
        "schema",
        f"the JSON Schema of stack files ({SCHEMA_FILE}), generated from the settings",
        _schema,
        (WRITE, PROJECT_DIR),
        {Exit.OK: "printed or written", **USAGE},
    ),
    Command(
        "reference",
        f"the configuration reference ({REFERENCE_FILE}): every key of a stack file, generated from the settings",
        _reference,
        (WRITE, PROJECT_DIR),
        {Exit.OK: "printed or written", **USAGE},
    ),
    Command(
        "package-schema",
        "the Pulumi package schema of components/, as `pulumi package add` infers it",
        _package_schema,
        (WRITE, PROJECT_DIR),
        {Exit.OK: "printed or written", **USAGE},
    ),
)

DESCRIPTION = (
    "Offline: render, check, diff and cost this project's stacks without credentials or network. "
    "`python -m synth STACK` is short for `python -m synth show STACK`."
)


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _quiet_event_loop_teardown
    argv = list(sys.argv[1:] if argv is None else argv)
    positional = [arg for arg in argv if not arg.startswith("-")]
    if positional and positional[0] not in {c.name for c in COMMANDS}:
        if not {"-h", "--help"} & set(argv[: argv.index(positional[0])]):
            argv.insert(0, "show")  # `synth prod`: a stack name alone
    return run(
        parser("python -m synth", DESCRIPTION, COMMANDS),
        argv,
        {StackFileError: lambda error: _fail(error, Exit.USAGE)},
        crash=_crash,
    )


def _crash(error: Exception) -> int:
    """A bug must never read as a result (1 is "changes" to diff)."""
    if os.environ.get("SYNTH_TRACEBACK"):
        traceback.print_exception(error)
    print(f"internal error (a bug in synth, please report it): {type(error).__name__}: {error}", file=sys.stderr)
    return Exit.INTERNAL


def _fail(error: Exception, status: int) -> int:
    print(f"error: {error}", file=sys.stderr)
    return status


def _quiet_event_loop_teardown(unraisable: "sys.UnraisableHookArgs") -> None:
    # The Pulumi SDK leaves event loops on its worker threads; when the interpreter collects them at exit
    # their __del__ may complain about an already-closed pipe. Harmless, and noise for the reader.
    if "BaseEventLoop.__del__" not in repr(unraisable.object):
        sys.__unraisablehook__(unraisable)


if __name__ == "__main__":
    # One short process, whose heap stays live until its answer is printed: the cyclic garbage collector would walk
    # it (and the SDKs' million objects) again and again for almost nothing back, and once more at exit, over a
    # second of a 1,000-job stack's five. Paused for the whole command; frozen before exit, which skips that last walk.
    gc.disable()
    status = main()
    gc.freeze()
    sys.exit(status)
