"""`python -m ops`: the subcommands, each a row of `COMMANDS` with options declared once (`command_line`); what
each does is in `commands.py`."""

from __future__ import annotations

import argparse
import math
from typing import Any, Callable, Optional

from rich.text import Text

from command_line import JSON, PROJECT_DIR, Command, Exit, option, parser, redact, run, unknown_command

from . import commands
from .errors import OpsError


def positive(kind: Callable[[str], Any], zero: bool = False) -> Callable[[str], Any]:
    """An argument type for finite numbers greater than 0 (or at least 0): `nan` and `inf` would turn a bound off."""

    def parse_positive(text: str) -> Any:
        value = kind(text)
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(
                f"must be a number {'of 0 or more' if zero else 'greater than 0'}, got {text}"
            )
        return value

    parse_positive.__name__ = kind.__name__
    return parse_positive


def _cause(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty: dbt Cloud requires a cause")
    return text


# -- options, each declared once ---------------------------------------------------------------------------------

STACK = option("stack", help="stack name (Pulumi.<stack>.yaml)")
JOB = option("job", nargs="?", help="job key in the stack file (jobs.<key>), e.g. daily-pipeline")
JOB_ID = option("--job-id", type=positive(int), help="the job's dbt Cloud id instead of a key")
RUN_ID = option("run_id", type=positive(int), help="the run's id (.../runs/<id>)")
STACK_FOR_ACCOUNT = option("--stack", help="read account and region from this stack (else DBT_CLOUD_ACCOUNT_ID)")
WAIT = option("--wait", action="store_true", help="follow the run to its end (exit status from it)")
_TIMEOUT_HELP = (
    "bound the whole command: requests, retries, Retry-After waits and slow answers included (exit 4 when it passes); "
    "a followed run is then cancelled unless --no-cancel (with up to 10 s more for the cancel)"
)
TIMEOUT = option("--timeout", type=positive(float), metavar="SECONDS", help=_TIMEOUT_HELP)
RUN_TIMEOUT = option(
    "--timeout",
    type=positive(float),
    metavar="SECONDS",
    help=_TIMEOUT_HELP + ". Without --wait it bounds the wait for the job's active run (--if-running wait), which is "
    "otherwise 1 hour",
)
NO_CANCEL = option(
    "--no-cancel", action="store_true", help="on Ctrl-C or --timeout, leave the run running instead of cancelling it"
)
POLL = option(
    "--poll",
    type=positive(float),
    default=2.0,
    metavar="SECONDS",
    help="first poll interval; it grows 1.5x per poll up to --max-poll (default 2)",
)
MAX_POLL = option(
    "--max-poll", type=positive(float), default=30.0, metavar="SECONDS", help="longest poll interval (default 30)"
)
REQUEST_TIMEOUT = option(
    "--request-timeout",
    type=positive(float),
    default=30.0,
    metavar="SECONDS",
    help="read timeout of each request (default 30; connect timeout 10)",
)
RETRY_BACKOFF = option(
    "--retry-backoff",
    type=positive(float),
    default=1.0,
    metavar="SECONDS",
    help="first wait before retrying a 5xx without Retry-After, doubled each retry (default 1)",
)
CAUSE = option(
    "--cause", type=_cause, default=commands.DEFAULT_CAUSE, help="the run's trigger cause shown in dbt Cloud"
)
IF_RUNNING = option(
    "--if-running",
    choices=("wait", "cancel", "fail"),
    default="wait",
    help="when a run of the job is already queued or running: wait for it to end first (default), cancel it, or "
    "fail (exit 1)",
)
LIMIT = option("--limit", type=positive(int), default=100, help="newest N runs (default 100)")
SINCE = option("--since", metavar="DATE", help="only runs created since DATE (YYYY-MM-DD, UTC)")
DETAIL = option(
    "--detail",
    type=positive(int, zero=True),
    default=10,
    metavar="N",
    help="read the steps of the newest N runs for model and test counts (default 10; one request each)",
)
PLOT = option("--plot", metavar="FILE", help="write a PNG of run duration over time, by status, with p95")
DEPLOYED = option(
    "--deployed",
    action="store_true",
    help="the stack is deployed: its project, environments and jobs must exist (once), instead of being free to create",
)
PROJECT_ID = option(
    "--project-id",
    type=positive(int),
    required=True,
    help="the dbt Cloud project to adopt (the number after /projects/ in its URLs)",
)
STACK_TO_WRITE = option("--stack", required=True, help="the stack to write (Pulumi.<stack>.yaml)")
WAREHOUSE_ID = option("--warehouse-id", help="the SQL warehouse (default: the one the project's connection names)")
WRITE = option("--write", action="store_true", help="write Pulumi.<stack>.yaml (default: print it)")
ACCOUNT_WEBHOOKS = option(
    "--account-webhooks",
    action="store_true",
    help="also adopt the webhooks that name no job (dbt Cloud sends them every job of the account): they are the "
    "account's, so adopt them in one stack only",
)
FORCE = option(
    "--force",
    action="store_true",
    help="replace an existing stack file that differs (values set with --secret are kept)",
)

REQUESTS = (REQUEST_TIMEOUT, RETRY_BACKOFF)
FOLLOWING = (TIMEOUT, NO_CANCEL, POLL, MAX_POLL)
RUN_FOLLOWING = (RUN_TIMEOUT, NO_CANCEL, POLL, MAX_POLL)

# -- exit statuses, in each command's words --------------------------------------------------------------------

USAGE = {Exit.USAGE: "bad usage or stack config"}
API = {Exit.API: "an API was unreachable or refused the request (its HTTP status and message are shown)"}
RUN_ENDS = {
    Exit.OK: "the run succeeded (dbt Cloud status 10)",
    Exit.FAILED: "the run ended in error (20)",
    **USAGE,
    Exit.CANCELLED: "the run was cancelled (30), also when Ctrl-C cancelled it",
    Exit.TIMED_OUT: "--timeout passed first; the run is cancelled unless --no-cancel (5 if the cancel fails)",
    **API,
    Exit.INTERRUPTED: "Ctrl-C with --no-cancel: stopped following, the run goes on",
}
STARTED = {Exit.OK: "without --wait: the run was started (with --wait, as follow)"}
MAY_HAVE_STARTED = {
    Exit.API: "an API was unreachable or refused the request (its HTTP status and message are shown); when a "
    "start got a 5xx or no answer, the message says the run may have started all the same and how to check"
}

COMMANDS = (
    Command(
        "run",
        "trigger a job's run and print its URL; with --wait follow it to the end",
        commands.cmd_run,
        (STACK, JOB, JOB_ID, WAIT, *RUN_FOLLOWING, CAUSE, IF_RUNNING, *REQUESTS, PROJECT_DIR),
        {
            **RUN_ENDS,
            **STARTED,
            **MAY_HAVE_STARTED,
            Exit.FAILED: "the run ended in error (20), or --if-running fail found one running",
            Exit.TIMED_OUT: "--timeout passed first (with --wait the run is cancelled unless --no-cancel, 5 if the "
            "cancel fails); without --wait, the job's active run had not ended within --timeout or 1 hour, and "
            "nothing was started",
        },
    ),
    Command(
        "follow",
        "follow a run started elsewhere (a schedule, the UI) to its end",
        commands.cmd_follow,
        (RUN_ID, STACK_FOR_ACCOUNT, *FOLLOWING, *REQUESTS, PROJECT_DIR),
        RUN_ENDS,
    ),
    Command(
        "retry",
        "retry a failed run from its failed step (never a cancelled or successful run)",
        commands.cmd_retry,
        (RUN_ID, STACK_FOR_ACCOUNT, WAIT, *FOLLOWING, *REQUESTS, PROJECT_DIR),
        {
            **RUN_ENDS,
            **STARTED,
            **MAY_HAVE_STARTED,
            Exit.FAILED: "the new run ended in error, or the run cannot be retried",
        },
    ),
    Command(
        "history",
        "a job's runs, with success rate, failures, p50/p95 duration, test pass rate",
        commands.cmd_history,
        (STACK, JOB, JOB_ID, LIMIT, SINCE, DETAIL, JSON, PLOT, *REQUESTS, PROJECT_DIR),
        {Exit.OK: "the history was shown", **USAGE, **API},
    ),
    Command(
        "docs",
        "where the stack's docs are served, and whether the docs job's last run made them",
        commands.cmd_docs,
        (STACK, *REQUESTS, PROJECT_DIR),
        {Exit.OK: "the docs are there", Exit.FAILED: "no docs yet (the reason is shown)", **USAGE, **API},
    ),
    Command(
        "preflight",
        "check dbt Cloud and Databricks access before deploying: one line per check, with the fix",
        commands.cmd_preflight,
        (STACK, DEPLOYED, *REQUESTS, PROJECT_DIR),
        {Exit.OK: "every check passed", Exit.FAILED: "a check failed", **USAGE, Exit.API: "an API did not answer"},
    ),
    Command(
        "adopt",
        "write a stack file from a dbt Cloud project and Databricks warehouse made by hand, with importIds, and "
        "check it offline against the account",
        commands.cmd_adopt,
        (PROJECT_ID, STACK_TO_WRITE, WAREHOUSE_ID, WRITE, FORCE, ACCOUNT_WEBHOOKS, *REQUESTS, PROJECT_DIR),
        {
            Exit.OK: "written (or printed) and 0 differences",
            Exit.FAILED: "the setup cannot be held as it is, or the self-check found differences",
            **USAGE,
            **API,
        },
    ),
)

DESCRIPTION = (
    "Operate what the stacks deploy, online: dbt Cloud's Administrative API (DBT_CLOUD_TOKEN; account and region "
    "from the stack file's dbtcloud:accountId and dbtcloud:hostUrl, or DBT_CLOUD_ACCOUNT_ID and DBT_CLOUD_HOST_URL) "
    "and Databricks (databricks-sdk: DATABRICKS_HOST, DATABRICKS_TOKEN or a profile)."
)
SECRETS = ("DBT_CLOUD_TOKEN", "DATABRICKS_TOKEN")


def main(argv: Optional[list[str]] = None) -> int:
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    err = commands.console(stderr=True)
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    if first is not None and first not in {c.name for c in COMMANDS} and argv.index(first) == 0:
        err.print(Text(f"error: no command {first!r}; {unknown_command(first, COMMANDS)}", style="red"))
        return Exit.USAGE
    return run(parser("python -m ops", DESCRIPTION, COMMANDS), argv, {OpsError: _expected}, crash=_crash)


def _expected(error: Exception) -> int:
    commands.console(stderr=True).print(Text(f"error: {error}", style="red"))
    return int(getattr(error, "exit", Exit.FAILED))


def _crash(error: Exception) -> int:
    message = redact(f"{type(error).__name__}: {error}", *SECRETS)
    commands.console(stderr=True).print(
        Text(
            f"error: unexpected {message}\n  (an answer ops does not understand, or a bug in ops: please report it "
            "with the command you ran)",
            style="red",
        )
    )
    return int(Exit.INTERNAL)
