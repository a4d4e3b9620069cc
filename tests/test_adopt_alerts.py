"""`python -m ops adopt` of what tells people about runs beyond notifications: a Microsoft Teams notification setting,
a webhook and model notifications, against the fake dbt Cloud (their endpoints, in the spec or outside it as
`fakes/outside_spec.py` names them) and Databricks on 127.0.0.1. Nothing of ours is patched."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fakes.alerts import TEAMS_CHANNEL, TEAMS_TEAM, seed_alerts
from fakes.databricks import DATABRICKS_TOKEN
from fakes.dbt_cloud import TOKEN
from fakes.projects import seed_hand_made
from helpers import MODEL_NOTIFICATIONS, NOTIFICATION_SETTING, WEBHOOK, run_synth

from ops.cli import main
from settings.files import CliYamlLoader
from synth.render import render

ROOT = Path(__file__).resolve().parent.parent
NS = "dbtcloud-databricks"
ZERO = "0 differences"
HMAC = "whsec-"
"""How the fake's webhook signing secrets begin: never printed, never written."""


@pytest.fixture
def alerts(dbt, databricks) -> None:
    seed_hand_made(dbt, databricks)
    seed_alerts(dbt)


def adopt(capsys, folder: Path, *argv: str) -> tuple[int, str]:
    status = main(["adopt", "--stack", "prod", "--project-dir", str(folder), "--project-id", "270542", *argv])
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert TOKEN not in text and DATABRICKS_TOKEN not in text and HMAC not in text
    return status, captured.out + captured.err


def config_of(folder: Path) -> dict:
    text = (folder / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    assert HMAC not in text
    return yaml.load(text, Loader=CliYamlLoader)["config"]


def test_teams_a_webhook_and_model_notifications_adopt_with_0_differences_check_and_stay_unchanged(
    alerts, dbt, folder, capsys, monkeypatch
):
    status, out = adopt(capsys, folder, "--write")
    assert status == 0, out
    assert "declares what the account holds for all 16 adopted resources: 0 differences" in out
    assert "left out" not in out
    config = config_of(folder)
    assert config[f"{NS}:environments"]["production"]["modelNotifications"] == {"onFailure": True, "onWarning": True}
    assert "modelNotifications" not in config[f"{NS}:environments"]["development"]
    assert config[f"{NS}:notifications"]["data-platform-alerts"] == {
        "type": "msTeams",
        "teamsTeamId": TEAMS_TEAM,
        "teamsChannelId": TEAMS_CHANNEL,
        "name": "Data platform alerts",
        "description": "Production runs that fail or warn",
        "onFailure": ["daily-pipeline-production"],
        "onWarning": ["daily-pipeline-production", "marts-data-quality-production"],
    }
    assert config[f"{NS}:webhooks"] == {
        "production-incidents": {
            "name": "Production incidents",
            "url": "https://hooks.example.com/dbt",
            "events": ["errored"],
            "jobs": ["daily-pipeline-production"],
        }
    }
    ids = config[f"{NS}:importIds"]
    assert ids["notifications"] == {"data-platform-alerts": "7001"}
    assert ids["webhooks"] == {"production-incidents": "wsu_2b4d6f8h0j"}
    assert "note: dbt Cloud gives a webhook's signing secret only when the webhook is created" in out
    # Read where dbt Labs' provider reads them: the spec'd v3 list, the environments' model notifications and the
    # private API's Teams settings (outside the specs), each setting by id as the provider's import reads it.
    assert dbt.requests_to("GET", r"/api/v3/accounts/12345/webhooks/subscriptions$")
    assert len(dbt.requests_to("GET", r"/api/v3/accounts/12345/environments/\d+/model-notifications/$")) == 2
    assert dbt.requests_to("GET", r"/api/private/accounts/12345/notification-settings/7001/$")
    status, out = adopt(capsys, folder, "--write")
    assert status == 0 and "Pulumi.prod.yaml already holds this setup: unchanged" in out and ZERO in out

    # The written stack renders through the real program with the three adopted, and passes synth check (the file
    # alone: not the fake's http address in the environment).
    for name in ("DBT_CLOUD_HOST_URL", "DBT_CLOUD_ACCOUNT_ID", "DATABRICKS_HOST"):
        monkeypatch.delenv(name)
    rendering = render("prod", folder)
    (teams,) = rendering.resources(NOTIFICATION_SETTING)
    (webhook,) = rendering.resources(WEBHOOK)
    (model,) = rendering.resources(MODEL_NOTIFICATIONS)
    assert (teams.import_id, webhook.import_id, model.import_id) == ("7001", "wsu_2b4d6f8h0j", "")
    assert model.inputs["environmentId"] == "234567"
    status, printed = run_synth(capsys, "check", "--project-dir", str(folder))
    assert status == 0, printed


def test_keys_given_by_hand_are_kept_when_adopting_again(alerts, dbt, folder, capsys):
    assert adopt(capsys, folder, "--write")[0] == 0
    text = (folder / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    renamed = text.replace("data-platform-alerts", "teams").replace("production-incidents", "incidents")
    (folder / "Pulumi.prod.yaml").write_text(renamed, encoding="utf-8")
    status, out = adopt(capsys, folder, "--write")
    assert status == 0 and "unchanged" in out, out
    dbt.webhooks[0]["name"] = "PagerDuty"  # renamed in dbt Cloud: the key stays, the name follows
    dbt.notification_settings[0]["name"] = "teams"
    status, out = adopt(capsys, folder, "--write", "--force")
    assert status == 0 and ZERO in out, out
    config = config_of(folder)
    assert config[f"{NS}:webhooks"]["incidents"]["name"] == "PagerDuty"
    assert "name" not in config[f"{NS}:notifications"]["teams"]  # the key is its name
    assert config[f"{NS}:importIds"]["webhooks"] == {"incidents": "wsu_2b4d6f8h0j"}


def test_a_webhook_for_every_job_of_the_account_is_adopted_only_when_asked(alerts, dbt, folder, capsys):
    dbt.add_webhook("wsu_everything01", "Run log", "https://hooks.example.com/runs", ["job.run.completed"], [])
    status, out = adopt(capsys, folder, "--write")
    assert status == 0 and ZERO in out, out
    assert (
        "webhook wsu_everything01 ('Run log') = 'every job of the account': it names no job, so dbt Cloud sends it the "
        "runs of every job of the account: it is the account's, not this project's; adopt it in one stack only, "
        "with --account-webhooks (pulumi leaves it as it is)"
    ) in out
    assert list(config_of(folder)[f"{NS}:webhooks"]) == ["production-incidents"]
    status, out = adopt(capsys, folder, "--write", "--force", "--account-webhooks")
    assert status == 0 and "for all 17 adopted resources: 0 differences" in out, out
    config = config_of(folder)
    assert config[f"{NS}:webhooks"]["run-log"] == {
        "name": "Run log",
        "url": "https://hooks.example.com/runs",
        "events": ["completed"],
    }
    assert config[f"{NS}:importIds"]["webhooks"]["run-log"] == "wsu_everything01"


def test_what_a_stack_cannot_hold_is_left_out_with_why_and_the_self_check_finds_it(alerts, dbt, folder, capsys):
    dbt.add_project("Marketing Analytics", 280001)
    dbt.add_environment(280001, "Marketing Production", 244444, "production")
    dbt.add_job(280001, 244444, "Marketing Daily", 688888)
    dbt.webhooks[0].update(job_ids=[678901, 688888], active=False)  # also another project's job; switched off
    # Rules in an order a stack cannot write (warnings before failures), one for another project's job.
    dbt.notification_settings[0]["rules"] = [
        {"id": 1, "trigger_on": "run_warning", "job_id": 678902, "job_name": None},
        {"id": 2, "trigger_on": "run_errored", "job_id": 678901, "job_name": None},
        {"id": 3, "trigger_on": "run_errored", "job_id": 688888, "job_name": None},
    ]
    dbt.add_teams_setting(7002, "Everything", TEAMS_TEAM, TEAMS_CHANNEL, [("run_errored", None)])
    dbt.add_teams_setting(7003, "Marketing only", TEAMS_TEAM, TEAMS_CHANNEL, [("run_errored", 688888)])
    dbt.add_environment(
        270542, "Staging", 234568, "staging", connection_id=456789, credentials_id=567891, dbt_version="1.7.0-latest"
    )
    dbt.add_credential(270542, 567891, "staging")
    dbt.set_model_notifications(234568, on_success=True)
    dbt.set_model_notifications(234566, on_skipped=True)  # Development

    status, out = adopt(capsys, folder, "--write")
    assert status == 1
    for line in (
        "webhooks.production-incidents.job_ids = [688888]: jobs outside this project: the stack's webhooks name its "
        "own jobs, so the first preview would drop them (the first preview would change it)",
        "webhooks.production-incidents.active = False: a webhook switched off is not in the model (the first preview "
        "would change it)",
        "notifications.data-platform-alerts.rules = ['run_errored 688888']: triggers the stack does not know, or jobs "
        "outside this project: the first preview would drop them (the first preview would change it)",
        "notifications.data-platform-alerts.rules = ['run_warning 678902', 'run_errored 678901']: the provider "
        "compares the rules in order",
        "Teams notification setting 7002 ('Everything') = 'every job of the account': a rule without a job fires for "
        "every job of the account",
        "environments.staging.modelNotifications = {'onSuccess': True}: on dbt version 1.7.0-latest: the stack sets "
        "them on environments on a release track",
        "environments.development.modelNotifications = {'onSkipped': True}: on a development environment: the stack "
        "sets them on deployment environments, where jobs run (pulumi leaves it as it is)",
    ):
        assert line in out, line
    assert "Marketing only" not in out and "7003" not in (folder / "Pulumi.prod.yaml").read_text()
    # The self-check compares the adopted ones input by input, in the order the provider compares lists in.
    assert "webhooks.production-incidents: jobIds: declared [678901], live [678901, 688888]" in out
    assert "webhooks.production-incidents: active: declared True, live False" in out
    assert (
        "notifications.data-platform-alerts: rules: declared [{'jobId': 678901, 'triggerOn': 'run_errored'}, {'jobId': "
        "678902, 'triggerOn': 'run_warning'}], live [{'triggerOn': 'run_warning', 'jobId': 678902}, {'triggerOn': "
        "'run_errored', 'jobId': 678901}, {'triggerOn': 'run_errored', 'jobId': 688888}]"
    ) in out
    assert "self-check: 3 differences" in out and "4 settings above would change at the first preview" in out


def test_an_api_that_answers_otherwise_is_said_and_the_rest_adopted(alerts, dbt, folder, capsys):
    dbt.alert_quirks.update({"teams_list_missing", "model_notifications_disabled"})
    dbt.model_notifications.clear()  # Production's too: `enabled: false` for every environment
    status, out = adopt(capsys, folder, "--write")
    assert status == 0 and "for all 14 adopted resources: 0 differences" in out, out
    assert (
        "note: Microsoft Teams notification settings not read (listing them answered HTTP 404): the file holds none. "
        "dbt Cloud serves them through a private API its published specs lack; adopt one by hand with "
        "importIds.notifications.<key>"
    ) in out
    config = config_of(folder)
    assert "data-platform-alerts" not in config[f"{NS}:notifications"]
    assert "modelNotifications" not in config[f"{NS}:environments"]["production"]
    dbt.alert_quirks = {"webhooks_forbidden"}
    status, out = adopt(capsys, folder)
    assert status == 0 and "note: webhooks not read (HTTP 403): the file holds none" in out, out


def test_every_page_of_webhooks_is_read_and_other_projects_webhooks_left_alone(alerts, dbt, folder, capsys):
    for number in range(104):
        dbt.add_webhook(
            f"wsu_other{number:04d}", f"Other {number}", "https://hooks.example.com/x", ["job.run.started"], [999999]
        )
    dbt.add_webhook("wsu_zlast", "Quality warnings", "https://hooks.example.com/q", ["job.run.completed"], [678902])
    status, out = adopt(capsys, folder, "--write")
    assert status == 0 and ZERO in out, out
    webhooks = config_of(folder)[f"{NS}:webhooks"]
    assert list(webhooks) == ["production-incidents", "quality-warnings"]
    assert webhooks["quality-warnings"]["jobs"] == ["marts-data-quality-production"]
    assert any(query.get("offset") == ["100"] for _, _, path, query in dbt.requests_to("GET", "webhooks/subscriptions"))


def test_job_ids_are_read_as_numbers_or_as_text():
    from ops.adopt.read_alerts import numbers

    # The spec says integers; dbt's docs show `"job_ids": ["123", "321"]`, and the provider reads either
    # (webhook.go FlexibleStringSlice).
    assert numbers(["123", 321, " 7 ", True, "x", None, 4.5]) == [123, 321, 7]
    assert numbers(None) == []
