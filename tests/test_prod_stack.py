"""Pulumi.prod.yaml through the real program: the guide's production setup, exactly."""

from __future__ import annotations

from helpers import (
    CONNECTION,
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    JOB,
    NOTIFICATION,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
    SQL_ENDPOINT,
    is_int,
    only,
    plain,
)


def job(rendering, name):
    matches = [r for r in rendering.resources(JOB) if r.inputs["name"] == name]
    assert len(matches) == 1, name
    return matches[0]


def test_warehouse_auto_stops_explicitly_and_is_serverless(prod):
    endpoint = plain(only(prod, SQL_ENDPOINT).inputs)
    assert endpoint["name"] == "dbt-production"
    assert endpoint["clusterSize"] == "Small"
    assert endpoint["autoStopMins"] == 10
    assert endpoint["enableServerlessCompute"] is True
    assert endpoint["warehouseType"] == "PRO"
    assert (endpoint["minNumClusters"], endpoint["maxNumClusters"]) == (1, 2)
    assert {"key": "environment", "value": "production"} in endpoint["tags"]["customTags"]


def test_connection_is_fed_from_the_warehouse_outputs(prod):
    endpoint = only(prod, SQL_ENDPOINT)
    connection = plain(only(prod, CONNECTION).inputs)
    assert connection["name"] == "Databricks - Production"
    assert connection["databricks"] == {
        "host": endpoint.outputs["odbcParams"]["hostname"],
        "httpPath": endpoint.outputs["odbcParams"]["path"],
        "catalog": "shanghai_transport",
    }
    assert connection["databricks"]["httpPath"] == f"/sql/1.0/warehouses/{endpoint.id}"
    assert "://" not in connection["databricks"]["host"]


def test_project_and_repository_are_created_and_linked(prod):
    project = only(prod, PROJECT)
    assert project.inputs["name"] == "Shanghai Transport DW"
    assert project.inputs["dbtProjectSubdirectory"] == "data_warehouse/dbt"
    repository = only(prod, REPOSITORY)
    # The GitHub app (native integration): the dev stack's CI job needs its pull-request events.
    assert repository.inputs["gitCloneStrategy"] == "github_app"
    assert is_int(repository.inputs["githubInstallationId"])
    assert repository.inputs["remoteUrl"].startswith("git@")
    assert is_int(repository.inputs["projectId"]) and repository.inputs["projectId"] == int(project.id)
    link = only(prod, PROJECT_REPOSITORY)
    assert link.inputs["projectId"] == int(project.id)
    # The link takes the repository's number, not its composite Pulumi id "<project>:<repository>".
    assert ":" in repository.id
    assert link.inputs["repositoryId"] == repository.outputs["repositoryId"]
    assert "deployKey" not in prod.outputs  # the GitHub app needs no key


def test_production_environment_runs_with_its_own_credential_and_connection(prod):
    (environment,) = prod.resources(ENVIRONMENT)
    inputs = plain(environment.inputs)
    assert inputs["name"] == "Production"
    assert inputs["type"] == "deployment"
    assert inputs["deploymentType"] == "production"
    assert inputs["dbtVersion"] == "latest"
    assert inputs["connectionId"] == int(only(prod, CONNECTION).id)
    credential = only(prod, CREDENTIAL)
    assert inputs["credentialId"] == credential.outputs["credentialId"]
    assert plain(credential.inputs)["schema"] == "analytics"
    assert plain(credential.inputs)["catalog"] == "shanghai_transport"
    assert "adapterType" not in credential.inputs and "targetName" not in credential.inputs  # deprecated
    assert prod.outputs["environmentIds"] == {"production": environment.outputs["environmentId"]}


def test_daily_pipeline_reproduces_the_guide(prod):
    daily = job(prod, "Daily Pipeline - Production")
    inputs = plain(daily.inputs)
    assert inputs["executeSteps"] == ["dbt run --select staging+ dimensions+ facts+ marts+", "dbt test"]
    assert inputs["scheduleType"] == "custom_cron"
    assert inputs["scheduleCron"] == "0 2 * * *"
    assert inputs["triggers"] == {
        "githubWebhook": False,
        "gitProviderWebhook": False,
        "schedule": True,
        "onMerge": False,
    }
    assert inputs["numThreads"] == 8
    assert inputs["execution"] == {"timeoutSeconds": 3600}
    assert "timeoutSeconds" not in inputs  # deprecated top-level field
    assert inputs["generateDocs"] is True
    environment = only(prod, ENVIRONMENT)
    assert inputs["environmentId"] == environment.outputs["environmentId"]
    assert inputs["environmentId"] != environment.id  # the composite id never reaches an input
    assert inputs["projectId"] == int(only(prod, PROJECT).id)


def test_a_job_is_chained_on_the_daily_pipeline(prod):
    daily = job(prod, "Daily Pipeline - Production")
    chained = plain(job(prod, "Marts Data Quality - Production").inputs)
    assert chained["jobCompletionTriggerConditions"] == [
        {"jobId": daily.outputs["jobId"], "projectId": int(only(prod, PROJECT).id), "statuses": ["success"]}
    ]
    assert chained["triggers"]["schedule"] is False
    assert chained["numThreads"] == 8  # the Production environment's default


def test_failures_are_emailed_and_failures_and_cancels_go_to_slack(prod):
    daily = job(prod, "Daily Pipeline - Production").outputs["jobId"]
    quality = job(prod, "Marts Data Quality - Production").outputs["jobId"]
    by_type = {r.inputs["notificationType"]: plain(r.inputs) for r in prod.resources(NOTIFICATION)}
    email, slack = by_type[1], by_type[2]
    assert email["onFailures"] == [daily, quality]
    assert "externalEmail" not in email and "slackChannelId" not in email
    assert slack["slackChannelName"] == "#data-alerts"
    assert slack["slackChannelId"] == "C0000000000"
    assert slack["onFailures"] == [daily, quality]
    assert slack["onCancels"] == [daily]
    assert all(is_int(r.inputs["userId"]) for r in prod.resources(NOTIFICATION))


def test_environment_variables_set_the_project_default_and_production_only(prod):
    values = {r.inputs["name"]: plain(r.inputs)["environmentValues"] for r in prod.resources(ENV_VAR)}
    assert values == {
        "DBT_TARGET_CATALOG": {"project": "shanghai_transport", "Production": "shanghai_transport"},
        "DBT_SOURCE_SCHEMA": {"project": "raw"},
    }


def test_outputs_name_every_job_with_its_url(prod):
    project_id = prod.outputs["projectId"]
    assert project_id == int(only(prod, PROJECT).id)
    assert prod.outputs["warehouseId"] == only(prod, SQL_ENDPOINT).id
    assert prod.outputs["warehouseHttpPath"].endswith(prod.outputs["warehouseId"])
    jobs = prod.outputs["jobs"]
    assert set(jobs) == {"daily-pipeline", "marts-quality"}
    for value in jobs.values():
        assert value["url"] == f"https://cloud.getdbt.com/deploy/12345/projects/{project_id}/jobs/{value['id']}"


def test_production_state_is_protected(prod):
    protected = {r.type for r in prod.resources() if r.protect}
    assert {SQL_ENDPOINT, CONNECTION, PROJECT, REPOSITORY, ENVIRONMENT} <= protected
    assert not any(r.protect for r in prod.resources(JOB))
