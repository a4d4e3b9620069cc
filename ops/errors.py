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
    """The API could not be reached or refused a request (exit 5). `maybe_done`: the request (a POST that is not
    retried) may have been carried out all the same: a 5xx or a lost answer after it was sent."""

    exit = Exit.API

    def __init__(self, message: str, status: int | None = None, maybe_done: bool = False):
        super().__init__(message)
        self.status = status
        self.maybe_done = maybe_done


class DeadlineExceeded(OpsError):
    """`--timeout` passed during a request, or before a retry the API asked for could be made (exit 4).
    `maybe_done` as for `ApiError`: the request was sent and its answer not awaited."""

    exit = Exit.TIMED_OUT

    def __init__(self, message: str, maybe_done: bool = False):
        super().__init__(message)
        self.maybe_done = maybe_done


def sdk_message(error: BaseException) -> str:
    """The first line of a Databricks SDK error, readable: without the `None ` the SDK puts before a SCIM error's
    detail when it has no `scimType`, without the configuration dump it appends (`... Config: host=...`), and the
    error code or type when it has no message at all."""
    text = (str(error).strip().splitlines() or [""])[0].split(" Config: ")[0].strip()
    while text.startswith("None "):
        text = text[len("None ") :].strip()
    if text in ("", "None"):
        code = getattr(error, "error_code", None)
        text = f"{type(error).__name__}{f' ({code})' if code else ''} with no message"
    return text
