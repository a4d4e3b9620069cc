"""The contract tests' cases: valid inputs of every declared type, and per rule an input that breaks it."""

from __future__ import annotations

import copy

from synth import contract, type_tokens as types

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
    (
        types.JOB,
        {"jobType": "ci", "costOptimizationFeatures": ["inherit_environment"]},
        "costOptimizationFeatures",
        "on a pull-request or merge job",
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
