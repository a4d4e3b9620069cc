"""Each component alone, with small arguments, under the provider mocks."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.runtime import rpc
from pydantic import SecretStr

from components import (
    AdoptedProject, AdoptedProjectArgs, DatabricksConnection, DatabricksConnectionArgs, DbtEnvironments,
    DbtEnvironmentsArgs, DbtJobs, DbtJobsArgs, DbtProject, DbtProjectArgs, EnvironmentVariables,
    EnvironmentVariablesArgs, JobNotifications, JobNotificationsArgs, SqlWarehouse, SqlWarehouseArgs,
)
from helpers import CREDENTIAL, ENV_VAR, ENVIRONMENT, JOB, NOTIFICATION, REPOSITORY, SQL_ENDPOINT, STACK_REFERENCE, only, plain
from settings import (AccountSettings, ConnectionSettings, EnvironmentSettings, JobSettings, NotificationSettings,
                      ProjectSettings, WarehouseSettings)
from sdk_types import type_problems
from synth.render import run_under_mocks


def run(program, stack_outputs=None):
    rendering = run_under_mocks(program, "components-test", "test", {}, stack_outputs=stack_outputs)
    for resource in rendering.resources():
        if not resource.type.startswith("pulumi:"):
            assert type_problems(resource.type, resource.inputs) == []
    return rendering


def test_warehouse_exposes_host_and_http_path_from_odbc_params():
    settings = WarehouseSettings(name="w", size="X-Small", autoStopMinutes=15, serverless=False,
                                 warehouseType="CLASSIC", spotInstancePolicy="RELIABILITY_OPTIMIZED")

    def program():
        warehouse = SqlWarehouse("wh", SqlWarehouseArgs(settings))
        pulumi.export("host", warehouse.host)
        pulumi.export("path", warehouse.http_path)

    rendering = run(program)
    endpoint = only(rendering, SQL_ENDPOINT)
    inputs = plain(endpoint.inputs)
    assert inputs["autoStopMins"] == 15 and inputs["enableServerlessCompute"] is False
    assert inputs["spotInstancePolicy"] == "RELIABILITY_OPTIMIZED"
    assert "tags" not in inputs
    assert endpoint.name == "wh-endpoint"
    assert rendering.outputs == {"host": "dbc-00000000-0000.cloud.databricks.com",
                                 "path": f"/sql/1.0/warehouses/{endpoint.id}"}


def test_serverless_warehouse_sends_no_spot_policy():
    settings = WarehouseSettings(name="w", size="Small", autoStopMinutes=10, tags={"a": "b"})
    inputs = plain(only(run(lambda: SqlWarehouse("wh", SqlWarehouseArgs(settings))), SQL_ENDPOINT).inputs)
    assert "spotInstancePolicy" not in inputs
    assert inputs["tags"] == {"customTags": [{"key": "a", "value": "b"}]}


def test_connection_passes_its_integer_id():
    def program():
        connection = DatabricksConnection("c", DatabricksConnectionArgs(
            ConnectionSettings(name="conn"), host="h.example.com", http_path="/sql/1.0/warehouses/abc"))
        pulumi.export("id", connection.connection_id)

    rendering = run(program)
    assert isinstance(rendering.outputs["id"], int)
    assert plain(rendering.resources()[0].inputs)["databricks"] == {"host": "h.example.com",
                                                                   "httpPath": "/sql/1.0/warehouses/abc"}


@pytest.mark.parametrize("strategy, extra, deploy_key", [
    ("deploy_key", {}, True),
    ("github_app", {"githubInstallationId": 42}, False),
    ("deploy_token", {"gitlabProjectId": 7}, False),
    ("azure_active_directory_app", {"azureActiveDirectoryProjectId": "p", "azureActiveDirectoryRepositoryId": "r"},
     False),
])
def test_project_repository_strategies(strategy, extra, deploy_key):
    url = "git@github.com:o/r.git" if strategy == "deploy_key" else "https://example.com/o/r.git"
    settings = ProjectSettings(name="P", repository={"remoteUrl": url, "gitCloneStrategy": strategy, **extra})

    def program():
        project = DbtProject("p", DbtProjectArgs(settings))
        pulumi.export("deployKey", project.deploy_key)

    rendering = run(program)
    repository = plain(only(rendering, REPOSITORY).inputs)
    assert repository["gitCloneStrategy"] == strategy
    assert {key: repository[key] for key in extra} == extra
    assert (rendering.outputs["deployKey"] is not None) == deploy_key


def test_adopted_project_reads_the_owner_stacks_outputs():
    settings = ProjectSettings(fromStack="organization/x/prod")

    def program():
        project = AdoptedProject("p", AdoptedProjectArgs(settings))
        pulumi.export("projectId", project.project_id)
        pulumi.export("production", project.environment_ids(["production"])["production"])

    rendering = run(program, {"organization/x/prod": {"projectId": 11, "environmentIds": {"production": 22}}})
    assert only(rendering, STACK_REFERENCE).inputs["name"] == "organization/x/prod"
    assert rendering.outputs == {"projectId": 11, "production": 22}


def test_adopted_project_by_id_needs_no_stack_reference():
    settings = ProjectSettings(id=5, environmentIds={"production": 6})

    def program():
        project = AdoptedProject("p", AdoptedProjectArgs(settings))
        pulumi.export("production", project.environment_ids(["production"])["production"])
        pulumi.export("projectId", project.project_id)

    rendering = run(program)
    assert rendering.resources() == []
    assert rendering.outputs == {"production": 6, "projectId": 5}


def test_environments_give_deployment_environments_a_secret_credential():
    environments = {
        "dev": EnvironmentSettings(name="Dev", type="development"),
        "prod": EnvironmentSettings(name="Prod", type="deployment", deploymentType="production", customBranch="main",
                                    credential={"schema": "s"}),
    }

    def program():
        result = DbtEnvironments("e", DbtEnvironmentsArgs(environments, project_id=1, connection_id=2,
                                                          deployment_token="t0ken", protect_production=True))
        pulumi.export("ids", result.environment_ids)

    rendering = run(program)
    credential = only(rendering, CREDENTIAL)
    assert credential.inputs["token"] != "t0ken" and plain(credential.inputs["token"]) == "t0ken"
    by_name = {r.inputs["name"]: r for r in rendering.resources(ENVIRONMENT)}
    assert plain(by_name["Prod"].inputs)["credentialId"] == credential.outputs["credentialId"]
    assert plain(by_name["Prod"].inputs)["useCustomBranch"] is True
    assert plain(by_name["Prod"].inputs)["customBranch"] == "main"
    assert by_name["Prod"].protect and credential.protect and not by_name["Dev"].protect
    assert rendering.outputs["ids"] == {key: by_name[name].outputs["environmentId"]
                                        for key, name in (("dev", "Dev"), ("prod", "Prod"))}


def test_jobs_chain_on_each_others_numbers_and_merge_jobs_stand_alone():
    jobs = [
        ("a", JobSettings(name="A", environment="prod", steps=["dbt deps", "dbt build"], schedule={"cron": "0 * * * *"},
                          sourceFreshness=True, targetName="prod")),
        ("b", JobSettings(name="B", environment="prod", steps=["dbt test"],
                          runAfter={"job": "a", "statuses": ["success", "error"]})),
        ("m", JobSettings(name="M", environment="prod", steps=["dbt build"], runOnMerge=True)),
    ]
    account = AccountSettings(accountId=9, hostUrl="https://ab123.us1.dbt.com/api")

    def program():
        result = DbtJobs("j", DbtJobsArgs(jobs, threads={"a": 2, "b": 3, "m": 4}, project_id=1,
                                          environment_ids={"prod": 2}, account=account))
        pulumi.export("jobs", result.summary)

    rendering = run(program)
    by_name = {r.inputs["name"]: r for r in rendering.resources(JOB)}
    a, b, m = (plain(by_name[name].inputs) for name in "ABM")
    assert a["executeSteps"] == ["dbt build"]  # dbt deps is dbt Cloud's job
    assert (a["runGenerateSources"], a["targetName"]) == (True, "prod")
    assert "targetName" not in b  # dbt Cloud's default target name
    assert b["jobCompletionTriggerConditions"] == [
        {"jobId": by_name["A"].outputs["jobId"], "projectId": 1, "statuses": ["success", "error"]}]
    assert m["triggers"] == {"githubWebhook": False, "gitProviderWebhook": False, "schedule": False, "onMerge": True}
    assert m["jobType"] == "merge" and "jobType" not in a
    assert (a["numThreads"], b["numThreads"]) == (2, 3)
    assert rendering.outputs["jobs"]["a"] == {
        "id": by_name["A"].outputs["jobId"], "url": f"https://ab123.us1.dbt.com/deploy/9/projects/1/jobs/{by_name['A'].id}"}


def test_notifications_use_type_codes_and_job_numbers():
    notifications = {
        "ext": NotificationSettings(type="externalEmail", userId=3, externalEmail="oncall@example.com",
                                    onSuccess=["x"], onWarning=["x"]),
    }
    rendering = run(lambda: JobNotifications("n", JobNotificationsArgs(notifications, job_ids={"x": 77})))
    inputs = plain(only(rendering, NOTIFICATION).inputs)
    assert inputs == {"userId": 3, "notificationType": 4, "externalEmail": "oncall@example.com",
                      "onSuccesses": [77], "onWarnings": [77]}


def test_environment_variables_address_environments_by_name_and_keep_secrets_secret():
    def program():
        EnvironmentVariables("v", EnvironmentVariablesArgs(
            project_id=1, environment_names={"prod": "Production"},
            variables={"DBT_A": {"project": "x", "prod": "y"}},
            secret_variables={"DBT_ENV_SECRET_B": {"prod": SecretStr("s3cret")}}))

    rendering = run(program)
    by_name = {r.inputs["name"]: r for r in rendering.resources(ENV_VAR)}
    assert by_name["DBT_A"].inputs["environmentValues"] == {"project": "x", "Production": "y"}
    secret_values = by_name["DBT_ENV_SECRET_B"].inputs["environmentValues"]
    assert rpc.is_rpc_secret(secret_values)
    assert plain(secret_values) == {"Production": "s3cret"}
    assert not rpc.is_rpc_secret(by_name["DBT_A"].inputs["environmentValues"])
