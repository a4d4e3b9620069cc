"""A Databricks service principal for dbt Cloud: its own identity, least privilege, a token nobody handles."""

from typing import Literal, NotRequired, Optional, TypedDict

import pulumi
import pulumi_databricks as databricks
import pulumiverse_time as time

from .fields import NotModelled, Passed, ProviderArguments, left_alone, passed
from .package import InvalidArgument, one_of, type_token, whole_number
from .rotation import default_rotation_days, rotation_problem
from .rules import (
    CLOUDS,
    WAREHOUSE_PERMISSION_LEVELS,
    access_principal_problem,
    privilege_problem,
    repeated_privilege,
    signs_in_itself,
)

COMPONENT = "DbtServicePrincipal"

# How each argument of the resources this component makes is made (terraform-provider-databricks docs/resources for
# the defaults); it chooses least privilege and makes the rest by hand.
PRINCIPAL_FIELDS = {"display_name": Passed("display_name"), "azure_application_id": Passed("application_id")}
"""A `DbtServicePrincipal`'s arguments handed to its `databricks.ServicePrincipal` as they are."""

_OWN_WORKSPACE = NotModelled("another workspace than the provider's", drifts=False)

PROVIDER_ARGUMENTS = (
    ProviderArguments(
        databricks.ServicePrincipal,
        passed=PRINCIPAL_FIELDS,
        by_hand={
            "databricks_sql_access": "always true",
            "workspace_access": "always false: no workspace UI",
            "allow_cluster_create": "always false: no clusters",
        },
        not_modelled={
            **left_alone(
                "left to the provider: the principal has SQL access only",
                "acl_principal_id",
                "active",
                "allow_instance_pool_create",
                "disable_as_user_deletion",
                "external_id",
                "force",
                "force_delete_home_dir",
                "force_delete_repos",
                "home",
                "repos",
                "workspace_consume",
            ),
            "api": _OWN_WORKSPACE,
            "provider_config": _OWN_WORKSPACE,
        },
    ),
    ProviderArguments(
        databricks.OboToken,
        by_hand={
            "application_id": "the principal's",
            "comment": "displayName, credentialRotation and the rotation time (a new Rotating replaces the token)",
            "lifetime_seconds": "credentialLifetimeDays",
        },
        not_modelled={"provider_config": _OWN_WORKSPACE},
    ),
    ProviderArguments(
        databricks.Token,
        by_hand={
            "comment": "displayName, credentialRotation and the rotation time (a new Rotating replaces the token)",
            "lifetime_seconds": "credentialLifetimeDays",
        },
        not_modelled={
            "creation_time": NotModelled("set by Databricks", drifts=False),
            "expiry_time": NotModelled("set by Databricks", drifts=False),
            "token_id": NotModelled("set by Databricks", drifts=False),
            "provider_config": _OWN_WORKSPACE,
        },
    ),
    ProviderArguments(
        databricks.Permissions,
        by_hand={
            "access_controls": "the principal's CAN_USE, and warehouseAccess or tokenUsage.keepAccessFor",
            "sql_endpoint_id": "warehouseId",
            "authorization": "tokens, with tokenUsage.manage",
        },
        not_modelled=left_alone(
            "permissions on other objects than a warehouse and tokens",
            "alert_v2_id",
            "app_name",
            "cluster_id",
            "cluster_policy_id",
            "dashboard_id",
            "database_instance_name",
            "database_project_name",
            "directory_id",
            "directory_path",
            "experiment_id",
            "instance_pool_id",
            "job_id",
            "knowledge_assistant_id",
            "notebook_id",
            "notebook_path",
            "object_type",
            "pipeline_id",
            "provider_config",
            "registered_model_id",
            "repo_id",
            "repo_path",
            "serving_endpoint_id",
            "sql_alert_id",
            "sql_dashboard_id",
            "sql_query_id",
            "supervisor_agent_id",
            "vector_search_endpoint_id",
            "workspace_file_id",
            "workspace_file_path",
        ),
    ),
    ProviderArguments(
        databricks.Grant,
        by_hand={
            "principal": "the principal's application id",
            "privileges": "catalogGrants and schemaGrants",
            "catalog": "a key of catalogGrants",
            "schema": "a key of schemaGrants",
        },
        not_modelled=left_alone(
            "grants on other securables than catalogs and schemas",
            "credential",
            "external_location",
            "foreign_connection",
            "function",
            "mcp_service",
            "metastore",
            "model",
            "model_provider_service",
            "model_service",
            "pipeline",
            "provider_config",
            "recipient",
            "secret",
            "share",
            "storage_credential",
            "table",
            "volume",
        ),
    ),
    ProviderArguments(
        databricks.GroupMember,
        by_hand={"group_id": "tokenUsage.viaGroup, looked up by name", "member_id": "the principal"},
        not_modelled={"api": _OWN_WORKSPACE, "provider_config": _OWN_WORKSPACE},
    ),
    ProviderArguments(
        time.Rotating,
        by_hand={"rotation_days": "rotateAfterDays"},
        not_modelled=left_alone(
            "rotation is counted in days from the token's creation",
            "rfc3339",
            "rotation_hours",
            "rotation_minutes",
            "rotation_months",
            "rotation_rfc3339",
            "rotation_years",
            "triggers",
        ),
    ),
    ProviderArguments(
        databricks.Provider,
        by_hand={
            "host": "workspaceHost",
            "azure_client_id": "azureApplicationId",
            "azure_client_secret": "clientSecret",
            "azure_tenant_id": "azureTenantId",
        },
        others=NotModelled("the provider that signs in as the Azure principal needs nothing else", drifts=False),
    ),
)


class TokenUsage(TypedDict):
    """How the principal gets the workspace's token-usage permission (`CAN_USE` on tokens), which it needs before a
    token can be made for it. Exactly one way: `viaGroup`, or `manage` with `keepAccessFor`."""

    via_group: NotRequired[str]
    """Display name of an existing workspace group that has token usage; the principal joins it and nothing else in
    the workspace changes. Not `users` or `admins`. Required without `manage`."""
    manage: NotRequired[bool]
    """True: this component owns the workspace's token permissions, ONE list for the whole workspace that replaces
    the existing one (so `keepAccessFor` must name everyone else who uses tokens). Default false."""
    keep_access_for: NotRequired[list[str]]
    """With `manage`: who else keeps token usage, each `group:<name>`, `user:<email>` or
    `servicePrincipal:<application id>`. Default none (refused with `manage`)."""


class DbtServicePrincipalArgs(TypedDict):
    """Arguments of `DbtServicePrincipal`."""

    display_name: str
    """Name shown in the workspace's admin settings (also in the token's comment)."""
    warehouse_id: pulumi.Input[str]
    """The warehouse dbt runs on (a `SqlWarehouse`'s `warehouseId`): the principal gets CAN_USE on it, nothing more."""
    token_usage: TokenUsage
    """How the principal gets token usage before its token is made."""
    cloud: NotRequired[str]
    """aws or gcp (a workspace admin makes the token on the principal's behalf, `OboToken`), or azure (an Entra ID
    application that signs in itself to make its token). Default aws."""
    credential_lifetime_days: NotRequired[int]
    """Days until the token expires. Default 90."""
    rotate_after_days: NotRequired[int]
    """Days after which the token is replaced by the next `pulumi up --refresh`; at most the lifetime less two weeks
    (two weekly deploys). Default two thirds of the lifetime (60 of 90)."""
    credential_rotation: NotRequired[int]
    """Raise by one to replace the token now (after a leak). Default 1."""
    catalog_grants: NotRequired[dict[str, list[str]]]
    """Unity Catalog catalog -> privileges granted on it (catalog privileges, e.g. USE_CATALOG, USE_SCHEMA,
    CREATE_SCHEMA, CREATE_TABLE, SELECT, MODIFY). Adds this principal's grants only. Default none."""
    schema_grants: NotRequired[dict[str, list[str]]]
    """`catalog.schema` -> privileges granted on it (schema privileges: no USE_CATALOG, CREATE_SCHEMA or BROWSE;
    dbt's materialized views need CREATE_MATERIALIZED_VIEW). Default none."""
    warehouse_access: NotRequired[dict[str, str]]
    """Who else keeps access to the warehouse, `group:<name>`, `user:<email>` or `servicePrincipal:<application id>`
    -> CAN_USE, CAN_MONITOR, CAN_MANAGE, CAN_VIEW or IS_OWNER. The warehouse's permissions are one list that replaces
    the existing one (admins keep theirs). The identity that deploys keeps CAN_MANAGE by itself (named below it, the
    deploy fails) and, with no IS_OWNER entry, becomes the owner. Default none: only the principal (and admins)."""
    azure_application_id: NotRequired[str]
    """Azure: the Entra ID application (client) id of the principal. Required with cloud azure."""
    azure_tenant_id: NotRequired[str]
    """Azure: the Entra ID tenant id. Required with cloud azure."""
    workspace_host: NotRequired[str]
    """Azure: the workspace URL (`https://...`) the principal signs in to, to make its own token. Required with cloud
    azure."""
    client_secret: NotRequired[pulumi.Input[str]]
    """Azure: the Entra ID application's client secret; kept a Pulumi secret. Required with cloud azure."""


class DbtServicePrincipal(pulumi.ComponentResource):
    """The identity dbt Cloud's runs use: a `databricks.ServicePrincipal` with Databricks SQL access only, `CAN_USE`
    on the warehouse (`databricks.Permissions`), its Unity Catalog grants (`databricks.Grant`, one per securable), its
    token usage (group membership or the workspace's token permissions) and its token.

    The token is made by Pulumi and handed on as a secret: no person sees or pastes it. On AWS and GCP a workspace
    admin makes it on the principal's behalf (`OboToken`); on Azure, where that is not offered, the principal signs in
    with its Entra ID application and makes its own (`Token`). It is replaced when `rotateAfterDays` have passed (a
    `time.Rotating` timestamp) or when `credentialRotation` is raised. Privileges are checked per securable.
    """

    application_id: pulumi.Output[str]
    """The principal's application id: what permissions and grants name."""
    token: pulumi.Output[str]
    """The principal's token (a Pulumi secret), e.g. for a `DbtEnvironments` credential."""
    token_rotates_at: pulumi.Output[str]
    """When the token is due for replacement (RFC 3339, UTC): the first `pulumi up --refresh` after it makes a new
    one. Past it and not yet replaced means the scheduled deploy is not running."""

    def __init__(self, name: str, args: DbtServicePrincipalArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(DbtServicePrincipal, "databricks", "ServicePrincipal"), name, None, opts)
        self.principal = databricks.ServicePrincipal(
            f"{name}-principal",
            **passed(PRINCIPAL_FIELDS, args),
            databricks_sql_access=True,
            # Least privilege: SQL only, no workspace UI, no clusters.
            workspace_access=False,
            allow_cluster_create=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.application_id = self.principal.application_id
        token_usage = self._token_permissions(name, args["token_usage"])
        self.token = self._token(name, args, token_usage)
        # Authoritative: the warehouse's whole access list (admins keep theirs), so everyone who keeps access is in it.
        self.warehouse_access = databricks.Permissions(
            f"{name}-warehouse-use",
            sql_endpoint_id=args["warehouse_id"],
            access_controls=[
                databricks.PermissionsAccessControlArgs(
                    service_principal_name=self.application_id, permission_level="CAN_USE"
                ),
                *(self._access(principal, level) for principal, level in (args.get("warehouse_access") or {}).items()),
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.grants = self._grants(name, args)
        self.token_rotates_at = self.rotation.rotation_rfc3339
        self.register_outputs(
            {"application_id": self.application_id, "token": self.token, "token_rotates_at": self.token_rotates_at}
        )

    @staticmethod
    def _check(name: str, args: DbtServicePrincipalArgs) -> None:
        cloud = args.get("cloud", "aws")
        one_of(COMPONENT, name, "cloud", cloud, CLOUDS)
        if signs_in_itself(cloud):
            for key, camel in (
                ("azure_application_id", "azureApplicationId"),
                ("azure_tenant_id", "azureTenantId"),
                ("workspace_host", "workspaceHost"),
                ("client_secret", "clientSecret"),
            ):
                if args.get(key) is None:
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        camel,
                        None,
                        "required with cloud azure (the principal "
                        "signs in with its Entra ID application to make its own token)",
                    )
        lifetime = whole_number(COMPONENT, name, "credentialLifetimeDays", args.get("credential_lifetime_days", 90))
        rotation = whole_number(
            COMPONENT, name, "rotateAfterDays", args.get("rotate_after_days") or default_rotation_days(lifetime)
        )
        whole_number(COMPONENT, name, "credentialRotation", args.get("credential_rotation", 1))
        problem = rotation_problem(lifetime, rotation)
        if problem:
            raise InvalidArgument(COMPONENT, name, "rotateAfterDays", rotation, problem)
        for securable, key, camel in (
            ("catalog", "catalog_grants", "catalogGrants"),
            ("schema", "schema_grants", "schemaGrants"),
        ):
            for target, privileges in (args.get(key) or {}).items():
                repeated = repeated_privilege(privileges)
                if repeated:
                    raise InvalidArgument(COMPONENT, name, f"{camel}.{target}", repeated, "listed twice: list it once")
                for privilege in privileges:
                    problem = privilege_problem(securable, privilege)
                    if problem:
                        raise InvalidArgument(COMPONENT, name, f"{camel}.{target}", privilege, problem)
        for principal, level in (args.get("warehouse_access") or {}).items():
            _check_principal(name, "warehouseAccess", principal)
            one_of(COMPONENT, name, f"warehouseAccess.{principal}", level, WAREHOUSE_PERMISSION_LEVELS)
        _check_token_usage(name, args.get("token_usage"))

    def _token_permissions(self, name: str, usage: TokenUsage) -> pulumi.Resource:
        """What gives the principal token usage; its token is made only after it (obo_token.md makes the token
        depend on the token-usage permission, or the API refuses to make one)."""
        if usage.get("via_group"):
            # Join a group that already has token usage: nothing else in the workspace changes.
            group = databricks.get_group_output(
                display_name=usage["via_group"], opts=pulumi.InvokeOutputOptions(parent=self)
            )
            return databricks.GroupMember(
                f"{name}-token-group",
                group_id=group.id,
                member_id=self.principal.id,
                opts=pulumi.ResourceOptions(parent=self),
            )
        # One list for the whole workspace, replacing the existing one: everyone named keeps token access.
        others = [self._access(principal, "CAN_USE") for principal in usage.get("keep_access_for") or []]
        return databricks.Permissions(
            f"{name}-token-usage",
            authorization="tokens",
            access_controls=[
                databricks.PermissionsAccessControlArgs(
                    service_principal_name=self.application_id, permission_level="CAN_USE"
                ),
                *others,
            ],
            # Deleting this resource would set the workspace's token permissions to admins only, and Databricks then
            # deletes everyone else's active tokens at once (permissions.md, "Token usage"; resource_permissions.go
            # Delete): a destroy, a rename or a switch to viaGroup must leave the list as it is.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )

    @staticmethod
    def _access(principal: str, level: str) -> databricks.PermissionsAccessControlArgs:
        kind, _, who = principal.partition(":")
        field = {"group": "group_name", "user": "user_name", "servicePrincipal": "service_principal_name"}[kind]
        return databricks.PermissionsAccessControlArgs(**{field: who, "permission_level": level})

    def _token(self, name: str, args: DbtServicePrincipalArgs, token_usage: pulumi.Resource) -> pulumi.Output[str]:
        lifetime_days = int(args.get("credential_lifetime_days", 90))
        # Recreated by `pulumi up --refresh` once its rotation time has passed (components/rotation.py explains why a
        # time trigger is needed); its new timestamp replaces the token. Never protected: rotating means replacing.
        self.rotation = time.Rotating(
            f"{name}-token-rotation",
            rotation_days=int(args.get("rotate_after_days") or default_rotation_days(lifetime_days)),
            opts=pulumi.ResourceOptions(parent=self, protect=False),
        )
        # The comment names the rotation time, so that the token is replaced whenever the Rotating is new, including
        # the first `pulumi up` of a stack deployed before rotation existed. `replacement_trigger` alone would not do
        # that: the engine replaces on a trigger only when the old state has one too ("Nulls mean there is no
        # replacement trigger", pulumi/pulumi pkg/resource/deploy/step_generator.go `shouldTriggerReplace`), and
        # such a stack's token has none: its preview would show a replacement that `up` does not make, and the old
        # token would be kept until the first rotation, past its own expiry if it was made long enough ago.
        comment = pulumi.Output.concat(
            f"dbt Cloud runs ({args['display_name']}), rotation {int(args.get('credential_rotation', 1))}, replaced "
            "after ",
            self.rotation.rotation_rfc3339,
        )
        # A token cannot be changed, only replaced: a new rotation time, rotation number or lifetime makes a new
        # one. Replacement creates the new token first and deletes the old one only after the credential holds
        # the new one (Pulumi's default order; never delete_before_replace here).
        token_opts = pulumi.ResourceOptions(
            parent=self,
            depends_on=[token_usage],
            protect=False,
            replace_on_changes=["comment", "lifetimeSeconds"],
            replacement_trigger=self.rotation.rotation_rfc3339,
        )
        lifetime_seconds = lifetime_days * 24 * 3600
        if signs_in_itself(args.get("cloud", "aws")):
            signed_in = databricks.Provider(
                f"{name}-as-principal",
                host=args.get("workspace_host"),
                azure_client_id=args.get("azure_application_id"),
                azure_client_secret=pulumi.Output.secret(args.get("client_secret")),
                azure_tenant_id=args.get("azure_tenant_id"),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.principal]),
            )
            token = databricks.Token(
                f"{name}-token",
                comment=comment,
                lifetime_seconds=lifetime_seconds,
                opts=token_opts.merge(pulumi.ResourceOptions(provider=signed_in)),
            )
        else:
            token = databricks.OboToken(
                f"{name}-token",
                application_id=self.application_id,
                comment=comment,
                lifetime_seconds=lifetime_seconds,
                opts=token_opts,
            )
        return pulumi.Output.secret(token.token_value)

    def _grants(self, name: str, args: DbtServicePrincipalArgs) -> list[databricks.Grant]:
        # `Grant` adds this principal's privileges without touching anyone else's (unlike `Grants`).
        securables = (("catalog", args.get("catalog_grants")), ("schema", args.get("schema_grants")))
        return [
            databricks.Grant(
                f"{name}-{kind}-{target.replace('.', '-')}",
                principal=self.application_id,
                privileges=list(privileges),
                opts=pulumi.ResourceOptions(parent=self),
                **{kind: target},
            )
            for kind, grants in securables
            for target, privileges in (grants or {}).items()
        ]


def _check_principal(name: str, key: str, principal: str) -> None:
    problem = access_principal_problem(principal)
    if problem:
        raise InvalidArgument(COMPONENT, name, key, principal, problem)


def _check_token_usage(name: str, usage: Optional[TokenUsage]) -> None:
    usage = usage or {}
    group, manage, others = usage.get("via_group"), usage.get("manage", False), usage.get("keep_access_for") or []
    way: Literal["group", "manage", "none"] = "manage" if manage else ("group" if group else "none")
    if way == "none":
        raise InvalidArgument(
            COMPONENT,
            name,
            "tokenUsage",
            usage,
            "give viaGroup (a group that has token usage) or "
            "manage: true with keepAccessFor: the token can only be made once the principal has it",
        )
    if way == "manage" and group:
        raise InvalidArgument(COMPONENT, name, "tokenUsage", usage, "give manage: true or viaGroup, not both")
    if way == "manage" and not others:
        raise InvalidArgument(
            COMPONENT,
            name,
            "tokenUsage.keepAccessFor",
            others,
            "manage: true replaces the workspace's token permissions: name who else keeps using "
            "tokens (at least the group of people who do today, e.g. group:users)",
        )
    if way == "group" and others:
        raise InvalidArgument(COMPONENT, name, "tokenUsage.keepAccessFor", others, "only applies with manage: true")
    if group in ("users", "admins"):
        raise InvalidArgument(
            COMPONENT,
            name,
            "tokenUsage.viaGroup",
            group,
            "a system group whose members Databricks "
            "manages itself: name a group you made that has token usage, or use manage: true",
        )
    for principal in others:
        _check_principal(name, "tokenUsage.keepAccessFor", principal)
