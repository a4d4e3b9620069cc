"""A Databricks service principal for dbt Cloud: its own identity, least privilege, a token nobody handles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_databricks as databricks
import pulumiverse_time as time

from settings import ServicePrincipalSettings


@dataclass
class DbtServicePrincipalArgs:
    """Arguments of `DbtServicePrincipal`."""

    settings: ServicePrincipalSettings
    """Name, cloud, token lifetime and rotation, grants, token-permission opt-in."""
    warehouse_id: pulumi.Input[str]
    """The stack's warehouse: the principal gets CAN_USE on it, nothing more."""
    warehouse_access: Optional[dict[str, str]] = None
    """Who else keeps access to the warehouse (`group:<name>` -> permission level): its permissions are one list."""
    workspace_host: Optional[str] = None
    """Azure: the workspace URL the principal signs in to, to make its own token."""
    client_secret: Optional[pulumi.Input[str]] = None
    """Azure: the Entra ID application's client secret (a Pulumi secret)."""


class DbtServicePrincipal(pulumi.ComponentResource):
    """The identity dbt Cloud's production runs use.

    The token is made by Pulumi and handed to the dbt Cloud credential as a secret: no person sees or pastes
    it. On AWS and GCP a workspace admin makes it on the principal's behalf (`OboToken`); on Azure, where that
    is not offered, the principal signs in with its Entra ID application and makes its own (`Token`).
    It is replaced when `rotateAfterDays` have passed (a `Rotating` timestamp, see `settings.rotation`) or when
    `credentialRotation` is raised.
    """

    application_id: pulumi.Output[str]
    """The principal's application id: what permissions and grants name."""
    token: pulumi.Output[str]
    """The principal's token (a Pulumi secret)."""

    def __init__(self, name: str, args: DbtServicePrincipalArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:databricks:ServicePrincipal", name, None, opts)
        settings = args.settings
        self.principal = databricks.ServicePrincipal(
            f"{name}-principal",
            display_name=settings.display_name,
            application_id=settings.azure_application_id,
            databricks_sql_access=True,
            # Least privilege: SQL only, no workspace UI, no clusters.
            workspace_access=False,
            allow_cluster_create=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.application_id = self.principal.application_id
        token_usage = self._token_permissions(name, settings)
        self.token = self._token(name, args, token_usage)
        # Authoritative: the warehouse's whole access list (admins keep theirs), so everyone who keeps access is in it.
        self.warehouse_access = databricks.Permissions(
            f"{name}-warehouse-use",
            sql_endpoint_id=args.warehouse_id,
            access_controls=[
                databricks.PermissionsAccessControlArgs(service_principal_name=self.application_id,
                                                        permission_level="CAN_USE"),
                *(self._access(principal, level) for principal, level in (args.warehouse_access or {}).items()),
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.grants = self._grants(name, settings)
        self.register_outputs({"application_id": self.application_id, "token": self.token})

    def _token_permissions(self, name: str, settings: ServicePrincipalSettings) -> pulumi.Resource:
        """What gives the principal token usage; its token is made only after it (obo_token.md makes the token
        depend on the token-usage permission, or the API refuses to make one)."""
        permissions = settings.token_permissions
        if permissions.via_group:
            # Join a group that already has token usage: nothing else in the workspace changes.
            group = databricks.get_group_output(display_name=permissions.via_group,
                                                opts=pulumi.InvokeOutputOptions(parent=self))
            return databricks.GroupMember(
                f"{name}-token-group", group_id=group.id, member_id=self.principal.id,
                opts=pulumi.ResourceOptions(parent=self),
            )
        # One list for the whole workspace, replacing the existing one: everyone named keeps token access.
        others = [self._access(principal, "CAN_USE") for principal in permissions.keep_access_for]
        return databricks.Permissions(
            f"{name}-token-usage",
            authorization="tokens",
            access_controls=[databricks.PermissionsAccessControlArgs(
                service_principal_name=self.application_id, permission_level="CAN_USE"), *others],
            opts=pulumi.ResourceOptions(parent=self),
        )

    @staticmethod
    def _access(principal: str, level: str) -> databricks.PermissionsAccessControlArgs:
        kind, _, who = principal.partition(":")
        field = {"group": "group_name", "user": "user_name", "servicePrincipal": "service_principal_name"}[kind]
        return databricks.PermissionsAccessControlArgs(**{field: who, "permission_level": level})

    def _token(self, name: str, args: DbtServicePrincipalArgs, token_usage: pulumi.Resource) -> pulumi.Output[str]:
        settings = args.settings
        comment = f"dbt Cloud runs ({settings.display_name}), rotation {settings.credential_rotation}"
        # Recreated by `pulumi up --refresh` once its rotation time has passed (settings.rotation explains why a
        # time trigger is needed); its new timestamp replaces the token. Never protected: rotating means replacing.
        self.rotation = time.Rotating(
            f"{name}-token-rotation", rotation_days=settings.rotation_days,
            opts=pulumi.ResourceOptions(parent=self, protect=False),
        )
        # A token cannot be changed, only replaced: a new rotation time, rotation number or lifetime makes a new
        # one. Replacement creates the new token first and deletes the old one only after the credential holds
        # the new one (Pulumi's default order; never delete_before_replace here).
        token_opts = pulumi.ResourceOptions(parent=self, depends_on=[token_usage], protect=False,
                                            replace_on_changes=["comment", "lifetimeSeconds"],
                                            replacement_trigger=self.rotation.rotation_rfc3339)
        if settings.cloud == "azure":
            signed_in = databricks.Provider(
                f"{name}-as-principal",
                host=args.workspace_host,
                azure_client_id=settings.azure_application_id,
                azure_client_secret=pulumi.Output.secret(args.client_secret),
                azure_tenant_id=settings.azure_tenant_id,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.principal]),
            )
            token = databricks.Token(f"{name}-token", comment=comment,
                                     lifetime_seconds=settings.credential_lifetime_seconds,
                                     opts=token_opts.merge(pulumi.ResourceOptions(provider=signed_in)))
        else:
            token = databricks.OboToken(f"{name}-token", application_id=self.application_id, comment=comment,
                                        lifetime_seconds=settings.credential_lifetime_seconds, opts=token_opts)
        return pulumi.Output.secret(token.token_value)

    def _grants(self, name: str, settings: ServicePrincipalSettings) -> list[databricks.Grant]:
        # `Grant` adds this principal's privileges without touching anyone else's (unlike `Grants`).
        grants = [
            databricks.Grant(f"{name}-catalog-{catalog}", principal=self.application_id, catalog=catalog,
                             privileges=list(privileges), opts=pulumi.ResourceOptions(parent=self))
            for catalog, privileges in settings.catalog_grants.items()
        ]
        grants += [
            databricks.Grant(f"{name}-schema-{schema.replace('.', '-')}", principal=self.application_id,
                             schema=schema, privileges=list(privileges), opts=pulumi.ResourceOptions(parent=self))
            for schema, privileges in settings.schema_grants.items()
        ]
        return grants
