"""The errors that end an `ops` command with an exit status (a message, never a traceback). The statuses are those
every command of the project shares (`command_line.Exit`)."""

from __future__ import annotations

from command_line import Exit


class OpsError(Exception):
    """An expected failure: its message is printed as is and the command exits with `exit`."""

    exit: Exit = Exit.FAILED

    def __init__(self, message: str, exit: Exit | None = None):
        super().__init__(message)
        if exit is not None:
            self.exit = exit


class UsageError(OpsError):
    """Bad arguments or config (exit 2)."""

    exit = Exit.USAGE


class ApiError(OpsError):
    """The API could not be reached or refused a request (exit 5)."""

    exit = Exit.API

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status
