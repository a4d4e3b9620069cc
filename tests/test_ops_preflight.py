"""`python -m ops preflight` against the fake dbt Cloud and Databricks: before the first deploy (what the stack will
create is free, the tokens have the rights it needs) and after it (what it made exists, once)."""

from __future__ import annotations

import pytest
from fakes.dbt_cloud import seed_prod
from ops_cli import QUICK, free_port, lines_with, ops


@pytest.fixture
def prod(dbt):
    return seed_prod(dbt)


def test_preflight_passes_before_the_first_deploy(dbt, databricks, capsys):
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 0, out
    assert "PASS  dbt Cloud token: valid for account 12345 (Shanghai Transport, plan team) with API access" in out
    assert "PASS  dbt Cloud rights:" in out
    assert "PASS  dbt Cloud project: 'Shanghai Transport DW' is free to create" in out
    assert "PASS  Databricks token: valid, signed in as platform@example.com" in out
    assert "PASS  Databricks rights: workspace admin" in out
    assert "PASS  catalog shanghai_transport: exists" in out
    assert "PASS  serverless SQL: enabled" in out
    assert "PASS  warehouse dbt-production: stopped (id 0123456789abcdef)" in out
    assert "FAIL" not in out
    assert "GET /api/2.0/preview/scim/v2/Me" in databricks.requests


def test_preflight_fails_with_fixes(dbt, prod, databricks, capsys):
    dbt.notifications_forbidden = True
    databricks.catalogs = set()
    databricks.serverless_enabled = False
    databricks.user["groups"] = [{"display": "users", "value": "2"}]
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 1
    fails = lines_with(out, "FAIL")
    assert any("dbt Cloud rights" in line for line in fails)
    assert any("dbt Cloud project: 'Shanghai Transport DW' already exists (id 270542)" in line for line in fails)
    assert any("dbt Cloud jobs: already exist: 'Daily Pipeline - Production' (id 4001)" in line for line in fails)
    assert any("Databricks rights" in line for line in fails)
    assert any("catalog shanghai_transport: does not exist" in line for line in fails)
    assert any("serverless SQL: disabled" in line for line in fails)
    assert 'importIds.project: "270542"' in out and "CREATE CATALOG shanghai_transport" in out
    assert out.count("fix: ") == len(fails)


def test_preflight_with_bad_tokens(dbt, databricks, capsys, monkeypatch):
    monkeypatch.setenv("DBT_CLOUD_TOKEN", "dbtc_revoked_" + "y" * 16)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi_revoked_" + "z" * 16)
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 1
    assert "FAIL  dbt Cloud token: dbt Cloud refused GET" in out and "HTTP 401" in out
    assert "FAIL  Databricks token:" in out and "Invalid access token" in out
    assert "dbtc_revoked_" not in out and "dapi_revoked_" not in out


def test_preflight_on_the_developer_plan(dbt, databricks, capsys):
    dbt.account["plan"] = "developer"
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 1 and "FAIL  dbt Cloud token: plan 'developer' has no API access" in out


def test_preflight_after_deploying_expects_what_the_stack_made(dbt, prod, databricks, capsys):
    status, out, _ = ops(capsys, "preflight", "prod", "--deployed", *QUICK)
    assert status == 0, out
    assert "PASS  dbt Cloud project: found 'Shanghai Transport DW' (id 270542)" in out
    assert "PASS  dbt Cloud environments: all 1 deployed" in out and "PASS  dbt Cloud jobs: all 2 deployed" in out
    dbt.jobs.pop()  # marts-quality deleted in the UI
    dbt.add_job(270542, 302, "Daily Pipeline - Production", 4003)  # and a copy made by hand
    status, out, _ = ops(capsys, "preflight", "prod", "--deployed", *QUICK)
    assert status == 1
    assert (
        "FAIL  dbt Cloud jobs: missing: 'Marts Data Quality - Production'; more than one: "
        "'Daily Pipeline - Production' (4001, 4003)"
    ) in out


def test_preflight_of_the_dev_stack_finds_prods_project(dbt, prod, databricks, capsys):
    databricks.catalogs.add("shanghai_transport_dev")
    status, out, _ = ops(capsys, "preflight", "dev", *QUICK)
    assert "PASS  dbt Cloud project: adopts 'Shanghai Transport DW' (id 270542)" in out  # through fromStack: prod
    assert "FAIL  dbt Cloud environments: already exist: 'Development' (id 301)" in out
    assert "PASS  dbt Cloud jobs: 2 free or adopted" in out
    assert "warehouse dbt-development: not created yet" in out
    assert status == 1


def test_preflight_with_dbt_cloud_unreachable_exits_5(dbt, databricks, capsys, monkeypatch):
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", f"http://127.0.0.1:{free_port()}/api")
    status, out, _ = ops(capsys, "preflight", "prod", *QUICK)
    assert status == 5
    assert "FAIL  dbt Cloud token: dbt Cloud API unreachable at http://127.0.0.1:" in out
    assert "PASS  Databricks token" in out  # the other checks still ran
