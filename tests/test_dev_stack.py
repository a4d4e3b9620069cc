"""Pulumi.dev.yaml through the real program: its own warehouse, Development, Staging, CI deferring to prod."""

from __future__ import annotations

from helpers import (
    CONNECTION,
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    JOB,
    PROJECT,
    SQL_ENDPOINT,
    STACK_REFERENCE,
    only,
    plain,
)


def environment(rendering, name):
    (match,) = [r for r in rendering.resources(ENVIRONMENT) if r.inputs["name"] == name]
    return match


def job_inputs(rendering, name):
    (match,) = [r for r in rendering.resources(JOB) if r.inputs["name"] == name]
    return plain(match.inputs)


def triggers(pull_request=False, schedule=False, merge=False):
    """A job's triggers as the provider takes them (both pull-request flags together)."""
    return {"githubWebhook": pull_request, "gitProviderWebhook": pull_request, "schedule": schedule, "onMerge": merge}


def test_dev_adopts_the_project_prod_creates(dev, prod):
    assert dev.resources(PROJECT) == []
    reference = only(dev, STACK_REFERENCE)
    assert reference.inputs["name"] == "organization/dbtcloud-databricks/prod"
    assert dev.outputs["projectId"] == prod.outputs["projectId"]
    assert all(
        plain(r.inputs)["projectId"] == prod.outputs["projectId"] for r in dev.resources() if "projectId" in r.inputs
    )
    assert "deployKey" not in dev.outputs


def test_dev_has_its_own_small_warehouse_and_connection(dev, prod):
    endpoint = plain(only(dev, SQL_ENDPOINT).inputs)
    assert endpoint["clusterSize"] == "2X-Small"
    assert endpoint["autoStopMins"] == 10
    assert dev.outputs["warehouseId"] != prod.outputs["warehouseId"]
    connection = plain(only(dev, CONNECTION).inputs)
    assert connection["databricks"]["httpPath"] == dev.outputs["warehouseHttpPath"]


def test_development_environment_has_no_deployment_credential(dev):
    inputs = plain(environment(dev, "Development").inputs)
    assert inputs["type"] == "development"
    assert "credentialId" not in inputs and "deploymentType" not in inputs
    assert inputs["connectionId"] == int(only(dev, CONNECTION).id)


def test_staging_is_a_deployment_environment_with_a_credential(dev):
    inputs = plain(environment(dev, "Staging").inputs)
    assert (inputs["type"], inputs["deploymentType"]) == ("deployment", "staging")
    credential = only(dev, CREDENTIAL)
    assert inputs["credentialId"] == credential.outputs["credentialId"]
    assert plain(credential.inputs)["schema"] == "dbt_staging"


def test_test_run_job_is_manual_and_runs_in_staging(dev):
    inputs = job_inputs(dev, "Development - Test Run")
    assert inputs["triggers"] == triggers()
    assert inputs["environmentId"] == environment(dev, "Staging").outputs["environmentId"]
    assert inputs["numThreads"] == 4  # Staging's threads
    assert "scheduleCron" not in inputs


def test_ci_job_runs_on_pull_requests_and_defers_to_production(dev, prod):
    inputs = job_inputs(dev, "CI - Pull Requests")
    assert inputs["triggers"] == triggers(pull_request=True)
    assert inputs["jobType"] == "ci"
    assert inputs["deferringEnvironmentId"] == prod.outputs["environmentIds"]["production"]
    assert inputs["executeSteps"] == ["dbt build --select state:modified+"]


def test_dev_sets_only_its_own_environments_values(dev):
    (variable,) = dev.resources(ENV_VAR)
    assert plain(variable.inputs)["environmentValues"] == {
        "Development": "shanghai_transport_dev",
        "Staging": "shanghai_transport_dev",
    }


def test_dev_is_disposable(dev):
    assert not any(r.protect for r in dev.registrations)
