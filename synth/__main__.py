"""The offline runner's command line.

    python -m synth STACK [--json]      what a stack declares, as a tree (or JSON)
    python -m synth check [STACK ...]   validate stack files (all of them by default); exit 1 on problems
    python -m synth diff STACK --base REF [--json]   what changes against git ref REF (exit 0 none, 1 some)
    python -m synth cost [STACK ...]    models, warehouse hours and dollars per month (all stacks by default)
    python -m synth schema [--write]    the JSON Schema of stack files, generated from the settings model
    python -m synth package-schema [--write]   the Pulumi package schema of components/, as the package infers it

Exit status: 0 fine, 1 the stack config is invalid or declares what the real providers refuse (the
problems are printed), 2 bad usage or a stack file missing or unreadable as the Pulumi CLI reads it (not YAML,
a key given twice, a key that is not `namespace:name`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from settings import ConfigError
from settings.schema import SCHEMA_FILE, stack_file_schema
from settings.stackfile import StackFileError, project_name

from .check import all_stacks, check, report
from .contract import ContractViolation
from .cost import cost_table, load
from .diff import main as diff_main
from .render import PROJECT_ROOT, render
from .tree import as_json, as_tree

COMMANDS = ("check", "cost", "diff", "schema", "package-schema")


def _quiet_event_loop_teardown(unraisable: "sys.UnraisableHookArgs") -> None:
    # The Pulumi SDK leaves event loops on its worker threads; when the interpreter collects them at exit
    # their __del__ may complain about an already-closed pipe. Harmless, and noise for the reader.
    if "BaseEventLoop.__del__" not in repr(unraisable.object):
        sys.__unraisablehook__(unraisable)


def main(argv: list[str] | None = None) -> int:
    sys.unraisablehook = _quiet_event_loop_teardown
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "check":
            return _check(argv[1:])
        if argv and argv[0] == "diff":
            return _diff(argv[1:])
        if argv and argv[0] == "cost":
            return _cost(argv[1:])
        if argv and argv[0] == "schema":
            return _schema(argv[1:])
        if argv and argv[0] == "package-schema":
            return _package_schema(argv[1:])
        return _show(argv)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _show(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synth",
        description="Render a stack offline: run the real program under Pulumi mocks and print what it declares. "
                    f"Other commands: {', '.join(COMMANDS)} (python -m synth COMMAND --help).",
    )
    parser.add_argument("stack", help="stack name: the X of Pulumi.X.yaml (e.g. prod, dev)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a tree")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT,
                        help="folder with Pulumi.yaml, __main__.py and the stack file (default: this project)")
    args = parser.parse_args(argv)
    try:
        rendering = render(args.stack, args.root)
    except (ConfigError, ContractViolation) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(as_json(rendering), indent=2) if args.json else as_tree(rendering))
    return 0


def _check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth check",
                                     description="Validate stack files offline, alone and against each other.")
    parser.add_argument("stacks", nargs="*", help="stacks to check (default: every Pulumi.*.yaml here)")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT,
                        help="folder with Pulumi.yaml and the stack files (default: this project)")
    args = parser.parse_args(argv)
    problems, warnings = check(args.root, args.stacks or all_stacks(args.root))
    text, passed = report(problems, warnings)
    print(text, file=sys.stdout if passed else sys.stderr)
    return 0 if passed else 1


def _diff(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synth diff",
        description="Compare a stack as declared at a git ref with the working tree, offline. "
                    "Exit status: 0 no changes, 1 changes, 2 the diff could not be made.")
    parser.add_argument("stack", help="stack name (e.g. prod, dev)")
    parser.add_argument("--base", required=True, help="git ref to compare against (e.g. origin/main)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the project's folder (a git work tree)")
    args = parser.parse_args(argv)
    return diff_main(args.stack, args.base, args.json, args.root)


def _cost(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth cost",
                                     description="Estimate each stack's monthly models and warehouse cost, offline.")
    parser.add_argument("stacks", nargs="*", help="stacks to estimate (default: every Pulumi.*.yaml here)")
    args = parser.parse_args(argv)
    try:
        loaded = {stack: load(PROJECT_ROOT, stack) for stack in args.stacks or all_stacks(PROJECT_ROOT)}
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(cost_table({stack: (result, result.cost) for stack, result in loaded.items()}))
    return 0


def _schema(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth schema",
                                     description="Print the JSON Schema of stack files (generated from the settings).")
    parser.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_FILE} instead of printing it")
    args = parser.parse_args(argv)
    text = json.dumps(stack_file_schema(project_name(PROJECT_ROOT)), indent=2) + "\n"
    if args.write:
        (PROJECT_ROOT / SCHEMA_FILE).write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}")
    else:
        sys.stdout.write(text)
    return 0


def _package_schema(argv: list[str]) -> int:
    # Imported here: the components import the providers' SDKs (seconds), which the other commands do without.
    from .package_schema import PACKAGE_SCHEMA_FILE, package_schema_text

    parser = argparse.ArgumentParser(prog="python -m synth package-schema",
                                     description="Print the Pulumi package schema of the components (inferred offline "
                                                 "from their type annotations, as `pulumi package add` gets it).")
    parser.add_argument("--write", action="store_true",
                        help=f"write it to {PACKAGE_SCHEMA_FILE} instead of printing it")
    args = parser.parse_args(argv)
    text = package_schema_text()
    if args.write:
        (PROJECT_ROOT / PACKAGE_SCHEMA_FILE).write_text(text, encoding="utf-8")
        print(f"wrote {PACKAGE_SCHEMA_FILE}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
