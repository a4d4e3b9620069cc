"""The guardrails policy pack: each policy with passing and failing inputs, and the committed stacks pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import plain
from program import declare
from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs
from stack_config import raw_config, short_values

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "policy"))

import guardrails  # noqa: E402

POLICIES = {policy.name: policy for policy in guardrails.POLICIES}
ENDPOINT = {
    "autoStopMins": 10,
    "clusterSize": "Small",
    "tags": {"customTags": [{"key": "team", "value": "data"}, {"key": "environment", "value": "prod"}]},
}


def violations(policy_name: str, resource_type: str, props: dict, stack: str = "prod", config=None) -> list[str]:
    found: list[str] = []
    args = ResourceValidationArgs(
        resource_type, props, f"urn:pulumi:{stack}::p::{resource_type}::r", "r", None, None, config
    )
    POLICIES[policy_name].validate(args, lambda message, urn=None: found.append(message))
    return found


@pytest.mark.parametrize(
    "minutes, expected",
    [
        (10, []),
        (None, ["autoStopMins is not set: Databricks would keep an idle warehouse running for 120 minutes"]),
        (0, ["autoStopMins is 0: the warehouse never stops"]),
        (45, ["autoStopMins is 45: at most 30 minutes allowed"]),
    ],
)
def test_warehouse_auto_stop(minutes, expected):
    props = {**ENDPOINT, "autoStopMins": minutes}
    assert violations("warehouse-auto-stop", guardrails.SQL_ENDPOINT, props) == expected


def test_warehouse_auto_stop_bound_is_configurable():
    props = {**ENDPOINT, "autoStopMins": 45}
    assert violations("warehouse-auto-stop", guardrails.SQL_ENDPOINT, props, config={"maxAutoStopMinutes": 60}) == []


def test_warehouse_size_per_stack():
    assert violations("warehouse-size", guardrails.SQL_ENDPOINT, ENDPOINT, stack="prod") == []
    assert violations("warehouse-size", guardrails.SQL_ENDPOINT, ENDPOINT, stack="dev") == []
    large = {**ENDPOINT, "clusterSize": "Large"}
    assert violations("warehouse-size", guardrails.SQL_ENDPOINT, large, stack="dev") == [
        "clusterSize 'Large' is not allowed in stack 'dev' (2X-Small, X-Small, Small)"
    ]
    assert violations("warehouse-size", guardrails.SQL_ENDPOINT, large, stack="prod") == []


def test_required_tags():
    assert violations("required-tags", guardrails.SQL_ENDPOINT, ENDPOINT) == []
    untagged = {**ENDPOINT, "tags": {"customTags": [{"key": "team", "value": "data"}]}}
    assert violations("required-tags", guardrails.SQL_ENDPOINT, untagged) == ["missing required tags: environment"]


def test_no_plaintext_secrets():
    token = "dapi" + "0123456789abcdef" * 2
    credential = "dbtcloud:index/databricksCredential:DatabricksCredential"
    assert violations("no-plaintext-secrets", credential, {"token": token, "schema": "analytics"}) == []
    assert violations("no-plaintext-secrets", "dbtcloud:index/job:Job", {"description": f"uses {token}"}) == [
        "description holds a token-shaped value in plain text; pass it in a secret input"
    ]
    variable = "dbtcloud:index/partialEnvironmentVariable:PartialEnvironmentVariable"
    assert violations("no-plaintext-secrets", variable, {"name": "DBT_KEY", "environmentValues": {"prod": token}}) == [
        "environmentValues.prod holds a token-shaped value in plain text; name the variable DBT_ENV_SECRET_... and "
        "keep its value a Pulumi secret"
    ]


def policy_resources(registrations) -> list[PolicyResource]:
    """The rendered registrations as the policy engine hands them to stack policies."""
    resources = {
        r.urn: PolicyResource(r.type, plain(r.inputs), r.urn, r.name, None, None, None, [], {})
        for r in registrations
        if r.custom
    }
    for r in registrations:
        if r.urn in resources:
            resources[r.urn].property_dependencies = {
                key: [resources[urn] for urn in urns if urn in resources]
                for key, urns in r.property_dependencies.items()
            }
    return list(resources.values())


def stack_violations(registrations) -> list[str]:
    found: list[str] = []
    POLICIES["production-jobs-notify-on-failure"].validate(
        # declare() renders a prod-like config as the stack "prod".
        StackValidationArgs(policy_resources(registrations), {"productionStacks": ["prod"]}),
        lambda message, urn=None: found.append(message),
    )
    return found


def prod_registrations(change=lambda values: None):
    values = short_values("prod")
    change(values)
    error, registrations = declare(raw_config(values))
    assert error is None
    return [r for r in registrations]


def test_production_jobs_notify_on_failure():
    assert stack_violations(prod_registrations()) == []

    def quiet(values):
        for notification in values["notifications"].values():
            notification["onFailure"] = ["daily-pipeline"]

    assert stack_violations(prod_registrations(quiet)) == [
        "production job 'Marts Data Quality - Production' notifies nobody when it fails"
    ]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_stacks_pass_every_resource_policy(renderings, stack):
    rendering = renderings[stack]
    for resource in rendering.resources():
        for name, policy in POLICIES.items():
            if name == "production-jobs-notify-on-failure":
                continue
            found: list[str] = []
            args = ResourceValidationArgs(
                resource.type, plain(resource.inputs), resource.urn, resource.name, None, None
            )
            policy.validate(args, lambda message, urn=None, found=found: found.append(message))
            assert found == [], f"{name} on {resource.name}"


def test_the_notification_policy_leaves_other_stacks_alone():
    def quiet(values):
        for notification in values["notifications"].values():
            notification["onFailure"] = ["daily-pipeline"]

    found: list[str] = []
    POLICIES["production-jobs-notify-on-failure"].validate(
        # The policy's own stacks, not this one.
        StackValidationArgs(policy_resources(prod_registrations(quiet)), {"productionStacks": ["production"]}),
        lambda message, urn=None: found.append(message),
    )
    assert found == []


def test_the_pack_reads_the_token_shapes_from_the_shared_rules():
    """The pack runs apart from this code (its own folder and virtualenv) and loads `components/rules/` by its path:
    the pattern it refuses is the one `synth check` and the program refuse."""
    from components.rules import TOKEN_SHAPES

    assert guardrails.TOKEN_SHAPES.pattern == TOKEN_SHAPES.pattern
    assert "TOKEN_SHAPES = re.compile" not in (Path(guardrails.__file__)).read_text()
