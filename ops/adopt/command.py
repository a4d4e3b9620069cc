"""`ops adopt`: read the account, write (or print) the stack file, report what it leaves out, check it offline."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Callable, Optional

from rich.console import Console

from ..client import DbtCloudClient
from ..errors import Exit, UsageError
from .config import adopt
from .read import read
from .verify import compare, render_stack, summary
from .write import read_existing, text


def run(
    client: DbtCloudClient,
    project_id: int,
    stack: str,
    warehouse_id: Optional[str],
    root: Path,
    write: bool,
    force: bool,
    workspace: Callable[[Optional[str]], Any],
    out: Console,
    err: Console,
    account_webhooks: bool = False,
) -> Exit:
    from settings.files import project_name

    namespace = project_name(root)
    path = root / f"Pulumi.{stack}.yaml"
    err.print(f"reading dbt Cloud project {project_id} of account {client.account_id} and its warehouse ...")
    live = read(client, project_id, warehouse_id, workspace)
    if live.repository is None:
        raise UsageError(
            f"project {project_id} ({live.project.get('name')!r}) has no repository: connect one in dbt "
            "Cloud (Project settings -> Repository) first; the stack's project needs it"
        )
    if live.connection is None:
        raise UsageError(f"project {project_id} has no connection: none of its environments names one")
    host_url = client.host_url if client.host_url.startswith("https://") else None
    existing = read_existing(path)
    adoption = adopt(live, namespace, host_url, existing, account_webhooks)
    document = text(stack, adoption, project_id, client.account_id, existing)

    report = err if not write else out
    # Validated before anything is written or printed: a file synth check refuses is never left behind (nor a token
    # the account keeps in a plain variable shown).
    problems, warnings = _settings_problems(document, stack, root)
    if problems:
        report.print(
            f"Pulumi.{stack}.yaml not {'written' if write else 'printed'}: the setup does not validate as "
            "a stack (synth check would refuse it):"
        )
        report.print("\n".join(f"  - {problem}" for problem in problems))
        report.print("change it in dbt Cloud (or Databricks) and adopt again")
        return Exit.FAILED
    status = Exit.OK
    if not write:
        out.print(document, end="")
    else:
        status = _write(path, document, existing, force, out)
    if host_url is None:
        report.print(
            f"note: the API address {client.host_url} is not https, which a stack file cannot hold: it keeps "
            "the default dbtcloud:hostUrl; set DBT_CLOUD_HOST_URL"
        )
    if adoption.left_out:
        report.print(f"left out ({len(adoption.left_out)}): what the account has that the stack's config cannot hold")
        for item in adoption.left_out:
            report.print(f"  {item.line()}")
    for note in adoption.notes:
        report.print(f"note: {note}")
    blocking = [item for item in adoption.left_out if item.changes_preview]
    for warning in warnings:
        report.print(f"warning: {warning}")
    err.print(f"checking: rendering Pulumi.{stack}.yaml offline and comparing it with the account ...")
    try:
        rendering = render_stack(document, stack, root)
    except Exception as error:  # the program refused it (a config problem, a provider rule): say what, no traceback
        report.print(f"the written stack does not render offline: {error}")
        return Exit.FAILED
    differences, compared = compare(rendering, live, adoption)
    for line in summary(differences, compared):
        report.print(line)
    if write:
        joining = _joining_problems(stack, root)
        for problem in joining:
            report.print(f"across the stacks in {root}: {problem}")
        if joining:
            report.print(
                f"pulumi up -s {stack} refuses a stack that clashes with the stack files beside it: adapt or "
                "remove those (the committed prod and dev stacks are examples of one project)"
            )
            status = Exit.FAILED
    if blocking:
        report.print(
            f"{len(blocking)} setting{'s' if len(blocking) != 1 else ''} above would change at the first "
            "preview: change them in dbt Cloud or Databricks, or accept the change"
        )
    if blocking or differences:
        return Exit.FAILED
    if write and status == Exit.OK:
        report.print(
            f"next: set what the header of Pulumi.{stack}.yaml marks PLACEHOLDER, then pulumi preview -s "
            f"{stack} (it imports what exists) and pulumi up -s {stack}"
        )
    return status


def _write(path: Path, document: str, existing: dict[str, Any], force: bool, out: Console) -> Exit:
    import yaml

    from settings.files import CliYamlLoader

    if existing:
        if (yaml.load(document, Loader=CliYamlLoader) or {}).get("config") == existing:
            out.print(f"{path.name} already holds this setup: unchanged")
            return Exit.OK
        if not force:
            old = path.read_text(encoding="utf-8").splitlines(keepends=True)
            diff = "".join(
                difflib.unified_diff(
                    old, document.splitlines(keepends=True), f"{path.name} (now)", f"{path.name} (from the account)"
                )
            )
            raise UsageError(
                f"{path.name} exists and differs from what the account holds:\n{diff}"
                "--force replaces it (values set with --secret are kept)"
            )
    path.write_text(document, encoding="utf-8")
    out.print(f"wrote {path}")
    return Exit.OK


def _settings_problems(document: str, stack: str, root: Path) -> tuple[list[str], list[str]]:
    """The file's problems and warnings as `synth check` and `pulumi up` read it (`settings.load_stack`), alone: the
    file alone speaks, not the environment's provider variables."""
    from settings import ConfigError, load_stack
    from settings.files import StackFileError

    try:
        loaded = load_stack(root, stack, text=document, environ={}, beside=False)
    except ConfigError as error:
        return [str(problem) for problem in error.problems], []
    except StackFileError as error:
        return [str(error)], []
    return [], [str(warning) for warning in loaded.warnings]


def _joining_problems(stack: str, root: Path) -> list[str]:
    """What `pulumi up` of the written stack would refuse because of the stack files beside it (the program holds a
    stack to them: one stack creates the project, environment names unique)."""
    from settings import ConfigError, load_stack

    try:
        load_stack(root, stack, environ={})
    except ConfigError as error:
        return [str(problem) for problem in error.problems]
    return []


def workspace_factory(http_timeout: float) -> Callable[[Optional[str]], Any]:
    """A `WorkspaceClient` from the SDK's standard configuration (DATABRICKS_HOST, DATABRICKS_TOKEN, profiles), the
    connection's host when DATABRICKS_HOST is not set."""

    def build(host: Optional[str]) -> Any:
        import logging

        from databricks.sdk import WorkspaceClient
        from databricks.sdk.config import Config

        from ..preflight import RETRY_SECONDS

        logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
        kwargs = {"host": host} if host and not os.environ.get("DATABRICKS_HOST") else {}
        try:
            return WorkspaceClient(
                config=Config(http_timeout_seconds=http_timeout, retry_timeout_seconds=RETRY_SECONDS, **kwargs)
            )
        except ValueError as error:
            raise UsageError(
                f"Databricks: {str(error).splitlines()[0]}; export DATABRICKS_HOST and DATABRICKS_TOKEN "
                "(or a profile in ~/.databrickscfg)"
            ) from None

    return build
