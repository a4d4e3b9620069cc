"""The mocks hold the providers' contract: each rule refuses a breaking input, and nothing real is refused.

A rule on one resource's inputs is shown with `contract.check` and the inputs as the mocks see them (camelCase,
integers as floats); a rule that needs other resources (ordering, a CI job and its repository) with a tiny
program under `run_under_mocks`. The committed stacks render through the same mocks in every other test file.
"""

from __future__ import annotations

import time

import pulumi
import pulumi_databricks as databricks
import pulumi_dbtcloud as dbtcloud
import pytest
from contract_cases import CASES, VALID, _case_id, _rule, changed

from synth import contract, type_tokens as types
from synth.contract import ContractViolation
from synth.render import run_under_mocks


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
