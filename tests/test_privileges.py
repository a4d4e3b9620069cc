"""Unity Catalog privileges: the project's lists, the SDK's enum and Databricks' privilege reference agree.

The names are databricks-sdk's (`databricks.sdk.service.catalog.Privilege`, the enum the Grants API takes); which
securable takes which is Databricks' "Unity Catalog privileges reference", copied independently into the contract
(`synth/contract/databricks.py`, `PRIVILEGES`). The project's lists (`components/rules/`) must be exactly the
reference's privileges the SDK knows, so that a privilege dbt needs (CREATE_MATERIALIZED_VIEW) is never refused and
one the securable lacks (CREATE_VIEW) never reaches `pulumi up`.
"""

from __future__ import annotations

import typing

import pytest
from databricks.sdk.service.catalog import Privilege
from helpers import GRANT, plain
from program import declare
from stack_config import raw_config, short_values

from components import rules
from settings import ConfigError, load_settings
from synth import contract
from synth.contract.databricks import PRIVILEGES as REFERENCE

SDK = {privilege.value for privilege in Privilege}
PROJECT = {"catalog": typing.get_args(rules.CatalogPrivilege), "schema": typing.get_args(rules.SchemaPrivilege)}


@pytest.mark.parametrize("securable", ["catalog", "schema"])
def test_every_privilege_the_project_allows_is_one_the_sdk_knows(securable):
    assert set(PROJECT[securable]) - SDK == set()
    assert len(set(PROJECT[securable])) == len(PROJECT[securable])


@pytest.mark.parametrize("securable", ["catalog", "schema"])
def test_every_privilege_the_reference_lists_and_the_sdk_knows_is_allowed(securable):
    assert (set(REFERENCE[securable]) & SDK) - set(PROJECT[securable]) == set()


@pytest.mark.parametrize("securable", ["catalog", "schema"])
def test_the_project_allows_nothing_the_reference_does_not_list(securable):
    assert set(PROJECT[securable]) - set(REFERENCE[securable]) == set()


def test_the_privileges_dbt_needs_for_materialized_views_and_the_newer_ones_are_there():
    for privilege in ("BROWSE", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "EXTERNAL_USE_SCHEMA"):
        assert privilege in PROJECT["catalog"], privilege
    for privilege in ("CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "EXTERNAL_USE_SCHEMA"):
        assert privilege in PROJECT["schema"], privilege
    # A catalog's own privileges, not a schema's.
    for privilege in ("BROWSE", "USE_CATALOG", "CREATE_SCHEMA"):
        assert privilege not in PROJECT["schema"] and privilege not in REFERENCE["schema"], privilege


@pytest.mark.parametrize("securable", ["catalog", "schema"])
def test_create_view_stays_refused_with_its_hint(securable):
    # In the SDK's enum (for the legacy Hive metastore), but not a privilege of a Unity Catalog catalog or schema.
    assert "CREATE_VIEW" in SDK
    assert "CREATE_VIEW" not in REFERENCE[securable] and "CREATE_VIEW" not in PROJECT[securable]
    assert "CREATE_TABLE lets dbt create views" in rules.privilege_problem(securable, "CREATE_VIEW")


def test_create_connection_is_the_metastores():
    assert "CREATE_CONNECTION" in REFERENCE["metastore"] and "CREATE_CONNECTION" not in PROJECT["catalog"]
    assert "granted on the metastore" in rules.privilege_problem("catalog", "CREATE_CONNECTION")


def test_a_materialized_view_schema_grant_is_accepted_and_passes_the_contract():
    values = short_values("prod")
    values["deploymentToken"] = "t0ken"
    grants = values["servicePrincipal"]
    grants["catalogGrants"]["shanghai_transport"] += ["BROWSE", "CREATE_MATERIALIZED_VIEW"]
    grants["schemaGrants"] = {"shanghai_transport.marts": ["USE_SCHEMA", "CREATE_MATERIALIZED_VIEW", "REFRESH"]}
    load_settings(raw_config(values))  # no ConfigError
    error, registrations = declare(raw_config(values))
    assert error is None, error
    granted = {
        plain(r.inputs).get("schema") or plain(r.inputs).get("catalog"): plain(r.inputs)["privileges"]
        for r in registrations
        if r.type == GRANT
    }
    assert granted["shanghai_transport.marts"] == ["USE_SCHEMA", "CREATE_MATERIALIZED_VIEW", "REFRESH"]
    assert "CREATE_MATERIALIZED_VIEW" in granted["shanghai_transport"]


def test_a_schema_refuses_a_catalogs_privilege_in_the_settings_and_the_contract():
    values = short_values("prod")
    values["deploymentToken"] = "t0ken"
    values["servicePrincipal"]["schemaGrants"] = {"shanghai_transport.marts": ["BROWSE"]}
    with pytest.raises(ConfigError) as refused:
        load_settings(raw_config(values))
    assert "servicePrincipal.schemaGrants.shanghai_transport.marts[0]" in str(refused.value)
    found = contract.check(GRANT, "g", {"principal": "p", "schema": "c.s", "privileges": ["BROWSE"]})
    assert [violation.found for violation in found] == ["BROWSE on schema 'c.s'"]


def test_the_component_refuses_a_privilege_listed_twice():
    from components.package import InvalidArgument
    from components.service_principal import DbtServicePrincipal

    args = {
        "display_name": "dbt",
        "warehouse_id": "abc",
        "token_usage": {"via_group": "dbt-service-principals"},
        "schema_grants": {"main.raw": ["USE_SCHEMA", "SELECT", "SELECT"]},
    }
    with pytest.raises(InvalidArgument) as refused:
        DbtServicePrincipal._check("sp", args)
    assert "schemaGrants.main.raw" in str(refused.value) and "listed twice" in str(refused.value)


def warnings_of(change) -> list[str]:
    values = short_values("prod")
    values["deploymentToken"] = "t0ken"
    change(values)
    return [str(w) for w in load_settings(raw_config(values)).warnings if w.path != "placeholders"]


def test_a_production_principal_without_a_grant_on_its_catalog_is_warned_about():
    """Unity Catalog grants nothing by default: production runs as the principal in shanghai_transport, and a stack
    that grants it nothing there deploys fine and fails at the first run."""
    assert warnings_of(lambda v: None) == []
    messages = warnings_of(lambda v: v["servicePrincipal"].update(catalogGrants={}))
    assert messages == [
        "servicePrincipal.catalogGrants: the production environment 'production' runs as the service principal in "
        "catalog 'shanghai_transport', but catalogGrants gives it nothing there: its runs will lack the rights to "
        "read and build. Add catalogGrants: {shanghai_transport: [USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA, "
        "CREATE_TABLE, SELECT, MODIFY]}"
    ]

    # The connection's catalog counts when the credential names none.
    def without_credential_catalog(values):
        values["servicePrincipal"].update(catalogGrants={})
        del values["environments"]["production"]["credential"]["catalog"]

    assert "in catalog 'shanghai_transport'" in warnings_of(without_credential_catalog)[0]

    # A staging environment running as the principal is not production: no warning for it.
    def staging(values):
        values["servicePrincipal"].update(catalogGrants={})
        values["environments"]["production"]["deploymentType"] = "staging"

    assert warnings_of(staging) == []
