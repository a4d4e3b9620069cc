"""`python -m synth check` and the generated JSON Schema of stack files."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from helpers import run_synth

from settings.schema import SCHEMA_FILE, stack_file_schema
from synth.__main__ import main
from synth.check import check, report
from synth.render import PROJECT_ROOT


def test_the_committed_stack_files_pass_check(project, capsys, monkeypatch):
    # On a copy of the committed stacks: a stack of the user's own beside them (README, "Make your own stack") is
    # checked by `synth check` in CI, not by this test.
    import synth.render

    executed = []
    execute = synth.render._execute
    monkeypatch.setattr(
        synth.render,
        "_execute",
        lambda stack_file, *args: executed.append(stack_file.stack) or execute(stack_file, *args),
    )
    assert main(["check", "--project-dir", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    # The only warnings: the examples' PLACEHOLDER values, which are the user's to replace.
    assert [line for line in lines if not line.startswith("  warning: placeholders: ")] == ["dev: ok", "prod: ok"]
    # Each stack's program ran once: prod, which dev takes its project from, is not rendered again for itself.
    assert sorted(executed) == ["dev", "prod"]


def test_check_reports_each_stacks_problems_and_fails(project):
    text = (project / "Pulumi.dev.yaml").read_text().replace("size: 2X-Small", "size: Tiny")
    (project / "Pulumi.dev.yaml").write_text(text)
    outcomes = check(project, ["dev", "prod"])
    output = report(outcomes)
    assert not outcomes["dev"].passed and outcomes["prod"].passed
    assert output.splitlines()[0] == "dev: 1 problem"
    assert output.splitlines()[1].startswith("  - warehouse.size: Input should be '2X-Small'")
    assert "prod: ok" in output


def test_yes_and_on_are_text_as_for_the_pulumi_cli(project, capsys):
    """The CLI reads YAML 1.2 (Go's yaml.v3): `yes` and `on` are text, and a yes/no setting refuses them; read the
    same way here, `synth check` and `synth STACK` refuse them alike (PyYAML alone would read them as true)."""
    text = (project / "Pulumi.prod.yaml").read_text().replace("generateDocs: true", "generateDocs: yes")
    (project / "Pulumi.prod.yaml").write_text(text.replace("protect: true", "protect: on"))
    outcomes = check(project, ["prod"])
    messages = [str(p) for p in outcomes["prod"].problems]
    assert "jobs.daily-pipeline.generateDocs: must be true or false (you wrote 'yes')" in messages
    assert "protect: must be true or false (you wrote 'on')" in messages
    status, printed = run_synth(capsys, "prod", "--project-dir", str(project))
    assert status == 1 and "protect: must be true or false (you wrote 'on')" in printed


def test_check_holds_each_stack_to_the_others_as_its_pulumi_up_does(project):
    text = (
        (project / "Pulumi.dev.yaml")
        .read_text()
        .replace("fromStack: organization/dbtcloud-databricks/prod", "fromStack: organization/dbtcloud-databricks/qa")
    )
    (project / "Pulumi.dev.yaml").write_text(text)
    outcomes = check(project, ["dev", "prod"])
    output = report(outcomes)
    assert not outcomes["dev"].passed and outcomes["prod"].passed
    assert (
        "dev: 1 problem\n  - project.fromStack: 'organization/dbtcloud-databricks/qa': there is no stack 'qa' here"
        in output
    )


def test_check_renders_under_the_providers_rules(project):
    """What the settings let through and a provider refuses is refused by check too (the contract mocks)."""
    text = (
        (project / "Pulumi.prod.yaml")
        .read_text()
        .replace("githubInstallationId: 10000001", "githubInstallationId: 10000001\n      gitlabProjectId: 42")
    )
    (project / "Pulumi.prod.yaml").write_text(text)
    assert not check(project, ["prod"])["prod"].passed


def test_the_committed_schema_is_generated_from_the_settings():
    committed = json.loads((PROJECT_ROOT / SCHEMA_FILE).read_text())
    assert committed == stack_file_schema(), "run: python -m synth schema --write"


@pytest.fixture(scope="module")
def validate():
    """`jsonschema.validate(document, stack_file_schema())`, with the schema generated and checked against its
    meta-schema once for the module (that check took 80 ms a call)."""
    schema = stack_file_schema()
    kind = jsonschema.validators.validator_for(schema)
    kind.check_schema(schema)
    validator = kind(schema)

    def validated(document: dict) -> None:
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))  # as jsonschema.validate raises
        if error is not None:
            raise error

    return validated


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_schema_accepts_the_committed_stack_files(stack, validate):
    document = yaml.safe_load((PROJECT_ROOT / f"Pulumi.{stack}.yaml").read_text())
    validate(document)
    assert (
        (PROJECT_ROOT / f"Pulumi.{stack}.yaml")
        .read_text()
        .startswith(f"# yaml-language-server: $schema=./{SCHEMA_FILE}")
    )


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("dbtcloud-databricks:jobz", {}, "is not valid under any of the given schemas"),
        ("dbtcloud-databricks:warehouse", {"name": "w", "size": "Tiny", "autoStopMinutes": 10}, "'Tiny' is not one of"),
        ("dbtcloud-databricks:deploymentToken", {"secure": "v1:abc"}, None),
    ],
)
def test_the_schema_checks_what_editors_show(key, value, message, validate):
    document = yaml.safe_load((PROJECT_ROOT / "Pulumi.prod.yaml").read_text())
    document["config"][key] = value
    if message is None:
        validate(document)
    else:
        with pytest.raises(jsonschema.ValidationError, match=message):
            validate(document)
