"""`python -m ops preflight` on a stack with webhooks, a Microsoft Teams notification and model notifications, against
the fake dbt Cloud and Databricks on 127.0.0.1: one line per need, only for what the stack uses, each checked online
where an API tells (WARN with what to verify by hand where none does). Nothing of ours is patched."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.alerts import TEAMS_CHANNEL, TEAMS_TEAM
from fakes.dbt_cloud import TOKEN
from ops_cli import QUICK
from stack_config import PROD_EMAIL_NOTIFICATION, PROD_SLACK_NOTIFICATION, append, edit

from ops.cli import main

PROD_TRACK = "      dbtVersion: latest\n"
TEAMS = (
    "    teams-alerts:\n      type: msTeams\n"
    f"      teamsTeamId: {TEAMS_TEAM}\n      teamsChannelId: {TEAMS_CHANNEL}\n      onFailure: [daily-pipeline]\n"
)
WEBHOOKS = (
    "  dbtcloud-databricks:webhooks:\n    incidents:\n      name: Production incidents\n"
    "      url: https://hooks.example.com/dbt\n      events: [errored]\n      jobs: [daily-pipeline]\n"
)
NOTIFICATIONS = PROD_EMAIL_NOTIFICATION + PROD_SLACK_NOTIFICATION


def with_alerts(project: Path, track: str = "latest") -> Path:
    """The committed prod stack with a webhook, a Teams notification and model notifications in production."""
    edit(
        project, "prod", PROD_TRACK, f"      dbtVersion: {track}\n      modelNotifications:\n        onFailure: true\n"
    )
    edit(project, "prod", NOTIFICATIONS, NOTIFICATIONS + TEAMS)
    append(project, "prod", WEBHOOKS)
    return project


def preflight(capsys, project: Path) -> tuple[int, str]:
    status = main(["preflight", "prod", "--project-dir", str(project), *QUICK])
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
    return status, captured.out


def line(out: str, start: str) -> str:
    found = [text for text in out.splitlines() if text.startswith(start)]
    assert len(found) == 1, (start, out)
    return found[0]


def test_each_need_has_its_line_and_what_no_api_tells_is_a_warning_to_verify(dbt, databricks, project, capsys):
    # A stack without them is not asked about them.
    status, out = preflight(capsys, project)
    assert status == 0, out
    assert "webhooks" not in out and "Teams" not in out and "model notifications" not in out and "WARN" not in out
    assert not dbt.requests_to("GET", "webhooks")
    status, out = preflight(capsys, with_alerts(project))
    assert status == 0, out
    assert line(out, "PASS  dbt Cloud webhooks:").startswith(
        "PASS  dbt Cloud webhooks: the account's webhooks answer the token (plan team)"
    )
    assert dbt.requests_to("GET", r"/api/v3/accounts/12345/webhooks/subscriptions$")
    assert line(out, "WARN  Microsoft Teams:") == (
        "WARN  Microsoft Teams: cannot be checked online: no dbt Cloud API tells whether the Teams integration is "
        "linked"
    )
    assert "verify: Account settings -> Integrations -> OAuth: Teams shows as linked" in out
    assert line(out, "WARN  model notifications:").startswith("WARN  model notifications: cannot be checked online")
    assert "verify: an account admin: Notification settings -> Email notifications -> Model notifications" in out
    assert line(out, "PASS  model notifications in production:") == (
        "PASS  model notifications in production: release track 'latest', which every plan offers"
    )
    assert "checks passed, 2 to verify by hand" in out and "FAIL" not in out


def test_webhooks_refused_to_the_plan_or_token_fail_with_the_fix(dbt, databricks, project, capsys):
    dbt.alert_quirks.add("webhooks_forbidden")
    status, out = preflight(capsys, with_alerts(project))
    assert status == 1
    assert line(out, "FAIL  dbt Cloud webhooks:") == (
        "FAIL  dbt Cloud webhooks: the account's webhooks are refused to the token (HTTP 403)"
    )
    assert (
        "fix: webhooks need a Starter or Enterprise plan and a token whose user has the Account Admin, Admin or "
        "Developer permission set (Enterprise) or a Developer license (Starter)"
    ) in out
    dbt.alert_quirks.clear()
    dbt.fail_next("GET", "/webhooks/subscriptions", 404)
    status, out = preflight(capsys, project)
    assert status == 1 and "FAIL  dbt Cloud webhooks: this dbt Cloud has no webhooks API (HTTP 404)" in out


@pytest.mark.parametrize(
    "track, plan, expected",
    [
        (
            "extended",
            "team",
            "FAIL  model notifications in production: release track 'extended' is not offered on plan team",
        ),
        (
            "compatible",
            "starter_2025",
            "PASS  model notifications in production: release track 'compatible', which plan starter_2025 offers",
        ),
        (
            "extended",
            "enterprise_plus_2025",
            "PASS  model notifications in production: release track 'extended', which plan enterprise_plus_2025 offers",
        ),
        (
            "compatible",
            "trial_2025",
            "WARN  model notifications in production: release track 'compatible': dbt's "
            "docs do not say whether plan trial_2025 offers it",
        ),
        (
            "latest-fusion",
            "enterprise",
            "WARN  model notifications in production: release track 'latest-fusion': "
            "dbt's docs do not say which plans offer it",
        ),
    ],
)
def test_the_release_track_of_an_environment_with_model_notifications_is_one_the_plan_offers(
    dbt, databricks, project, capsys, track, plan, expected
):
    dbt.account["plan"] = plan
    status, out = preflight(capsys, with_alerts(project, track))
    assert line(out, expected[:6] + "model notifications in production:") == expected
    assert status == (1 if expected.startswith("FAIL") else 0), out


def test_adopted_webhooks_and_teams_settings_are_found_by_their_ids(dbt, databricks, project, capsys):
    with_alerts(project)
    append(
        project,
        "prod",
        "  dbtcloud-databricks:importIds:\n    notifications:\n      teams-alerts: '7001'\n"
        "    webhooks:\n      incidents: wsu_2b4d6f8h0j\n",
    )
    status, out = preflight(capsys, project)
    assert status == 1
    assert (
        "FAIL  importIds.webhooks.incidents: dbt Cloud has no webhook wsu_2b4d6f8h0j for this token (HTTP 404)" in out
    )
    assert (
        "FAIL  importIds.notifications.teams-alerts: dbt Cloud has no Teams notification setting 7001 for this token "
        "(HTTP 404)"
    ) in out
    assert "fix: fix the id, or remove importIds.webhooks.incidents for pulumi up to create one" in out
    dbt.add_webhook("wsu_2b4d6f8h0j", "Production incidents", "https://hooks.example.com/dbt", ["job.run.errored"])
    dbt.add_teams_setting(7001, "Data platform alerts", TEAMS_TEAM, TEAMS_CHANNEL, [("run_errored", 4001)])
    status, out = preflight(capsys, project)
    assert "PASS  importIds.webhooks.incidents: adopts 'Production incidents' (wsu_2b4d6f8h0j)" in out
    assert "PASS  importIds.notifications.teams-alerts: adopts 'Data platform alerts' (7001)" in out
    assert dbt.requests_to("GET", r"^/api/private/accounts/12345/notification-settings/7001/$")


def test_a_stack_notifying_teams_alone_is_not_asked_for_account_admin_rights(dbt, databricks, project, capsys):
    dbt.notifications_forbidden = True  # a token that is not an account admin's
    edit(project, "prod", NOTIFICATIONS, TEAMS)
    status, out = preflight(capsys, project)
    assert status == 0, out
    assert "dbt Cloud rights" not in out and "WARN  Microsoft Teams:" in out
