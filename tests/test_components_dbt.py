"""The dbt Cloud components that live in a project, alone, as test_components.py tries the others: environments,
jobs, notifications and environment variables."""

from __future__ import annotations

import pulumi
import pytest
from component_runs import refused, run
from helpers import CREDENTIAL, ENV_VAR, ENVIRONMENT, JOB, NOTIFICATION, only, plain
from pulumi.runtime import rpc

from components import DbtEnvironments, DbtJobs, EnvironmentVariables, JobNotifications

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
        (
            {"a": {"name": "A", "environment": "s", "steps": ["dbt build"], "sql_lint": True}},
            "jobs.a.sqlLint",
            "is for pull-request jobs",
        ),
        (
            {
                "a": {
                    "name": "A",
                    "environment": "s",
                    "steps": ["dbt build"],
                    "run_on_pull_request": True,
                    "compare_changes": True,
                }
            },
            "jobs.a.compareChanges",
            "set deferTo",
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
