"""What each `python -m ops` command does with its arguments (the table of commands and their options: `cli.py`)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from rich.console import Console

from command_line import resolved_project_dir

from . import account, endpoints
from .client import ClientOptions, DbtCloudClient
from .errors import ApiError, DeadlineExceeded, Exit, OpsError, UsageError
from .follow import PollSchedule, follow
from .runs import Run, format_duration


def console(stderr: bool = False) -> Console:
    """Names, logs and YAML print as they are: no markup, no `:emoji:` codes replaced (a description may hold
    `:rocket:`), long lines not cut."""
    return Console(stderr=stderr, markup=False, highlight=False, soft_wrap=True, emoji=False)


DEFAULT_CAUSE = "Triggered with python -m ops run"


# -- commands --------------------------------------------------------------------------------------------------


def _wait_options(args: argparse.Namespace) -> None:
    """--no-cancel says what becomes of a followed run: without --wait no run is followed. (--timeout bounds the
    whole command, with or without --wait.)"""
    if args.no_cancel and not args.wait:
        raise UsageError("--no-cancel applies to --wait: add --wait")


def _one_job(args: argparse.Namespace) -> None:
    """A job named by its key in the stack file, or by --job-id: one of the two."""
    if args.job_id is None and args.job is None:
        raise UsageError(f"{args.command}: name the job by its key in the stack file, or give --job-id")
    if args.job_id is not None and args.job is not None:
        raise UsageError(f"{args.command}: give a job key or --job-id, not both")


def cmd_run(args: argparse.Namespace) -> Exit:
    out = console()
    _wait_options(args)
    _one_job(args)
    settings, client = _stack_client(args)
    with client, client.limit(args.timeout):
        job_id, job_label = _job(args, settings, client)
        active = [run for run in endpoints.job_runs(client, job_id, limit=100) if not run.finished]
        bound_all, by = _if_running_bound(args, client)  # for all the active runs together
        waiting_since = client.clock()
        for run in sorted(active, key=lambda run: run.id or 0):
            where = f": {run.href}" if run.href else ""
            if args.if_running == "fail":
                raise OpsError(
                    f"{run.label} of {job_label} is already {run.word}{where}; not starting another "
                    "(--if-running wait or cancel)"
                )
            if run.id is None:
                out.print(
                    f"{run.label} of {job_label} is {run.word}, but dbt Cloud's answer names no id to "
                    f"{'cancel' if args.if_running == 'cancel' else 'wait for'}: going on without"
                )
                continue
            if args.if_running == "cancel":
                cancelled = endpoints.cancel_run(client, run.id)
                out.print(f"cancelled run {run.id} (was {run.word}), now {cancelled.word} (--if-running cancel)")
                continue
            bound = None if bound_all is None else max(0.001, bound_all - (client.clock() - waiting_since))
            out.print(
                f"run {run.id} of {job_label} is {run.word}; waiting for it to end first (--if-running wait)"
                + (f", at most {format_duration(bound)} ({by})" if bound is not None else "")
            )
            result = follow(client, run.id, out, bound, cancel=False, schedule=_schedule(args))
            if result.exit in (Exit.TIMED_OUT, Exit.INTERRUPTED):
                out.print(
                    f"{job_label} was not started"
                    + ("" if result.exit == Exit.INTERRUPTED else f": run {run.id} had not ended within {by}")
                )
                return result.exit
        try:
            run = endpoints.trigger_run(client, job_id, args.cause)
        except (ApiError, DeadlineExceeded) as error:
            raise _maybe_started(error, f"a run of {job_label}", _history_command(args, job_id)) from None
        return _then_follow(
            client,
            args,
            out,
            run,
            f"dbt Cloud started a run of {job_label} but its answer names no run id",
            f"see the job's runs in dbt Cloud ({run.href or client.web_url}) or {_history_command(args, job_id)}",
            f"started run {run.id} of {job_label}: {run.href or client.web_url}",
        )


def _then_follow(
    client: DbtCloudClient, args: argparse.Namespace, out: Console, run: Run, no_id: str, instead: str, started: str
) -> Exit:
    """After a run was started (`run`, `retry`): say so, then, with --wait, follow it to its end. An answer that names
    no run cannot be followed: say where to look `instead`."""
    if run.id is None:
        raise ApiError(f"{no_id}, so it cannot be followed: {instead}", 200)
    out.print(started)
    if not args.wait:
        return Exit.OK
    return follow(client, run.id, out, client.remaining(), cancel=not args.no_cancel, schedule=_schedule(args)).exit


IF_RUNNING_WAIT = 3600.0
"""How long `run` without --wait and --timeout waits for the job's active run to end (--if-running wait)."""


def _if_running_bound(args: argparse.Namespace, client: DbtCloudClient) -> tuple[Optional[float], str]:
    """How long to wait for another run of the job, and what sets that bound: --timeout (what remains of it);
    without --wait, `IF_RUNNING_WAIT`, so that a command that returns once the run is queued never waits unbounded;
    with --wait and no --timeout, nothing (the run itself is followed as long as it takes)."""
    if args.timeout is not None:
        return client.remaining(), f"--timeout {format_duration(args.timeout)}"
    if not args.wait:
        return IF_RUNNING_WAIT, f"{format_duration(IF_RUNNING_WAIT)} without --wait; --timeout SECONDS to change"
    return None, "no --timeout"


def _history_command(args: argparse.Namespace, job_id: int) -> str:
    stack = getattr(args, "stack", None)
    if stack is None:
        return "python -m ops history STACK JOB"
    return f"python -m ops history {stack} {args.job if getattr(args, 'job', None) else f'--job-id {job_id}'}"


def _maybe_started(error: Exception, what: str, history: str) -> Exception:
    """A trigger (or retry) whose answer was lost or a 5xx: say that `what` may have started all the same."""
    if not getattr(error, "maybe_done", False):
        return error
    warning = (
        f"\n  {what} may have started all the same (the request reached dbt Cloud): look at the job's runs in "
        f"dbt Cloud or run {history} before starting another"
    )
    if isinstance(error, DeadlineExceeded):
        return DeadlineExceeded(f"{error}{warning}")
    return ApiError(f"{error}{warning}", getattr(error, "status", None))


def cmd_follow(args: argparse.Namespace) -> Exit:
    out = console()
    client = _client(args)
    with client, client.limit(args.timeout):
        return follow(client, args.run_id, out, args.timeout, cancel=not args.no_cancel, schedule=_schedule(args)).exit


def cmd_retry(args: argparse.Namespace) -> Exit:
    out = console()
    _wait_options(args)
    client = _client(args)
    with client, client.limit(args.timeout):
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
        history = _history_command(args, run.job_id or 0) if run.job_id else "python -m ops history STACK JOB"
        try:
            new = endpoints.retry_run(client, run.id)
        except (ApiError, DeadlineExceeded) as error:
            raise _maybe_started(error, f"a retry of run {run.id}", history) from None
        return _then_follow(
            client,
            args,
            out,
            new,
            f"dbt Cloud retried run {run.id} but its answer names no new run id",
            f"see the job's runs in dbt Cloud ({new.href or run.href or client.web_url}) or {history}",
            f"retrying run {run.id} from its failed step as run {new.id}: {new.href or client.web_url}",
        )


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


def cmd_history(args: argparse.Namespace) -> Exit:
    out = console()
    _one_job(args)
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
        out.print(history.table(runs, f"{job_label}: {len(runs)} runs, newest first", out.width))
        history.print_summary(summary, out)
        if args.plot:
            out.print(f"plot written to {args.plot}")
    return Exit.OK


def cmd_docs(args: argparse.Namespace) -> Exit:
    out = console()
    from .docs import show_docs

    settings, client = _stack_client(args)
    with client:
        return show_docs(client, settings, args.stack, resolved_project_dir(args), out)


def cmd_preflight(args: argparse.Namespace) -> Exit:
    out = console()
    from . import preflight

    settings = account.load_stack(args.stack, resolved_project_dir(args))
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
                checks.extend(preflight.dbt_cloud_checks(client, settings, resolved_project_dir(args), args.deployed))
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


def cmd_adopt(args: argparse.Namespace) -> Exit:
    import os
    import re

    from settings.files import stack_name_problem

    from .adopt.command import run, workspace_factory
    from .adopt.write import read_existing

    problem = stack_name_problem(args.stack)
    if problem:
        raise UsageError(f"--stack {args.stack!r}: the Pulumi CLI cannot have a stack named so: {problem}")
    if args.warehouse_id is not None and not re.fullmatch(r"[0-9a-f]{16}", args.warehouse_id):
        raise UsageError(
            f"--warehouse-id {args.warehouse_id!r}: a SQL warehouse id is 16 hexadecimal characters "
            "(the end of its HTTP path, /sql/1.0/warehouses/<id>)"
        )
    root = resolved_project_dir(args)
    if not (root / "__main__.py").exists():
        raise UsageError(f"--project-dir {root}: not this project's folder (no __main__.py beside Pulumi.yaml)")
    # Account and region: the environment first, then an existing stack file (adopting again).
    existing = read_existing(root / f"Pulumi.{args.stack}.yaml")
    environ = dict(os.environ)
    for key, variable in (("dbtcloud:accountId", "DBT_CLOUD_ACCOUNT_ID"), ("dbtcloud:hostUrl", "DBT_CLOUD_HOST_URL")):
        if not environ.get(variable) and isinstance(existing.get(key), (str, int)):
            environ[variable] = str(existing[key])
    out, err = console(), console(stderr=True)
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
            args.account_webhooks,
        )


# -- helpers ---------------------------------------------------------------------------------------------------


def _options(args: argparse.Namespace) -> ClientOptions:
    err = console(stderr=True)
    return ClientOptions(
        read_timeout=args.request_timeout,
        connect_timeout=min(10.0, args.request_timeout),
        backoff=args.retry_backoff,
        on_retry=lambda message: err.print(message, style="dim"),
        on_warning=lambda message: err.print(f"warning: {message}", style="yellow"),
    )


def _schedule(args: argparse.Namespace) -> PollSchedule:
    return PollSchedule(first=args.poll, cap=max(args.poll, args.max_poll))


def _client(args: argparse.Namespace) -> DbtCloudClient:
    settings = account.load_stack(args.stack, resolved_project_dir(args)) if getattr(args, "stack", None) else None
    return account.account_for(settings).client(_options(args))


def _stack_client(args: argparse.Namespace) -> tuple[Any, DbtCloudClient]:
    settings = account.load_stack(args.stack, resolved_project_dir(args))
    if getattr(args, "job", None) is not None:
        account.job_name(settings, args.stack, args.job)  # a wrong key is a usage error before any request
    return settings, account.account_for(settings).client(_options(args))


def _job(args: argparse.Namespace, settings: Any, client: DbtCloudClient) -> tuple[int, str]:
    """The job's id and how to call it in messages: `'Daily Pipeline - Production' (4001)`."""
    if args.job_id is not None:
        return args.job_id, f"job {args.job_id}"
    job = account.find_job(client, settings, args.stack, args.job, resolved_project_dir(args))
    return int(job["id"]), f"'{job.get('name')}' ({job['id']})"


def _job_name(args: argparse.Namespace, settings: Any) -> Optional[str]:
    return account.job_name(settings, args.stack, args.job) if args.job else None


def _since(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: {text!r} is not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
