"""Each component alone, from a Python caller's point of view: typed arguments only, under the provider mocks,
with the smallest useful arguments and with the guide's production values."""

from __future__ import annotations

import pulumi
import pytest
from helpers import (
    CONNECTION,
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    GRANT,
    GROUP_MEMBER,
    JOB,
    NOTIFICATION,
    OBO_TOKEN,
    PERMISSIONS,
    PROJECT,
    REPOSITORY,
    SQL_ENDPOINT,
    STACK_REFERENCE,
    TOKEN,
    only,
    plain,
)
from pulumi.runtime import rpc
from sdk_types import type_problems

from components import (
    DatabricksConnection,
    DbtEnvironments,
    DbtJobs,
    DbtProject,
    DbtServicePrincipal,
    EnvironmentVariables,
    InvalidArgument,
    JobNotifications,
    ReferencedProject,
    SqlWarehouse,
)
from synth.render import run_under_mocks


def run(program, stack_outputs=None):
    rendering = run_under_mocks(program, "components-test", "test", {}, stack_outputs=stack_outputs)
    for resource in rendering.resources():
        if not resource.type.startswith("pulumi:"):
            assert type_problems(resource.type, resource.inputs) == []
    # Every child is the component's: parented to a component, never to the stack.
    components = {r.urn for r in rendering.components()}
    assert all(r.parent in components for r in rendering.resources())
    return rendering


def refused(program) -> tuple[InvalidArgument, list]:
    """The argument error a program ends with, and everything it registered before (nothing, for these rules)."""
    caught: list[InvalidArgument] = []

    def guarded():
        try:
            program()
        except InvalidArgument as error:
            caught.append(error)

    rendering = run_under_mocks(guarded, "components-test", "test", {})
    assert caught, "the component accepted what it should refuse"
    return caught[0], rendering.registrations


# --- SqlWarehouse -----------------------------------------------------------------------------------------------


def test_smallest_warehouse_is_serverless_pro_with_explicit_auto_stop():
    def program():
        warehouse = SqlWarehouse("wh", {"name": "w", "size": "2X-Small", "auto_stop_minutes": 10})
        pulumi.export("host", warehouse.host)
        pulumi.export("path", warehouse.http_path)

    rendering = run(program)
    endpoint = only(rendering, SQL_ENDPOINT)
    assert plain(endpoint.inputs) == {
        "name": "w",
        "clusterSize": "2X-Small",
        "autoStopMins": 10,
        "enableServerlessCompute": True,
        "warehouseType": "PRO",
        "minNumClusters": 1,
        "maxNumClusters": 1,
    }
    assert endpoint.name == "wh-endpoint"
    assert rendering.components()[0].type == "dbtplatform:databricks:SqlWarehouse"
    assert rendering.outputs == {
        "host": "dbc-00000000-0000.cloud.databricks.com",
        "path": f"/sql/1.0/warehouses/{endpoint.id}",
    }


def test_production_warehouse_from_the_guide():
    args = {
        "name": "dbt-production",
        "size": "Small",
        "auto_stop_minutes": 10,
        "serverless": True,
        "warehouse_type": "PRO",
        "min_clusters": 1,
        "max_clusters": 2,
        "spot_instance_policy": "COST_OPTIMIZED",
        "tags": {"team": "data-platform", "environment": "production"},
    }
    inputs = plain(only(run(lambda: SqlWarehouse("warehouse", args)), SQL_ENDPOINT).inputs)
    assert (inputs["clusterSize"], inputs["maxNumClusters"]) == ("Small", 2)
    assert "spotInstancePolicy" not in inputs  # serverless ignores it: not sent
    assert inputs["tags"] == {
        "customTags": [{"key": "team", "value": "data-platform"}, {"key": "environment", "value": "production"}]
    }


def test_classic_warehouse_sends_its_spot_policy():
    args = {
        "name": "w",
        "size": "X-Small",
        "auto_stop_minutes": 15,
        "serverless": False,
        "warehouse_type": "CLASSIC",
        "spot_instance_policy": "RELIABILITY_OPTIMIZED",
    }
    inputs = plain(only(run(lambda: SqlWarehouse("wh", args)), SQL_ENDPOINT).inputs)
    assert inputs["spotInstancePolicy"] == "RELIABILITY_OPTIMIZED" and inputs["enableServerlessCompute"] is False


@pytest.mark.parametrize(
    "extra, value, message",
    [
        ({"auto_stop_minutes": 0}, 0, "never stops and bills around the clock; set allowNeverStop: true"),
        ({"auto_stop_minutes": 5}, 5, "must be 0 or at least 10 for serverless warehouses"),
        (
            {"auto_stop_minutes": 9, "serverless": False, "warehouse_type": "CLASSIC"},
            9,
            "must be 0 or at least 10 for pro and classic warehouses",
        ),
        ({}, None, "required, in minutes (Databricks would use 120 when left out)"),
    ],
)
def test_warehouse_auto_stop_is_explicit_and_sensible(extra, value, message):
    error, registered = refused(lambda: SqlWarehouse("wh", {"name": "w", "size": "Small", **extra}))
    assert (error.key, error.value) == ("autoStopMinutes", value)
    assert message in str(error) and str(error).startswith("SqlWarehouse 'wh': autoStopMinutes = ")
    assert registered == []  # refused before anything is declared


def test_warehouse_never_stops_only_when_asked():
    args = {"name": "w", "size": "Small", "auto_stop_minutes": 0, "allow_never_stop": True}
    assert plain(only(run(lambda: SqlWarehouse("wh", args)), SQL_ENDPOINT).inputs)["autoStopMins"] == 0


# --- DatabricksConnection ---------------------------------------------------------------------------------------


def test_connection_passes_its_integer_id():
    def program():
        connection = DatabricksConnection(
            "c",
            {
                "name": "Databricks - Production",
                "host": "h.example.com",
                "http_path": "/sql/1.0/warehouses/abc",
                "catalog": "shanghai_transport",
            },
        )
        pulumi.export("id", connection.connection_id)

    rendering = run(program)
    assert isinstance(rendering.outputs["id"], int)
    assert plain(only(rendering, CONNECTION).inputs)["databricks"] == {
        "host": "h.example.com",
        "httpPath": "/sql/1.0/warehouses/abc",
        "catalog": "shanghai_transport",
    }


# --- DbtServicePrincipal ----------------------------------------------------------------------------------------


def test_smallest_service_principal_joins_a_token_group_and_gets_an_obo_token():
    def program():
        principal = DbtServicePrincipal(
            "sp", {"display_name": "dbt", "warehouse_id": "abc", "token_usage": {"via_group": "dbt-tokens"}}
        )
        pulumi.export("token", principal.token)

    rendering = run(program)
    assert rendering.components()[0].type == "dbtplatform:databricks:ServicePrincipal"
    assert plain(only(rendering, OBO_TOKEN).inputs)["lifetimeSeconds"] == 90 * 24 * 3600
    assert only(rendering, GROUP_MEMBER) and rendering.resources(GRANT) == []
    assert "token" in rendering.secret_outputs


def test_production_service_principal_from_the_guide():
    args = {
        "display_name": "dbt Cloud - Production",
        "warehouse_id": "abc",
        "cloud": "aws",
        "credential_lifetime_days": 90,
        "rotate_after_days": 60,
        "credential_rotation": 1,
        "catalog_grants": {
            "shanghai_transport": ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY"]
        },
        "schema_grants": {"shanghai_transport.raw": ["SELECT"]},
        "warehouse_access": {"group:data-engineers": "CAN_USE"},
        "token_usage": {"via_group": "dbt-service-principals"},
    }
    rendering = run(lambda: DbtServicePrincipal("service-principal", args))
    grants = {r.name: plain(r.inputs) for r in rendering.resources(GRANT)}
    assert grants["service-principal-catalog-shanghai_transport"]["privileges"][0] == "USE_CATALOG"
    assert grants["service-principal-schema-shanghai_transport-raw"]["schema"] == "shanghai_transport.raw"
    (warehouse_use,) = [r for r in rendering.resources(PERMISSIONS) if r.name == "service-principal-warehouse-use"]
    access = plain(warehouse_use.inputs)["accessControls"]
    assert {"groupName": "data-engineers", "permissionLevel": "CAN_USE"} in access


def test_azure_service_principal_signs_in_itself():
    args = {
        "display_name": "dbt",
        "warehouse_id": "abc",
        "cloud": "azure",
        "azure_application_id": "00000000-0000-0000-0000-000000000001",
        "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
        "workspace_host": "https://adb-1.azuredatabricks.net",
        "client_secret": "s3cret",
        "token_usage": {"manage": True, "keep_access_for": ["group:users"]},
    }
    rendering = run(lambda: DbtServicePrincipal("sp", args))
    token = only(rendering, TOKEN)
    assert token.provider and rendering.resources(OBO_TOKEN) == []


@pytest.mark.parametrize(
    "grants, key, value, message",
    [
        (
            {"catalog_grants": {"main": ["USE_CATALOG", "CREATE_VIEW"]}},
            "catalogGrants.main",
            "CREATE_VIEW",
            "CREATE_TABLE lets dbt create views too",
        ),
        (
            {"schema_grants": {"main.s": ["USE_CATALOG"]}},
            "schemaGrants.main.s",
            "USE_CATALOG",
            "'USE_CATALOG' cannot be granted on a schema: allowed are ALL_PRIVILEGES",
        ),
        (
            {"catalog_grants": {"main": ["DROP_EVERYTHING"]}},
            "catalogGrants.main",
            "DROP_EVERYTHING",
            "cannot be granted on a catalog",
        ),
    ],
)
def test_privileges_are_checked_per_securable(grants, key, value, message):
    args = {"display_name": "dbt", "warehouse_id": "abc", "token_usage": {"via_group": "g"}, **grants}
    error, registered = refused(lambda: DbtServicePrincipal("sp", args))
    assert (error.key, error.value) == (key, value) and message in str(error)
    assert registered == []


@pytest.mark.parametrize(
    "usage, message",
    [
        ({}, "give viaGroup (a group that has token usage) or manage: true with keepAccessFor"),
        ({"manage": True}, "name who else keeps using tokens"),
        ({"via_group": "users"}, "a system group"),
    ],
)
def test_the_principal_needs_one_way_to_token_usage(usage, message):
    error, registered = refused(
        lambda: DbtServicePrincipal("sp", {"display_name": "d", "warehouse_id": "w", "token_usage": usage})
    )
    assert message in str(error) and registered == []


def test_azure_needs_its_application():
    error, _ = refused(
        lambda: DbtServicePrincipal(
            "sp", {"display_name": "d", "warehouse_id": "w", "cloud": "azure", "token_usage": {"via_group": "g"}}
        )
    )
    assert error.key == "azureApplicationId" and "required with cloud azure" in str(error)


# --- DbtProject and ReferencedProject ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy, extra, deploy_key",
    [
        ("deploy_key", {}, True),
        ("github_app", {"github_installation_id": 42}, False),
        ("deploy_token", {"gitlab_project_id": 7}, False),
        (
            "azure_active_directory_app",
            {"azure_active_directory_project_id": "p", "azure_active_directory_repository_id": "r"},
            False,
        ),
    ],
)
def test_project_repository_strategies(strategy, extra, deploy_key):
    url = "git@github.com:o/r.git" if strategy == "deploy_key" else "ssh://git@example.com/o/r.git"

    def program():
        project = DbtProject(
            "p", {"name": "P", "repository": {"remote_url": url, "git_clone_strategy": strategy, **extra}}
        )
        pulumi.export("deployKey", project.deploy_key)

    rendering = run(program)
    repository = plain(only(rendering, REPOSITORY).inputs)
    assert repository["gitCloneStrategy"] == strategy
    assert {key: repository[key] for key in ("githubInstallationId", "gitlabProjectId") if key in repository} == {
        {"github_installation_id": "githubInstallationId", "gitlab_project_id": "gitlabProjectId"}[k]: v
        for k, v in extra.items()
        if k in ("github_installation_id", "gitlab_project_id")
    }
    assert (rendering.outputs["deployKey"] is not None) == deploy_key


def test_smallest_project_clones_with_a_deploy_key_by_default():
    rendering = run(lambda: DbtProject("p", {"name": "P", "repository": {"remote_url": "git@github.com:o/r.git"}}))
    assert plain(only(rendering, REPOSITORY).inputs)["gitCloneStrategy"] == "deploy_key"
    assert plain(only(rendering, PROJECT).inputs) == {"name": "P"}


def test_production_project_from_the_guide():
    args = {
        "name": "Shanghai Transport DW",
        "description": "Shanghai public transport data warehouse",
        "dbt_project_subdirectory": "data_warehouse/dbt",
        "repository": {
            "remote_url": "git@github.com:your-org/shanghai-transport-dw.git",
            "git_clone_strategy": "github_app",
            "github_installation_id": 10000001,
        },
    }
    rendering = run(lambda: DbtProject("project", args))
    assert plain(only(rendering, PROJECT).inputs)["dbtProjectSubdirectory"] == "data_warehouse/dbt"
    assert plain(only(rendering, REPOSITORY).inputs)["githubInstallationId"] == 10000001


def test_a_native_integration_needs_its_ids():
    error, registered = refused(
        lambda: DbtProject(
            "p",
            {
                "name": "P",
                "repository": {"remote_url": "git@github.com:o/r.git", "git_clone_strategy": "github_app"},
            },
        )
    )
    assert error.key == "repository.githubInstallationId" and registered == []


def test_referenced_project_reads_the_owner_stacks_outputs():
    def program():
        project = ReferencedProject("p", {"from_stack": "organization/x/prod"})
        pulumi.export("projectId", project.project_id)
        pulumi.export("production", project.environment_id("production"))
        pulumi.export("environmentIds", project.environment_ids)

    rendering = run(program, {"organization/x/prod": {"projectId": 11, "environmentIds": {"production": 22}}})
    assert only(rendering, STACK_REFERENCE).inputs["name"] == "organization/x/prod"
    assert rendering.outputs == {"projectId": 11, "production": 22, "environmentIds": {"production": 22}}


def test_referenced_project_by_number_needs_no_stack_reference():
    def program():
        project = ReferencedProject("p", {"project_id": 5, "environment_ids": {"production": 6}})
        pulumi.export("production", project.environment_id("production"))
        pulumi.export("projectId", project.project_id)

    rendering = run(program)
    assert rendering.resources() == []
    assert rendering.outputs == {"production": 6, "projectId": 5}


def test_referenced_project_needs_exactly_one_way_to_find_it():
    error, _ = refused(lambda: ReferencedProject("p", {}))
    assert "give exactly one" in str(error)


# --- DbtEnvironments --------------------------------------------------------------------------------------------


def test_environments_give_deployment_environments_a_secret_credential():
    environments = {
        "dev": {"name": "Dev", "type": "development"},
        "prod": {
            "name": "Prod",
            "type": "deployment",
            "deployment_type": "production",
            "custom_branch": "main",
            "credential": {"schema": "s"},
        },
    }

    def program():
        result = DbtEnvironments(
            "e",
            {
                "environments": environments,
                "project_id": 1,
                "connection_id": 2,
                "deployment_token": "t0ken",
                "protect_production": True,
            },
        )
        pulumi.export("ids", result.environment_ids)

    rendering = run(program)
    credential = only(rendering, CREDENTIAL)
    assert credential.inputs["token"] != "t0ken" and plain(credential.inputs["token"]) == "t0ken"
    by_name = {r.inputs["name"]: r for r in rendering.resources(ENVIRONMENT)}
    assert plain(by_name["Prod"].inputs)["credentialId"] == credential.outputs["credentialId"]
    assert plain(by_name["Prod"].inputs)["useCustomBranch"] is True
    assert plain(by_name["Prod"].inputs)["customBranch"] == "main"
    assert plain(by_name["Dev"].inputs)["dbtVersion"] == "latest"
    assert by_name["Prod"].protect and credential.protect and not by_name["Dev"].protect
    assert rendering.outputs["ids"] == {
        key: by_name[name].outputs["environmentId"] for key, name in (("dev", "Dev"), ("prod", "Prod"))
    }


def test_production_environment_runs_as_the_service_principal():
    environments = {
        "production": {
            "name": "Production",
            "type": "deployment",
            "deployment_type": "production",
            "dbt_version": "latest",
            "credential": {"catalog": "shanghai_transport", "schema": "analytics", "run_as": "servicePrincipal"},
        }
    }
    rendering = run(
        lambda: DbtEnvironments(
            "environments",
            {
                "environments": environments,
                "project_id": 1,
                "connection_id": 2,
                "principal_token": pulumi.Output.secret("sp-token"),
            },
        )
    )
    credential = only(rendering, CREDENTIAL)
    assert plain(credential.inputs) == {
        "projectId": 1,
        "token": "sp-token",
        "catalog": "shanghai_transport",
        "schema": "analytics",
    }
    assert rpc.is_rpc_secret(credential.inputs["token"])


@pytest.mark.parametrize(
    "environments, key, message",
    [
        ({"p": {"name": "P", "type": "deployment"}}, "environments.p.credential", "needs a credential"),
        (
            {"p": {"name": "P", "type": "deployment", "credential": {"schema": "s", "run_as": "servicePrincipal"}}},
            "principalToken",
            "runs as servicePrincipal",
        ),
        (
            {"a": {"name": "A", "type": "development"}, "b": {"name": "B", "type": "development"}},
            "environments",
            "one development environment per project",
        ),
        (
            {"p": {"name": "P", "type": "deployment", "deployment_type": "general", "credential": {"schema": "s"}}},
            "environments.p.deploymentType",
            "must be one of production, staging",
        ),
    ],
)
def test_environments_refuse_what_dbt_cloud_refuses(environments, key, message):
    error, registered = refused(
        lambda: DbtEnvironments(
            "e", {"environments": environments, "project_id": 1, "connection_id": 2, "deployment_token": "t"}
        )
    )
    assert error.key == key and message in str(error) and registered == []


# --- DbtJobs ----------------------------------------------------------------------------------------------------


def test_smallest_job_runs_by_hand_with_four_threads():
    rendering = run(
        lambda: DbtJobs(
            "j",
            {
                "jobs": {"build": {"name": "B", "environment": "prod", "steps": ["dbt build"]}},
                "project_id": 1,
                "environment_ids": {"prod": 2},
                "account_id": 9,
            },
        )
    )
    inputs = plain(only(rendering, JOB).inputs)
    assert inputs["triggers"] == {
        "githubWebhook": False,
        "gitProviderWebhook": False,
        "schedule": False,
        "onMerge": False,
    }
    assert (inputs["numThreads"], inputs["environmentId"], inputs["executeSteps"]) == (4, 2, ["dbt build"])


def test_jobs_chain_on_each_others_numbers_whatever_their_order():
    jobs = {
        "b": {
            "name": "B",
            "environment": "prod",
            "steps": ["dbt test"],
            "run_after": {"job": "a", "statuses": ["success", "error"]},
            "threads": 3,
        },
        "a": {
            "name": "A",
            "environment": "prod",
            "steps": ["dbt build"],
            "schedule_cron": "0 * * * *",
            "source_freshness": True,
            "target_name": "prod",
            "threads": 2,
        },
        "m": {"name": "M", "environment": "prod", "steps": ["dbt build"], "run_on_merge": True},
    }

    def program():
        result = DbtJobs(
            "j",
            {
                "jobs": jobs,
                "project_id": 1,
                "environment_ids": {"prod": 2},
                "account_id": 9,
                "host_url": "https://ab123.us1.dbt.com/api",
                "git_clone_strategy": "github_app",
            },
        )
        pulumi.export("jobs", result.summary)

    rendering = run(program)
    by_name = {r.inputs["name"]: r for r in rendering.resources(JOB)}
    a, b, m = (plain(by_name[name].inputs) for name in "ABM")
    assert (a["runGenerateSources"], a["targetName"], a["scheduleCron"]) == (True, "prod", "0 * * * *")
    assert "targetName" not in b
    assert b["jobCompletionTriggerConditions"] == [
        {"jobId": by_name["A"].outputs["jobId"], "projectId": 1, "statuses": ["success", "error"]}
    ]
    assert m["triggers"] == {"githubWebhook": False, "gitProviderWebhook": False, "schedule": False, "onMerge": True}
    assert m["jobType"] == "merge" and "jobType" not in a
    assert (a["numThreads"], b["numThreads"]) == (2, 3)
    assert rendering.outputs["jobs"]["a"] == {
        "id": by_name["A"].outputs["jobId"],
        "url": f"https://ab123.us1.dbt.com/deploy/9/projects/1/jobs/{by_name['A'].id}",
    }


def test_production_job_from_the_guide():
    job = {
        "name": "Daily Pipeline - Production",
        "environment": "production",
        "steps": ["dbt run --select staging+ dimensions+ facts+ marts+", "dbt test"],
        "schedule_cron": "0 2 * * *",
        "threads": 8,
        "timeout_minutes": 60,
        "generate_docs": True,
    }
    rendering = run(
        lambda: DbtJobs(
            "jobs",
            {
                "jobs": {"daily-pipeline": job},
                "project_id": 1,
                "environment_ids": {"production": 2},
                "account_id": 12345,
            },
        )
    )
    inputs = plain(only(rendering, JOB).inputs)
    assert inputs["execution"] == {"timeoutSeconds": 3600} and inputs["generateDocs"] is True
    assert (inputs["scheduleType"], inputs["scheduleCron"]) == ("custom_cron", "0 2 * * *")


def test_a_ci_job_defers_to_an_environment_of_another_program():
    job = {
        "name": "CI",
        "environment": "staging",
        "steps": ["dbt build --select state:modified+"],
        "run_on_pull_request": True,
        "defer_to": "production",
    }
    rendering = run(
        lambda: DbtJobs(
            "j",
            {
                "jobs": {"ci": job},
                "project_id": 1,
                "account_id": 9,
                "environment_ids": {"staging": 3, "production": 2},
                "git_clone_strategy": "github_app",
            },
        )
    )
    inputs = plain(only(rendering, JOB).inputs)
    assert (inputs["jobType"], inputs["deferringEnvironmentId"], inputs["triggers"]["githubWebhook"]) == ("ci", 2, True)


@pytest.mark.parametrize("trigger", ["run_on_pull_request", "run_on_merge"])
def test_a_ci_or_merge_job_needs_a_native_git_integration(trigger):
    job = {"name": "CI", "environment": "s", "steps": ["dbt build"], trigger: True}
    error, registered = refused(
        lambda: DbtJobs(
            "j",
            {
                "jobs": {"ci": job},
                "project_id": 1,
                "account_id": 9,
                "environment_ids": {"s": 3},
                "git_clone_strategy": "deploy_key",
            },
        )
    )
    assert (error.key, error.value) == ("gitCloneStrategy", "deploy_key")
    assert "job 'ci' runs on pull requests or merges, but the project's repository is cloned with deploy_key" in str(
        error
    )
    assert registered == []


@pytest.mark.parametrize(
    "jobs, key, message",
    [
        ({"a": {"name": "A", "environment": "nope", "steps": ["dbt build"]}}, "jobs.a.environment", "must be one of s"),
        ({"a": {"name": "A", "environment": "s", "steps": []}}, "jobs.a.steps", "at least one dbt command"),
        (
            {
                "a": {"name": "A", "environment": "s", "steps": ["dbt build"], "run_after": {"job": "b"}},
                "b": {"name": "B", "environment": "s", "steps": ["dbt build"], "run_after": {"job": "a"}},
            },
            "jobs.a.runAfter",
            "in a circle",
        ),
        (
            {
                "a": {
                    "name": "A",
                    "environment": "s",
                    "steps": ["dbt build"],
                    "run_on_merge": True,
                    "schedule_cron": "0 2 * * *",
                }
            },
            "jobs.a.runOnMerge",
            "dbt Cloud refuses both",
        ),
    ],
)
def test_jobs_refuse_what_dbt_cloud_refuses(jobs, key, message):
    error, registered = refused(
        lambda: DbtJobs("j", {"jobs": jobs, "project_id": 1, "account_id": 9, "environment_ids": {"s": 3}})
    )
    assert error.key == key and message in str(error) and registered == []


# --- JobNotifications and EnvironmentVariables ------------------------------------------------------------------


def test_notifications_use_type_codes_and_job_numbers():
    notifications = {
        "ext": {
            "type": "externalEmail",
            "user_id": 3,
            "external_email": "oncall@example.com",
            "on_success": ["x"],
            "on_warning": ["x"],
        }
    }
    rendering = run(lambda: JobNotifications("n", {"notifications": notifications, "job_ids": {"x": 77}}))
    assert plain(only(rendering, NOTIFICATION).inputs) == {
        "userId": 3,
        "notificationType": 4,
        "externalEmail": "oncall@example.com",
        "onSuccesses": [77],
        "onWarnings": [77],
    }


def test_production_slack_notification_from_the_guide():
    notifications = {
        "data-alerts-slack": {
            "type": "slack",
            "user_id": 100001,
            "slack_channel_id": "C0000000000",
            "slack_channel_name": "#data-alerts",
            "on_failure": ["daily", "marts"],
            "on_cancel": ["daily"],
        }
    }
    rendering = run(
        lambda: JobNotifications("notifications", {"notifications": notifications, "job_ids": {"daily": 1, "marts": 2}})
    )
    inputs = plain(only(rendering, NOTIFICATION).inputs)
    assert (inputs["notificationType"], inputs["onFailures"], inputs["onCancels"]) == (2, [1, 2], [1])


def test_a_notification_names_known_jobs_only():
    error, registered = refused(
        lambda: JobNotifications(
            "n",
            {"notifications": {"u": {"type": "userEmail", "user_id": 1, "on_failure": ["nope"]}}, "job_ids": {"x": 7}},
        )
    )
    assert (error.key, error.value) == ("notifications.u.onFailure", "nope") and registered == []


def test_environment_variables_address_environments_by_name_and_keep_secrets_secret():
    def program():
        environments = DbtEnvironments(
            "e",
            {
                "environments": {"prod": {"name": "Production", "type": "deployment", "credential": {"schema": "s"}}},
                "project_id": 1,
                "connection_id": 2,
                "deployment_token": "t",
            },
        )
        EnvironmentVariables(
            "v",
            {
                "project_id": 1,
                "environment_names": {"prod": "Production"},
                "variables": {"DBT_A": {"project": "x", "prod": "y"}},
                "secret_variables": {"DBT_ENV_SECRET_B": {"prod": pulumi.Output.secret("s3cret")}},
            },
            opts=pulumi.ResourceOptions(depends_on=[environments]),
        )

    rendering = run(program)
    by_name = {r.inputs["name"]: r for r in rendering.resources(ENV_VAR)}
    assert by_name["DBT_A"].inputs["environmentValues"] == {"project": "x", "Production": "y"}
    secret_values = by_name["DBT_ENV_SECRET_B"].inputs["environmentValues"]
    assert rpc.is_rpc_secret(secret_values) and plain(secret_values) == {"Production": "s3cret"}
    assert not rpc.is_rpc_secret(by_name["DBT_A"].inputs["environmentValues"])
    environment = only(rendering, ENVIRONMENT)
    assert all(environment.urn in r.dependencies for r in by_name.values())  # values wait for their environment


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"variables": {"DBT_ENV_SECRET_X": {"project": "v"}}}, "secret variables, and only they"),
        ({"variables": {"TARGET": {"project": "v"}}}, "names start with DBT_"),
        ({"variables": {"DBT_CLOUD_RUN_ID": {"project": "v"}}}, "names start with DBT_"),
        ({"variables": {"DBT_X": {"nope": "v"}}}, "must be one of project, prod"),
    ],
)
def test_environment_variables_refuse_what_dbt_cloud_refuses(variables, message):
    error, registered = refused(
        lambda: EnvironmentVariables("v", {"project_id": 1, "environment_names": {"prod": "Production"}, **variables})
    )
    assert message in str(error) and registered == []
