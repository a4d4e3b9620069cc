"""One test per config rule: a bad value stops the program before anything is declared, with a message
that names the key as the user wrote it and says what is allowed."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from program import declare
from stack_config import REMOVE, changed, raw_config, setting, short_values

from settings import PROJECT_NAME, ConfigError, RawConfig, load_settings
from settings.across import cross_stack_problems

OWNER_OUTPUTS = {"organization/dbtcloud-databricks/prod": {"projectId": 1, "environmentIds": {"production": 2}}}


def values_of(stack: str) -> dict[str, Any]:
    """A committed stack's values with short keys for this project's settings, and a deployment token."""
    values = short_values(stack)
    values["deploymentToken"] = "t0ken"
    return values


daily = "jobs.daily-pipeline"
quality = "jobs.marts-quality"

RULES = [
    # (id, stack, change, expected message fragment: always starts with the key path)
    (
        "warehouse size",
        "prod",
        setting("warehouse.size", "Tiny"),
        "warehouse.size: Input should be '2X-Small', 'X-Small', 'Small'",
    ),
    (
        "auto-stop explicit",
        "prod",
        setting("warehouse.autoStopMinutes", REMOVE),
        "warehouse.autoStopMinutes: is required",
    ),
    ("never stop needs opt-in", "prod", setting("warehouse.autoStopMinutes", 0), "warehouse: autoStopMinutes: 0 means"),
    (
        "auto-stop floor classic",
        "prod",
        lambda v: v["warehouse"].update(serverless=False, autoStopMinutes=5),
        "warehouse: autoStopMinutes must be 0 or at least 10 for pro and classic warehouses",
    ),
    (
        "auto-stop floor serverless",
        "prod",
        setting("warehouse.autoStopMinutes", 2),
        "warehouse: autoStopMinutes must be 0 or at least 10 for serverless warehouses",
    ),
    # Item 9: names longer than the services take, refused with the limit and its source.
    (
        "warehouse name fewer than 100 characters",
        "prod",
        setting("warehouse.name", "w" * 300),
        'warehouse.name: is 300 characters long; at most 99 are accepted (Databricks: a SQL warehouse name "must be '
        'less than 100 characters" (databricks-sdk 0.162.0, sql.py:10061, WarehousesAPI.create))',
    ),
    (
        "credential schema a Unity Catalog name",
        "prod",
        setting("environments.production.credential.schema", "s" * 256),
        "environments.production.credential.schema: is 256 characters long; at most 255 are accepted (Databricks: "
        'Unity Catalog "object names cannot exceed 255 characters"',
    ),
    (
        "credential catalog a Unity Catalog name",
        "prod",
        setting("environments.production.credential.catalog", "c" * 256),
        "environments.production.credential.catalog: is 256 characters long; at most 255",
    ),
    (
        "connection catalog a Unity Catalog name",
        "dev",
        setting("connection.catalog", "c" * 300),
        "connection.catalog: is 300 characters long; at most 255",
    ),
    # CreateWarehouseRequest.auto_stop_mins: "0 or >= 10", serverless included (the UI's 5 is refused by the API).
    (
        "auto-stop floor serverless is the API's",
        "prod",
        setting("warehouse.autoStopMinutes", 5),
        "warehouse: autoStopMinutes must be 0 or at least 10 for serverless warehouses",
    ),
    # Issue 12: numbers bounded by what the APIs accept, values that YAML reads otherwise, tokens in plain text.
    (
        "job timeout within dbt Cloud's run limit",
        "prod",
        setting(f"{daily}.timeoutMinutes", 99999999999999999999),
        "jobs.daily-pipeline.timeoutMinutes: Input should be less than or equal to 1440",
    ),
    (
        "auto-stop within the API's integer",
        "prod",
        setting("warehouse.autoStopMinutes", 2**31),
        "warehouse.autoStopMinutes: Input should be less than or equal to 2147483647",
    ),
    (
        "a cron that never fires",
        "prod",
        setting(f"{daily}.schedule.cron", "0 2 30 2 *"),
        "jobs.daily-pipeline.schedule.cron: never fires: no date has day of month '30' in month '2'",
    ),
    (
        "a dbt version YAML reads as a number",
        "prod",
        setting("environments.production.dbtVersion", 1.10),
        "environments.production.dbtVersion: YAML read this as the number 1.1 (1.10 becomes 1.1 too)",
    ),
    (
        "an unquoted Slack channel is a YAML comment",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelName", None),
        "notifications.data-alerts-slack.slackChannelName: is empty: in YAML an unquoted #data-alerts starts a comment",
    ),
    (
        "a token in a description",
        "prod",
        setting(f"{daily}.description", "uses " + "dapi" + "0123456789abcdef0123" + " to read"),
        "jobs.daily-pipeline.description: looks like a token or private key in plain text",
    ),
    (
        "a token in a tag",
        "prod",
        setting("warehouse.tags.team", "dbtc" + "_abcdefghijklmnop"),
        "warehouse.tags.team: looks like a token or private key in plain text",
    ),
    (
        "a token in a plain variable",
        "prod",
        setting("environmentVariables.DBT_SOURCE_SCHEMA.project", "dose" + "0123456789abcdef01"),
        "environmentVariables.DBT_SOURCE_SCHEMA.project: looks like a token or private key in plain text",
    ),
    (
        "warehouse access principals",
        "prod",
        setting("warehouse.keepAccessFor", {"data-engineers": "CAN_USE"}),
        "warehouse.keepAccessFor: 'data-engineers' is not a principal",
    ),
    (
        "admins keep warehouse access anyway",
        "prod",
        setting("warehouse.keepAccessFor", {"group:admins": "CAN_MANAGE"}),
        "warehouse.keepAccessFor: 'group:admins' admins always keep their access and cannot be listed",
    ),
    (
        "warehouse access levels",
        "prod",
        setting("warehouse.keepAccessFor", {"group:data-engineers": "CAN_READ"}),
        "warehouse.keepAccessFor.group:data-engineers: Input should be 'CAN_USE'",
    ),
    (
        "adopting a warehouse names who keeps access",
        "prod",
        lambda v: (v.update(importIds={"warehouse": "0123456789abcdef"}), v["warehouse"].pop("keepAccessFor")),
        "warehouse.keepAccessFor: adopting warehouse 0123456789abcdef replaces its whole access list",
    ),
    (
        "serverless needs PRO",
        "prod",
        setting("warehouse.warehouseType", "CLASSIC"),
        "warehouse: serverless: true needs warehouseType: PRO",
    ),
    (
        "warehouse type",
        "prod",
        setting("warehouse.warehouseType", "SERVERLESS"),
        "warehouse.warehouseType: Input should be 'PRO' or 'CLASSIC' (you wrote 'SERVERLESS')",
    ),
    (
        "min <= max clusters",
        "prod",
        setting("warehouse.minClusters", 3),
        "warehouse: minClusters (3) must not exceed maxClusters (2)",
    ),
    (
        "max clusters range",
        "prod",
        setting("warehouse.maxClusters", 41),
        "warehouse.maxClusters: Input should be less than or equal to 40",
    ),
    (
        "min clusters range",
        "prod",
        setting("warehouse.minClusters", 0),
        "warehouse.minClusters: Input should be greater than or equal to 1",
    ),
    (
        "fewer than 45 tags",
        "prod",
        setting("warehouse.tags", {f"t{i}": "x" for i in range(45)}),
        "warehouse.tags: has 45 entries, 1 too many: at most 44 (Databricks takes fewer than 45",
    ),
    (
        "spot policy",
        "prod",
        setting("warehouse.spotInstancePolicy", "CHEAP"),
        "warehouse.spotInstancePolicy: Input should be 'COST_OPTIMIZED' or 'RELIABILITY_OPTIMIZED'",
    ),
    (
        "misspelt key",
        "prod",
        lambda v: v["warehouse"].update(autoStopMinute=10),
        "warehouse.autoStopMinute: is not a setting here; did you mean 'autoStopMinutes'?",
    ),
    (
        "misspelt top-level key",
        "prod",
        lambda v: v.update(notification={}),
        "notification: is not a setting of this project; did you mean 'notifications'?",
    ),
    (
        "one development environment",
        "dev",
        lambda v: v["environments"].update(ide2={"name": "IDE 2", "type": "development"}),
        "environments.ide2: a second development environment (after 'development')",
    ),
    (
        "one production environment",
        "prod",
        lambda v: v["environments"].update(prod2={**v["environments"]["production"], "name": "Production 2"}),
        "environments.prod2: a second production environment (after 'production')",
    ),
    (
        "environment names unique",
        "dev",
        setting("environments.staging.name", "Development"),
        "environments.staging.name: 'Development' is also the name of 'development'",
    ),
    (
        "dbt version",
        "prod",
        setting("environments.production.dbtVersion", "1.7"),
        "environments.production.dbtVersion: is not a dbt version dbt Cloud accepts; did you mean 1.7.0-latest?",
    ),
    (
        "custom branch",
        "prod",
        setting("environments.production.customBranch", "my branch"),
        "environments.production.customBranch: is not a git branch name",
    ),
    (
        "environment type",
        "prod",
        setting("environments.production.type", "prod"),
        "environments.production.type: Input should be 'development' or 'deployment' (you wrote 'prod')",
    ),
    (
        "deployment type",
        "prod",
        setting("environments.production.deploymentType", "live"),
        "environments.production.deploymentType: Input should be 'production', 'staging' or 'general'",
    ),
    (
        "deployment credential",
        "prod",
        setting("environments.production.credential", REMOVE),
        "environments.production: a deployment environment needs a credential",
    ),
    (
        "no credential in development",
        "dev",
        setting("environments.development.credential", {"schema": "x"}),
        "environments.development: a development environment has no deployment credential",
    ),
    (
        "schema characters",
        "prod",
        setting("environments.production.credential.schema", "ana-lytics"),
        "environments.production.credential.schema: may hold only letters, digits, _, spaces",
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
        "project.repository: remoteUrl: 'https://github.com/o/r.git' is an HTTPS address: dbt Cloud clones over SSH",
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
        "slack channel name as dbt Cloud keeps it",
        "prod",
        setting("notifications.data-alerts-slack.slackChannelName", "data-alerts"),
        "notifications.data-alerts-slack.slackChannelName: write it with its '#'",
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


@pytest.mark.parametrize("stack, change, expected", [rule[1:] for rule in RULES], ids=[rule[0] for rule in RULES])
def test_rule(stack, change, expected):
    values = changed(stack, change)
    error, declared = declare(raw_config(values), OWNER_OUTPUTS)
    assert error is not None, "the program accepted the bad value"
    assert declared == [], "something was declared before the error"
    messages = [str(problem) for problem in error.problems]
    assert any(message.startswith(expected) for message in messages), messages


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_stacks_declare_resources(stack):
    error, declared = declare(raw_config(values_of(stack)), OWNER_OUTPUTS)
    assert error is None and declared


def test_every_mistake_is_reported_at_once():
    def many(values):
        values["warehouse"]["size"] = "Huge"
        values["jobs"]["daily-pipeline"]["schedule"]["cron"] = "every day"
        values["jobs"]["daily-pipeline"]["environment"] = "prd"
        values["jobs"]["marts-quality"]["runAfter"]["job"] = "nightly"
        values["notifications"]["data-team-email"]["onFailure"] = ["nightly"]
        values["environments"]["production"]["dbtVersion"] = "1.8"
        values["environmentVariables"]["TARGET"] = {"production": "x"}
        values["colour"] = "blue"

    error, declared = declare(raw_config(changed("prod", many)), OWNER_OUTPUTS)
    assert declared == []
    paths = sorted(problem.path for problem in error.problems)
    assert paths == sorted(
        [
            "warehouse.size",
            "jobs.daily-pipeline.schedule.cron",
            "jobs.daily-pipeline.environment",
            "jobs.marts-quality.runAfter.job",
            "notifications.data-team-email.onFailure",
            "environments.production.dbtVersion",
            "environmentVariables.TARGET",
            "colour",
        ]
    )
    assert str(error).startswith("the stack config has 8 problems; nothing was declared:\n  - ")


def test_a_plain_text_secret_is_refused():
    values = values_of("prod")
    raw = raw_config(values, secret_keys=())
    raw = RawConfig(raw.values, frozenset({"dbtcloud:token"}))  # the runtime says which keys are secret
    error, declared = declare(raw)
    assert declared == []
    assert [str(p) for p in error.problems] == [
        "deploymentToken: is stored in plain text: remove it from the stack file and set it with pulumi config set "
        "--secret deploymentToken <value>"
    ]


def test_a_secret_set_for_a_plain_setting_is_refused():
    raw = raw_config(values_of("prod"), secret_keys=("deploymentToken", "warehouse"))
    assert any(
        str(p).startswith("warehouse: is stored as a secret but is not a secret setting")
        for p in declare(raw)[0].problems
    )


def test_warnings_do_not_stop_the_run():
    def warn(values):
        values["jobs"]["daily-pipeline"]["steps"].insert(0, "dbt deps")
        values["jobs"]["daily-pipeline"]["schedule"]["cron"] = "* 2 * * *"
        values["jobs"]["daily-pipeline"]["threads"] = 100

    loaded = load_settings(raw_config(changed("prod", warn)))
    messages = [str(w) for w in loaded.warnings]
    assert messages[0] == (
        "jobs.daily-pipeline.steps: dbt Cloud runs `dbt deps` before every job itself: the `dbt deps` step is left out"
    )
    assert messages[1].startswith(
        "jobs.daily-pipeline.schedule.cron: '* 2 * * *' starts a run every minute (UTC); next runs: "
    )
    assert messages[2].startswith("jobs.daily-pipeline.threads: 100 threads is more than")
    error, declared = declare(raw_config(changed("prod", warn)))
    assert error is None and declared


def settings_of(stack: str, change: Callable[[dict], Any] = lambda v: None):
    return load_settings(raw_config(changed(stack, change))).settings


def test_cross_stack_the_committed_stacks_agree():
    assert cross_stack_problems({"prod": settings_of("prod"), "dev": settings_of("dev")}, PROJECT_NAME) == []


def test_cross_stack_the_project_is_created_by_exactly_one_stack():
    def create(values):
        values["project"] = values_of("prod")["project"]
        del values["jobs"]["pull-requests"]["deferTo"]

    dev_creates = settings_of("dev", create)
    problems = [str(p) for p in cross_stack_problems({"prod": settings_of("prod"), "dev": dev_creates}, PROJECT_NAME)]
    assert (
        "project: stacks dev, prod all create the project: exactly one may; the others use it through "
        "fromStack or id" in problems
    )


def test_cross_stack_an_adopting_stack_names_the_creator():
    stacks = {
        "dev": settings_of("dev", setting("project.fromStack", "organization/dbtcloud-databricks/qa")),
        "prod": settings_of("prod"),
    }
    assert [str(p) for p in cross_stack_problems(stacks, PROJECT_NAME)] == [
        "dev: project.fromStack: 'organization/dbtcloud-databricks/qa': there is no stack 'qa' here (stacks: dev, prod)"
    ]


def test_cross_stack_a_ci_job_needs_the_creators_repository_to_trigger_it():
    """docs.getdbt.com, "CI jobs", prerequisites: a deploy-key repository sends no pull-request events."""
    stacks = {
        "dev": settings_of("dev"),
        "prod": settings_of(
            "prod",
            setting("project.repository", {"remoteUrl": "git@github.com:o/r.git", "gitCloneStrategy": "deploy_key"}),
        ),
    }
    assert [str(p) for p in cross_stack_problems(stacks, PROJECT_NAME)] == [
        "dev: jobs.pull-requests: runs on pull requests or merges, but the project's repository is cloned with "
        'deploy_key, which gets no pull-request events (docs.getdbt.com, "CI jobs", prerequisites): connect it '
        "through the dbt Cloud GitHub app (gitCloneStrategy: github_app with githubInstallationId), GitLab "
        "(deploy_token) or Azure DevOps (azure_active_directory_app) (in prod's project.repository)"
    ]


def test_cross_stack_environment_names_and_kinds_are_unique():
    def clash(values):
        values["environments"]["staging"].update(name="Production", deploymentType="production")

    problems = [
        str(p)
        for p in cross_stack_problems({"prod": settings_of("prod"), "dev": settings_of("dev", clash)}, PROJECT_NAME)
    ]
    assert problems == [
        "dev: environments.staging: the environment name 'Production' again (also in prod: environments.production): "
        "environment variables find environments by name",
        "dev: environments.staging: a second production environment (also in prod: environments.production); "
        "a project has one of each",
    ]


def test_config_error_is_a_pulumi_run_error():
    import pulumi

    from runtime_config import StackConfigError

    assert issubclass(StackConfigError, pulumi.RunError) and issubclass(StackConfigError, ConfigError)


PRINCIPAL_RULES = [
    (
        "grant on an unconfigured catalog",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"].update(finance=["SELECT"]),
        "servicePrincipal.catalogGrants: 'finance' is not a catalog this stack uses",
    ),
    (
        "schema grant names catalog.schema",
        "prod",
        lambda v: v["servicePrincipal"].update(schemaGrants={"raw": ["SELECT"]}),
        "servicePrincipal.schemaGrants: 'raw' is not catalog.schema",
    ),
    (
        "privileges by name",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"].update(shanghai_transport=["READ"]),
        "servicePrincipal.catalogGrants.shanghai_transport[0]: Input should be 'ALL_PRIVILEGES'",
    ),
    # terraform-provider-databricks#2176 / PR #2198: "Privilege CREATE VIEW is not applicable to this entity".
    (
        "no CREATE_VIEW on a catalog",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"]["shanghai_transport"].append("CREATE_VIEW"),
        "servicePrincipal.catalogGrants.shanghai_transport[6]: Unity Catalog has no CREATE_VIEW privilege",
    ),
    # catalog/resource_grant.go:146-149: a grant's privileges are a set; a repeated one is a slip, named.
    (
        "a catalog privilege listed twice",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"]["shanghai_transport"].append("SELECT"),
        "servicePrincipal.catalogGrants.shanghai_transport: SELECT is listed twice: list each privilege once",
    ),
    (
        "a schema privilege listed twice",
        "prod",
        lambda v: v["servicePrincipal"].update(
            schemaGrants={"shanghai_transport.raw": ["USE_SCHEMA", "SELECT", "USE_SCHEMA"]}
        ),
        "servicePrincipal.schemaGrants.shanghai_transport.raw: USE_SCHEMA is listed twice",
    ),
    # The warehouse's access list is set by the service principal's component: without one it would be dropped.
    (
        "keepAccessFor needs a service principal",
        "dev",
        setting("warehouse.keepAccessFor", {"group:data-engineers": "CAN_USE"}),
        "warehouse.keepAccessFor: names who keeps access to the warehouse beside the stack's service principal: this "
        "stack sets the warehouse's permissions only together with servicePrincipal",
    ),
    # docs/resources/grants.md, "Schema grants": USE_CATALOG and CREATE_SCHEMA are not privileges of a schema.
    (
        "privileges per securable",
        "prod",
        lambda v: v["servicePrincipal"].update(schemaGrants={"shanghai_transport.raw": ["USE_CATALOG", "SELECT"]}),
        "servicePrincipal.schemaGrants.shanghai_transport.raw[0]: Input should be 'ALL_PRIVILEGES'",
    ),
    # docs/resources/obo_token.md: the token depends on the principal's token usage; without a way to it, the first
    # pulumi up fails at the token.
    (
        "token usage is given one way or the other",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": False}),
        "servicePrincipal.tokenPermissions: the service principal needs token usage before its token can be made",
    ),
    (
        "token usage is required",
        "prod",
        setting("servicePrincipal.tokenPermissions", REMOVE),
        "servicePrincipal.tokenPermissions: is required",
    ),
    (
        "token usage one way only",
        "prod",
        setting(
            "servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["group:users"], "viaGroup": "x"}
        ),
        "servicePrincipal.tokenPermissions: give manage: true or viaGroup, not both",
    ),
    (
        "admins keep token access anyway",
        "prod",
        setting(
            "servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["group:users", "group:admins"]}
        ),
        "servicePrincipal.tokenPermissions.keepAccessFor: 'group:admins' admins always keep their access",
    ),
    (
        "token group one can join",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"viaGroup": "users"}),
        "servicePrincipal.tokenPermissions.viaGroup: 'users' is a system group",
    ),
    (
        "the token rotates before it expires",
        "prod",
        setting("servicePrincipal.rotateAfterDays", 80),
        "servicePrincipal: rotating after 80 days leaves too little time",
    ),
    (
        "a token too short-lived to rotate",
        "prod",
        lambda v: v["servicePrincipal"].update(credentialLifetimeDays=10, rotateAfterDays=5),
        "servicePrincipal: a 10-day token cannot be rotated in time",
    ),
    (
        "unknown principal",
        "dev",
        setting("environments.staging.credential.runAs", "servicePrincipal"),
        "environments.staging.credential.runAs: names the service principal, but this stack configures none",
    ),
    (
        "token source",
        "prod",
        setting("environments.production.credential.runAs", "personal"),
        "environments.production.credential.runAs: Input should be 'deploymentToken' or 'servicePrincipal'",
    ),
    (
        "token permissions opt-in lists who keeps access",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": True}),
        "servicePrincipal.tokenPermissions: manage: true replaces the workspace's token permissions",
    ),
    (
        "token permission principals",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["users"]}),
        "servicePrincipal.tokenPermissions.keepAccessFor: 'users' is not a principal",
    ),
    (
        "azure needs its application",
        "prod",
        setting("servicePrincipal.cloud", "azure"),
        "servicePrincipal: cloud azure needs azureApplicationId and azureTenantId",
    ),
    (
        "azure needs its client secret",
        "prod",
        lambda v: v["servicePrincipal"].update(
            cloud="azure",
            azureApplicationId="11111111-2222-3333-4444-555555555555",
            azureTenantId="66666666-7777-8888-9999-000000000000",
        ),
        "servicePrincipalSecret: is required for an Azure service principal",
    ),
    (
        "cloud",
        "prod",
        setting("servicePrincipal.cloud", "oracle"),
        "servicePrincipal.cloud: Input should be 'aws', 'gcp' or 'azure' (you wrote 'oracle')",
    ),
    (
        "token lifetime",
        "prod",
        setting("servicePrincipal.credentialLifetimeDays", 0),
        "servicePrincipal.credentialLifetimeDays: Input should be greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(
    "stack, change, expected", [rule[1:] for rule in PRINCIPAL_RULES], ids=[rule[0] for rule in PRINCIPAL_RULES]
)
def test_principal_rule(stack, change, expected):
    test_rule(stack, change, expected)


def test_a_malformed_secret_is_refused():
    values = values_of("dev")
    values["deploymentToken"] = "   "
    error, declared = declare(raw_config(values), OWNER_OUTPUTS)
    assert declared == [] and str(error.problems[0]).startswith("deploymentToken: is required")


def test_the_program_holds_a_copied_stack_to_the_stack_files_beside_it():
    """Issue 12: `pulumi up` on a stack copied from prod (a second creator of the project) is refused by the program
    itself, as `synth check` refuses it, before anything is declared."""
    error, declared = declare(raw_config(values_of("prod")), stack="qa")
    assert declared == []
    assert [str(problem) for problem in error.problems] == [
        "project: stacks prod, qa all create the project: exactly one may; the others use it through fromStack or id",
        "qa: environments.production: the environment name 'Production' again (also in prod: "
        "environments.production): environment variables find environments by name",
        "qa: environments.production: a second production environment (also in prod: environments.production); "
        "a project has one of each",
        # Names Databricks and dbt Cloud keep unique across the workspace and the project.
        "qa: warehouse.name: the warehouse name 'dbt-production' again in the same workspace (also in prod: "
        "warehouse.name)",
        "qa: servicePrincipal.displayName: the service principal name 'dbt Cloud - Production' again in the same "
        "workspace (also in prod: servicePrincipal.displayName)",
        "qa: jobs.daily-pipeline.name: the job name 'Daily Pipeline - Production' again in the project (also in "
        "prod: jobs.daily-pipeline.name)",
        "qa: jobs.marts-quality.name: the job name 'Marts Data Quality - Production' again in the project (also in "
        "prod: jobs.marts-quality.name)",
    ]


def test_the_program_refuses_a_deferral_the_owner_stack_lacks():
    def defer_to_live(values):
        values["jobs"]["pull-requests"]["deferTo"] = "live"

    error, declared = declare(raw_config(changed("dev", defer_to_live)), OWNER_OUTPUTS)
    assert declared == []
    assert [str(problem) for problem in error.problems] == [
        "dev: jobs.pull-requests.deferTo: defer to 'live', which stack 'prod' does not have (it has production)"
    ]


def test_cross_stack_a_second_development_environment_is_refused():
    """dbt Cloud allows one development environment per project: a third stack with its own IDE environment clashes
    with dev's, whatever it is called."""

    def ide(values):
        values["environments"]["development"]["name"] = "Development (QA)"
        values["environments"]["staging"]["name"] = "QA"
        values["warehouse"]["name"] = "dbt-qa"
        for job in values["jobs"].values():
            job["name"] = f"QA - {job['name']}"

    problems = [
        str(p)
        for p in cross_stack_problems(
            {"prod": settings_of("prod"), "dev": settings_of("dev"), "qa": settings_of("dev", ide)}, PROJECT_NAME
        )
    ]
    assert problems == [
        "qa: environments.development: a second development environment (also in dev: "
        "environments.development); a project has one of each"
    ]


def test_cross_stack_a_warehouse_name_is_unique_in_its_workspace():
    """Databricks refuses a second warehouse of a name ("SQL warehouse with name ... already exists")."""
    problems = [
        str(p)
        for p in cross_stack_problems(
            {"prod": settings_of("prod"), "dev": settings_of("dev", setting("warehouse.name", "dbt-production"))},
            PROJECT_NAME,
        )
    ]
    assert problems == [
        "dev: warehouse.name: the warehouse name 'dbt-production' again in the same workspace (also in prod: "
        "warehouse.name)"
    ]
    other_workspace = settings_of("dev", setting("warehouse.name", "dbt-production"))
    other_workspace = other_workspace.model_copy(update={"databricks_host": "https://dbc-other.cloud.databricks.com"})
    assert cross_stack_problems({"prod": settings_of("prod"), "dev": other_workspace}, PROJECT_NAME) == []
