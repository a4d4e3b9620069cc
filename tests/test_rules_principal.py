"""The service principal's rules: each bad value refused before anything is declared."""

from __future__ import annotations

import pytest
from rule_cases import assert_refused
from stack_config import REMOVE, setting

PRINCIPAL_RULES = [
    (
        "grant on an unconfigured catalog",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"].update(finance=["SELECT"]),
        "servicePrincipal.catalogGrants: 'finance' is not a catalog this stack uses",
    ),
    (
        "schema grant names catalog.schema",
        "prod",
        lambda v: v["servicePrincipal"].update(schemaGrants={"raw": ["SELECT"]}),
        "servicePrincipal.schemaGrants: 'raw' is not catalog.schema",
    ),
    (
        "privileges by name",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"].update(shanghai_transport=["READ"]),
        "servicePrincipal.catalogGrants.shanghai_transport[0]: Input should be 'ALL_PRIVILEGES'",
    ),
    # terraform-provider-databricks#2176 / PR #2198: "Privilege CREATE VIEW is not applicable to this entity".
    (
        "no CREATE_VIEW on a catalog",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"]["shanghai_transport"].append("CREATE_VIEW"),
        "servicePrincipal.catalogGrants.shanghai_transport[6]: Unity Catalog has no CREATE_VIEW privilege",
    ),
    # catalog/resource_grant.go:146-149: a grant's privileges are a set; a repeated one is a slip, named.
    (
        "a catalog privilege listed twice",
        "prod",
        lambda v: v["servicePrincipal"]["catalogGrants"]["shanghai_transport"].append("SELECT"),
        "servicePrincipal.catalogGrants.shanghai_transport: SELECT is listed twice: list each privilege once",
    ),
    (
        "a schema privilege listed twice",
        "prod",
        lambda v: v["servicePrincipal"].update(
            schemaGrants={"shanghai_transport.raw": ["USE_SCHEMA", "SELECT", "USE_SCHEMA"]}
        ),
        "servicePrincipal.schemaGrants.shanghai_transport.raw: USE_SCHEMA is listed twice",
    ),
    # The warehouse's access list is set by the service principal's component: without one it would be dropped.
    (
        "keepAccessFor needs a service principal",
        "dev",
        setting("warehouse.keepAccessFor", {"group:data-engineers": "CAN_USE"}),
        "warehouse.keepAccessFor: names who keeps access to the warehouse beside the stack's service principal: this "
        "stack sets the warehouse's permissions only together with servicePrincipal",
    ),
    # docs/resources/grants.md, "Schema grants": USE_CATALOG and CREATE_SCHEMA are not privileges of a schema.
    (
        "privileges per securable",
        "prod",
        lambda v: v["servicePrincipal"].update(schemaGrants={"shanghai_transport.raw": ["USE_CATALOG", "SELECT"]}),
        "servicePrincipal.schemaGrants.shanghai_transport.raw[0]: Input should be 'ALL_PRIVILEGES'",
    ),
    # docs/resources/obo_token.md: the token depends on the principal's token usage; without a way to it, the first
    # pulumi up fails at the token.
    (
        "token usage is given one way or the other",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": False}),
        "servicePrincipal.tokenPermissions: the service principal needs token usage before its token can be made",
    ),
    (
        "token usage is required",
        "prod",
        setting("servicePrincipal.tokenPermissions", REMOVE),
        "servicePrincipal.tokenPermissions: is required",
    ),
    (
        "token usage one way only",
        "prod",
        setting(
            "servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["group:users"], "viaGroup": "x"}
        ),
        "servicePrincipal.tokenPermissions: give manage: true or viaGroup, not both",
    ),
    (
        "admins keep token access anyway",
        "prod",
        setting(
            "servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["group:users", "group:admins"]}
        ),
        "servicePrincipal.tokenPermissions.keepAccessFor: 'group:admins' admins always keep their access",
    ),
    (
        "token group one can join",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"viaGroup": "users"}),
        "servicePrincipal.tokenPermissions.viaGroup: 'users' is a system group",
    ),
    (
        "the token rotates before it expires",
        "prod",
        setting("servicePrincipal.rotateAfterDays", 80),
        "servicePrincipal: rotating after 80 days leaves too little time",
    ),
    (
        "a token too short-lived to rotate",
        "prod",
        lambda v: v["servicePrincipal"].update(credentialLifetimeDays=10, rotateAfterDays=5),
        "servicePrincipal: a 10-day token cannot be rotated in time",
    ),
    (
        "unknown principal",
        "dev",
        setting("environments.staging.credential.runAs", "servicePrincipal"),
        "environments.staging.credential.runAs: names the service principal, but this stack configures none",
    ),
    (
        "token source",
        "prod",
        setting("environments.production.credential.runAs", "personal"),
        "environments.production.credential.runAs: Input should be 'deploymentToken' or 'servicePrincipal'",
    ),
    (
        "token permissions opt-in lists who keeps access",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": True}),
        "servicePrincipal.tokenPermissions: manage: true replaces the workspace's token permissions",
    ),
    (
        "token permission principals",
        "prod",
        setting("servicePrincipal.tokenPermissions", {"manage": True, "keepAccessFor": ["users"]}),
        "servicePrincipal.tokenPermissions.keepAccessFor: 'users' is not a principal",
    ),
    (
        "azure needs its application",
        "prod",
        setting("servicePrincipal.cloud", "azure"),
        "servicePrincipal: cloud azure needs azureApplicationId and azureTenantId",
    ),
    (
        "azure needs its client secret",
        "prod",
        lambda v: v["servicePrincipal"].update(
            cloud="azure",
            azureApplicationId="11111111-2222-3333-4444-555555555555",
            azureTenantId="66666666-7777-8888-9999-000000000000",
        ),
        "servicePrincipalSecret: is required for an Azure service principal",
    ),
    (
        "cloud",
        "prod",
        setting("servicePrincipal.cloud", "oracle"),
        "servicePrincipal.cloud: Input should be 'aws', 'gcp' or 'azure' (you wrote 'oracle')",
    ),
    (
        "token lifetime",
        "prod",
        setting("servicePrincipal.credentialLifetimeDays", 0),
        "servicePrincipal.credentialLifetimeDays: Input should be greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(
    "stack, change, expected", [rule[1:] for rule in PRINCIPAL_RULES], ids=[rule[0] for rule in PRINCIPAL_RULES]
)
def test_principal_rule(stack, change, expected):
    assert_refused(stack, change, expected)
