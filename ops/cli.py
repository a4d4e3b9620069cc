"""`python -m ops`: the subcommands, declared once, and what each does with its arguments."""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from rich.console import Console
from rich.text import Text

from . import account, endpoints
from .client import ClientOptions, DbtCloudClient
from .errors import EXIT_HELP, ApiError, Exit, OpsError, UsageError
from .follow import PollSchedule, follow

DEFAULT_CAUSE = "Triggered with python -m ops run"


# -- commands --------------------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, out: Console) -> Exit:
    if args.timeout is not None and not args.wait:
        raise UsageError("--timeout applies to --wait: add --wait")
    settings, client = _stack_client(args)
    with client:
        job_id, job_label = _job(args, settings, client)
        started = time.monotonic()
        active = [run for run in endpoints.job_runs(client, job_id, limit=100) if not run.finished]
        for run in sorted(active, key=lambda run: run.id):
            where = f": {run.href}" if run.href else ""
            if args.if_running == "fail":
                raise OpsError(
                    f"run {run.id} of {job_label} is already {run.word}{where}; not starting another "
                    "(--if-running wait or cancel)"
                )
            if args.if_running == "cancel":
                cancelled = endpoints.cancel_run(client, run.id)
                out.print(f"cancelled run {run.id} (was {run.word}), now {cancelled.word} (--if-running cancel)")
                continue
            out.print(f"run {run.id} of {job_label} is {run.word}; waiting for it to end first (--if-running wait)")
            result = follow(
                client, run.id, out, _remaining(args.timeout, started), cancel=False, schedule=_schedule(args)
            )
            if result.exit in (Exit.TIMED_OUT, Exit.INTERRUPTED):
                out.print(f"{job_label} was not started")
                return result.exit
        run = endpoints.trigger_run(client, job_id, args.cause)
        out.print(f"started run {run.id} of {job_label}: {run.href or client.web_url}")
        if not args.wait:
            return Exit.SUCCESS
        return follow(
            client, run.id, out, _remaining(args.timeout, started), cancel=not args.no_cancel, schedule=_schedule(args)
        ).exit


def cmd_follow(args: argparse.Namespace, out: Console) -> Exit:
    client = _client(args)
    with client:
        return follow(client, args.run_id, out, args.timeout, cancel=not args.no_cancel, schedule=_schedule(args)).exit


def cmd_retry(args: argparse.Namespace, out: Console) -> Exit:
    if args.timeout is not None and not args.wait:
        raise UsageError("--timeout applies to --wait: add --wait")
    client = _client(args)
    with client:
        run = endpoints.get_run(client, args.run_id, steps=False)
        if run.status != 20:
            # Never rerun what did not fail: a cancelled run was stopped on purpose, a successful one is done.
            raise OpsError(
                f"run {run.id} is {run.word}, not failed: nothing to retry"
                + ("; start a new run with ops run" if run.finished else "; it has not ended yet")
            )
        if not run.can_retry:
            raise OpsError(
                f"dbt Cloud cannot retry run {run.id} from its failed step: "
                f"{_retry_reason(run.retry_not_supported_reason)}"
            )
        new = endpoints.retry_run(client, run.id)
        out.print(f"retrying run {run.id} from its failed step as run {new.id}: {new.href or client.web_url}")
        if not args.wait:
            return Exit.SUCCESS
        return follow(client, new.id, out, args.timeout, cancel=not args.no_cancel, schedule=_schedule(args)).exit


RETRY_REASONS = {
    "RETRY_UNSUPPORTED_CMD": "its commands cannot be retried from the point of failure",
    "RETRY_UNSUPPORTED_VERSION": "its dbt version does not support retry (dbt 1.6 or later does)",
    "RETRY_NOT_LATEST_RUN": "a newer run of the job exists; only the job's latest run can be retried",
    "RETRY_NOT_FAILED_RUN": "it did not fail",
    "RETRY_NO_RUN_RESULTS": "it left no run results to retry from (it failed before dbt ran)",
}
"""`RetryNotSupportedReasonEnum` of the v2 spec, in words."""


def _retry_reason(code: Optional[str]) -> str:
    return f"{RETRY_REASONS.get(code, 'no reason given')} ({code})" if code else "no reason given"


def cmd_history(args: argparse.Namespace, out: Console) -> Exit:
    from . import history

    since = _since(args.since)
    settings, client = _stack_client(args)
    with client:
        job_id, job_label = _job(args, settings, client)
        runs = history.fetch(client, job_id, args.limit, since, args.detail)
    summary = history.summarise(runs)
    if args.plot:
        from .plot import plot_history

        plot_history(runs, f"{job_label}: run duration", Path(args.plot))
    if args.json:
        document = {
            "job": {"id": job_id, "key": args.job, "name": _job_name(args, settings), "stack": args.stack},
            "runs": [history.run_record(run) for run in runs],
            "summary": summary.as_dict(),
        }
        print(json.dumps(document, indent=2))
    else:
        out.print(history.table(runs, f"{job_label}: {len(runs)} runs, newest first"))
        history.print_summary(summary, out)
        if args.plot:
            out.print(f"plot written to {args.plot}")
    return Exit.SUCCESS


def cmd_docs(args: argparse.Namespace, out: Console) -> Exit:
    from .docs import show_docs

    settings, client = _stack_client(args)
    with client:
        return show_docs(client, settings, args.stack, out)


def cmd_preflight(args: argparse.Namespace, out: Console) -> Exit:
    from . import preflight

    settings = account.load_stack(args.stack)
    out.print(f"preflight of stack {args.stack!r}")
    checks: list[preflight.Check] = []
    try:
        where = account.account_for(settings)
    except UsageError as error:
        checks.append(preflight.Check("dbt Cloud token", False, str(error), "export DBT_CLOUD_TOKEN"))
        where = None
    if where is not None:
        with where.client(_options(args)) as client:
            try:
                checks.extend(preflight.dbt_cloud_checks(client, settings, args.deployed))
            except ApiError as error:
                checks.append(
                    preflight.Check(
                        "dbt Cloud API",
                        False,
                        str(error).splitlines()[0],
                        "check DBT_CLOUD_HOST_URL and the network",
                        unreachable=error.status is None,
                    )
                )
    checks.extend(preflight.databricks_checks(settings, preflight.default_workspace(settings, args.request_timeout)))
    return preflight.report(checks, out)


def cmd_adopt(args: argparse.Namespace, out: Console) -> Exit:
    import os
    import re

    from .adopt.command import STACK_NAME, run, workspace_factory
    from .adopt.write import read_existing

    if not re.match(STACK_NAME, args.stack):
        raise UsageError(f"--stack {args.stack!r}: a stack name is letters, digits, '-', '_' and '.'")
    if args.warehouse_id is not None and not re.fullmatch(r"[0-9a-f]{16}", args.warehouse_id):
        raise UsageError(
            f"--warehouse-id {args.warehouse_id!r}: a SQL warehouse id is 16 hexadecimal characters "
            "(the end of its HTTP path, /sql/1.0/warehouses/<id>)"
        )
    root = Path(args.project_dir).resolve()
    if not (root / "Pulumi.yaml").exists() or not (root / "__main__.py").exists():
        raise UsageError(f"--project-dir {root}: not this project's folder (no Pulumi.yaml and __main__.py)")
    # Account and region: the environment first, then an existing stack file (adopting again).
    existing = read_existing(root / f"Pulumi.{args.stack}.yaml")
    environ = dict(os.environ)
    for key, variable in (("dbtcloud:accountId", "DBT_CLOUD_ACCOUNT_ID"), ("dbtcloud:hostUrl", "DBT_CLOUD_HOST_URL")):
        if not environ.get(variable) and isinstance(existing.get(key), (str, int)):
            environ[variable] = str(existing[key])
    # Names and YAML print as they are: no `:emoji:` codes replaced (a description may hold `:rocket:`).
    out = Console(markup=False, highlight=False, soft_wrap=True, emoji=False)
    err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True, emoji=False)
    with account.account_for(None, environ).client(_options(args)) as client:
        return run(
            client,
            args.project_id,
            args.stack,
            args.warehouse_id,
            root,
            args.write,
            args.force,
            workspace_factory(args.request_timeout),
            out,
            err,
        )


# -- helpers ---------------------------------------------------------------------------------------------------


def _options(args: argparse.Namespace) -> ClientOptions:
    err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
    return ClientOptions(
        read_timeout=args.request_timeout,
        connect_timeout=min(10.0, args.request_timeout),
        backoff=args.retry_backoff,
        on_retry=lambda message: err.print(message, style="dim"),
    )


def _schedule(args: argparse.Namespace) -> PollSchedule:
    return PollSchedule(first=args.poll, cap=max(args.poll, args.max_poll))


def _client(args: argparse.Namespace) -> DbtCloudClient:
    settings = account.load_stack(args.stack) if getattr(args, "stack", None) else None
    return account.account_for(settings).client(_options(args))


def _stack_client(args: argparse.Namespace) -> tuple[Any, DbtCloudClient]:
    settings = account.load_stack(args.stack)
    if getattr(args, "job", None) is not None:
        account.job_name(settings, args.stack, args.job)  # a wrong key is a usage error before any request
    return settings, account.account_for(settings).client(_options(args))


def _job(args: argparse.Namespace, settings: Any, client: DbtCloudClient) -> tuple[int, str]:
    """The job's id and how to call it in messages: `'Daily Pipeline - Production' (4001)`."""
    if args.job_id is not None:
        return args.job_id, f"job {args.job_id}"
    job = account.find_job(client, settings, args.stack, args.job)
    return int(job["id"]), f"'{job.get('name')}' ({job['id']})"


def _job_name(args: argparse.Namespace, settings: Any) -> Optional[str]:
    return account.job_name(settings, args.stack, args.job) if args.job else None


def _remaining(timeout: Optional[float], started: float) -> Optional[float]:
    return None if timeout is None else max(0.001, timeout - (time.monotonic() - started))


def _since(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: {text!r} is not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


# -- the parser ------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    tuning = common.add_argument_group("polling and requests")
    tuning.add_argument(
        "--poll",
        type=_positive(float),
        default=2.0,
        metavar="SECONDS",
        help="first poll interval; it grows 1.5x per poll up to --max-poll (default 2)",
    )
    tuning.add_argument(
        "--max-poll", type=_positive(float), default=30.0, metavar="SECONDS", help="longest poll interval (default 30)"
    )
    tuning.add_argument(
        "--request-timeout",
        type=_positive(float),
        default=30.0,
        metavar="SECONDS",
        help="read timeout of each request (default 30; connect timeout 10)",
    )
    tuning.add_argument(
        "--retry-backoff",
        type=_positive(float),
        default=1.0,
        metavar="SECONDS",
        help="first wait before retrying a 5xx without Retry-After, doubled each retry (default 1)",
    )

    parser = argparse.ArgumentParser(
        prog="python -m ops",
        description="Operate what the stacks deploy, online: dbt Cloud's Administrative API v2 "
        "(DBT_CLOUD_TOKEN; account and region from the stack file's dbtcloud:accountId and "
        "dbtcloud:hostUrl, or DBT_CLOUD_ACCOUNT_ID and DBT_CLOUD_HOST_URL) and Databricks "
        "(databricks-sdk: DATABRICKS_HOST, DATABRICKS_TOKEN or a profile).",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    requests_only = argparse.ArgumentParser(add_help=False)
    request_tuning = requests_only.add_argument_group("requests")
    for action in tuning._group_actions:
        if action.dest in ("request_timeout", "retry_backoff"):
            request_tuning._add_action(action)

    def add(
        name: str, handler: Callable, summary: str, parent: argparse.ArgumentParser = common
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            parents=[parent],
            help=summary,
            description=summary,
            epilog=EXIT_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    def job_arguments(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("stack", help="stack name (Pulumi.<stack>.yaml)")
        sub.add_argument("job", nargs="?", help="job key in the stack file (jobs.<key>), e.g. daily-pipeline")
        sub.add_argument("--job-id", type=_positive(int), help="the job's dbt Cloud id instead of a key")

    def follow_arguments(sub: argparse.ArgumentParser, wait_flag: bool) -> None:
        if wait_flag:
            sub.add_argument("--wait", action="store_true", help="follow the run to its end (exit status from it)")
        sub.add_argument(
            "--timeout",
            type=_positive(float),
            metavar="SECONDS",
            help="stop waiting after this long (exit 4); the run is cancelled unless --no-cancel",
        )
        sub.add_argument(
            "--no-cancel",
            action="store_true",
            help="on Ctrl-C or --timeout, leave the run running instead of cancelling it",
        )

    run = add("run", cmd_run, "trigger a job's run and print its URL; with --wait follow it to the end")
    job_arguments(run)
    follow_arguments(run, wait_flag=True)
    run.add_argument("--cause", default=DEFAULT_CAUSE, help="the run's trigger cause shown in dbt Cloud")
    run.add_argument(
        "--if-running",
        choices=("wait", "cancel", "fail"),
        default="wait",
        help="when a run of the job is already queued or running: wait for it to end first "
        "(default), cancel it, or fail (exit 1)",
    )

    follow_cmd = add("follow", cmd_follow, "follow a run started elsewhere (a schedule, the UI) to its end")
    follow_cmd.add_argument("run_id", type=_positive(int), help="the run's id (.../runs/<id>)")
    follow_cmd.add_argument("--stack", help="read account and region from this stack (else DBT_CLOUD_ACCOUNT_ID)")
    follow_arguments(follow_cmd, wait_flag=False)

    retry = add("retry", cmd_retry, "retry a failed run from its failed step (never a cancelled or successful run)")
    retry.add_argument("run_id", type=_positive(int), help="the failed run's id")
    retry.add_argument("--stack", help="read account and region from this stack (else DBT_CLOUD_ACCOUNT_ID)")
    follow_arguments(retry, wait_flag=True)

    hist = add("history", cmd_history, "a job's runs, with success rate, failures, p50/p95 duration, test pass rate")
    job_arguments(hist)
    hist.add_argument("--limit", type=_positive(int), default=100, help="newest N runs (default 100)")
    hist.add_argument("--since", metavar="DATE", help="only runs created since DATE (YYYY-MM-DD, UTC)")
    hist.add_argument(
        "--detail",
        type=int,
        default=10,
        metavar="N",
        help="read the steps of the newest N runs for model and test counts (default 10; one request each)",
    )
    hist.add_argument("--json", action="store_true", help="print JSON: {job, runs, summary}")
    hist.add_argument("--plot", metavar="FILE", help="write a PNG of run duration over time, by status, with p95")

    docs = add("docs", cmd_docs, "where the stack's docs are served, and whether the docs job's last run made them")
    docs.add_argument("stack", help="stack name")
    preflight = add(
        "preflight",
        cmd_preflight,
        "check dbt Cloud and Databricks access before deploying: one line per check, with the fix",
    )
    preflight.add_argument("stack", help="stack name")
    preflight.add_argument(
        "--deployed",
        action="store_true",
        help="the stack is deployed: its project, environments and jobs must exist (once), "
        "instead of being free to create",
    )

    adopt = add(
        "adopt",
        cmd_adopt,
        "write a stack file from a dbt Cloud project and Databricks warehouse made by "
        "hand, with importIds, and check it offline against the account",
        parent=requests_only,
    )
    adopt.add_argument(
        "--project-id",
        type=_positive(int),
        required=True,
        help="the dbt Cloud project to adopt (the number after /projects/ in its URLs)",
    )
    adopt.add_argument("--stack", required=True, help="the stack to write (Pulumi.<stack>.yaml)")
    adopt.add_argument("--warehouse-id", help="the SQL warehouse (default: the one the project's connection names)")
    adopt.add_argument("--write", action="store_true", help="write Pulumi.<stack>.yaml (default: print it)")
    adopt.add_argument(
        "--force",
        action="store_true",
        help="replace an existing stack file that differs (values set with --secret are kept)",
    )
    adopt.add_argument(
        "--project-dir",
        default=str(account.ROOT),
        metavar="DIR",
        help="the project folder holding Pulumi.yaml (default: this one)",
    )
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "job_id", None) is None and hasattr(args, "job") and args.job is None:
        parser.error(f"{args.command}: name the job by its key in the stack file, or give --job-id")
    if getattr(args, "job_id", None) is not None and getattr(args, "job", None) is not None:
        parser.error(f"{args.command}: give a job key or --job-id, not both")
    out = Console(markup=False, highlight=False, soft_wrap=True)
    err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
    try:
        return int(args.handler(args, out))
    except OpsError as error:
        err.print(Text(f"error: {error}", style="red"))
        return int(error.exit)
    except KeyboardInterrupt:
        err.print("interrupted")
        return int(Exit.INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - a message and a status, never a traceback
        message = f"{type(error).__name__}: {error}"
        for secret in (os.environ.get("DBT_CLOUD_TOKEN"), os.environ.get("DATABRICKS_TOKEN")):
            if secret:
                message = message.replace(secret, "***")
        err.print(
            Text(
                f"error: unexpected {message}\n  (an answer ops does not understand, or a bug in ops: "
                "please report it with the command you ran)",
                style="red",
            )
        )
        return int(Exit.ERROR)
