"""The offline runner's command line: `python -m synth [COMMAND] ...` (see `--help`, or the README).

Each subcommand is declared once, in `COMMANDS`: its help, its arguments and the function that runs it. A stack
name alone (`python -m synth prod`) means `show`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Callable

from settings import ConfigError
from settings.across import cross_stack_problems, valid_stacks
from settings.files import StackFileError, project_name
from settings.schema import SCHEMA_FILE, stack_file_schema

from .check import all_stacks, check, report
from .contract import ContractViolation
from .cost import cost_table, load
from .diff import DiffError, as_dict, diff_stack, format_diff
from .render import PROJECT_ROOT, render
from .tree import as_json, as_tree

OK, INVALID, USAGE, CRASH = 0, 1, 2, 3
"""Exit statuses shared by every command (`diff` reads 1 as "changes", never as an error)."""

EXIT_STATUSES = """exit status:
  0  fine (diff: no changes)
  1  the stack config is invalid or declares what the real providers refuse; the problems are printed
     (diff: the stack changes)
  2  bad usage, or a stack file missing or unreadable as the Pulumi CLI reads it (check: an unreadable file is
     that stack's problem, 1; diff: the diff could not be made, e.g. the base does not render)
  3  a bug in synth itself (set SYNTH_TRACEBACK=1 to see where): never a result"""


def _show(args: argparse.Namespace) -> int:
    try:
        rendering = render(args.stack, args.root)
    except (ConfigError, ContractViolation) as error:
        return _fail(error, INVALID)
    print(json.dumps(as_json(rendering), indent=2) if args.json else as_tree(rendering))
    return OK


def _check(args: argparse.Namespace) -> int:
    missing = [stack for stack in args.stacks if stack not in all_stacks(args.root)]
    if missing:
        return _fail(
            StackFileError(f"no stack file Pulumi.{missing[0]}.yaml; stacks here: {', '.join(all_stacks(args.root))}"),
            USAGE,
        )
    problems, warnings = check(args.root, args.stacks or all_stacks(args.root))
    text, passed = report(problems, warnings)
    print(text, file=sys.stdout if passed else sys.stderr)
    return OK if passed else INVALID


def _diff(args: argparse.Namespace) -> int:
    try:
        diff = diff_stack(args.stack, args.base, args.root)
    except (DiffError, StackFileError, ConfigError, ContractViolation) as error:
        return _fail(error, USAGE)  # not 1: a workflow reads 1 as "changes"
    print(json.dumps(as_dict(diff), indent=2) if args.json else format_diff(diff))
    return INVALID if diff.changed else OK


def _cost(args: argparse.Namespace) -> int:
    try:
        loaded = {stack: load(args.root, stack) for stack in args.stacks or all_stacks(args.root)}
        # The account's figures add the stacks up: only stacks that fit together (one project, unique names) add up.
        across = cross_stack_problems(valid_stacks(args.root), project_name(args.root))
        if across:
            raise ConfigError(across)
    except ConfigError as error:
        return _fail(error, INVALID)
    print(cost_table({stack: (result, result.cost) for stack, result in loaded.items()}))
    return OK


def _schema(args: argparse.Namespace) -> int:
    return _emit(json.dumps(stack_file_schema(project_name(args.root)), indent=2) + "\n", SCHEMA_FILE, args)


def _package_schema(args: argparse.Namespace) -> int:
    # Imported here: the components import the providers' SDKs (seconds), which the other commands do without.
    from .package_schema import PACKAGE_SCHEMA_FILE, package_schema_text

    return _emit(package_schema_text(), PACKAGE_SCHEMA_FILE, args)


def _emit(text: str, file_name: str, args: argparse.Namespace) -> int:
    if args.write:
        (args.root / file_name).write_text(text, encoding="utf-8")
        print(f"wrote {file_name}")
    else:
        sys.stdout.write(text)
    return OK


def _stack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name: the X of Pulumi.X.yaml (e.g. prod, dev)")


def _stacks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stacks", nargs="*", help="stacks (default: every Pulumi.*.yaml here)")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _write(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="write the file instead of printing it")


COMMANDS: dict[
    str, tuple[str, list[Callable[[argparse.ArgumentParser], None]], Callable[[argparse.Namespace], int]]
] = {
    "show": (
        "what a stack declares, as a tree (or JSON): the real program, run under the providers' mocks",
        [_stack, _json],
        _show,
    ),
    "check": ("validate stack files, alone and against each other", [_stacks], _check),
    "diff": (
        "what a change does to a stack against a git ref (exit 0 none, 1 changes, 2 could not tell)",
        [_stack, _json, lambda p: p.add_argument("--base", required=True, help="git ref, e.g. origin/main")],
        _diff,
    ),
    "cost": ("models, warehouse hours and dollars per month, per stack and for the account", [_stacks], _cost),
    "schema": (f"the JSON Schema of stack files ({SCHEMA_FILE}), generated from the settings", [_write], _schema),
    "package-schema": (
        "the Pulumi package schema of components/, as `pulumi package add` infers it",
        [_write],
        _package_schema,
    ),
}


def parser() -> argparse.ArgumentParser:
    """The command line, every subcommand declared once from `COMMANDS`."""
    top = argparse.ArgumentParser(
        prog="python -m synth",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Offline: render, check, diff and cost this project's stacks without credentials or network. "
        "`python -m synth STACK` is short for `python -m synth show STACK`.",
        epilog=EXIT_STATUSES,
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (summary, arguments, run) in COMMANDS.items():
        command = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=EXIT_STATUSES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for add in arguments:
            add(command)
        command.add_argument(
            "--root",
            type=Path,
            default=PROJECT_ROOT,
            help="the project's folder, with Pulumi.yaml and the stack files (default: this one)",
        )
        command.set_defaults(run=run)
    return top


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _quiet_event_loop_teardown
    argv = list(sys.argv[1:] if argv is None else argv)
    positional = [arg for arg in argv if not arg.startswith("-")]
    if positional and positional[0] not in COMMANDS and not {"-h", "--help"} & set(argv[: argv.index(positional[0])]):
        argv.insert(0, "show")
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or bad usage (2)
        return int(exit_.code or 0)
    try:
        return args.run(args)
    except StackFileError as error:
        return _fail(error, USAGE)
    except Exception as error:  # noqa: BLE001 - a bug must never read as a result (1 is "changes" to diff)
        if os.environ.get("SYNTH_TRACEBACK"):
            traceback.print_exc()
        print(f"internal error (a bug in synth, please report it): {type(error).__name__}: {error}", file=sys.stderr)
        return CRASH


def _fail(error: Exception, status: int) -> int:
    print(f"error: {error}", file=sys.stderr)
    return status


def _quiet_event_loop_teardown(unraisable: "sys.UnraisableHookArgs") -> None:
    # The Pulumi SDK leaves event loops on its worker threads; when the interpreter collects them at exit
    # their __del__ may complain about an already-closed pipe. Harmless, and noise for the reader.
    if "BaseEventLoop.__del__" not in repr(unraisable.object):
        sys.__unraisablehook__(unraisable)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
