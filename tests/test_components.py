"""Each component alone, from a Python caller's point of view: typed arguments only, under the provider mocks,
with the smallest useful arguments and with the guide's production values. The Databricks components and the
project here; environments, jobs, notifications and variables in test_components_dbt.py."""

from __future__ import annotations

import pulumi
import pytest
from component_runs import refused, run
from helpers import (
    CONNECTION,
    GRANT,
    GROUP_MEMBER,
    OBO_TOKEN,
    PERMISSIONS,
    PROJECT,
    REPOSITORY,
    SQL_ENDPOINT,
    STACK_REFERENCE,
    TOKEN,
    only,
    plain,
)

from components import DatabricksConnection, DbtProject, DbtServicePrincipal, ReferencedProject, SqlWarehouse

# --- SqlWarehouse -----------------------------------------------------------------------------------------------


def test_smallest_warehouse_is_serverless_pro_with_explicit_auto_stop():
    def program():
        warehouse = SqlWarehouse("wh", {"name": "w", "size": "2X-Small", "auto_stop_minutes": 10})
        pulumi.export("host", warehouse.host)
        pulumi.export("path", warehouse.http_path)

    rendering = run(program)
    endpoint = only(rendering, SQL_ENDPOINT)
    assert plain(endpoint.inputs) == {
        "name": "w",
        "clusterSize": "2X-Small",
        "autoStopMins": 10,
        "enableServerlessCompute": True,
        "warehouseType": "PRO",
        "minNumClusters": 1,
        "maxNumClusters": 1,
    }
    assert endpoint.name == "wh-endpoint"
    assert rendering.components()[0].type == "dbtplatform:databricks:SqlWarehouse"
    assert rendering.outputs == {
        "host": "dbc-00000000-0000.cloud.databricks.com",
        "path": f"/sql/1.0/warehouses/{endpoint.id}",
    }


def test_production_warehouse_from_the_guide():
    args = {
        "name": "dbt-production",
        "size": "Small",
        "auto_stop_minutes": 10,
        "serverless": True,
        "warehouse_type": "PRO",
        "min_clusters": 1,
        "max_clusters": 2,
        "spot_instance_policy": "COST_OPTIMIZED",
        "tags": {"team": "data-platform", "environment": "production"},
    }
    inputs = plain(only(run(lambda: SqlWarehouse("warehouse", args)), SQL_ENDPOINT).inputs)
    assert (inputs["clusterSize"], inputs["maxNumClusters"]) == ("Small", 2)
    assert "spotInstancePolicy" not in inputs  # serverless ignores it: not sent
    assert inputs["tags"] == {
        "customTags": [{"key": "team", "value": "data-platform"}, {"key": "environment", "value": "production"}]
    }


def test_classic_warehouse_sends_its_spot_policy():
    args = {
        "name": "w",
        "size": "X-Small",
        "auto_stop_minutes": 15,
        "serverless": False,
        "warehouse_type": "CLASSIC",
        "spot_instance_policy": "RELIABILITY_OPTIMIZED",
    }
    inputs = plain(only(run(lambda: SqlWarehouse("wh", args)), SQL_ENDPOINT).inputs)
    assert inputs["spotInstancePolicy"] == "RELIABILITY_OPTIMIZED" and inputs["enableServerlessCompute"] is False


@pytest.mark.parametrize(
    "extra, value, message",
    [
        ({"auto_stop_minutes": 0}, 0, "never stops and bills around the clock; set allowNeverStop: true"),
        ({"auto_stop_minutes": 5}, 5, "must be 0 or at least 10 for serverless warehouses"),
        (
            {"auto_stop_minutes": 9, "serverless": False, "warehouse_type": "CLASSIC"},
            9,
            "must be 0 or at least 10 for pro and classic warehouses",
        ),
        ({}, None, "required, in minutes (Databricks would use 120 when left out)"),
    ],
)
def test_warehouse_auto_stop_is_explicit_and_sensible(extra, value, message):
    error, registered = refused(lambda: SqlWarehouse("wh", {"name": "w", "size": "Small", **extra}))
    assert (error.key, error.value) == ("autoStopMinutes", value)
    assert message in str(error) and str(error).startswith("SqlWarehouse 'wh': autoStopMinutes = ")
    assert registered == []  # refused before anything is declared


def test_warehouse_never_stops_only_when_asked():
    args = {"name": "w", "size": "Small", "auto_stop_minutes": 0, "allow_never_stop": True}
    assert plain(only(run(lambda: SqlWarehouse("wh", args)), SQL_ENDPOINT).inputs)["autoStopMins"] == 0


# --- DatabricksConnection ---------------------------------------------------------------------------------------


def test_connection_passes_its_integer_id():
    def program():
        connection = DatabricksConnection(
            "c",
            {
                "name": "Databricks - Production",
                "host": "h.example.com",
                "http_path": "/sql/1.0/warehouses/abc",
                "catalog": "shanghai_transport",
            },
        )
        pulumi.export("id", connection.connection_id)

    rendering = run(program)
    assert isinstance(rendering.outputs["id"], int)
    assert plain(only(rendering, CONNECTION).inputs)["databricks"] == {
        "host": "h.example.com",
        "httpPath": "/sql/1.0/warehouses/abc",
        "catalog": "shanghai_transport",
    }


# --- DbtServicePrincipal ----------------------------------------------------------------------------------------


def test_smallest_service_principal_joins_a_token_group_and_gets_an_obo_token():
    def program():
        principal = DbtServicePrincipal(
            "sp", {"display_name": "dbt", "warehouse_id": "abc", "token_usage": {"via_group": "dbt-tokens"}}
        )
        pulumi.export("token", principal.token)

    rendering = run(program)
    assert rendering.components()[0].type == "dbtplatform:databricks:ServicePrincipal"
    assert plain(only(rendering, OBO_TOKEN).inputs)["lifetimeSeconds"] == 90 * 24 * 3600
    assert only(rendering, GROUP_MEMBER) and rendering.resources(GRANT) == []
    assert "token" in rendering.secret_outputs


def test_production_service_principal_from_the_guide():
    args = {
        "display_name": "dbt Cloud - Production",
        "warehouse_id": "abc",
        "cloud": "aws",
        "credential_lifetime_days": 90,
        "rotate_after_days": 60,
        "credential_rotation": 1,
        "catalog_grants": {
            "shanghai_transport": ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY"]
        },
        "schema_grants": {"shanghai_transport.raw": ["SELECT"]},
        "warehouse_access": {"group:data-engineers": "CAN_USE"},
        "token_usage": {"via_group": "dbt-service-principals"},
    }
    rendering = run(lambda: DbtServicePrincipal("service-principal", args))
    grants = {r.name: plain(r.inputs) for r in rendering.resources(GRANT)}
    assert grants["service-principal-catalog-shanghai_transport"]["privileges"][0] == "USE_CATALOG"
    assert grants["service-principal-schema-shanghai_transport-raw"]["schema"] == "shanghai_transport.raw"
    (warehouse_use,) = [r for r in rendering.resources(PERMISSIONS) if r.name == "service-principal-warehouse-use"]
    access = plain(warehouse_use.inputs)["accessControls"]
    assert {"groupName": "data-engineers", "permissionLevel": "CAN_USE"} in access


def test_azure_service_principal_signs_in_itself():
    args = {
        "display_name": "dbt",
        "warehouse_id": "abc",
        "cloud": "azure",
        "azure_application_id": "00000000-0000-0000-0000-000000000001",
        "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
        "workspace_host": "https://adb-1.azuredatabricks.net",
        "client_secret": "s3cret",
        "token_usage": {"manage": True, "keep_access_for": ["group:users"]},
    }
    rendering = run(lambda: DbtServicePrincipal("sp", args))
    token = only(rendering, TOKEN)
    assert token.provider and rendering.resources(OBO_TOKEN) == []


@pytest.mark.parametrize(
    "grants, key, value, message",
    [
        (
            {"catalog_grants": {"main": ["USE_CATALOG", "CREATE_VIEW"]}},
            "catalogGrants.main",
            "CREATE_VIEW",
            "CREATE_TABLE lets dbt create views too",
        ),
        (
            {"schema_grants": {"main.s": ["USE_CATALOG"]}},
            "schemaGrants.main.s",
            "USE_CATALOG",
            "'USE_CATALOG' cannot be granted on a schema: allowed are ALL_PRIVILEGES",
        ),
        (
            {"catalog_grants": {"main": ["DROP_EVERYTHING"]}},
            "catalogGrants.main",
            "DROP_EVERYTHING",
            "cannot be granted on a catalog",
        ),
    ],
)
def test_privileges_are_checked_per_securable(grants, key, value, message):
    args = {"display_name": "dbt", "warehouse_id": "abc", "token_usage": {"via_group": "g"}, **grants}
    error, registered = refused(lambda: DbtServicePrincipal("sp", args))
    assert (error.key, error.value) == (key, value) and message in str(error)
    assert registered == []


@pytest.mark.parametrize(
    "usage, message",
    [
        ({}, "give viaGroup (a group that has token usage) or manage: true with keepAccessFor"),
        ({"manage": True}, "name who else keeps using tokens"),
        ({"via_group": "users"}, "a system group"),
    ],
)
def test_the_principal_needs_one_way_to_token_usage(usage, message):
    error, registered = refused(
        lambda: DbtServicePrincipal("sp", {"display_name": "d", "warehouse_id": "w", "token_usage": usage})
    )
    assert message in str(error) and registered == []


def test_azure_needs_its_application():
    error, _ = refused(
        lambda: DbtServicePrincipal(
            "sp", {"display_name": "d", "warehouse_id": "w", "cloud": "azure", "token_usage": {"via_group": "g"}}
        )
    )
    assert error.key == "azureApplicationId" and "required with cloud azure" in str(error)


# --- DbtProject and ReferencedProject ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "strategy, extra, deploy_key",
    [
        ("deploy_key", {}, True),
        ("github_app", {"github_installation_id": 42}, False),
        ("deploy_token", {"gitlab_project_id": 7}, False),
        (
            "azure_active_directory_app",
            {"azure_active_directory_project_id": "p", "azure_active_directory_repository_id": "r"},
            False,
        ),
    ],
)
def test_project_repository_strategies(strategy, extra, deploy_key):
    url = "git@github.com:o/r.git" if strategy == "deploy_key" else "ssh://git@example.com/o/r.git"

    def program():
        project = DbtProject(
            "p", {"name": "P", "repository": {"remote_url": url, "git_clone_strategy": strategy, **extra}}
        )
        pulumi.export("deployKey", project.deploy_key)

    rendering = run(program)
    repository = plain(only(rendering, REPOSITORY).inputs)
    assert repository["gitCloneStrategy"] == strategy
    assert {key: repository[key] for key in ("githubInstallationId", "gitlabProjectId") if key in repository} == {
        {"github_installation_id": "githubInstallationId", "gitlab_project_id": "gitlabProjectId"}[k]: v
        for k, v in extra.items()
        if k in ("github_installation_id", "gitlab_project_id")
    }
    assert (rendering.outputs["deployKey"] is not None) == deploy_key


def test_smallest_project_clones_with_a_deploy_key_by_default():
    rendering = run(lambda: DbtProject("p", {"name": "P", "repository": {"remote_url": "git@github.com:o/r.git"}}))
    assert plain(only(rendering, REPOSITORY).inputs)["gitCloneStrategy"] == "deploy_key"
    assert plain(only(rendering, PROJECT).inputs) == {"name": "P"}


def test_production_project_from_the_guide():
    args = {
        "name": "Shanghai Transport DW",
        "description": "Shanghai public transport data warehouse",
        "dbt_project_subdirectory": "data_warehouse/dbt",
        "repository": {
            "remote_url": "git@github.com:your-org/shanghai-transport-dw.git",
            "git_clone_strategy": "github_app",
            "github_installation_id": 10000001,
        },
    }
    rendering = run(lambda: DbtProject("project", args))
    assert plain(only(rendering, PROJECT).inputs)["dbtProjectSubdirectory"] == "data_warehouse/dbt"
    assert plain(only(rendering, REPOSITORY).inputs)["githubInstallationId"] == 10000001


def test_a_native_integration_needs_its_ids():
    error, registered = refused(
        lambda: DbtProject(
            "p",
            {
                "name": "P",
                "repository": {"remote_url": "git@github.com:o/r.git", "git_clone_strategy": "github_app"},
            },
        )
    )
    assert error.key == "repository.githubInstallationId" and registered == []


def test_referenced_project_reads_the_owner_stacks_outputs():
    def program():
        project = ReferencedProject("p", {"from_stack": "organization/x/prod"})
        pulumi.export("projectId", project.project_id)
        pulumi.export("production", project.environment_id("production"))
        pulumi.export("environmentIds", project.environment_ids)

    rendering = run(program, {"organization/x/prod": {"projectId": 11, "environmentIds": {"production": 22}}})
    assert only(rendering, STACK_REFERENCE).inputs["name"] == "organization/x/prod"
    assert rendering.outputs == {"projectId": 11, "production": 22, "environmentIds": {"production": 22}}


def test_referenced_project_by_number_needs_no_stack_reference():
    def program():
        project = ReferencedProject("p", {"project_id": 5, "environment_ids": {"production": 6}})
        pulumi.export("production", project.environment_id("production"))
        pulumi.export("projectId", project.project_id)

    rendering = run(program)
    assert rendering.resources() == []
    assert rendering.outputs == {"production": 6, "projectId": 5}


def test_referenced_project_needs_exactly_one_way_to_find_it():
    error, _ = refused(lambda: ReferencedProject("p", {}))
    assert "give exactly one" in str(error)
