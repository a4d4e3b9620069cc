"""Exit statuses and the errors that end a command with one of them (a message, never a traceback)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The exit statuses every `ops` command shares."""

    SUCCESS = 0
    ERROR = 1
    """The run failed (dbt Cloud status 20), or a check failed."""
    USAGE = 2
    """Bad arguments or stack config."""
    CANCELLED = 3
    """The run was cancelled (dbt Cloud status 30), by someone else or by us on Ctrl-C."""
    TIMED_OUT = 4
    """`--timeout` passed before the run finished."""
    API = 5
    """The API was unreachable or refused the request."""
    INTERRUPTED = 130
    """Ctrl-C with `--no-cancel`: we stopped following, the run goes on."""


EXIT_HELP = """exit statuses:
  0  success (run status 10; every preflight check passed)
  1  the run ended in error (20), or a check failed
  2  bad usage or stack config
  3  the run was cancelled (30), also when Ctrl-C cancelled it
  4  timed out (--timeout); the run is cancelled unless --no-cancel
  5  API unreachable or refused the request (HTTP status and the API's message shown);
     preflight: an API did not answer
  130  Ctrl-C with --no-cancel: stopped following, the run goes on"""


class OpsError(Exception):
    """An expected failure: its message is printed as is and the command exits with `exit`."""

    exit: Exit = Exit.ERROR

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
