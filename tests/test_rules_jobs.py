"""The jobs' rules, notifications' and import ids': each bad value refused before anything is declared."""

from __future__ import annotations

import pytest
from rule_cases import assert_refused, daily, quality
from stack_config import REMOVE, setting

JOB_RULES = [
    (
        "only dbtState on pull-request jobs",
        "dev",
        setting("jobs.pull-requests.costOptimization", "inheritEnvironment"),
        "jobs.pull-requests: inheritEnvironment is not supported on pull-request or merge jobs (the provider would "
        "drop it without a word); dbtState is",
    ),
    (
        "slack channel names as Slack has them",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelName", "#Data Alerts"),
        "notifications.data-alerts-slack.slackChannelName: '#Data Alerts' cannot be a Slack channel: Slack names are "
        "lowercase letters, digits, hyphens and underscores, at most 80 (try '#data-alerts')",
    ),
    (
        "a remote URL that is a clone URL",
        "prod",
        setting("project.repository.remoteUrl", "acme/dw"),
        "project.repository: remoteUrl: 'acme/dw' is not a repository address github_app takes: write the SSH clone "
        "URL, like git@github.com:org/repo.git",
    ),
    (
        "a GitLab project by its path",
        "prod",
        lambda v: (
            v["project"]["repository"].update(gitCloneStrategy="deploy_token", remoteUrl="https://gitlab.com/g/p.git"),
            v["project"]["repository"].pop("githubInstallationId"),
            v["project"]["repository"].update(gitlabProjectId=5),
        ),
        "project.repository: remoteUrl: 'https://gitlab.com/g/p.git' is not a repository address deploy_token takes: "
        "write the GitLab project's path, like my-group/my-project",
    ),
    (
        "steps without shell syntax: &&",
        "prod",
        setting(f"{daily}.steps", ["dbt run && dbt test"]),
        "jobs.daily-pipeline.steps: 'dbt run && dbt test' is shell syntax (&&, ;, |, a # comment, a $VARIABLE or a "
        "line break): dbt Cloud runs each step as one dbt command",
    ),
    (
        "steps without shell syntax: a pipe",
        "prod",
        setting(f"{daily}.steps", ["dbt run | tee run.log"]),
        "jobs.daily-pipeline.steps: 'dbt run | tee run.log' is shell syntax",
    ),
    (
        "steps without a comment",
        "prod",
        setting(f"{daily}.steps", ["dbt build --select tag:nightly # nightly"]),
        "jobs.daily-pipeline.steps: 'dbt build --select tag:nightly # nightly' is shell syntax",
    ),
    (
        "steps without variables",
        "prod",
        setting(f"{daily}.steps", ["dbt build --select $DBT_SELECTOR"]),
        "jobs.daily-pipeline.steps: 'dbt build --select $DBT_SELECTOR' is shell syntax",
    ),
    (
        "one command per step",
        "prod",
        setting(f"{daily}.steps", ["dbt build\ndbt test"]),
        "jobs.daily-pipeline.steps: 'dbt build\\ndbt test' is shell syntax",
    ),
    (
        "steps without shell syntax: ;",
        "prod",
        setting(f"{daily}.steps", ["dbt seed; dbt run"]),
        "jobs.daily-pipeline.steps: 'dbt seed; dbt run' is shell syntax",
    ),
    (
        "jobs only in deployment environments",
        "dev",
        setting("jobs.test-run.environment", "development"),
        "jobs.test-run.environment: 'development' is a development environment and dbt Cloud runs jobs only in "
        "deployment environments; use staging",
    ),
    (
        "job environment exists",
        "prod",
        setting(f"{daily}.environment", "prd"),
        "jobs.daily-pipeline.environment: 'prd' is not an environment of this stack; environments: production",
    ),
    (
        "steps are dbt commands",
        "prod",
        setting(f"{daily}.steps", ["dbt run", "python load.py"]),
        "jobs.daily-pipeline.steps: 'python load.py' is not a dbt command",
    ),
    (
        "steps name a known dbt command",
        "prod",
        setting(f"{daily}.steps", ["dbt rnu"]),
        "jobs.daily-pipeline.steps: 'dbt rnu' is not a dbt command dbt Cloud runs",
    ),
    (
        "at least one step",
        "prod",
        setting(f"{daily}.steps", []),
        "jobs.daily-pipeline.steps: List should have at least 1 item",
    ),
    (
        "cron has 5 fields",
        "prod",
        setting(f"{daily}.schedule.cron", "0 2 * *"),
        "jobs.daily-pipeline.schedule.cron: needs 5 fields (minute, hour, day of month, month, day of week), got 4; "
        "for example '0 2 * * *' runs at 02:00 UTC every day",
    ),
    (
        "cron fields in range",
        "prod",
        setting(f"{daily}.schedule.cron", "0 25 * * *"),
        "jobs.daily-pipeline.schedule.cron: is not a valid cron schedule",
    ),
    (
        "merge trigger stands alone",
        "prod",
        setting(f"{daily}.runOnMerge", True),
        "jobs.daily-pipeline: runOnMerge excludes schedule, runOnPullRequest and runAfter",
    ),
    (
        "chain names a job",
        "prod",
        setting(f"{quality}.runAfter.job", "daily"),
        "jobs.marts-quality.runAfter.job: 'daily' is not a job of this stack; jobs: daily-pipeline, marts-quality",
    ),
    (
        "chain statuses by name",
        "prod",
        setting(f"{quality}.runAfter.statuses", ["failed"]),
        "jobs.marts-quality.runAfter.statuses[0]: Input should be 'success', 'error' or 'canceled'",
    ),
    (
        "no chain cycles",
        "prod",
        setting(f"{daily}.runAfter", {"job": "marts-quality"}),
        "jobs.daily-pipeline.runAfter: jobs run after each other in a circle: daily-pipeline -> marts-quality -> "
        "daily-pipeline",
    ),
    (
        "threads at least 1",
        "prod",
        setting(f"{daily}.threads", 0),
        "jobs.daily-pipeline.threads: Input should be greater than or equal to 1",
    ),
    (
        "timeout positive",
        "prod",
        setting(f"{daily}.timeoutMinutes", 0),
        "jobs.daily-pipeline.timeoutMinutes: Input should be greater than 0",
    ),
    (
        "job names unique",
        "prod",
        setting(f"{quality}.name", "Daily Pipeline - Production"),
        "jobs.marts-quality.name: 'Daily Pipeline - Production' is also the name of job 'daily-pipeline'",
    ),
    (
        "deferral target exists",
        "prod",
        setting(f"{daily}.deferTo", "staging"),
        "jobs.daily-pipeline.deferTo: 'staging' is not among this stack's environments: production",
    ),
    (
        "slack needs channel id and name",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelName", REMOVE),
        "notifications.data-alerts-slack.slackChannelName: is required",
    ),
    (
        "slack channel id shape",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelId", "#data-alerts"),
        "notifications.data-alerts-slack.slackChannelId: is not a Slack channel id (like C0123456789",
    ),
    (
        "external address",
        "prod",
        lambda v: v["notifications"]["data-team-email"].update(type="externalEmail", externalEmail="data team"),
        "notifications.data-team-email.externalEmail: is not an email address (you wrote 'data team')",
    ),
    (
        "external address only for externalEmail",
        "prod",
        setting("notifications.data-team-email.externalEmail", "a@example.com"),
        "notifications.data-team-email.externalEmail: is not a setting here; allowed: onSuccess, onFailure, onCancel, "
        "onWarning, userId, type",
    ),
    (
        "numeric user id",
        "prod",
        setting("notifications.data-team-email.userId", "jane"),
        "notifications.data-team-email.userId: Input should be a valid integer",
    ),
    (
        "notification type in words",
        "prod",
        setting("notifications.data-team-email.type", "email"),
        "notifications.data-team-email.type: must be one of userEmail, externalEmail, slack, slackApp, msTeams "
        "(you wrote 'email')",
    ),
    (
        "notified jobs exist",
        "prod",
        setting("notifications.data-team-email.onFailure", ["daily"]),
        "notifications.data-team-email.onFailure: 'daily' is not a job of this stack",
    ),
    (
        "one notification per recipient",
        "prod",
        lambda v: v["notifications"].update(again=dict(v["notifications"]["data-team-email"])),
        "notifications.again: has the same recipient as 'data-team-email'",
    ),
    (
        "variable names start with DBT_",
        "prod",
        lambda v: v["environmentVariables"].update(TARGET={"production": "x"}),
        "environmentVariables.TARGET: environment variable names must start with DBT_",
    ),
    (
        "reserved variable names",
        "prod",
        lambda v: v["environmentVariables"].update(DBT_CLOUD_RUN_ID={"production": "x"}),
        "environmentVariables.DBT_CLOUD_RUN_ID: is set by dbt Cloud itself",
    ),
    (
        "secret variables are set as secrets",
        "prod",
        lambda v: v["environmentVariables"].update(DBT_ENV_SECRET_KEY={"production": "x"}),
        "environmentVariables.DBT_ENV_SECRET_KEY: DBT_ENV_SECRET_ variables hold secrets: set them under "
        "secretEnvironmentVariables",
    ),
    (
        "variable values by this stack's environments",
        "prod",
        setting("environmentVariables.DBT_SOURCE_SCHEMA.staging", "x"),
        "environmentVariables.DBT_SOURCE_SCHEMA.staging: 'staging' is not an environment of this stack",
    ),
    (
        "project default belongs to the creator",
        "dev",
        setting("environmentVariables.DBT_TARGET_CATALOG.project", "x"),
        "environmentVariables.DBT_TARGET_CATALOG.project: the project-wide default belongs to the stack that creates",
    ),
    (
        "project created or adopted, not both",
        "prod",
        setting("project.fromStack", "organization/x/prod"),
        "project: give exactly one of name (this stack creates the project), fromStack",
    ),
    ("adopting stack says where from", "dev", setting("project", {}), "project: give exactly one of name"),
    (
        "deploy key clones over SSH",
        "prod",
        lambda v: (
            v["project"]["repository"].update(gitCloneStrategy="deploy_key", remoteUrl="https://github.com/o/r.git"),
            v["project"]["repository"].pop("githubInstallationId"),
        ),
        "project.repository: remoteUrl: 'https://github.com/o/r.git' is an HTTPS address, and deploy_key clones "
        "over SSH",
    ),
    (
        "github app needs its installation",
        "prod",
        lambda v: v["project"]["repository"].pop("githubInstallationId"),
        "project.repository: githubInstallationId is required with gitCloneStrategy github_app",
    ),
    (
        "a GitLab project id beside the GitHub app",
        "prod",
        lambda v: v["project"]["repository"].update(gitlabProjectId=5),
        "project.repository: gitlabProjectId belongs to gitCloneStrategy deploy_token, not github_app: leave it out",
    ),
    # docs.getdbt.com, "CI jobs", prerequisites: pull-request triggers need a native Git integration.
    (
        "a CI job needs a repository that can trigger it",
        "prod",
        lambda v: (
            v["project"]["repository"].update(gitCloneStrategy="deploy_key"),
            v["project"]["repository"].pop("githubInstallationId"),
            v["jobs"]["daily-pipeline"].pop("schedule"),
            v["jobs"]["daily-pipeline"].update(runOnPullRequest=True),
        ),
        "jobs.daily-pipeline: runs on pull requests or merges, but the project's repository is cloned with deploy_key",
    ),
    (
        "a merge job needs a repository that can trigger it",
        "prod",
        lambda v: (
            v["project"]["repository"].update(gitCloneStrategy="deploy_key"),
            v["project"]["repository"].pop("githubInstallationId"),
            v["jobs"]["daily-pipeline"].pop("schedule"),
            v["jobs"]["daily-pipeline"].update(runOnMerge=True),
        ),
        "jobs.daily-pipeline: runs on pull requests or merges, but the project's repository is cloned with deploy_key",
    ),
    # terraform-provider-dbtcloud v1.12.5 environment/resource.go:74-79: the API answers "latest" for "versionless",
    # and the provider keeps "versionless" in its state (no diff); schema.go:218 recommends "latest".
    (
        "dbt version as the API returns it",
        "prod",
        setting("environments.production.dbtVersion", "versionless"),
        "environments.production.dbtVersion: 'versionless' is the old name of dbt Cloud's 'latest' track: dbt Cloud "
        "shows and answers 'latest' (the provider keeps 'versionless' in its state, so no change would show, and "
        "recommends 'latest'): write latest",
    ),
    (
        "slack channel names without spaces",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelName", "#data alerts!"),
        "notifications.data-alerts-slack.slackChannelName: '#data alerts!' cannot be a Slack channel: Slack names are "
        "lowercase letters, digits, hyphens and underscores, at most 80 (try '#data-alerts')",
    ),
    (
        "slack app needs its channel",
        "prod",
        lambda v: (
            v["notifications"]["data-alerts-slack"].update(type="slackApp"),
            v["notifications"]["data-alerts-slack"].pop("slackChannelId"),
        ),
        "notifications.data-alerts-slack.slackChannelId: is required",
    ),
    (
        "clone strategy",
        "prod",
        setting("project.repository.gitCloneStrategy", "git_token"),
        "project.repository.gitCloneStrategy: Input should be 'deploy_key', 'github_app', 'deploy_token'",
    ),
    (
        "account id",
        "prod",
        setting("dbtcloud:accountId", "my-account"),
        "dbtcloud:accountId: Input should be a valid integer",
    ),
    (
        "host url ends in /api",
        "prod",
        setting("dbtcloud:hostUrl", "https://cloud.getdbt.com"),
        "dbtcloud:hostUrl: must be an https URL ending in /api",
    ),
    (
        "import ids have the provider's shape",
        "prod",
        lambda v: v.update(importIds={"jobs": {"daily-pipeline": "abc"}}),
        "importIds.jobs.daily-pipeline: must be a number, written as text",
    ),
    (
        "environment import ids name the project",
        "prod",
        lambda v: v.update(importIds={"environments": {"production": "654"}}),
        "importIds.environments.production: must be <project number>:<number>",
    ),
    (
        "import ids name existing jobs",
        "prod",
        lambda v: v.update(importIds={"jobs": {"nightly": "1"}}),
        "importIds.jobs: 'nightly' is not a job of this stack",
    ),
    (
        "import ids name existing environments",
        "prod",
        lambda v: v.update(importIds={"credentials": {"staging": "1:2"}}),
        "importIds.credentials: 'staging': not among this stack's environments: production",
    ),
    (
        "only the creating stack adopts the project",
        "dev",
        lambda v: v.update(importIds={"project": "1"}),
        "importIds: project and repository belong to the stack that creates the project",
    ),
    (
        "deployment token needed",
        "dev",
        setting("deploymentToken", REMOVE),
        "deploymentToken: is required for the deployment environments (staging)",
    ),
]


@pytest.mark.parametrize(
    "stack, change, expected", [rule[1:] for rule in JOB_RULES], ids=[rule[0] for rule in JOB_RULES]
)
def test_job_rule(stack, change, expected):
    assert_refused(stack, change, expected)
