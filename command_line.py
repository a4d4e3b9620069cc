"""What the project's two command lines (`python -m synth`, offline; `python -m ops`, online) share: one vocabulary of
exit statuses, the project folder, options declared once, and subcommands declared in a table.

A command is a row of its CLI's table (`Command`): its name, what it does, its options (each an `Option` declared once
and reused by every command that takes it), the function that runs it, and the exit statuses it can end with (its
`--help` lists exactly those). `parser` builds argparse from the table with argparse's public API only.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence


class Exit(IntEnum):
    """The exit statuses of every command of both CLIs."""

    OK = 0
    FAILED = 1
    """The answer is no: a stack does not validate, a diff has changes, a run ended in error, a check failed."""
    USAGE = 2
    """Bad arguments, or a file the command needs is missing or unreadable."""
    CANCELLED = 3
    """The run was cancelled (by someone else, or by us on Ctrl-C or --timeout)."""
    TIMED_OUT = 4
    """--timeout passed first."""
    API = 5
    """An API could not be reached, or refused the request."""
    INTERNAL = 70
    """A bug in the command itself (never a result): please report it."""
    INTERRUPTED = 130
    """Ctrl-C, with nothing cancelled."""
    BROKEN_PIPE = 141
    """The output's reader stopped reading (`| head`), as a shell reports a process ended by SIGPIPE (128 + 13)."""


ALWAYS = {
    Exit.INTERNAL: "a bug in the command itself, never a result (please report it)",
    Exit.INTERRUPTED: "interrupted (Ctrl-C)",
    Exit.BROKEN_PIPE: "the output's reader stopped reading (e.g. | head)",
}
"""What any command may end with, listed once in the top-level help."""

CODE_ROOT = Path(__file__).resolve().parent
"""The project folder this code lives in."""


def require_installed(command: str, modules: Sequence[str]) -> None:
    """Exit 2 saying what to run when a package `python -m COMMAND` needs is not installed in this Python: started
    with the system's python rather than the project's virtualenv, it would end in an import traceback."""
    import importlib.util

    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"python -m {command}: this Python ({sys.executable}) lacks {', '.join(missing)}: run it with the "
            f"project's virtualenv, venv/bin/python -m {command} (./install requirements.txt makes it), or "
            "source venv/bin/activate first",
            file=sys.stderr,
        )
        sys.exit(Exit.USAGE)


class ProjectDirError(Exception):
    """No project folder can be found for a command: bad usage (exit 2)."""


def find_project_dir(start: Optional[Path] = None) -> Path:
    """The project folder: the nearest folder holding `Pulumi.yaml` from `start` (default: the working folder) up,
    as the Pulumi CLI finds its project; outside any project, the one this code belongs to. A folder of stack files
    with no `Pulumi.yaml` is refused: another project's files must not be read in their place."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    if any(here.glob("Pulumi.*.yaml")):
        raise ProjectDirError(
            f"{here} holds stack files but no Pulumi.yaml, nor does any folder above it: run from the project's "
            "folder, or give it with --project-dir"
        )
    return CODE_ROOT


def project_dir(text: str) -> Path:
    """`--project-dir DIR`: a folder holding `Pulumi.yaml` (argparse reports the problem as bad usage)."""
    folder = Path(text).expanduser().resolve()
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    if not (folder / "Pulumi.yaml").is_file():
        raise argparse.ArgumentTypeError(f"{text!r} holds no Pulumi.yaml: give the project's folder")
    return folder


@dataclass(frozen=True)
class Option:
    """One command-line argument, declared once: `argparse.add_argument`'s flags and keywords."""

    flags: tuple[str, ...]
    keywords: Mapping[str, Any] = field(default_factory=dict)

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(*self.flags, **self.keywords)


def option(*flags: str, **keywords: Any) -> Option:
    return Option(flags, keywords)


PROJECT_DIR = option(
    "--project-dir",
    type=project_dir,
    default=None,
    metavar="DIR",
    help="the project folder, holding Pulumi.yaml and the stack files (default: found from the working folder up, "
    "as the Pulumi CLI finds it)",
)
JSON = option("--json", action="store_true", help="print machine-readable JSON")


@dataclass(frozen=True)
class Command:
    """One subcommand: a row of a CLI's table."""

    name: str
    summary: str
    run: Callable[[argparse.Namespace], int]
    options: tuple[Option, ...] = ()
    exits: Mapping[Exit, str] = field(default_factory=dict)
    """The statuses it can end with, and what each means for it (besides those of every command, `ALWAYS`)."""


def exit_help(exits: Mapping[Exit, str]) -> str:
    return "exit status:\n" + "\n".join(f"  {int(status):<3} {meaning}" for status, meaning in exits.items())


def parser(prog: str, description: str, commands: Sequence[Command]) -> argparse.ArgumentParser:
    """The command line, every subcommand built from its row."""
    top = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=f"Each command's --help lists its exit statuses; any command may also end with:\n{exit_help(ALWAYS)}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands:
        sub = subcommands.add_parser(
            command.name,
            help=command.summary,
            description=command.summary,
            epilog=exit_help(command.exits),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for each in command.options:
            each.add_to(sub)
        sub.set_defaults(run=command.run)
    return top


def unknown_command(word: str, commands: Sequence[Command]) -> str:
    """What to say about a word that is no command: the nearest command, and the list."""
    names = [command.name for command in commands]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return (f"did you mean {close[0]!r}? " if close else "") + f"commands: {', '.join(names)}"


def parse(top: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[Optional[argparse.Namespace], Optional[int]]:
    """(arguments, None), or (None, status) when argparse answered by itself (--help: 0, bad usage: 2)."""
    try:
        return top.parse_args(argv), None
    except SystemExit as exit_:
        return None, int(exit_.code or 0)


def run(
    top: argparse.ArgumentParser,
    argv: Sequence[str],
    expected: Mapping[type, Callable[[Exception], int]],
    crash: Callable[[Exception], int],
) -> int:
    """Parse `argv` and run the command it names: an expected error ends with its status, Ctrl-C with 130 and
    "interrupted", anything else with `crash` (a message and 70, never a traceback)."""
    args, status = parse(top, argv)
    if args is None:
        return status or Exit.OK
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except ProjectDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return Exit.USAGE
    except BrokenPipeError:
        # Python's advice (library docs, signal, "Note on SIGPIPE"): point stdout at devnull, or the flush at exit
        # fails again and prints a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.BROKEN_PIPE
    except Exception as error:  # noqa: BLE001 - a message and a status, never a traceback
        handle = next((handle for kind, handle in expected.items() if isinstance(error, kind)), crash)
        return handle(error)


def resolved_project_dir(args: argparse.Namespace) -> Path:
    """The project folder a command works in: `--project-dir`, or found from the working folder up."""
    given = getattr(args, "project_dir", None)
    return given if given is not None else find_project_dir()


def redact(text: str, *names: str) -> str:
    """`text` without the values of the environment variables `names` (tokens must never reach a message)."""
    for name in names:
        secret = os.environ.get(name)
        if secret:
            text = text.replace(secret, "***")
    return text
