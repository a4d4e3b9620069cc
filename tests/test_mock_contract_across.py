"""The contract's rules that need other resources (ordering, a CI job and its repository, one token list per
workspace), `time.Rotating` under the mocks' clock, and the committed stacks rendered through the contract."""

from __future__ import annotations

import runpy
from datetime import datetime, timezone

import pulumi
import pulumi_databricks as databricks
import pulumi_dbtcloud as dbtcloud
import pulumiverse_time as time_provider
import pytest
from contract_cases import APP_ID
from program import MAIN
from stack_config import raw_config, short_values

from settings import PROJECT_NAME
from synth import contract, type_tokens as types
from synth.contract import ContractViolation
from synth.render import render, run_under_mocks

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
