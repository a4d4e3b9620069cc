"""Production-grade access: the service principal, its token, least privilege, protection by config."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpers import (
    CONNECTION,
    CREDENTIAL,
    GRANT,
    GROUP_MEMBER,
    OBO_TOKEN,
    PERMISSIONS,
    ROTATING,
    SERVICE_PRINCIPAL as PRINCIPAL,
    SQL_ENDPOINT,
    TOKEN,
    plain,
)
from program import declare
from pulumi.runtime import rpc
from stack_config import raw_config, short_values

PROVIDER = "pulumi:providers:databricks"


def prod(change=lambda values: None, secret_keys=("deploymentToken",)):
    values = short_values("prod")
    change(values)
    error, registrations = declare(raw_config(values, secret_keys))
    assert error is None, error
    by_type: dict[str, list] = {}
    for r in registrations:
        by_type.setdefault(r.type, []).append(r)
    return by_type


def test_prod_runs_as_its_own_service_principal_with_sql_access_only(prod):
    (principal,) = prod.resources(PRINCIPAL)
    assert plain(principal.inputs) == {
        "displayName": "dbt Cloud - Production",
        "databricksSqlAccess": True,
        "workspaceAccess": False,
        "allowClusterCreate": False,
    }


def test_the_principals_token_reaches_the_production_credential_as_a_secret(prod):
    (token,) = prod.resources(OBO_TOKEN)
    (principal,) = prod.resources(PRINCIPAL)
    inputs = plain(token.inputs)
    assert inputs["applicationId"] == principal.outputs["applicationId"]
    assert inputs["lifetimeSeconds"] == 90 * 24 * 3600
    (rotation,) = prod.resources(ROTATING)
    assert inputs["comment"] == (
        f"dbt Cloud runs (dbt Cloud - Production), rotation 1, replaced after {rotation.outputs['rotationRfc3339']}"
    )
    (credential,) = prod.resources(CREDENTIAL)
    assert rpc.is_rpc_secret(credential.inputs["token"])
    assert plain(credential.inputs["token"]) == token.outputs["tokenValue"]
    assert "deploymentToken" not in " ".join(prod.placeholders)  # nobody pastes a production token


def test_rotation_replaces_the_token_and_the_token_is_never_protected():
    rotated = prod(lambda v: v["servicePrincipal"].update(credentialRotation=2))
    (token,) = rotated[OBO_TOKEN]
    assert ", rotation 2, replaced after " in plain(token.inputs)["comment"]
    assert set(token.replace_on_changes) == {"comment", "lifetimeSeconds"}
    assert token.protect is False
    assert all(r.protect for r in rotated[PRINCIPAL])


def test_the_token_is_replaced_by_its_rotation_time_new_one_first(prod):
    """OboToken has no update and is dropped from state only after expiry (tokens/resource_obo_token.go): the
    `Rotating` timestamp is what replaces it in time."""
    (rotation,) = prod.resources(ROTATING)
    (token,) = prod.resources(OBO_TOKEN)
    assert plain(rotation.inputs) == {"rotationDays": 60}
    assert rotation.protect is False
    # The token's replacement trigger is the rotation time: a recreated Rotating (after a refresh past that time)
    # has a new one, and the engine replaces the token.
    created = datetime.strptime(rotation.outputs["rfc3339"], "%Y-%m-%dT%H:%M:%SZ")
    assert (
        token.replacement_trigger
        == rotation.outputs["rotationRfc3339"]
        == (created + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    # Create the new token, hand it to the credential, then delete the old one.
    assert token.delete_before_replace is False
    # Users see when the next replacement is due (a date in the past: the scheduled deploy is not running).
    assert prod.outputs["servicePrincipalTokenRotatesAt"] == rotation.outputs["rotationRfc3339"]


def test_rotation_defaults_to_two_thirds_of_the_lifetime():
    found = prod(lambda v: v["servicePrincipal"].pop("rotateAfterDays"))
    assert plain(found[ROTATING][0].inputs) == {"rotationDays": 60}
    found = prod(
        lambda v: (
            v["servicePrincipal"].pop("rotateAfterDays"),
            v["servicePrincipal"].update(credentialLifetimeDays=30),
        )
    )
    assert plain(found[ROTATING][0].inputs) == {"rotationDays": 16}  # 30 - two weekly runs, not 20


def test_token_usage_through_an_existing_group_comes_before_the_token(prod):
    """obo_token.md: a token can be made for a principal only once it may use tokens; on the first `pulumi up` the
    membership is made first, in the same run."""
    (member,) = prod.resources(GROUP_MEMBER)
    (principal,) = prod.resources(PRINCIPAL)
    (token,) = prod.resources(OBO_TOKEN)
    assert plain(member.inputs)["memberId"] == principal.id
    assert plain(member.inputs)["groupId"]  # looked up by name: dbt-service-principals
    assert member.urn in token.dependencies
    assert not [r for r in prod.resources(PERMISSIONS) if plain(r.inputs).get("authorization") == "tokens"]


def test_least_privilege_on_the_warehouse_and_the_catalog(prod):
    (principal,) = prod.resources(PRINCIPAL)
    application_id = principal.outputs["applicationId"]
    (permissions,) = prod.resources(PERMISSIONS)
    # The warehouse's permissions are one list: the principal, and who the stack file says keeps access.
    assert plain(permissions.inputs) == {
        "sqlEndpointId": prod.outputs["warehouseId"],
        "accessControls": [
            {"servicePrincipalName": application_id, "permissionLevel": "CAN_USE"},
            {"groupName": "data-engineers", "permissionLevel": "CAN_USE"},
        ],
    }
    (grant,) = prod.resources(GRANT)
    assert plain(grant.inputs) == {
        "principal": application_id,
        "catalog": "shanghai_transport",
        "privileges": ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA", "CREATE_TABLE", "SELECT", "MODIFY"],
    }


def test_schema_grants_and_token_permissions_only_with_the_opt_in():
    def opt_in(values):
        values["servicePrincipal"]["schemaGrants"] = {"shanghai_transport.raw": ["USE_SCHEMA", "SELECT"]}
        values["servicePrincipal"]["tokenPermissions"] = {
            "manage": True,
            "keepAccessFor": ["group:users", "user:ops@example.com"],
        }

    found = prod(opt_in)
    grants = {r.name: plain(r.inputs) for r in found[GRANT]}
    assert grants["service-principal-schema-shanghai_transport-raw"]["schema"] == "shanghai_transport.raw"
    (tokens,) = [r for r in found[PERMISSIONS] if r.inputs.get("authorization") == "tokens"]
    application_id = found[PRINCIPAL][0].outputs["applicationId"]
    assert plain(tokens.inputs)["accessControls"] == [
        {"servicePrincipalName": application_id, "permissionLevel": "CAN_USE"},
        {"groupName": "users", "permissionLevel": "CAN_USE"},
        {"userName": "ops@example.com", "permissionLevel": "CAN_USE"},
    ]
    assert tokens.urn in found[OBO_TOKEN][0].dependencies  # the token is made once the principal may hold one
    # Deleting it would leave admins only, and Databricks deletes everyone else's active tokens: never deleted.
    assert tokens.retain_on_delete is True


def test_azure_principal_signs_in_itself_to_make_its_token():
    def azure(values):
        values["servicePrincipal"].update(
            cloud="azure",
            azureApplicationId="11111111-2222-3333-4444-555555555555",
            azureTenantId="66666666-7777-8888-9999-000000000000",
        )
        values["servicePrincipalSecret"] = "client-secret"

    found = prod(azure, secret_keys=("servicePrincipalSecret",))
    assert OBO_TOKEN not in found
    (provider,) = found[PROVIDER]
    assert rpc.is_rpc_secret(provider.inputs["azureClientSecret"])
    assert plain(provider.inputs)["azureClientId"] == "11111111-2222-3333-4444-555555555555"
    assert plain(provider.inputs)["host"] == "https://dbc-00000000-0000.cloud.databricks.com"
    (token,) = found[TOKEN]
    assert token.provider.startswith(provider.urn)
    assert plain(found[PRINCIPAL][0].inputs)["applicationId"] == "11111111-2222-3333-4444-555555555555"


def test_protection_follows_the_config_not_the_stack_name():
    unprotected = prod(lambda v: v.update(protect=False))
    assert not any(r.protect for rs in unprotected.values() for r in rs)
    values = short_values("dev")
    values.update(protect=True, deploymentToken="t")
    error, registrations = declare(
        raw_config(values),
        {"organization/dbtcloud-databricks/prod": {"projectId": 1, "environmentIds": {"production": 2}}},
    )
    protected = {r.type for r in registrations if r.protect and r.custom}
    # The dev stack has no production environment, and adopts the project: only its warehouse and connection.
    assert protected == {SQL_ENDPOINT, CONNECTION}
