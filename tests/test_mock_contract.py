"""The mocks hold the providers' contract: each rule refuses a breaking input, and nothing real is refused.

A rule on one resource's inputs is shown with `contract.check` and the inputs as the mocks see them (camelCase,
integers as floats); a rule that needs other resources (ordering, a CI job and its repository) with a tiny
program under `run_under_mocks`. The committed stacks render through the same mocks in every other test file.
"""

from __future__ import annotations

import copy
import runpy
import time
from datetime import datetime, timezone

import pulumi
import pulumi_databricks as databricks
import pulumi_dbtcloud as dbtcloud
import pulumiverse_time as time_provider
import pytest
from program import MAIN
from stack_config import raw_config, short_values

from settings import PROJECT_NAME
from synth import contract, types
from synth.contract import ContractViolation
from synth.render import render, run_under_mocks

APP_ID = "8a5d2f7e-1b2c-4d3e-9f00-123456789abc"

VALID: dict[str, dict] = {
    types.GLOBAL_CONNECTION: {
        "name": "Databricks",
        "databricks": {"host": "dbc-1.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/abc", "catalog": "main"},
    },
    types.PROJECT: {"name": "P", "dbtProjectSubdirectory": "data_warehouse/dbt"},
    types.REPOSITORY: {"projectId": 1.0, "remoteUrl": "git@github.com:o/r.git", "gitCloneStrategy": "deploy_key"},
    types.PROJECT_REPOSITORY: {"projectId": 1.0, "repositoryId": 2.0},
    types.ENVIRONMENT: {
        "projectId": 1.0,
        "name": "Production",
        "type": "deployment",
        "deploymentType": "production",
        "dbtVersion": "latest",
        "connectionId": 3.0,
        "credentialId": 4.0,
        "useCustomBranch": False,
    },
    types.CREDENTIAL: {"projectId": 1.0, "token": "dapi-secret-value", "catalog": "main", "schema": "analytics"},
    types.JOB: {
        "projectId": 1.0,
        "environmentId": 5.0,
        "name": "Daily",
        "executeSteps": ["dbt build"],
        "triggers": {"githubWebhook": False, "gitProviderWebhook": False, "schedule": True, "onMerge": False},
        "scheduleType": "custom_cron",
        "scheduleCron": "0 2 * * *",
        "numThreads": 4.0,
        "validateExecuteSteps": True,
        "jobCompletionTriggerConditions": [{"jobId": 9.0, "projectId": 1.0, "statuses": ["success"]}],
    },
    types.NOTIFICATION: {"userId": 100001.0, "notificationType": 1.0, "onFailures": [6.0]},
    types.NOTIFICATION_SETTING: {
        "name": "Prod failures to Teams",
        "channels": [{"channelType": "teams", "teamsTeamId": "t", "teamsChannelId": "19:c@thread.tacv2"}],
        "rules": [{"triggerOn": "run_errored", "jobId": 6.0}],
    },
    types.WEBHOOK: {
        "name": "incidents",
        "clientUrl": "https://hooks.example.com/dbt",
        "eventTypes": ["job.run.errored"],
        "jobIds": [6.0],
    },
    types.MODEL_NOTIFICATIONS: {"environmentId": "5", "enabled": True, "onFailure": True},
    types.ENV_VAR: {"projectId": 1.0, "name": "DBT_TARGET", "environmentValues": {"project": "x"}},
    types.SQL_ENDPOINT: {
        "name": "w",
        "clusterSize": "Small",
        "autoStopMins": 10.0,
        "minNumClusters": 1.0,
        "maxNumClusters": 2.0,
        "warehouseType": "PRO",
        "enableServerlessCompute": True,
        "tags": {"customTags": [{"key": "team", "value": "data"}]},
    },
    types.SERVICE_PRINCIPAL: {"displayName": "dbt Cloud", "databricksSqlAccess": True},
    types.OBO_TOKEN: {"applicationId": APP_ID, "comment": "dbt", "lifetimeSeconds": 7776000.0},
    types.TOKEN: {"comment": "dbt", "lifetimeSeconds": 7776000.0},
    types.PERMISSIONS: {
        "sqlEndpointId": "abc",
        "accessControls": [{"servicePrincipalName": APP_ID, "permissionLevel": "CAN_USE"}],
    },
    types.GRANT: {
        "principal": APP_ID,
        "catalog": "main",
        "privileges": ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY"],
    },
    types.GROUP_MEMBER: {"groupId": "1", "memberId": "2"},
    types.ROTATING: {"rotationDays": 80.0},
    types.STACK_REFERENCE: {"name": "organization/p/prod"},
}

REMOVE = object()


def changed(base: dict, changes: dict) -> dict:
    """The inputs with dotted-path changes applied (`REMOVE` deletes)."""
    inputs = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = inputs
        for key in parents:
            target = target.setdefault(key, {})
        if value is REMOVE:
            target.pop(last, None)
        else:
            target[last] = value
    return inputs


# (type, changes to the valid inputs, the rule's input, a phrase of the rule) -> the mocks refuse it.
CASES = [
    # dbt Cloud: GlobalConnection
    (types.GLOBAL_CONNECTION, {"name": REMOVE}, "name", "is required"),
    (types.GLOBAL_CONNECTION, {"databricks.host": REMOVE}, "databricks.host", "is required"),
    (types.GLOBAL_CONNECTION, {"databricks.httpPath": REMOVE}, "databricks.httpPath", "is required"),
    (
        types.GLOBAL_CONNECTION,
        {"databricks.host": "https://dbc-1.cloud.databricks.com"},
        "databricks.host",
        "without scheme",
    ),
    # Project
    (types.PROJECT, {"name": REMOVE}, "name", "is required"),
    # Repository
    (types.REPOSITORY, {"projectId": REMOVE}, "projectId", "is required"),
    (types.REPOSITORY, {"remoteUrl": REMOVE}, "remoteUrl", "is required"),
    (types.REPOSITORY, {"gitCloneStrategy": "git_token"}, "gitCloneStrategy", "one of"),
    (types.REPOSITORY, {"gitCloneStrategy": "github_app"}, "gitCloneStrategy", "github_app needs"),
    (types.REPOSITORY, {"gitCloneStrategy": "deploy_token"}, "gitCloneStrategy", "deploy_token (GitLab) needs"),
    (
        types.REPOSITORY,
        {"gitCloneStrategy": "azure_active_directory_app", "azureActiveDirectoryRepositoryId": "r"},
        "gitCloneStrategy",
        "needs azureActiveDirectoryProjectId",
    ),
    (
        types.REPOSITORY,
        {"gitCloneStrategy": "azure_active_directory_app", "azureActiveDirectoryProjectId": "p"},
        "gitCloneStrategy",
        "needs azureActiveDirectoryRepositoryId",
    ),
    (types.REPOSITORY, {"githubInstallationId": 42.0}, "githubInstallationId", "only with"),
    (types.REPOSITORY, {"gitlabProjectId": 7.0}, "gitlabProjectId", "only with"),
    # ProjectRepository
    (types.PROJECT_REPOSITORY, {"projectId": REMOVE}, "projectId", "is required"),
    (types.PROJECT_REPOSITORY, {"repositoryId": REMOVE}, "repositoryId", "is required"),
    # Environment
    (types.ENVIRONMENT, {"projectId": REMOVE}, "projectId", "is required"),
    (types.ENVIRONMENT, {"name": REMOVE}, "name", "is required"),
    (types.ENVIRONMENT, {"type": REMOVE}, "type", "is required"),
    (types.ENVIRONMENT, {"type": "staging", "deploymentType": REMOVE}, "type", "one of"),
    (types.ENVIRONMENT, {"deploymentType": "general"}, "deploymentType", "one of"),
    (types.ENVIRONMENT, {"type": "development", "credentialId": REMOVE}, "type", "does not take deploymentType"),
    (types.ENVIRONMENT, {"type": "development", "deploymentType": REMOVE}, "type", "does not take credentialId"),
    (types.ENVIRONMENT, {"dbtVersion": "1.7"}, "dbtVersion", "matches"),
    (types.ENVIRONMENT, {"customBranch": "main"}, "customBranch", "needs use_custom_branch"),
    (types.ENVIRONMENT, {"useCustomBranch": True}, "useCustomBranch", "true needs custom_branch"),
    (types.ENVIRONMENT, {"primaryProfileId": 8.0}, "primaryProfileId", "cannot be set"),
    # DatabricksCredential
    (types.CREDENTIAL, {"projectId": REMOVE}, "projectId", "is required"),
    (types.CREDENTIAL, {"schema": REMOVE}, "schema", "required unless"),
    (types.CREDENTIAL, {"schema": "analytics;drop"}, "schema", "matches"),
    (types.CREDENTIAL, {"tokenWo": "dapi-other-secret"}, "token", "cannot be set together with tokenWo"),
    (types.CREDENTIAL, {"token": REMOVE}, "token", "needs a token"),
    (types.CREDENTIAL, {"adapterType": "spark"}, "adapterType", "one of"),
    # Job
    (types.JOB, {"projectId": REMOVE}, "projectId", "is required"),
    (types.JOB, {"environmentId": REMOVE}, "environmentId", "is required"),
    (types.JOB, {"name": REMOVE}, "name", "is required"),
    (types.JOB, {"executeSteps": REMOVE}, "executeSteps", "is required"),
    (types.JOB, {"executeSteps": []}, "executeSteps", "at least 1"),
    (types.JOB, {"triggers": REMOVE}, "triggers", "is required"),
    (types.JOB, {"triggers.onMerge": True}, "triggers.onMerge", "other triggers must be false"),
    (types.JOB, {"executeSteps": ["dbt deps"]}, "executeSteps", "dbt commands the provider knows"),
    (types.JOB, {"scheduleType": "hourly"}, "scheduleType", "one of"),
    (
        types.JOB,
        {"scheduleCron": REMOVE, "scheduleType": "interval_cron", "scheduleInterval": 24.0},
        "scheduleInterval",
        "from 1 to 23",
    ),
    (
        types.JOB,
        {"scheduleCron": REMOVE, "scheduleInterval": 2.0, "scheduleHours": [1.0]},
        "scheduleInterval",
        "together with scheduleHours",
    ),
    (types.JOB, {"scheduleInterval": 2.0}, "scheduleInterval", "together with scheduleCron"),
    (types.JOB, {"scheduleHours": [1.0]}, "scheduleHours", "together with scheduleCron"),
    (types.JOB, {"scheduleCron": REMOVE, "scheduleHours": []}, "scheduleHours", "at least 1"),
    (types.JOB, {"scheduleDays": []}, "scheduleDays", "at least 1"),
    (
        types.JOB,
        {"deferringEnvironmentId": 7.0, "selfDeferring": False},
        "deferringEnvironmentId",
        "together with selfDeferring",
    ),
    (
        types.JOB,
        {"deferringEnvironmentId": 7.0, "deferringJobId": 8.0},
        "deferringEnvironmentId",
        "together with deferringJobId",
    ),
    (types.JOB, {"selfDeferring": True, "deferringJobId": 8.0}, "selfDeferring", "together with deferringJobId"),
    (types.JOB, {"runCompareChanges": True}, "runCompareChanges", "needs deferringEnvironmentId"),
    (types.JOB, {"jobType": "pull_request"}, "jobType", "one of"),
    (types.JOB, {"costOptimizationFeatures": ["efficient_testing"]}, "costOptimizationFeatures", "features among"),
    (
        types.JOB,
        {"costOptimizationFeatures": ["dbt_state", "state_aware_orchestration"]},
        "costOptimizationFeatures",
        "dbt_state and inherit_environment alone",
    ),
    (types.JOB, {"dbtVersion": "1.7"}, "dbtVersion", "matches"),
    (
        types.JOB,
        {
            "jobCompletionTriggerConditions": [
                {"jobId": 9.0, "projectId": 1.0, "statuses": ["success"]},
                {"jobId": 10.0, "projectId": 1.0, "statuses": ["error"]},
            ]
        },
        "jobCompletionTriggerConditions",
        "at most one",
    ),
    (
        types.JOB,
        {"jobCompletionTriggerConditions": [{"jobId": 9.0, "projectId": 1.0, "statuses": ["cancelled"]}]},
        "jobCompletionTriggerConditions",
        "job_id, project_id and statuses",
    ),
    # PartialNotification
    (types.NOTIFICATION, {"userId": REMOVE}, "userId", "is required"),
    (types.NOTIFICATION, {"notificationType": 3.0}, "notificationType", "one of"),
    (types.NOTIFICATION, {"state": 3.0}, "state", "one of"),
    (types.NOTIFICATION, {"externalEmail": "a@example.com"}, "notificationType", "type 1"),
    (types.NOTIFICATION, {"notificationType": 2.0, "slackChannelId": "C1"}, "notificationType", "types 2 and 5"),
    (
        types.NOTIFICATION,
        {"notificationType": 5.0, "slackChannelName": "data-alerts"},
        "notificationType",
        "types 2 and 5",
    ),
    (types.NOTIFICATION, {"notificationType": 4.0}, "notificationType", "type 4 (external email) needs"),
    (
        types.NOTIFICATION,
        {"notificationType": 4.0, "externalEmail": "a@example.com", "slackChannelId": "C1"},
        "externalEmail",
        "together with slackChannelId",
    ),
    (
        types.NOTIFICATION,
        {"notificationType": 4.0, "externalEmail": "a@example.com", "slackChannelName": "x"},
        "externalEmail",
        "together with slackChannelName",
    ),
    # NotificationSetting (Teams)
    (types.NOTIFICATION_SETTING, {"name": REMOVE}, "name", "is required"),
    (types.NOTIFICATION_SETTING, {"channels": REMOVE}, "channels", "is required"),
    (types.NOTIFICATION_SETTING, {"channels": []}, "channels", "at least 1"),
    (types.NOTIFICATION_SETTING, {"channels": [{"channelType": "slack"}]}, "channels", "a channel of type teams"),
    (types.NOTIFICATION_SETTING, {"rules": REMOVE}, "rules", "is required"),
    (types.NOTIFICATION_SETTING, {"rules": []}, "rules", "at least 1"),
    (types.NOTIFICATION_SETTING, {"rules": [{"triggerOn": "run_failed"}]}, "rules", "trigger_on one of"),
    # Webhook
    (types.WEBHOOK, {"name": REMOVE}, "name", "is required"),
    (types.WEBHOOK, {"clientUrl": REMOVE}, "clientUrl", "is required"),
    (types.WEBHOOK, {"eventTypes": REMOVE}, "eventTypes", "is required"),
    (types.WEBHOOK, {"eventTypes": []}, "eventTypes", "at least 1"),
    (types.WEBHOOK, {"eventTypes": ["job.run.failed"]}, "eventTypes", "events among"),
    # ModelNotifications
    (types.MODEL_NOTIFICATIONS, {"environmentId": REMOVE}, "environmentId", "is required"),
    (types.MODEL_NOTIFICATIONS, {"environmentId": "production"}, "environmentId", "matches"),
    # PartialEnvironmentVariable
    (types.ENV_VAR, {"projectId": REMOVE}, "projectId", "is required"),
    (types.ENV_VAR, {"name": REMOVE}, "name", "is required"),
    (types.ENV_VAR, {"environmentValues": REMOVE}, "environmentValues", "is required"),
    (types.ENV_VAR, {"name": "TARGET"}, "name", "matches"),
    (types.ENV_VAR, {"name": "DBT_CLOUD_RUN_ID"}, "name", "sets itself"),
    # SqlEndpoint
    (types.SQL_ENDPOINT, {"name": REMOVE}, "name", "is required"),
    (types.SQL_ENDPOINT, {"name": "w" * 100}, "name", "fewer than 100 characters"),
    (types.SQL_ENDPOINT, {"clusterSize": REMOVE}, "clusterSize", "is required"),
    (types.SQL_ENDPOINT, {"clusterSize": "Tiny"}, "clusterSize", "one of"),
    (types.SQL_ENDPOINT, {"autoStopMins": 5.0}, "autoStopMins", "at least 10"),
    (types.SQL_ENDPOINT, {"maxNumClusters": 41.0, "minNumClusters": 1.0}, "maxNumClusters", "from 1 to 40"),
    (types.SQL_ENDPOINT, {"minNumClusters": 3.0}, "minNumClusters", "at most min"),
    (types.SQL_ENDPOINT, {"warehouseType": "SERVERLESS"}, "warehouseType", "one of"),
    (types.SQL_ENDPOINT, {"warehouseType": "CLASSIC"}, "enableServerlessCompute", "needs warehouse_type PRO"),
    (types.SQL_ENDPOINT, {"spotInstancePolicy": "SPOT"}, "spotInstancePolicy", "one of"),
    (
        types.SQL_ENDPOINT,
        {"tags.customTags": [{"key": f"k{i}", "value": "v"} for i in range(45)]},
        "tags.customTags",
        "fewer than 45",
    ),
    (types.SQL_ENDPOINT, {"tags.customTags": [{"key": "team"}]}, "tags.customTags", "a key and a value"),
    # ServicePrincipal
    (types.SERVICE_PRINCIPAL, {"displayName": REMOVE}, "displayName", "display_name"),
    # OboToken, Token
    (types.OBO_TOKEN, {"applicationId": REMOVE}, "applicationId", "is required"),
    (types.OBO_TOKEN, {"lifetimeSeconds": 0.0}, "lifetimeSeconds", "from 1 up"),
    (types.TOKEN, {"lifetimeSeconds": -1.0}, "lifetimeSeconds", "from 1 up"),
    # Permissions
    (types.PERMISSIONS, {"accessControls": REMOVE}, "accessControls", "is required"),
    (types.PERMISSIONS, {"accessControls": []}, "accessControls", "at least 1"),
    (types.PERMISSIONS, {"authorization": "tokens"}, "sqlEndpointId", "exactly one object"),
    (types.PERMISSIONS, {"sqlEndpointId": REMOVE, "authorization": "secrets"}, "authorization", "one of"),
    (
        types.PERMISSIONS,
        {"accessControls": [{"servicePrincipalName": APP_ID, "groupName": "users", "permissionLevel": "CAN_USE"}]},
        "accessControls",
        "exactly one of",
    ),
    (
        types.PERMISSIONS,
        {"accessControls": [{"servicePrincipalName": APP_ID, "permissionLevel": "CAN_RUN"}]},
        "accessControls.permissionLevel",
        "a level the object takes",
    ),
    (
        types.PERMISSIONS,
        {
            "sqlEndpointId": REMOVE,
            "authorization": "tokens",
            "accessControls": [{"servicePrincipalName": APP_ID, "permissionLevel": "CAN_MONITOR"}],
        },
        "accessControls.permissionLevel",
        "a level the object takes",
    ),
    (
        types.PERMISSIONS,
        {"accessControls": [{"groupName": "data", "permissionLevel": "IS_OWNER"}]},
        "accessControls.permissionLevel",
        "never a group",
    ),
    (
        types.PERMISSIONS,
        {"accessControls": [{"groupName": "admins", "permissionLevel": "CAN_MANAGE"}]},
        "accessControls.groupName",
        "admin permissions cannot be changed",
    ),
    # Grant
    (types.GRANT, {"principal": REMOVE}, "principal", "is required"),
    (types.GRANT, {"privileges": REMOVE}, "privileges", "is required"),
    (types.GRANT, {"privileges": []}, "privileges", "at least 1"),
    (types.GRANT, {"schema": "main.raw"}, "catalog", "exactly one securable"),
    (types.GRANT, {"privileges": ["USE_CATALOG", "CREATE_VIEW"]}, "privileges", "apply to the securable"),
    # GroupMember
    (types.GROUP_MEMBER, {"groupId": REMOVE}, "groupId", "is required"),
    (types.GROUP_MEMBER, {"memberId": REMOVE}, "memberId", "is required"),
    # time.Rotating
    (types.ROTATING, {"rotationDays": REMOVE}, "rotationDays", "at least one of"),
    (types.ROTATING, {"rotationDays": 0.0, "rotationHours": 1.0}, "rotationDays", "from 1 up"),
    (types.ROTATING, {"rotationHours": 0.0}, "rotationHours", "from 1 up"),
    (types.ROTATING, {"rotationMinutes": -5.0}, "rotationMinutes", "from 1 up"),
    (types.ROTATING, {"rotationMonths": 0.0}, "rotationMonths", "from 1 up"),
    (types.ROTATING, {"rotationYears": 0.0}, "rotationYears", "from 1 up"),
    # StackReference
    (types.STACK_REFERENCE, {"name": REMOVE}, "name", "is required"),
]


def _rule(type_: str, input_: str, phrase: str) -> contract.Rule:
    found = [rule for rule in contract.CONTRACT[type_] if rule.input == input_ and phrase in rule.rule]
    assert len(found) == 1, f"{type_} {input_} {phrase!r} names {len(found)} rules"
    return found[0]


def _case_id(case) -> str:
    type_, changes, input_, phrase = case
    return f"{type_.split(':')[-1]}-{input_}-{phrase}"


@pytest.mark.parametrize("type_", sorted(VALID))
def test_valid_inputs_of_every_declared_type_pass(type_):
    assert contract.check(type_, "ok", VALID[type_]) == []


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_each_rule_refuses_a_breaking_input(case):
    type_, changes, input_, phrase = case
    rule = _rule(type_, input_, phrase)
    violations = contract.check(type_, "it", changed(VALID[type_], changes))
    assert (input_, rule.rule, rule.source) in {(v.input, v.rule, v.source) for v in violations}, violations
    assert all(v.type == type_ and v.name == "it" for v in violations)
    assert any(rule.source in str(v) and input_ in str(v) for v in violations)  # the refusal cites its source


def test_every_rule_has_a_breaking_case():
    exercised = {(type_, _rule(type_, input_, phrase)) for type_, _, input_, phrase in CASES}
    every = {(type_, rule) for type_, rules in contract.CONTRACT.items() for rule in rules}
    assert every - exercised == set()


def test_every_rule_names_its_source():
    for type_, rules in contract.CONTRACT.items():
        for rule in rules:
            assert rule.source.strip(), (type_, rule.input)
    for type_, rules in contract.CONTEXT_RULES.items():
        for rule in rules:
            assert rule.source.strip(), (type_, rule.input)


def test_every_type_the_program_declares_has_a_contract():
    # grep of the components: what `pulumi up` would create for the committed stacks and their variants.
    declared = {
        types.SQL_ENDPOINT,
        types.SERVICE_PRINCIPAL,
        types.OBO_TOKEN,
        types.TOKEN,
        types.PERMISSIONS,
        types.GRANT,
        types.GLOBAL_CONNECTION,
        types.PROJECT,
        types.REPOSITORY,
        types.PROJECT_REPOSITORY,
        types.ENVIRONMENT,
        types.CREDENTIAL,
        types.JOB,
        types.NOTIFICATION,
        types.ENV_VAR,
        types.STACK_REFERENCE,
        types.GROUP_MEMBER,
        types.ROTATING,
    }
    assert declared <= set(contract.CONTRACT)


def test_a_secret_value_never_appears_in_a_refusal():
    violations = contract.check(
        types.CREDENTIAL, "c", changed(VALID[types.CREDENTIAL], {"tokenWo": "dapi-other-secret"})
    )
    text = str(ContractViolation(violations))
    assert "tokenWo" in text and "dapi-secret-value" not in text and "dapi-other-secret" not in text


# --- Under the mocks: a refused registration fails the rendering clearly, and only that rendering ----------


def test_a_refused_registration_fails_the_rendering_with_resource_input_rule_and_source():
    def program():
        warehouse = databricks.SqlEndpoint("wh", name="w", cluster_size="Small", auto_stop_mins=5)
        # Something that depends on the refused resource: its error must not hide the violation.
        dbtcloud.GlobalConnection(
            "conn",
            name="c",
            databricks=dbtcloud.GlobalConnectionDatabricksArgs(
                host="h.example.com", http_path=warehouse.odbc_params.apply(lambda p: p.path)
            ),
        )

    started = time.monotonic()
    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(program, "contract-test", "test", {})
    assert time.monotonic() - started < 10
    (violation,) = raised.value.violations
    assert (violation.type, violation.name, violation.input) == (types.SQL_ENDPOINT, "wh", "autoStopMins")
    message = str(raised.value)
    assert "stack 'test'" in message and "'wh'" in message and "autoStopMins: 5" in message
    assert "0 (never) or at least 10 minutes" in message and "auto_stop_mins" in message


def test_a_refusal_does_not_leak_into_the_next_rendering():
    with pytest.raises(ContractViolation):
        run_under_mocks(lambda: dbtcloud.Project("p", name=None, description="no name"), "contract-test", "a", {})
    rendering = run_under_mocks(lambda: dbtcloud.Project("p", name="named"), "contract-test", "b", {})
    assert [r.type for r in rendering.resources()] == [types.PROJECT]


def test_a_program_that_catches_the_error_still_fails():
    def program():
        try:
            databricks.SqlEndpoint("wh", name="w", cluster_size="Tiny", auto_stop_mins=10)
        except Exception:  # noqa: BLE001 - what a careless program might do
            pass

    with pytest.raises(ContractViolation, match="clusterSize"):
        run_under_mocks(program, "contract-test", "test", {})


# --- Ids and outputs of the real shape ---------------------------------------------------------------------------


def test_ids_and_outputs_have_the_real_shape():
    def program():
        project = dbtcloud.Project("p", name="P")
        project_id = project.id.apply(int)
        connection = dbtcloud.GlobalConnection(
            "c",
            name="C",
            databricks=dbtcloud.GlobalConnectionDatabricksArgs(
                host="h.example.com", http_path="/sql/1.0/warehouses/abc"
            ),
        )
        repository = dbtcloud.Repository("r", project_id=project_id, remote_url="git@github.com:o/r.git")
        dbtcloud.ProjectRepository("link", project_id=project_id, repository_id=repository.repository_id)
        environment = dbtcloud.Environment(
            "e",
            project_id=project_id,
            name="Production",
            type="deployment",
            deployment_type="production",
            connection_id=connection.id.apply(int),
        )
        dbtcloud.DatabricksCredential(
            "cred", project_id=project_id, token=pulumi.Output.secret("dapi-x"), schema="analytics"
        )
        dbtcloud.Job(
            "j",
            project_id=project_id,
            environment_id=environment.environment_id,
            name="J",
            execute_steps=["dbt build"],
            triggers=dbtcloud.JobTriggersArgs(
                github_webhook=False, git_provider_webhook=False, schedule=False, on_merge=False
            ),
        )
        warehouse = databricks.SqlEndpoint("wh", name="w", cluster_size="Small", auto_stop_mins=10)
        principal = databricks.ServicePrincipal("sp", display_name="dbt")
        usage = databricks.Permissions(
            "usage",
            authorization="tokens",
            access_controls=[
                databricks.PermissionsAccessControlArgs(
                    service_principal_name=principal.application_id, permission_level="CAN_USE"
                )
            ],
        )
        databricks.Permissions(
            "wh-use",
            sql_endpoint_id=warehouse.id,
            access_controls=[
                databricks.PermissionsAccessControlArgs(
                    service_principal_name=principal.application_id, permission_level="CAN_USE"
                )
            ],
        )
        databricks.Grant("catalog", principal=principal.application_id, catalog="main", privileges=["USE_CATALOG"])
        databricks.Grant("schema", principal=principal.application_id, schema="main.raw", privileges=["SELECT"])
        databricks.GroupMember("member", group_id="42", member_id=principal.id)
        databricks.OboToken(
            "token", application_id=principal.application_id, opts=pulumi.ResourceOptions(depends_on=[usage])
        )

    rendering = run_under_mocks(program, "contract-test", "test", {})
    by_name = {r.name: r for r in rendering.resources()}
    project_id = by_name["p"].id
    assert project_id.isdigit() and by_name["c"].id.isdigit() and by_name["j"].id.isdigit()
    assert by_name["j"].outputs["jobId"] == int(by_name["j"].id)
    repository_id = by_name["r"].outputs["repositoryId"]
    assert by_name["r"].id == f"{project_id}:{repository_id}"
    assert by_name["link"].id == f"{project_id}:{repository_id}"
    assert by_name["e"].id == f"{project_id}:{by_name['e'].outputs['environmentId']}"
    assert by_name["cred"].id == f"{project_id}:{by_name['cred'].outputs['credentialId']}"
    warehouse_id = by_name["wh"].id
    assert by_name["wh-use"].id == f"/sql/warehouses/{warehouse_id}"
    assert by_name["usage"].id == "/authorization/tokens"
    application_id = by_name["sp"].outputs["applicationId"]
    assert by_name["catalog"].id == f"catalog/main/{application_id}"
    assert by_name["schema"].id == f"schema/main.raw/{application_id}"
    assert by_name["member"].id == f"42|{by_name['sp'].id}"
    assert by_name["wh"].outputs["odbcParams"]["path"] == f"/sql/1.0/warehouses/{warehouse_id}"


# --- Rules across resources (need the registrations before) ------------------------------------------------------


def _principal_and_token(make_usage, token_kind="obo"):
    def program():
        principal = databricks.ServicePrincipal("sp", display_name="dbt")
        after = make_usage(principal)
        if token_kind == "obo":
            databricks.OboToken(
                "token",
                application_id=principal.application_id,
                lifetime_seconds=3600,
                opts=pulumi.ResourceOptions(depends_on=after),
            )

    return program


def _token_usage(principal, level="CAN_USE", who=None):
    return databricks.Permissions(
        "token-usage",
        authorization="tokens",
        access_controls=[
            databricks.PermissionsAccessControlArgs(
                service_principal_name=who or principal.application_id, permission_level=level
            )
        ],
    )


def test_a_token_without_token_usage_permission_is_refused():
    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(_principal_and_token(lambda principal: []), "contract-test", "test", {})
    (violation,) = raised.value.violations
    assert (violation.type, violation.name, violation.input) == (types.OBO_TOKEN, "token", "dependsOn")
    assert "obo_token.md" in violation.source


def test_a_token_after_the_principals_token_usage_passes():
    run_under_mocks(_principal_and_token(lambda principal: [_token_usage(principal)]), "contract-test", "test", {})


def test_token_usage_the_token_does_not_wait_for_is_refused():
    def make(principal):
        _token_usage(principal)
        return []

    with pytest.raises(ContractViolation, match="dependsOn"):
        run_under_mocks(_principal_and_token(make), "contract-test", "test", {})


def test_token_usage_for_someone_else_is_refused():
    with pytest.raises(ContractViolation, match="dependsOn"):
        run_under_mocks(_principal_and_token(lambda p: [_token_usage(p, who="other-app-id")]), "contract-test", "t", {})


def test_group_membership_counts_as_token_usage():
    def make(principal):
        return [databricks.GroupMember("in-token-users", group_id="1234", member_id=principal.id)]

    run_under_mocks(_principal_and_token(make), "contract-test", "test", {})


def test_token_usage_reached_through_a_component_counts():
    def make(principal):
        component = pulumi.ComponentResource("test:index:Access", "access")
        databricks.Permissions(
            "token-usage",
            authorization="tokens",
            access_controls=[
                databricks.PermissionsAccessControlArgs(
                    service_principal_name=principal.application_id, permission_level="CAN_USE"
                )
            ],
            opts=pulumi.ResourceOptions(parent=component),
        )
        return [component]

    run_under_mocks(_principal_and_token(make), "contract-test", "test", {})


def test_a_token_for_a_principal_made_elsewhere_is_not_judged():
    run_under_mocks(lambda: databricks.OboToken("token", application_id=APP_ID), "contract-test", "test", {})


def test_an_azure_principals_own_token_needs_token_usage_through_its_provider():
    def program(with_usage: bool):
        def run():
            principal = databricks.ServicePrincipal("sp", application_id=APP_ID, display_name="dbt")
            after = [_token_usage(principal)] if with_usage else [principal]
            signed_in = databricks.Provider(
                "as-principal",
                host="https://adb-1.azuredatabricks.net",
                azure_client_id=APP_ID,
                azure_client_secret="s",
                azure_tenant_id="t",
                opts=pulumi.ResourceOptions(depends_on=after),
            )
            databricks.Token("token", comment="dbt", opts=pulumi.ResourceOptions(provider=signed_in))

        return run

    run_under_mocks(program(True), "contract-test", "test", {})
    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(program(False), "contract-test", "test", {})
    assert raised.value.violations[0].type == types.TOKEN


def test_only_one_token_permissions_resource_per_workspace():
    def program():
        principal = databricks.ServicePrincipal("sp", display_name="dbt")
        _token_usage(principal)
        databricks.Permissions(
            "more-token-usage",
            authorization="tokens",
            access_controls=[databricks.PermissionsAccessControlArgs(group_name="users", permission_level="CAN_USE")],
        )

    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(program, "contract-test", "test", {})
    # The two register in either order (one waits for the principal's application id): the second is refused.
    (violation,) = raised.value.violations
    assert violation.input == "authorization" and violation.name in {"token-usage", "more-token-usage"}


def _project_with(strategy: str, job_first: bool, **triggers):
    def program():
        project = dbtcloud.Project("p", name="P")
        project_id = project.id.apply(int)

        def repository():
            extra = {"github_installation_id": 42} if strategy == "github_app" else {}
            dbtcloud.Repository(
                "repo", project_id=project_id, remote_url="git@github.com:o/r.git", git_clone_strategy=strategy, **extra
            )

        def job():
            flags = {"github_webhook": False, "git_provider_webhook": False, "schedule": False, "on_merge": False}
            dbtcloud.Job(
                "ci",
                project_id=project_id,
                environment_id=5,
                name="CI",
                execute_steps=["dbt build"],
                triggers=dbtcloud.JobTriggersArgs(**{**flags, **triggers}),
            )

        if job_first:
            job(), repository()
        else:
            repository(), job()

    return program


@pytest.mark.parametrize("triggers", [{"github_webhook": True, "git_provider_webhook": True}, {"on_merge": True}])
@pytest.mark.parametrize("job_first", [False, True])
def test_pull_request_and_merge_jobs_need_a_natively_integrated_repository(triggers, job_first):
    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(_project_with("deploy_key", job_first, **triggers), "contract-test", "test", {})
    # Whichever of the two registers second is refused (both wait for the project's number, in either order).
    (violation,) = raised.value.violations
    assert violation.type in {types.REPOSITORY, types.JOB} and "ci-jobs" in violation.source
    run_under_mocks(_project_with("github_app", job_first, **triggers), "contract-test", "test", {})
    run_under_mocks(_project_with("deploy_key", job_first, schedule=True), "contract-test", "test", {})


@pytest.mark.parametrize("kind", ["development", "production"])
def test_one_development_and_one_production_environment_per_project(kind):
    def program():
        for name in ("first", "second"):
            args = (
                {"type": "development"}
                if kind == "development"
                else {"type": "deployment", "deployment_type": "production"}
            )
            dbtcloud.Environment(name, project_id=1, name=name, **args)

    with pytest.raises(ContractViolation) as raised:
        run_under_mocks(program, "contract-test", "test", {})
    (violation,) = raised.value.violations  # the second to register, in whichever order they do
    assert violation.name in {"first", "second"} and violation.type == types.ENVIRONMENT


# --- time.Rotating under the mocks' clock ------------------------------------------------------------------------

NOW = datetime(2026, 1, 31, 12, 30, 15, tzinfo=timezone.utc)


def _rotating(**args):
    rendering = run_under_mocks(
        lambda: time_provider.Rotating("rotation", **args), "contract-test", "test", {}, now=NOW
    )
    (rotation,) = rendering.resources(types.ROTATING)
    return rotation


def test_rotating_starts_now_and_rotates_after_the_period():
    rotation = _rotating(rotation_days=80)
    outputs = rotation.outputs
    assert rotation.id == outputs["rfc3339"] == "2026-01-31T12:30:15Z"
    assert outputs["rotationRfc3339"] == "2026-04-21T12:30:15Z"
    assert (outputs["year"], outputs["month"], outputs["day"]) == (2026, 4, 21)
    assert (outputs["hour"], outputs["minute"], outputs["second"]) == (12, 30, 15)
    assert outputs["unix"] == int(datetime(2026, 4, 21, 12, 30, 15, tzinfo=timezone.utc).timestamp())


def test_rotating_months_overflow_like_go_and_a_given_base_wins_over_the_clock():
    assert _rotating(rotation_months=1).outputs["rotationRfc3339"] == "2026-03-03T12:30:15Z"
    rotation = _rotating(rfc3339="2025-12-01T00:00:00Z", rotation_hours=36)
    assert rotation.outputs["rfc3339"] == "2025-12-01T00:00:00Z"
    assert rotation.outputs["rotationRfc3339"] == "2025-12-02T12:00:00Z"


def test_rotating_without_a_period_is_refused():
    with pytest.raises(ContractViolation, match="at least one of rotation_days"):
        _rotating()


# --- The committed stacks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_every_committed_stack_renders_through_the_contract(stack):
    rendering = render(stack)
    assert rendering.resources()


def test_prod_with_token_usage_passes_every_other_rule_and_dev_renders_on_it():
    """Apart from the token's ordering, which the committed prod stack does not meet yet (tokenPermissions.manage
    is false), the committed stacks keep every rule: prod with token usage managed renders, and dev renders
    against its outputs."""
    values = short_values("prod")
    values["servicePrincipal"]["tokenPermissions"] = {"manage": True, "keepAccessFor": ["group:users"]}
    prod = _run_main(raw_config(values), "prod")
    assert {r.type for r in prod.resources()} >= {types.OBO_TOKEN, types.PERMISSIONS, types.GRANT}
    dev_values = short_values("dev")
    dev = _run_main(raw_config(dev_values), "dev", {dev_values["project"]["fromStack"]: prod.outputs})
    assert dev.resources(types.JOB)


def _run_main(raw, stack, stack_outputs=None):
    return run_under_mocks(
        lambda: runpy.run_path(MAIN, run_name="__main__"),
        PROJECT_NAME,
        stack,
        raw.values,
        raw.secret_keys,
        stack_outputs=stack_outputs,
    )


def test_synth_prints_a_refusal_as_an_error_without_a_traceback(tmp_path, capsys):
    from synth.__main__ import main

    (tmp_path / "Pulumi.yaml").write_text("name: contract-cli\nruntime: python\n")
    (tmp_path / "Pulumi.x.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_databricks as databricks\n"
        "databricks.SqlEndpoint('wh', name='w', cluster_size='Small', auto_stop_mins=5)\n"
    )
    assert main(["x", "--project-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: stack 'x' declares 1 resource the real providers would refuse")
    assert "'wh': autoStopMins: 5" in error and "Traceback" not in error


def test_the_contract_is_an_independent_oracle():
    """The contract reads the providers' source and documentation, never this project's own rules: a wrong rule in
    `components.rules` or the settings must be caught by it, not copied into it."""
    import re
    from pathlib import Path

    folder = Path(contract.__file__).parent
    for path in sorted(folder.glob("*.py")):
        imported = re.findall(
            r"^\s*(?:from|import) (components|settings|stack_args|runtime_config)\b", path.read_text(), re.M
        )
        assert imported == [], f"synth/contract/{path.name} imports {imported}"
        assert len(path.read_text().splitlines()) <= 400, f"synth/contract/{path.name} is over 400 lines"
