"""A second new user's try (issue 17's "done when"): new mistakes, each refused in words by `synth check` and the
program alike, and files that cannot be read named as their stack's problem, never a crash of every command."""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import run_synth
from test_first_hour import JARGON, both, edit

from synth.render import PROJECT_ROOT

SECOND_TRY = [
    # (what, stack, text in the stack file, replaced by, what both commands say)
    (
        "a catalog name with a space",
        "dev",
        "    catalog: shanghai_transport_dev\n  dbtcloud-databricks:environments:",
        "    catalog: shanghai transport dev\n  dbtcloud-databricks:environments:",
        "connection.catalog: 'shanghai transport dev' holds a space, which Unity Catalog names may not",
    ),
    (
        "a schema written into the catalog",
        "dev",
        "        catalog: shanghai_transport_dev\n        schema: dbt_staging",
        "        catalog: shanghai_transport_dev.dbt_qa\n        schema: dbt_staging",
        "environments.staging.credential.catalog: 'shanghai_transport_dev.dbt_qa' holds a period",
    ),
    (
        "protect as a number",
        "prod",
        "dbtcloud-databricks:protect: true",
        "dbtcloud-databricks:protect: 1",
        "protect: must be true or false (you wrote 1)",
    ),
    (
        "one job adopted twice",
        "dev",
        "  dbtcloud-databricks:cost:",
        "  dbtcloud-databricks:importIds:\n"
        '    jobs: {test-run: "4001", pull-requests: "4001"}\n  dbtcloud-databricks:cost:',
        "importIds: jobs: test-run and pull-requests both adopt 4001",
    ),
    (
        "a Teams channel id copied as a link",
        "dev",
        "  dbtcloud-databricks:notifications:\n",
        "  dbtcloud-databricks:notifications:\n    teams:\n      type: msTeams\n      teamsTeamId: abc\n"
        "      teamsChannelId: 19%3aabc%40thread.tacv2\n      onFailure: [test-run]\n",
        "notifications.teams.teamsChannelId: must be the id itself, decoded",
    ),
    (
        "the dbt_project.yml file for its folder",
        "prod",
        "dbtProjectSubdirectory: data_warehouse/dbt",
        "dbtProjectSubdirectory: data_warehouse/dbt/dbt_project.yml",
        "project.dbtProjectSubdirectory: is the folder that holds dbt_project.yml, not the file: write "
        "'data_warehouse/dbt'",
    ),
    (
        "a project taken from the stack itself",
        "dev",
        "fromStack: organization/dbtcloud-databricks/prod",
        "fromStack: dev",
        "project.fromStack: 'dev': stack 'dev' does not create the project; take it from prod",
    ),
]


@pytest.mark.parametrize("what, stack, old, new, said", SECOND_TRY, ids=[case[0] for case in SECOND_TRY])
def test_new_mistakes_refused_alike(capsys, project, what, stack, old, new, said):
    edit(project, stack, old, new)
    checked, shown, printed = both(capsys, project, stack)
    assert (checked, shown) == (1, 1), printed
    assert printed.count(said) == 2, printed
    assert not JARGON.search(printed), printed


def test_a_webhook_url_holding_a_credential_is_refused_and_never_repeated(capsys, project):
    url = "https://hooks.slack.com/services/T000/B000/" + "x" * 24
    edit(
        project,
        "dev",
        "  dbtcloud-databricks:cost:",
        f"  dbtcloud-databricks:webhooks:\n    alerts:\n      name: Alerts\n      url: {url}\n      events: [errored]\n"
        "      jobs: [test-run]\n  dbtcloud-databricks:cost:",
    )
    checked, shown, printed = both(capsys, project, "dev")
    assert (checked, shown) == (1, 1) and "webhooks.alerts.url: holds a credential" in printed
    assert "x" * 24 not in printed


@pytest.mark.parametrize(
    "make, said",
    [
        (lambda path: path.write_bytes(b"config:\n  x: caf\xe9\n"), "Pulumi.broken.yaml is not UTF-8 text (byte 16)"),
        (lambda path: path.write_text("config: {}\n", encoding="utf-16"), "Pulumi.broken.yaml is not UTF-8 text"),
        (lambda path: path.mkdir(), "Pulumi.broken.yaml is a folder, not a file"),
        (lambda path: os.symlink(path.parent / "gone.yaml", path), "Pulumi.broken.yaml is a link to a file that does"),
        (
            lambda path: path.write_text(
                "a: &a [x, x, x, x, x, x, x, x, x]\n"
                + "".join(
                    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                    for p, n in zip("abcdefg", "bcdefgh", strict=True)
                )
                + "config: {}\n"
            ),
            "Pulumi.broken.yaml: its aliases (*name) expand to more than 1,000,000 values",
        ),
    ],
    ids=["latin-1", "utf-16", "a folder", "a dangling link", "an alias bomb"],
)
def test_a_stack_file_that_cannot_be_read_is_its_stacks_problem_alone(capsys, project, make, said):
    make(project / "Pulumi.broken.yaml")
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 1 and said in printed and "internal error" not in printed
    assert "dev: ok" in printed and "prod: ok" in printed
    status, printed = run_synth(capsys, "prod", "--project-dir", str(project))
    assert status == 0, printed


def test_stack_files_without_their_pulumi_yaml_are_not_read_as_another_projects(capsys, tmp_path, monkeypatch):
    shutil.copy(PROJECT_ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.qa.yaml")
    monkeypatch.chdir(tmp_path)
    status, printed = run_synth(capsys, "check", "qa")
    assert status == 2 and "holds stack files but no Pulumi.yaml, nor does any folder above it" in printed


def test_a_renamed_project_names_the_namespace(capsys, project):
    text = (project / "Pulumi.yaml").read_text().replace("name: dbtcloud-databricks", "name: my-dbt", 1)
    (project / "Pulumi.yaml").write_text(text)
    status, printed = run_synth(capsys, "check", "dev", "--project-dir", str(project))
    assert status == 1
    assert "dbtcloud-databricks:warehouse: is read by nothing: Pulumi.yaml names the project 'my-dbt'" in printed
