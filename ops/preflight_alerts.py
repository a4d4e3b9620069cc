"""`ops preflight` for what tells people about runs beyond notifications, one line each, only for what the stack uses:

- Webhooks need a Starter or Enterprise plan and a token whose user may write them (Enterprise: the Account Admin,
  Admin or Developer permission set; Starter: a Developer license), on multi-tenant or AWS single-tenant dbt Cloud
  (docs.getdbt.com/docs/deploy/webhooks, Prerequisites). Checked by reading the account's webhooks (`GET
  /api/v3/accounts/{id}/webhooks/subscriptions`), which dbt Cloud refuses to a plan or token without them; writing is
  not tried. Adopted webhooks (`importIds.webhooks`) are read by id (`.../webhooks/subscription/{id}`).
- Microsoft Teams needs the Teams integration linked in the account (docs.getdbt.com/docs/deploy/job-notifications,
  "Microsoft Teams notifications"). No dbt Cloud API says whether it is (neither spec has one; v3's
  oauth-configurations are the warehouses' OAuth): a WARN line says what to verify by hand. Adopted Teams settings
  (`importIds.notifications`) are read by id through the private API the provider uses (notification_setting.go).
- Model notifications need an account admin to switch them on (docs.getdbt.com/docs/deploy/model-notifications,
  "Enable access to model notifications"): no API says whether they are, a WARN line; and each environment that has
  them on a release track the plan offers (docs.getdbt.com/docs/dbt-versions/cloud-release-tracks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .client import DbtCloudClient
from .errors import ApiError

if TYPE_CHECKING:
    from settings import StackSettings

    from .preflight import Check

STARTER = frozenset({"team", "team_2022", "team_annual", "starter_2025"})
ENTERPRISE = frozenset({"enterprise", "enterprise_2025", "enterprise_plus_2025"})
"""Spec `PlanEnum` values by tier (Starter was called Team); trials and the usage plans are neither, as far as the
docs say."""
TRACK_PLANS: dict[str, Optional[frozenset[str]]] = {
    "latest": None,
    "compatible": STARTER | ENTERPRISE,
    "extended": ENTERPRISE,
}
"""Release track -> the plans that offer it (None: every plan): docs.getdbt.com/docs/dbt-versions/cloud-release-tracks,
"Which release tracks are available?" (Latest: all plans; Compatible: Starter, Enterprise, Enterprise+; Extended:
Enterprise, Enterprise+). The Fusion tracks and fallback are not in that table."""

WEBHOOK_RIGHTS = (
    "webhooks need a Starter or Enterprise plan and a token whose user has the Account Admin, Admin or Developer "
    "permission set (Enterprise) or a Developer license (Starter): docs.getdbt.com/docs/deploy/webhooks"
)


def alert_checks(client: DbtCloudClient, settings: "StackSettings", plan: str) -> list["Check"]:
    checks: list["Check"] = []
    if settings.webhooks:
        checks.append(_webhooks(client, plan))
        checks.extend(
            _adopted(client, "webhooks", key, f"/webhooks/subscription/{ident}", "v3", ident)
            for key, ident in settings.import_ids.webhooks.items()
        )
    if any(notification.type == "msTeams" for notification in settings.notifications.values()):
        checks.append(_teams())
        checks.extend(
            _adopted(client, "notifications", key, f"/notification-settings/{ident}/", "private", ident)
            for key, ident in settings.import_ids.notifications.items()
        )
    with_model_notifications = [key for key, env in settings.environments.items() if env.model_notifications]
    if with_model_notifications:
        checks.append(_model_notifications_switch())
        checks.extend(
            _release_track(key, settings.environments[key].dbt_version, plan) for key in with_model_notifications
        )
    return checks


def _check(name: str, ok: bool, detail: str, fix: str = "", **extra: Any) -> "Check":
    from .preflight import Check

    return Check(name, ok, detail, fix, **extra)


def _webhooks(client: DbtCloudClient, plan: str) -> "Check":
    try:
        next(iter(client.paginate("/webhooks/subscriptions", limit=1, api="v3")), None)
    except ApiError as error:
        if error.status is None:
            return _check(
                "dbt Cloud webhooks", False, str(error).splitlines()[0], "check the network", unreachable=True
            )
        if error.status == 404:
            return _check(
                "dbt Cloud webhooks",
                False,
                "this dbt Cloud has no webhooks API (HTTP 404)",
                "webhooks exist on multi-tenant and AWS single-tenant dbt Cloud: check DBT_CLOUD_HOST_URL "
                "(docs.getdbt.com/docs/deploy/webhooks, Prerequisites)",
            )
        return _check(
            "dbt Cloud webhooks",
            False,
            f"the account's webhooks are refused to the token (HTTP {error.status})",
            WEBHOOK_RIGHTS,
        )
    return _check(
        "dbt Cloud webhooks",
        True,
        f"the account's webhooks answer the token (plan {plan}); writing them takes the rights in "
        "docs.getdbt.com/docs/deploy/webhooks, which only pulumi up tries",
    )


def _adopted(client: DbtCloudClient, section: str, key: str, path: str, api: str, ident: str) -> "Check":
    name = f"importIds.{section}.{key}"
    try:
        found = client.get(path, api=api)
    except ApiError as error:
        if error.status is None:
            return _check(name, False, str(error).splitlines()[0], "check the network", unreachable=True)
        what = "webhook" if section == "webhooks" else "Teams notification setting"
        return _check(
            name,
            False,
            f"dbt Cloud has no {what} {ident} for this token (HTTP {error.status})",
            f"fix the id, or remove importIds.{section}.{key} for pulumi up to create one",
        )
    label = (found or {}).get("name") if isinstance(found, dict) else None
    return _check(name, True, f"adopts {label!r} ({ident})")


def _teams() -> "Check":
    return _check(
        "Microsoft Teams",
        False,
        "cannot be checked online: no dbt Cloud API tells whether the Teams integration is linked",
        "Account settings -> Integrations -> OAuth: Teams shows as linked (docs.getdbt.com/docs/deploy/"
        "job-notifications, Microsoft Teams notifications); dbt posts only to channels that linked account is in",
        warn=True,
    )


def _model_notifications_switch() -> "Check":
    return _check(
        "model notifications",
        False,
        "cannot be checked online: no dbt Cloud API tells whether an account admin switched them on",
        "an account admin: Notification settings -> Email notifications -> Model notifications, 'Enable group/owner "
        "notifications on models' (docs.getdbt.com/docs/deploy/model-notifications)",
        warn=True,
    )


def _release_track(key: str, track: str, plan: str) -> "Check":
    name = f"model notifications in {key}"
    if track not in TRACK_PLANS:
        return _check(
            name,
            False,
            f"release track {track!r}: dbt's docs do not say which plans offer it",
            f"Deploy -> Environments -> {key}: dbt Cloud lists the tracks your plan offers",
            warn=True,
        )
    plans = TRACK_PLANS[track]
    if plans is None:
        return _check(name, True, f"release track {track!r}, which every plan offers")
    if plan in plans:
        return _check(name, True, f"release track {track!r}, which plan {plan} offers")
    if plan in STARTER | ENTERPRISE:
        return _check(
            name,
            False,
            f"release track {track!r} is not offered on plan {plan}",
            f"set environments.{key}.dbtVersion to latest (compatible needs Starter, extended Enterprise: "
            "docs.getdbt.com/docs/dbt-versions/cloud-release-tracks)",
        )
    return _check(
        name,
        False,
        f"release track {track!r}: dbt's docs do not say whether plan {plan} offers it",
        f"Deploy -> Environments -> {key}: dbt Cloud lists the tracks your plan offers",
        warn=True,
    )
