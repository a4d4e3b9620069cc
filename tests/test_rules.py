"""One test per config rule: a bad value stops the program before anything is declared, with a message
that names the key as the user wrote it and says what is allowed. Warehouse, project, environments; the jobs' rules are
in test_rules_jobs.py, the service principal's in test_rules_principal.py, those across stacks in
test_rules_across.py."""

from __future__ import annotations

import pytest
from program import declare
from rule_cases import OWNER_OUTPUTS, assert_refused, daily, values_of
from stack_config import REMOVE, changed, raw_config, setting

from settings import ConfigError, RawConfig, load_settings

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
        "job timeout within what the API takes",
        "prod",
        setting(f"{daily}.timeoutMinutes", 99999999999999999999),
        "jobs.daily-pipeline.timeoutMinutes: Input should be less than or equal to 35791394",
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
]


@pytest.mark.parametrize("stack, change, expected", [rule[1:] for rule in RULES], ids=[rule[0] for rule in RULES])
def test_rule(stack, change, expected):
    assert_refused(stack, change, expected)


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


def test_settings_the_provider_takes_but_that_do_nothing_are_warned_about():
    """A timeout past the default run limit (an account may have raised it), and the switches' companions without
    their switch (the provider takes each alone: `ops adopt` writes them as dbt Cloud keeps them)."""

    def doubtful(values):
        values["jobs"]["daily-pipeline"]["timeoutMinutes"] = 2000
        values["jobs"]["daily-pipeline"]["compareChangesFlags"] = "--select state:modified+"
        values["jobs"]["daily-pipeline"]["failOnLintErrors"] = False

    messages = [str(w) for w in load_settings(raw_config(changed("prod", doubtful))).warnings]
    assert "jobs.daily-pipeline.timeoutMinutes: dbt Cloud ends every run after the account's run limit, 24 hours " in (
        " ".join(messages)
    )
    assert "jobs.daily-pipeline.compareChangesFlags: has no effect without compareChanges: true (kept as written)" in (
        messages
    )
    assert "jobs.daily-pipeline.failOnLintErrors: has no effect without sqlLint: true (kept as written)" in messages


def test_config_error_is_a_pulumi_run_error():
    import pulumi

    from runtime_config import StackConfigError

    assert issubclass(StackConfigError, pulumi.RunError) and issubclass(StackConfigError, ConfigError)


def test_a_malformed_secret_is_refused():
    values = values_of("dev")
    values["deploymentToken"] = "   "
    error, declared = declare(raw_config(values), OWNER_OUTPUTS)
    assert declared == [] and str(error.problems[0]).startswith("deploymentToken: is required")
