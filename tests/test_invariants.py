"""Rules every committed stack must keep: secrets stay secret, every resource has a component parent,
every input has the type the provider SDK declares, ids cross as integers, nothing is auto-named."""

from __future__ import annotations

import pytest
from helpers import is_int
from pulumi.runtime import rpc
from sdk_types import args_class, snake, type_problems
from stack_config import STACKS

from settings.files import OFFLINE_SECRET

SECRET_INPUTS = {"token", "clientSecret", "tokenWo", "azureClientSecret"}
SECRET_MARKERS = (OFFLINE_SECRET, "dapi-offline-")
"""What secrets read as offline: stack-file placeholders, and tokens the mocks make (the principal's)."""


def unwrapped_secret_paths(value, path=""):
    """Paths where the offline secret placeholder appears outside a Pulumi secret wrapper."""
    if rpc.is_rpc_secret(value):
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in unwrapped_secret_paths(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in unwrapped_secret_paths(item, f"{path}[{index}]")]
    return [path] if isinstance(value, str) and any(marker in value for marker in SECRET_MARKERS) else []


@pytest.mark.parametrize("stack", STACKS)
def test_secret_inputs_arrive_as_secrets(renderings, stack):
    rendering = renderings[stack]
    secret_inputs = [
        (r.name, key, value) for r in rendering.resources() for key, value in r.inputs.items() if key in SECRET_INPUTS
    ]
    assert secret_inputs, "each stack passes at least one token"
    for name, key, value in secret_inputs:
        assert rpc.is_rpc_secret(value), f"{name}.{key} is not a secret"


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_value_appears_unwrapped_anywhere(renderings, stack):
    rendering = renderings[stack]
    leaks = [f"{r.name}{path}" for r in rendering.registrations for path in unwrapped_secret_paths(r.inputs)]
    assert leaks == []
    for name, value in rendering.outputs.items():
        if name not in rendering.secret_outputs:
            assert unwrapped_secret_paths(value) == [], f"stack output {name} leaks a secret"


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_has_a_component_parent(renderings, stack):
    rendering = renderings[stack]
    by_urn = rendering.by_urn()
    for resource in rendering.resources():
        parent = by_urn.get(resource.parent)
        assert parent is not None and not parent.custom, f"{resource.name} has no component parent"
    for component in rendering.components():
        assert component.parent.endswith(f"pulumi:pulumi:Stack::{rendering.project}-{stack}")
        assert component.type.startswith("dbtplatform:") and component.type.count(":") == 2


@pytest.mark.parametrize("stack", STACKS)
def test_every_input_has_the_type_the_provider_sdk_declares(renderings, stack):
    problems = [
        p
        for r in renderings[stack].resources()
        if not r.type.startswith("pulumi:")
        for p in type_problems(r.type, r.inputs)
    ]
    assert problems == []


@pytest.mark.parametrize("stack", STACKS)
def test_ids_between_dbt_cloud_resources_are_integers(renderings, stack):
    checked = 0
    for resource in renderings[stack].resources():
        if not resource.type.startswith("dbtcloud:"):
            continue
        for key, value in resource.inputs.items():
            if key.endswith("Id") and key not in ("slackChannelId",):
                assert is_int(value), f"{resource.name}.{key} = {value!r} is not an integer"
                checked += 1
    assert checked > 10


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_that_can_be_named_is_named(renderings, stack):
    for resource in renderings[stack].resources():
        if resource.type.startswith("pulumi:"):
            continue
        if "name" in args_class(resource.type).__init__.__code__.co_varnames:
            assert resource.inputs.get("name"), f"{resource.name} would be auto-named by the provider"


def test_the_type_check_catches_what_mocks_let_through():
    problems = type_problems(
        "dbtcloud:index/job:Job",
        {
            "projectId": "123:456",
            "environmentId": 7.0,
            "triggers": {"schedule": "true"},
            "numThreads": 4.5,
            "executeSteps": ["dbt run"],
            "madeUp": 1,
        },
    )
    assert problems == [
        "dbtcloud:index/job:Job.projectId: '123:456' is not an integer",
        "dbtcloud:index/job:Job.triggers.schedule: 'true' is not a boolean",
        "dbtcloud:index/job:Job.numThreads: 4.5 is not an integer",
        "dbtcloud:index/job:Job.madeUp: not an input of JobArgs",
    ]
    assert snake("dbtProjectSubdirectory") == "dbt_project_subdirectory"


def test_every_kind_of_secret_stays_wrapped_from_config_to_state():
    """Secret env var values, the Azure client secret and the principal's token, all in one prod rendering."""
    from program import declare
    from stack_config import raw_config, short_values

    values = short_values("prod")
    values["servicePrincipal"].update(
        cloud="azure",
        azureApplicationId="11111111-2222-3333-4444-555555555555",
        azureTenantId="66666666-7777-8888-9999-000000000000",
    )
    values["servicePrincipalSecret"] = f"{OFFLINE_SECRET}-client"
    values["secretEnvironmentVariables"] = {"DBT_ENV_SECRET_GIT_TOKEN": {"production": f"{OFFLINE_SECRET}-git"}}
    error, registrations = declare(raw_config(values, ("servicePrincipalSecret", "secretEnvironmentVariables")))
    assert error is None
    leaks = [f"{r.name}{path}" for r in registrations for path in unwrapped_secret_paths(r.inputs)]
    assert leaks == []
    carried = [r.name for r in registrations if any(rpc.is_rpc_secret(v) for v in r.inputs.values())]
    assert {
        "environment-variables-dbt-env-secret-git-token",
        "service-principal-as-principal",
        "environments-production-credential",
    } <= set(carried)
