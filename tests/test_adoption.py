"""Adopting a setup made by hand: ids in config become Pulumi `import` options, and the ids flow on."""

from __future__ import annotations

from helpers import (
    CONNECTION,
    CREDENTIAL,
    ENVIRONMENT,
    JOB,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
    SQL_ENDPOINT,
    plain,
)
from program import declare
from stack_config import raw_config, short_values

from synth.__main__ import main

IDS = {
    "project": "70001",
    "repository": "70001:80002",
    "warehouse": "0123456789abcdef",
    "connection": "90003",
    "environments": {"production": "70001:60004"},
    "credentials": {"production": "70001:50005"},
    "jobs": {"daily-pipeline": "40006"},
}


def adopted():
    values = short_values("prod")
    values.update(deploymentToken="t", importIds=IDS)
    error, registrations = declare(raw_config(values))
    assert error is None
    return {r.type: r for r in registrations if r.custom and r.type != JOB} | {
        r.name: r for r in registrations if r.type == JOB
    }


def test_each_named_resource_is_imported_with_its_id():
    found = adopted()
    assert {
        type_: found[type_].import_id
        for type_ in (PROJECT, REPOSITORY, PROJECT_REPOSITORY, SQL_ENDPOINT, CONNECTION, ENVIRONMENT, CREDENTIAL)
    } == {
        PROJECT: "70001",
        REPOSITORY: "70001:80002",
        PROJECT_REPOSITORY: "70001:80002",
        SQL_ENDPOINT: "0123456789abcdef",
        CONNECTION: "90003",
        ENVIRONMENT: "70001:60004",
        CREDENTIAL: "70001:50005",
    }
    assert found["jobs-daily-pipeline"].import_id == "40006"
    assert found["jobs-marts-quality"].import_id == ""  # not named: created


def test_adopted_numbers_flow_into_the_resources_that_name_them():
    found = adopted()
    daily = plain(found["jobs-daily-pipeline"].inputs)
    assert (daily["projectId"], daily["environmentId"]) == (70001, 60004)
    environment = plain(found[ENVIRONMENT].inputs)
    assert (environment["connectionId"], environment["credentialId"]) == (90003, 50005)
    chained = plain(found["jobs-marts-quality"].inputs)
    assert chained["jobCompletionTriggerConditions"][0]["jobId"] == 40006


def test_the_tree_shows_what_is_adopted(tmp_path, capsys):
    from synth.render import PROJECT_ROOT

    (tmp_path / "Pulumi.yaml").write_text((PROJECT_ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text((PROJECT_ROOT / "__main__.py").read_text())
    text = (PROJECT_ROOT / "Pulumi.prod.yaml").read_text()
    (tmp_path / "Pulumi.adopt.yaml").write_text(
        text + '  dbtcloud-databricks:importIds:\n    jobs:\n      daily-pipeline: "40006"\n'
    )
    assert main(["adopt", "--project-dir", str(tmp_path)]) == 0
    assert "dbtcloud:Job jobs-daily-pipeline  [adopts existing 40006]" in capsys.readouterr().out
