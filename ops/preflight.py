"""`ops preflight STACK`: online checks before the first deploy or when something fails, one line each with the fix.

dbt Cloud through the v2 API (`GET /accounts/{id}/` for the token and plan, `/notifications/` for account-admin
rights, `/projects/`, `/environments/`, `/jobs/` for names already taken; webhooks, Microsoft Teams and model
notifications as `preflight_alerts` says); Databricks through `databricks-sdk`
with its standard configuration (`DATABRICKS_HOST`, `DATABRICKS_TOKEN`, profiles): `current_user.me()`,
`catalogs.get()`, `warehouses.get_workspace_warehouse_config()` and `warehouses.list()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rich.console import Console
from rich.text import Text

from . import account, endpoints
from .client import DbtCloudClient
from .errors import ApiError, Exit, sdk_message
from .preflight_alerts import alert_checks

if TYPE_CHECKING:
    from settings import StackSettings

RETRY_SECONDS = 10
"""How long the Databricks SDK keeps retrying one call before the check fails."""
NO_API_PLANS = frozenset({"developer", "developer_2022", "free", "cancelled", "cancelled_2022", "cancelled_2025"})
"""Plans (spec `PlanEnum`) without the Administrative API: the Developer plan has none (docs.getdbt.com,
"dbt APIs overview"), and a cancelled account none either."""
LOCK_CAUSES = {
    "trial_expired": ("the trial has ended", "choose a plan (Account settings -> Billing) to unlock the account"),
    "cancelled": ("the account was cancelled", "reactivate the subscription (Account settings -> Billing)"),
    "unpaid": ("an invoice is unpaid", "settle the unpaid invoice (Account settings -> Billing)"),
    "provisioned_team_annual": (
        "the annual Team plan is being provisioned",
        "wait for dbt Labs to finish provisioning, or ask support@getdbt.com",
    ),
    "migrated": ("the account was migrated", "use the account it moved to (DBT_CLOUD_ACCOUNT_ID and its region)"),
    "workshop": ("a workshop account", "workshop accounts are locked after the workshop: use your own account"),
    "other": (None, "ask an account admin or support@getdbt.com why the account is locked, and to unlock it"),
}
"""Spec `LockCauseEnum`: what each says, and the way out (never a plan change: a locked account's plan is not why)."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    unreachable: bool = False
    """The API did not answer at all (exit 5 rather than 1)."""
    warn: bool = False
    """Cannot be checked online: WARN, with what to verify by hand (`fix`); it fails nothing."""

    def line(self) -> Text:
        status, style = (
            ("WARN", "bold yellow") if self.warn else ("PASS", "bold green") if self.ok else ("FAIL", "bold red")
        )
        text = Text.assemble((status, style), f"  {self.name}: {self.detail}")
        if not self.ok and self.fix:
            text.append(f"\n      {'verify' if self.warn else 'fix'}: {self.fix}")
        return text


# -- dbt Cloud -------------------------------------------------------------------------------------------------


def dbt_cloud_checks(
    client: DbtCloudClient, settings: "StackSettings", root: Path, deployed: bool = False
) -> list[Check]:
    checks: list[Check] = []
    try:
        account = endpoints.account(client)
    except ApiError as error:
        fix = (
            "create a personal access token (Account settings -> API tokens) and export DBT_CLOUD_TOKEN"
            if error.status == 401
            else "the Developer plan has no API access: Starter or Enterprise is needed"
            if error.status == 403
            else "check DBT_CLOUD_ACCOUNT_ID and DBT_CLOUD_HOST_URL (your region's API, ending in /api)"
        )
        return [Check("dbt Cloud token", False, _first_line(error), fix, unreachable=error.status is None)]
    plan = str(account.get("plan") or "unknown")
    if account.get("locked") is True:
        # A locked account has no API whatever its plan: say why it is locked and how to unlock it, not to change plan.
        cause = account.get("lock_cause")
        reason = account.get("lock_reason") or LOCK_CAUSES.get(str(cause), (None, ""))[0] or "no reason given"
        checks.append(
            Check(
                "dbt Cloud token",
                False,
                f"account {client.account_id} ({account.get('name')}) is locked: {reason}"
                + (f" ({cause})" if cause else ""),
                LOCK_CAUSES.get(str(cause), LOCK_CAUSES["other"])[1],
            )
        )
        return checks
    if plan in NO_API_PLANS:
        checks.append(
            Check(
                "dbt Cloud token",
                False,
                f"plan {plan!r} has no API access",
                "the Administrative API needs a Starter, Enterprise or Enterprise+ plan",
            )
        )
        return checks
    checks.append(
        Check(
            "dbt Cloud token",
            True,
            f"valid for account {client.account_id} ({account.get('name')}, plan {plan}) with API access",
        )
    )
    if any(notification.type != "msTeams" for notification in settings.notifications.values()):
        try:
            endpoints.notifications(client)
            checks.append(
                Check(
                    "dbt Cloud rights",
                    True,
                    "the token can read every notification of the account (partial notifications need account admin)",
                )
            )
        except ApiError as error:
            checks.append(
                Check(
                    "dbt Cloud rights",
                    False,
                    f"cannot read the account's notifications (HTTP {error.status})",
                    "the stack's notifications are partial notifications, which need an account-admin "
                    "token: use a token of an Account Admin (or give the user that role)",
                )
            )
    checks.extend(alert_checks(client, settings, plan))
    checks.extend(_name_checks(client, settings, root, deployed))
    return checks


def _name_checks(client: DbtCloudClient, settings: "StackSettings", root: Path, deployed: bool) -> list[Check]:
    """Before the first deploy, what the stack would create must not exist under the same name unless adopted;
    after it (`deployed`), all of it must exist, once."""
    creates_project = bool(settings.project.name)
    wanted_id = account.project_id_hint(settings)
    name = account.project_name(settings, root)
    projects = endpoints.projects(client)
    found = [p for p in projects if (p.get("id") == wanted_id if wanted_id else p.get("name") == name)]
    if creates_project and not wanted_id and not deployed:
        if not found:
            return [Check("dbt Cloud project", True, f"{name!r} is free to create")]
        # Taken: say so, and which of its environments and jobs would clash too.
        checks = [
            Check(
                "dbt Cloud project",
                False,
                f"{name!r} already exists (id {found[0]['id']})",
                f'adopt it: importIds.project: "{found[0]["id"]}" (or rename the stack\'s project); '
                "if this stack's own pulumi up made it, run preflight --deployed",
            )
        ]
    elif not found:
        how = f"id {wanted_id}" if wanted_id else f"name {name!r}"
        return [
            Check(
                "dbt Cloud project",
                False,
                f"no project with {how} in the account",
                "deploy the stack that creates it (pulumi up), or fix project.id / importIds.project",
            )
        ]
    else:
        checks = [
            Check(
                "dbt Cloud project",
                True,
                f"{'adopts' if not creates_project or wanted_id else 'found'} "
                f"{found[0].get('name')!r} (id {found[0]['id']})",
            )
        ]
    project_id = int(found[0]["id"])
    for kind, declared, existing, adopted in (
        (
            "environments",
            {k: e.name for k, e in settings.environments.items()},
            endpoints.environments(client, project_id),
            settings.import_ids.environments,
        ),
        (
            "jobs",
            {k: j.name for k, j in settings.jobs.items()},
            endpoints.jobs(client, project_id),
            settings.import_ids.jobs,
        ),
    ):
        ids: dict[str, list] = {}
        for item in existing:
            ids.setdefault(item.get("name"), []).append(item.get("id"))
        if deployed:
            missing = [repr(n) for n in declared.values() if n not in ids]
            doubled = [f"{n!r} ({', '.join(map(str, ids[n]))})" for n in declared.values() if len(ids.get(n, [])) > 1]
            detail = "; ".join(
                part
                for part in (
                    f"missing: {', '.join(missing)}" if missing else "",
                    f"more than one: {', '.join(doubled)}" if doubled else "",
                )
                if part
            )
            checks.append(
                Check(
                    f"dbt Cloud {kind}",
                    not detail,
                    detail or f"all {len(declared)} deployed",
                    "pulumi up the stack; remove or rename the duplicates made by hand",
                )
            )
        else:
            taken = [f"{n!r} (id {ids[n][0]})" for key, n in declared.items() if n in ids and key not in adopted]
            fix = (
                'adopt them: importIds.environments.<key>: "<project>:<environment>", or rename'
                if kind == "environments"
                else 'adopt them: importIds.jobs.<key>: "<job id>", or rename'
            )
            checks.append(
                Check(
                    f"dbt Cloud {kind}",
                    not taken,
                    f"already exist: {', '.join(taken)}" if taken else f"{len(declared)} free or adopted",
                    fix,
                )
            )
    return checks


# -- Databricks ------------------------------------------------------------------------------------------------


def databricks_checks(settings: "StackSettings", workspace_factory: Callable[[], object]) -> list[Check]:
    """Checks through the Databricks SDK; `workspace_factory` builds a `WorkspaceClient`."""
    from databricks.sdk.errors import DatabricksError, NotFound

    workspace = None
    try:
        workspace = workspace_factory()
        me = workspace.current_user.me()
    except (DatabricksError, ValueError) as error:
        return [
            Check(
                "Databricks token",
                False,
                sdk_message(error),
                "export DATABRICKS_HOST (https://...) and DATABRICKS_TOKEN (or a profile in ~/.databrickscfg) "
                "for a token that is valid and unexpired",
            )
        ]
    except OSError as error:
        host = getattr(getattr(workspace, "config", None), "host", None) or "the workspace"
        return [
            Check(
                "Databricks token",
                False,
                f"{host} unreachable ({error})",
                "check DATABRICKS_HOST (or databricks:host in the stack file) and the network",
                unreachable=True,
            )
        ]
    groups = {group.display for group in (me.groups or [])}
    checks = [Check("Databricks token", True, f"valid, signed in as {me.user_name}")]
    needs_admin = settings.service_principal is not None
    if needs_admin:
        checks.append(
            Check(
                "Databricks rights",
                "admins" in groups,
                "workspace admin"
                if "admins" in groups
                else f"{me.user_name} is not a workspace admin (groups: {', '.join(sorted(groups)) or 'none'})",
                "the stack creates a service principal, its token and grants: use a workspace admin's "
                "token for pulumi up",
            )
        )
    else:
        can_create = "admins" in groups or any(e.value == "allow-cluster-create" for e in (me.entitlements or []))
        checks.append(
            Check(
                "Databricks rights",
                can_create,
                "can create SQL warehouses" if can_create else f"{me.user_name} can not create SQL warehouses",
                "give the user the 'Allow unrestricted cluster creation' entitlement, or use an admin",
            )
        )
    for catalog in sorted(_catalogs(settings)):
        try:
            workspace.catalogs.get(catalog)
            checks.append(Check(f"catalog {catalog}", True, "exists"))
        except NotFound:
            checks.append(
                Check(
                    f"catalog {catalog}",
                    False,
                    "does not exist in the workspace's metastore",
                    f"create it (CREATE CATALOG {catalog}) or fix the stack's catalog names",
                )
            )
        except DatabricksError as error:
            checks.append(Check(f"catalog {catalog}", False, sdk_message(error), "check the token's USE CATALOG"))
    warehouse = settings.warehouse
    if warehouse.serverless:
        try:
            config = workspace.warehouses.get_workspace_warehouse_config()
            enabled = config.enable_serverless_compute is not False
            checks.append(
                Check(
                    "serverless SQL",
                    enabled,
                    "enabled" if enabled else "disabled in the workspace",
                    "an admin enables serverless SQL warehouses (Settings -> SQL), or set warehouse.serverless: false",
                )
            )
        except DatabricksError as error:
            checks.append(Check("serverless SQL", False, sdk_message(error), "check the workspace's SQL settings"))
    try:
        wanted = settings.import_ids.warehouse
        found = [w for w in workspace.warehouses.list() if (w.id == wanted if wanted else w.name == warehouse.name)]
        if not found:
            checks.append(Check(f"warehouse {warehouse.name}", True, "not created yet (pulumi up creates it)"))
        else:
            state = found[0].state.value if found[0].state else "unknown"
            checks.append(
                Check(
                    f"warehouse {warehouse.name}",
                    state not in ("DELETED", "DELETING"),
                    f"{state.lower()} (id {found[0].id})",
                    "the warehouse is being deleted: wait, then pulumi up recreates it",
                )
            )
    except DatabricksError as error:
        checks.append(
            Check(f"warehouse {warehouse.name}", False, sdk_message(error), "the token needs to list SQL warehouses")
        )
    return checks


def _catalogs(settings: "StackSettings") -> set[str]:
    names = {settings.connection.catalog} if settings.connection.catalog else set()
    for environment in settings.environments.values():
        if environment.credential is not None and environment.credential.catalog:
            names.add(environment.credential.catalog)
    if settings.service_principal is not None:
        names.update(settings.service_principal.catalog_grants)
        names.update(key.split(".", 1)[0] for key in settings.service_principal.schema_grants)
    return names


def report(checks: list[Check], console: Console) -> Exit:
    for check in checks:
        console.print(check.line())
    failed = sum(1 for check in checks if not check.ok and not check.warn)
    warned = sum(1 for check in checks if check.warn)
    passed = len(checks) - failed - warned
    console.print(f"{passed} of {len(checks)} checks passed" + (f", {warned} to verify by hand" if warned else ""))
    if any(check.unreachable for check in checks):
        return Exit.API
    return Exit.OK if failed == 0 else Exit.FAILED


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def default_workspace(settings: "StackSettings", http_timeout: float = 30.0) -> Callable[[], object]:
    """A `WorkspaceClient` from the SDK's standard configuration, the stack's `databricks:host` as fallback."""
    import os

    def build() -> object:
        import logging

        from databricks.sdk import WorkspaceClient
        from databricks.sdk.config import Config

        # The SDK warns when its optional host discovery (/.well-known/databricks-config) fails; the check's own
        # line says what matters.
        logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
        host = None if os.environ.get("DATABRICKS_HOST") else settings.databricks_host
        kwargs = {"host": host} if host else {}
        # The SDK retries 429/503 and unreachable hosts itself, for `retry_timeout_seconds` per call (default 300).
        return WorkspaceClient(
            config=Config(http_timeout_seconds=http_timeout, retry_timeout_seconds=RETRY_SECONDS, **kwargs)
        )

    return build
