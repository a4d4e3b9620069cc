"""Adopting a setup made by hand: ids in config become Pulumi `import` options, and the ids flow on."""

from __future__ import annotations

from helpers import (
    CONNECTION,
    CREDENTIAL,
    ENVIRONMENT,
    JOB,
    NOTIFICATION,
    NOTIFICATION_SETTING,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
    SQL_ENDPOINT,
    WEBHOOK,
    plain,
)
from program import declare
from stack_config import raw_config, short_values

from synth.__main__ import main

IDS = {
    "project": "70001",
    "repository": "70001:80002",
    "warehouse": "0123456789abcdef",
    "connection": "90003",
    "environments": {"production": "70001:60004"},
    "credentials": {"production": "70001:50005"},
    "jobs": {"daily-pipeline": "40006"},
}


def adopted():
    values = short_values("prod")
    values.update(deploymentToken="t", importIds=IDS)
    error, registrations = declare(raw_config(values))
    assert error is None
    return {r.type: r for r in registrations if r.custom and r.type != JOB} | {
        r.name: r for r in registrations if r.type == JOB
    }


def test_each_named_resource_is_imported_with_its_id():
    found = adopted()
    assert {
        type_: found[type_].import_id
        for type_ in (PROJECT, REPOSITORY, PROJECT_REPOSITORY, SQL_ENDPOINT, CONNECTION, ENVIRONMENT, CREDENTIAL)
    } == {
        PROJECT: "70001",
        REPOSITORY: "70001:80002",
        PROJECT_REPOSITORY: "70001:80002",
        SQL_ENDPOINT: "0123456789abcdef",
        CONNECTION: "90003",
        ENVIRONMENT: "70001:60004",
        CREDENTIAL: "70001:50005",
    }
    assert found["jobs-daily-pipeline"].import_id == "40006"
    assert found["jobs-marts-quality"].import_id == ""  # not named: created


def test_adopted_numbers_flow_into_the_resources_that_name_them():
    found = adopted()
    daily = plain(found["jobs-daily-pipeline"].inputs)
    assert (daily["projectId"], daily["environmentId"]) == (70001, 60004)
    environment = plain(found[ENVIRONMENT].inputs)
    assert (environment["connectionId"], environment["credentialId"]) == (90003, 50005)
    chained = plain(found["jobs-marts-quality"].inputs)
    assert chained["jobCompletionTriggerConditions"][0]["jobId"] == 40006


def test_the_tree_shows_what_is_adopted(tmp_path, capsys):
    from synth.render import PROJECT_ROOT

    (tmp_path / "Pulumi.yaml").write_text((PROJECT_ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text((PROJECT_ROOT / "__main__.py").read_text())
    text = (PROJECT_ROOT / "Pulumi.prod.yaml").read_text()
    (tmp_path / "Pulumi.adopt.yaml").write_text(
        text + '  dbtcloud-databricks:importIds:\n    jobs:\n      daily-pipeline: "40006"\n'
    )
    assert main(["adopt", "--project-dir", str(tmp_path)]) == 0
    assert "dbtcloud:Job jobs-daily-pipeline  [adopts existing 40006]" in capsys.readouterr().out


TEAMS = {
    "type": "msTeams",
    "teamsTeamId": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
    "teamsChannelId": "19:a1b2c3d4e5f6a7b8c9d0@thread.tacv2",
    "onFailure": ["daily-pipeline"],
}
WEBHOOK_SETTINGS = {"name": "Incidents", "url": "https://hooks.example.com/dbt", "events": ["errored"]}


def with_alerts(import_ids: dict):
    values = short_values("prod")
    values["notifications"]["teams-alerts"] = TEAMS
    values.update(webhooks={"incidents": WEBHOOK_SETTINGS}, deploymentToken="t", importIds=import_ids)
    return declare(raw_config(values))


def test_a_teams_setting_and_a_webhook_are_imported_with_their_ids():
    error, registrations = with_alerts({"notifications": {"teams-alerts": "7001"}, "webhooks": {"incidents": "wsu_1"}})
    assert error is None
    found = {r.type: r for r in registrations if r.type in (NOTIFICATION_SETTING, WEBHOOK)}
    assert (found[NOTIFICATION_SETTING].import_id, found[WEBHOOK].import_id) == ("7001", "wsu_1")
    # The partial notifications take over nothing, so they have no import id to take.
    assert all(r.import_id == "" for r in registrations if r.type == NOTIFICATION)


def test_import_ids_of_notifications_and_webhooks_name_what_the_stack_has():
    problems = {
        str(problem)
        for ids in (
            {"notifications": {"data-team-email": "7001"}},
            {"webhooks": {"pagerduty": "wsu_1"}},
            {"webhooks": {"incidents": "wsu 1"}},
            {"notifications": {"teams-alerts": "wsu_1"}},
        )
        for problem in with_alerts(ids)[0].problems
    }
    assert problems == {
        "importIds.notifications: 'data-team-email': not among this stack's msTeams notifications: teams-alerts (the "
        "other kinds are partial notifications: they need no import)",
        "importIds.webhooks: 'pagerduty': not among this stack's webhooks: incidents",
        "importIds.webhooks.incidents: may not hold spaces (you wrote 'wsu 1')",
        "importIds.notifications.teams-alerts: must be a number, written as text (the number in the resource's dbt "
        "Cloud URL) (you wrote 'wsu_1')",
    }
