"""The offline runner: reading stack files like the CLI, the tree, the JSON, the exit statuses."""

from __future__ import annotations

import json
import textwrap

import pytest
from helpers import JOB

from settings.files import OFFLINE_SECRET, StackFileError, load_stack_file
from synth.__main__ import main
from synth.render import local_stack_name, render


def write_project(tmp_path, stack_config: str):
    (tmp_path / "Pulumi.yaml").write_text(
        textwrap.dedent("""\
        name: demo
        runtime: python
        config:
          protect:
            type: boolean
            default: false
          demo:region: eu
        """)
    )
    (tmp_path / "Pulumi.s.yaml").write_text(textwrap.dedent(stack_config))


def test_stack_file_values_override_project_defaults_and_are_passed_as_text(tmp_path):
    write_project(
        tmp_path,
        """\
        config:
          demo:protect: true
          demo:jobs:
            a: {threads: 4}
          dbtcloud:accountId: 12
        """,
    )
    loaded = load_stack_file(tmp_path, "s")
    assert loaded.config["demo:protect"] == "true"
    assert loaded.config["demo:region"] == "eu"
    assert json.loads(loaded.config["demo:jobs"]) == {"a": {"threads": 4}}
    assert loaded.config["dbtcloud:accountId"] == "12"


def test_encrypted_values_become_marked_placeholders(tmp_path):
    write_project(
        tmp_path,
        """\
        config:
          demo:deploymentToken:
            secure: v1:abc
          demo:secretEnvironmentVariables:
            DBT_ENV_SECRET_X:
              production:
                secure: v1:def
        """,
    )
    loaded = load_stack_file(tmp_path, "s")
    assert loaded.config["demo:deploymentToken"].startswith(f"{OFFLINE_SECRET}-")
    variables = json.loads(loaded.config["demo:secretEnvironmentVariables"])
    assert variables["DBT_ENV_SECRET_X"]["production"].startswith(f"{OFFLINE_SECRET}-")
    assert variables["DBT_ENV_SECRET_X"]["production"] != loaded.config["demo:deploymentToken"]
    assert loaded.secret_keys == {"demo:deploymentToken", "demo:secretEnvironmentVariables"}


def test_a_missing_deployment_token_reads_as_a_secret_placeholder(tmp_path):
    write_project(
        tmp_path,
        """\
        config:
          demo:environments:
            staging: {name: Staging, type: deployment, credential: {schema: s}}
        """,
    )
    loaded = load_stack_file(tmp_path, "s")
    assert loaded.config["demo:deploymentToken"] == OFFLINE_SECRET
    assert loaded.placeholders == ["demo:deploymentToken"]
    assert "demo:deploymentToken" in loaded.secret_keys


def test_an_unknown_stack_names_the_stacks_there(tmp_path):
    write_project(tmp_path, "config: {}\n")
    with pytest.raises(StackFileError, match="no stack file Pulumi.nope.yaml; stacks here: s"):
        load_stack_file(tmp_path, "nope")


def test_stack_references_resolve_to_local_stacks():
    assert local_stack_name("organization/dbtcloud-databricks/prod", "dbtcloud-databricks") == "prod"
    assert local_stack_name("prod", "dbtcloud-databricks") == "prod"
    with pytest.raises(StackFileError, match="names project 'other'"):
        local_stack_name("organization/other/prod", "dbtcloud-databricks")


def test_tree_shows_components_resources_inputs_and_masks_secrets(capsys):
    assert main(["prod"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dbtcloud-databricks / prod: 8 components, 19 resources")
    assert "SqlWarehouse warehouse  [protected]" in out
    assert "└── databricks:SqlEndpoint warehouse-endpoint  [protected]" in out
    assert "scheduleCron: 0 2 * * *" in out
    assert "(schedule is UTC; next runs:" in out
    assert "token: [secret]" in out
    assert OFFLINE_SECRET not in out
    assert "jobId: " in out and "(-> jobs-daily-pipeline)" in out


def test_json_is_machine_readable_and_masks_secrets(capsys):
    assert main(["dev", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stack"] == "dev"
    credential = next(r for r in document["resources"] if r["type"].endswith("DatabricksCredential"))
    assert credential["inputs"]["token"] == "[secret]"
    assert credential["parent"] == "environments"
    assert set(document["outputs"]) >= {"warehouseId", "warehouseHttpPath", "projectId", "environmentIds", "jobs"}


def test_exit_statuses(capsys, tmp_path, monkeypatch):
    assert main(["nope"]) == 2
    assert "no stack file Pulumi.nope.yaml" in capsys.readouterr().err


def test_an_invalid_stack_prints_the_problems_and_declares_nothing(tmp_path, capsys):
    root = tmp_path
    for name in ("Pulumi.yaml", "__main__.py"):
        (root / name).write_text((render.__globals__["PROJECT_ROOT"] / name).read_text())
    (root / "Pulumi.bad.yaml").write_text("config:\n  dbtcloud-databricks:jobz: {}\n")
    from settings import ConfigError

    with pytest.raises(ConfigError) as caught:
        render("bad", root)
    message = str(caught.value)
    assert "jobz: is not a setting of this project; did you mean 'jobs'?" in message
    assert "dbtcloud:accountId: is required" in message
    assert "nothing was declared" in message


def test_an_azure_principal_needs_its_client_secret_offline_too(project):
    """The offline runner gives every secret the stack needs, and only those, a visible placeholder: on Azure the
    principal's client secret too (settings.load.secrets_needed)."""
    from stack_config import edit

    from settings.files import load_stack_file

    edit(
        project,
        "prod",
        "    cloud: aws",
        "    cloud: azure\n    azureApplicationId: 11111111-2222-3333-4444-555555555555\n"
        "    azureTenantId: 66666666-7777-8888-9999-000000000000",
    )
    stack_file = load_stack_file(project, "prod")
    assert "dbtcloud-databricks:servicePrincipalSecret" in stack_file.placeholders
    assert "dbtcloud-databricks:servicePrincipalSecret" in stack_file.secret_keys
    assert "dbtcloud-databricks:deploymentToken" not in stack_file.placeholders  # prod runs as the principal
    assert "dbtcloud-databricks:servicePrincipalSecret" not in load_stack_file(project, "dev").placeholders


def test_a_stack_without_jobs_renders_with_no_job_pages(project):
    """A stack may declare no jobs (yet): the jobs output is then empty, not an internal error."""
    path = project / "Pulumi.prod.yaml"
    text = path.read_text()
    start, end = text.index("  dbtcloud-databricks:jobs:"), text.index("  dbtcloud-databricks:cost:")
    path.write_text(text[:start] + text[end:])
    rendering = render("prod", project)
    assert rendering.outputs["jobs"] == {}
    assert rendering.resources(JOB) == []


def test_a_rendering_leaves_the_sdk_as_it_was():
    """The offline runner's shortcuts through the SDK (`synth.sdk_shortcuts`) last while the mocks answer, and only
    then: a program run by the Pulumi CLI in the same process (the component package's provider) still reports where
    it made each resource, whether the rendering passed or failed."""
    from pulumi.runtime import resource as sdk_resource, rpc

    from synth.render import run_under_mocks

    sdk = (sdk_resource._get_stack_trace, rpc.contains_unknowns)
    run_under_mocks(lambda: None, "demo", "s", {})
    assert (sdk_resource._get_stack_trace, rpc.contains_unknowns) == sdk

    def refused() -> None:
        raise RuntimeError("the program fails")

    with pytest.raises(RuntimeError, match="the program fails"):
        run_under_mocks(refused, "demo", "s", {})
    assert (sdk_resource._get_stack_trace, rpc.contains_unknowns) == sdk


def test_the_shortcut_finds_unknowns_where_the_sdk_does():
    from pulumi.output import UNKNOWN
    from pulumi.runtime import rpc

    from synth.sdk_shortcuts import contains_unknowns

    looped: dict = {"a": 1}
    looped["self"] = looped
    values = [
        None,
        "text",
        UNKNOWN,
        [1, [2, {"x": UNKNOWN}]],
        {"a": [1, 2], "b": {"c": "d"}},
        {"a": [1, 2], "b": {"c": UNKNOWN}},
        looped,
        [looped, {"deep": [[[UNKNOWN]]]}],
        ("a tuple is not looked into", UNKNOWN),
    ]
    assert [contains_unknowns(value) for value in values] == [rpc.contains_unknowns(value) for value in values]
    assert [contains_unknowns(value) for value in values] == [False, False, True, True, False, True, False, True, False]


def _counting_runs(folder):
    """Make the folder's program note each run in a file; a function that says how many runs it noted."""
    runs = folder / "runs.log"
    main = folder / "__main__.py"
    main.write_text(f"open({str(runs)!r}, 'a').write('ran\\n')\n" + main.read_text())
    return lambda: len(runs.read_text().splitlines()) if runs.exists() else 0


def test_a_stack_is_rendered_once_for_the_same_inputs_and_again_when_any_of_them_changes(project, monkeypatch):
    """`synth.render` remembers each rendering by everything the program reads: the same folder, config, variables
    and minute give the same rendering without running the program again; a change to any stack file of the folder
    (the rules across stacks read them all), to a variable the settings fall back to, or of the minute (a schedule's
    warning lists its next runs) runs it again; a refusal is raised again, as an error of its own."""
    import time

    from stack_config import edit

    from settings import ConfigError

    minute = 29_000_000 * 60.0
    monkeypatch.setattr(time, "time", lambda: minute)
    ran = _counting_runs(project)

    first = render("dev", project)
    assert ran() == 2  # dev takes its project from prod: prod first
    urns = [registration.urn for registration in first.registrations]
    first.registrations.clear()  # the caller's own copy
    assert [registration.urn for registration in render("dev", project).registrations] == urns
    assert ran() == 2

    edit(project, "prod", "config:\n", "# a comment\nconfig:\n")
    render("dev", project)
    assert ran() == 4
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", "https://cloud.getdbt.com/api")
    render("dev", project)
    assert ran() == 6
    minute += 60
    render("dev", project)
    assert ran() == 8

    edit(project, "dev", "      threads: 4\n", "      threads: 0\n")
    refusals = []
    for _ in range(3):
        with pytest.raises(ConfigError, match="threads") as refused:
            render("dev", project)
        refusals.append(refused.value)
    assert ran() == 10
    assert len({str(refusal) for refusal in refusals}) == 1
    assert len({id(refusal) for refusal in refusals}) == 3  # each caller's own error


def test_a_linked_program_is_remembered_by_the_folder_it_reads(project, tmp_path_factory, monkeypatch):
    """The program reads the stack files beside its own file, links followed: a folder whose `__main__.py` links to
    another project's is rendered again when the stack files beside the link's target change."""
    import os
    import shutil
    import time

    from stack_config import append

    monkeypatch.setattr(time, "time", lambda: 29_000_000 * 60.0)
    ran = _counting_runs(project)
    linked = tmp_path_factory.mktemp("linked")
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy(project / name, linked / name)
    os.symlink(project / "__main__.py", linked / "__main__.py")

    render("prod", linked)
    render("prod", linked)
    assert ran() == 1
    append(project, "dev", "# changed beside the program\n")
    render("prod", linked)
    assert ran() == 2
