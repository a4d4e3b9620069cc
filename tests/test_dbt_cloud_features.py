"""What dbt Cloud added to jobs and notifications, in the stack files: Advanced CI (compare changes), SQL lint, draft
pull requests, cost optimization (state-aware orchestration on Fusion), paused jobs, Microsoft Teams, webhooks and
model notifications. A copy of the committed stacks that uses every key renders under the contract mocks and passes
`synth check`; each rule is refused with its message; the committed stacks need none of it."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import JOB, MODEL_NOTIFICATIONS, NOTIFICATION_SETTING, WEBHOOK, run_synth
from stack_config import edit

from synth.render import PROJECT_ROOT, render

EVERY_KEY = {
    "dev": [
        (
            "      deploymentType: staging\n      dbtVersion: latest",
            "      deploymentType: staging\n      dbtVersion: latest-fusion",
        ),
        (
            "      timeoutMinutes: 30\n      modelsPerRun: 16",
            "      timeoutMinutes: 30\n      modelsPerRun: 16\n      costOptimization: stateAwareOrchestration",
        ),
        (
            "      deferTo: production\n",
            "      deferTo: production\n      compareChanges: true\n"
            "      compareChangesFlags: --select state:modified+\n      sqlLint: true\n      failOnLintErrors: false\n"
            "      triggerOnDraftPullRequests: true\n      costOptimization: dbtState\n",
        ),
    ],
    "prod": [
        (
            "      runAfter:\n        job: daily-pipeline\n        statuses: [success]\n",
            "      runAfter:\n        job: daily-pipeline\n        statuses: [success]\n      paused: true\n",
        ),
        (
            "        runAs: servicePrincipal    # production runs as the service principal below, not as a person\n",
            "        runAs: servicePrincipal\n"
            "      modelNotifications:\n        onFailure: true\n        onWarning: true\n",
        ),
        (
            "  dbtcloud-databricks:cost:\n    plan: starter",
            "    teams-alerts:\n      type: msTeams\n      teamsTeamId: 00000000-aaaa-bbbb-cccc-000000000000\n"
            "      teamsChannelId: 19:abcdef0123456789@thread.tacv2\n      onFailure: [daily-pipeline]\n"
            "      onWarning: [daily-pipeline, marts-quality]\n"
            "  dbtcloud-databricks:webhooks:\n    incidents:\n      name: Production incidents\n"
            "      url: https://hooks.example.com/dbt\n      events: [errored]\n      jobs: [daily-pipeline]\n"
            "    everything:\n      name: Run log\n      url: https://hooks.example.com/runs\n"
            "      events: [started, completed]\n"
            "  dbtcloud-databricks:cost:\n    plan: starter",
        ),
    ],
}
"""Every new key, on the committed stacks (their text, edited as a user would)."""


@pytest.fixture(scope="module")
def every_key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-key")
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_ROOT / name, folder / name)
    for stack, edits in EVERY_KEY.items():
        for old, new in edits:
            edit(folder, stack, old, new)
    return folder


@pytest.fixture(scope="module")
def renderings(every_key):
    return {stack: render(stack, every_key) for stack in ("prod", "dev")}


def inputs_of(rendering, type_, name):
    return next(r.inputs for r in rendering.resources(type_) if r.name == name)


def test_a_copy_with_every_key_passes_check(every_key, capsys):
    status, printed = run_synth(capsys, "check", "--project-dir", str(every_key))
    assert status == 0, printed


def test_job_settings_reach_the_provider_under_its_names(renderings):
    ci = inputs_of(renderings["dev"], JOB, "jobs-pull-requests")
    assert ci["runCompareChanges"] is True and ci["compareChangesFlags"] == "--select state:modified+"
    assert ci["runLint"] is True and ci["errorsOnLintFailure"] is False and ci["triggersOnDraftPr"] is True
    assert ci["costOptimizationFeatures"] == ["dbt_state"]
    manual = inputs_of(renderings["dev"], JOB, "jobs-test-run")
    assert manual["costOptimizationFeatures"] == ["state_aware_orchestration"]


def test_a_job_without_cost_optimization_states_none(renderings):
    """`costOptimizationFeatures` is always declared, `[]` for none: the provider keeps the account's features when
    the plan leaves them unknown (Optional+Computed), so removing costOptimization must turn it off."""
    assert inputs_of(renderings["prod"], JOB, "jobs-marts-quality")["costOptimizationFeatures"] == []


def test_a_paused_job_keeps_its_settings_with_every_trigger_off(renderings, capsys, every_key):
    marts = inputs_of(renderings["prod"], JOB, "jobs-marts-quality")
    assert marts["triggers"] == {
        "githubWebhook": False,
        "gitProviderWebhook": False,
        "schedule": False,
        "onMerge": False,
    }
    # Running after another job is a trigger too: paused, the chain stays in the file, not in dbt Cloud.
    assert "jobCompletionTriggerConditions" not in marts
    assert renderings["prod"].outputs["jobs"]["marts-quality"]["paused"] is True
    assert "paused" not in renderings["prod"].outputs["jobs"]["daily-pipeline"]
    status, printed = run_synth(capsys, "prod", "--project-dir", str(every_key))
    assert status == 0 and "(paused: every trigger is off" in printed


def test_teams_is_one_setting_with_a_rule_per_job_and_event(renderings):
    teams = inputs_of(renderings["prod"], NOTIFICATION_SETTING, "notifications-teams-alerts")
    assert teams["name"] == "teams-alerts"
    assert teams["channels"] == [
        {
            "channelType": "teams",
            "teamsTeamId": "00000000-aaaa-bbbb-cccc-000000000000",
            "teamsChannelId": "19:abcdef0123456789@thread.tacv2",
        }
    ]
    jobs = {r.name: r.outputs["jobId"] for r in renderings["prod"].resources(JOB)}
    assert sorted((rule["triggerOn"], rule["jobId"]) for rule in teams["rules"]) == sorted(
        [
            ("run_errored", jobs["jobs-daily-pipeline"]),
            ("run_warning", jobs["jobs-daily-pipeline"]),
            ("run_warning", jobs["jobs-marts-quality"]),
        ]
    )


def test_webhooks_name_their_jobs_or_every_job_and_keep_their_secrets(renderings, every_key, capsys):
    incidents = inputs_of(renderings["prod"], WEBHOOK, "webhooks-incidents")
    assert incidents["clientUrl"] == "https://hooks.example.com/dbt" and incidents["eventTypes"] == ["job.run.errored"]
    assert len(incidents["jobIds"]) == 1
    everything = inputs_of(renderings["prod"], WEBHOOK, "webhooks-everything")
    assert "jobIds" not in everything and everything["eventTypes"] == ["job.run.started", "job.run.completed"]
    assert "webhookSigningSecrets" in renderings["prod"].secret_outputs
    secrets = renderings["prod"].outputs["webhookSigningSecrets"].values()
    for argv in (("prod",), ("prod", "--json"), ("check",), ("cost", "--json")):
        status, printed = run_synth(capsys, *argv, "--project-dir", str(every_key))
        assert all(secret not in printed for secret in secrets), argv
    status, printed = run_synth(capsys, "prod", "--project-dir", str(every_key))
    assert "every job of the account" in printed


def test_model_notifications_on_the_production_environment(renderings):
    (notifications,) = renderings["prod"].resources(MODEL_NOTIFICATIONS)
    assert notifications.inputs["enabled"] is True
    assert (notifications.inputs["onFailure"], notifications.inputs["onWarning"]) == (True, True)
    assert "onSuccess" not in notifications.inputs


def test_the_cost_counts_compare_changes_and_paused_jobs(every_key, capsys):
    status, printed = run_synth(capsys, "cost", "--json", "--project-dir", str(every_key))
    assert status == 0
    cost = json.loads(printed)
    notes = " ".join(cost["stacks"]["dev"]["notes"] + cost["stacks"]["prod"]["notes"])
    assert "compare changes runs extra queries" in notes and "marts-quality paused" in notes
    ci = next(job for job in cost["stacks"]["dev"]["jobs"] if job["key"] == "pull-requests")
    assert ci["warehouseHoursPerMonthAtMost"] == pytest.approx(40 * (2 * 30 + 10) / 60, abs=0.1)


# --- Each rule, refused with its message -------------------------------------------------------------------------

REFUSED = [
    (
        "compare changes without deferTo",
        "dev",
        "      deferTo: production\n",
        "      compareChanges: true\n",
        "compareChanges compares with the environment the job defers to: set deferTo",
    ),
    (
        "lint on a scheduled job",
        "prod",
        "      generateDocs: true\n",
        "      generateDocs: true\n      sqlLint: true\n",
        "sqlLint is for pull-request jobs (runOnPullRequest: true)",
    ),
    (
        "state-aware orchestration on a non-Fusion environment",
        "dev",
        "      timeoutMinutes: 30\n      modelsPerRun: 16",
        "      timeoutMinutes: 30\n      modelsPerRun: 16\n      costOptimization: stateAwareOrchestration",
        "stateAwareOrchestration needs dbt Fusion: the job's environment runs dbtVersion 'latest'",
    ),
    (
        "state-aware orchestration on a CI job",
        "dev",
        "      deferTo: production\n",
        "      deferTo: production\n      costOptimization: stateAwareOrchestration\n",
        "stateAwareOrchestration is not supported on pull-request or merge jobs",
    ),
    (
        "two cost features",
        "dev",
        "      deferTo: production\n",
        "      deferTo: production\n      costOptimization: [dbtState, inheritEnvironment]\n",
        "costOptimization takes one feature",
    ),
    (
        "an http webhook",
        "prod",
        "  dbtcloud-databricks:cost:\n    plan: starter",
        "  dbtcloud-databricks:webhooks:\n    x:\n      name: X\n      url: http://hooks.example.com\n"
        "      events: [errored]\n  dbtcloud-databricks:cost:\n    plan: starter",
        "webhooks.x.url: must be an https URL",
    ),
    (
        "Teams without a channel id",
        "prod",
        "  dbtcloud-databricks:cost:\n    plan: starter",
        "    teams:\n      type: msTeams\n      teamsTeamId: t\n      onFailure: [daily-pipeline]\n"
        "  dbtcloud-databricks:cost:\n    plan: starter",
        "notifications.teams.teamsChannelId: is required",
    ),
    (
        "model notifications on the development environment",
        "dev",
        "      type: development\n",
        "      type: development\n      modelNotifications:\n        onFailure: true\n",
        "modelNotifications is for deployment environments",
    ),
]


@pytest.mark.parametrize("why, stack, old, new, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_each_rule_refused_with_its_message(project, capsys, why, stack, old, new, message):
    edit(project, stack, old, new)
    for argv in (("check", stack), (stack,)):
        status, printed = run_synth(capsys, *argv, "--project-dir", str(project))
        assert status == 1 and message in printed, (argv, printed)
        assert "Traceback" not in printed


def test_the_diff_says_paused(repo, capsys):
    edit(repo, "prod", "      timeoutMinutes: 60\n", "      timeoutMinutes: 60\n      paused: true\n")
    status, printed = run_synth(capsys, "diff", "prod", "--base", "HEAD", "--project-dir", str(repo))
    assert status == 1, printed
    assert "paused: every trigger off, its settings kept" in printed


def test_the_diff_says_a_ci_jobs_dropped_deferral_stays_in_dbt_cloud(repo, capsys):
    """The provider keeps the API's deferral of a pull-request or merge job when none is declared (job/resource.go
    :780-784): the diff says to remove it in dbt Cloud too."""
    edit(repo, "dev", "      deferTo: production\n", "")
    status, printed = run_synth(capsys, "diff", "dev", "--base", "HEAD", "--project-dir", str(repo))
    assert status == 1, printed
    assert "note: the provider keeps a pull-request or merge job's deferral when none is declared" in printed
