"""dbt Cloud environments, each deployment environment with the Databricks credential its runs use."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import NotModelled, Passed, ProviderArguments, passed
from .package import InvalidArgument, one_of, type_token

COMPONENT = "DbtEnvironments"

# terraform-provider-dbtcloud pkg/framework/objects/environment/schema.go and databricks_credential/schema.go
# (defaults); dbt Labs' OpenAPI spec v3 (the API's names).
ENVIRONMENT_FIELDS = {
    "name": Passed("name"),
    "type": Passed("type"),
    "deployment_type": Passed("deployment_type"),
    "dbt_version": Passed("dbt_version", "latest", given="latest"),
}
"""An `Environment`'s arguments handed to the provider as they are."""

ENVIRONMENT = ProviderArguments(
    dbtcloud.Environment,
    passed=ENVIRONMENT_FIELDS,
    by_hand={
        "project_id": "the component's projectId",
        "connection_id": "the component's connectionId",
        "credential_id": "the credential made for a deployment environment",
        "custom_branch": "customBranch",
        "use_custom_branch": "true with customBranch",
    },
    not_modelled={
        "enable_dbt_state": NotModelled("dbt state for the environment's jobs", False, drifts=False),
        "enable_model_query_history": NotModelled("model query history", False),
        "extended_attributes_id": NotModelled("extended attributes", drifts=False),  # UseStateForUnknown
        "is_active": NotModelled("false deletes the environment", True, drifts=False),
        "primary_profile_id": NotModelled(
            "connection profiles (the environment names its connection)", drifts=False
        ),  # UseStateWhenConfigSet (environment/schema.go:277-289)
    },
)

CREDENTIAL_FIELDS = {
    "schema": Passed("schema"),
    "catalog": Passed("catalog"),
}
"""An `EnvironmentCredential`'s arguments handed to the provider as they are."""

CREDENTIAL = ProviderArguments(
    dbtcloud.DatabricksCredential,
    passed=CREDENTIAL_FIELDS,
    by_hand={"project_id": "the component's projectId", "token": "deploymentToken or principalToken, by runAs"},
    not_modelled={
        "adapter_type": NotModelled("deprecated by the provider", drifts=False),
        "target_name": NotModelled("deprecated by the provider (jobs set targetName)", drifts=False),
        "semantic_layer_credential": NotModelled("Semantic Layer credentials", False),
        "token_wo": NotModelled("the write-only token (the component sends token, a Pulumi secret)", drifts=False),
        "token_wo_version": NotModelled("the write-only token's version", drifts=False),
    },
)
MODEL_NOTIFICATION_FIELDS = {
    event: Passed(event, False) for event in ("on_success", "on_failure", "on_warning", "on_skipped")
}
"""`ModelNotificationEvents` handed to the provider as they are (model_notifications/schema.go:41-64, default false)."""

MODEL_NOTIFICATIONS = ProviderArguments(
    dbtcloud.ModelNotifications,
    passed=MODEL_NOTIFICATION_FIELDS,
    by_hand={"environment_id": "the environment's number, as text", "enabled": "always true"},
)
PROVIDER_ARGUMENTS = (ENVIRONMENT, CREDENTIAL, MODEL_NOTIFICATIONS)


class EnvironmentCredential(TypedDict):
    """The Databricks credential a deployment environment's runs use."""

    schema: pulumi.Input[str]
    """Target schema dbt builds into (letters, digits, `_`, spaces, `()"'{}`)."""
    catalog: NotRequired[pulumi.Input[str]]
    """Unity Catalog catalog dbt builds into. Default: the connection's catalog."""
    run_as: NotRequired[str]
    """Whose token the runs use: deploymentToken (the component's `deploymentToken`) or servicePrincipal (its
    `principalToken`, e.g. a `DbtServicePrincipal`'s `token`). Default deploymentToken."""


class ModelNotificationEvents(TypedDict):
    """Which of its models' outcomes dbt Cloud emails their owners about (the owners of the dbt project's groups)."""

    on_failure: NotRequired[bool]
    """A model fails. Default false."""
    on_warning: NotRequired[bool]
    """A model's tests warn. Default false."""
    on_skipped: NotRequired[bool]
    """A model is skipped. Default false."""
    on_success: NotRequired[bool]
    """A model builds. Default false."""


class Environment(TypedDict):
    """One dbt Cloud environment."""

    name: str
    """Environment name shown in dbt Cloud; environment variables address the environment by it."""
    type: str
    """development (the IDE's; one per project, no credential) or deployment (where jobs run). Changing it replaces
    the environment."""
    deployment_type: NotRequired[str]
    """Deployment environments only: production (one per project) or staging. Default: a general deployment
    environment."""
    dbt_version: NotRequired[pulumi.Input[str]]
    """dbt version track: latest, compatible, extended, fallback, a fusion track, or `<major>.<minor>.0-latest`.
    Default latest."""
    custom_branch: NotRequired[pulumi.Input[str]]
    """Git branch the environment runs (and `useCustomBranch`). Default: the repository's default branch."""
    credential: NotRequired[EnvironmentCredential]
    """Deployment environments: the credential their runs use. Required for them, refused for development."""
    model_notifications: NotRequired[ModelNotificationEvents]
    """Deployment environments on a release track: email model owners (the account setting must be on). Default
    none."""
    import_id: NotRequired[str]
    """`<project>:<environment>` of an existing environment to adopt (import). Default: create one."""
    credential_import_id: NotRequired[str]
    """`<project>:<credential>` of an existing Databricks credential to adopt (import). Default: create one."""


class DbtEnvironmentsArgs(TypedDict):
    """Arguments of `DbtEnvironments`."""

    environments: dict[str, Environment]
    """The environments, by a key of your choosing (used in resource names and in the outputs)."""
    project_id: pulumi.Input[int]
    """The project they belong to (a `DbtProject`'s `projectId`)."""
    connection_id: pulumi.Input[int]
    """The connection to the warehouse (a `DatabricksConnection`'s `connectionId`)."""
    deployment_token: NotRequired[pulumi.Input[str]]
    """Databricks token for credentials with runAs deploymentToken; kept a Pulumi secret. Required if any has it."""
    principal_token: NotRequired[pulumi.Input[str]]
    """Service principal token for credentials with runAs servicePrincipal; kept a Pulumi secret. Required if any
    has it."""
    protect_production: NotRequired[bool]
    """Protect the production environment and its credential from deletion. Default false."""


class DbtEnvironments(pulumi.ComponentResource):
    """Development and deployment environments of one project (`dbtcloud.Environment`).

    The development environment is the IDE's: it has no deployment credential, as each developer sets a personal
    token in dbt Cloud. Deployment environments (production, staging, general) run jobs with a
    `dbtcloud.DatabricksCredential` holding their token as a secret.
    """

    environment_ids: dict[str, pulumi.Output[int]]
    """Each environment's number, by key."""
    environment_names: dict[str, str]
    """Each environment's name, by key (environment variables address environments by name)."""

    def __init__(self, name: str, args: DbtEnvironmentsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(DbtEnvironments, "dbtcloud", "Environments"), name, None, opts)
        self.environment_ids = {}
        self.environment_names = {}
        self.environments: dict[str, dbtcloud.Environment] = {}
        self.credentials: dict[str, dbtcloud.DatabricksCredential] = {}
        self.model_notifications: dict[str, dbtcloud.ModelNotifications] = {}
        for key, environment_args in args["environments"].items():
            production = environment_args.get("deployment_type") == "production"
            protect = args.get("protect_production", False) and production
            child_opts = pulumi.ResourceOptions(parent=self, protect=protect)
            credential_id = None
            if environment_args["type"] == "deployment":
                credential = self._credential(
                    f"{name}-{key}",
                    environment_args,
                    args,
                    child_opts.merge(pulumi.ResourceOptions(import_=environment_args.get("credential_import_id"))),
                )
                self.credentials[key] = credential
                credential_id = credential.credential_id
            environment = self._environment(
                f"{name}-{key}",
                environment_args,
                args,
                credential_id,
                child_opts.merge(pulumi.ResourceOptions(import_=environment_args.get("import_id"))),
            )
            self.environments[key] = environment
            # An Environment's Pulumi id is "<project>:<environment>": pass on `environment_id`, never `id`.
            self.environment_ids[key] = environment.environment_id
            self.environment_names[key] = environment_args["name"]
            if environment_args.get("model_notifications") is not None:
                self.model_notifications[key] = dbtcloud.ModelNotifications(
                    f"{name}-{key}-model-notifications",
                    **passed(MODEL_NOTIFICATION_FIELDS, environment_args["model_notifications"]),
                    # The provider takes the environment's number as text (model_notifications/schema.go:28-34).
                    environment_id=environment.environment_id.apply(str),
                    enabled=True,
                    opts=pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({"environment_ids": self.environment_ids})

    @staticmethod
    def _check(name: str, args: DbtEnvironmentsArgs) -> None:
        kinds: dict[str, list[str]] = {"development": [], "production": []}
        for key, environment in args["environments"].items():
            where = f"environments.{key}"
            one_of(COMPONENT, name, f"{where}.type", environment.get("type"), ("development", "deployment"))
            deployment = environment["type"] == "deployment"
            if environment.get("deployment_type") is not None:
                if not deployment:
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        f"{where}.deploymentType",
                        environment["deployment_type"],
                        "only for deployment environments",
                    )
                one_of(
                    COMPONENT,
                    name,
                    f"{where}.deploymentType",
                    environment["deployment_type"],
                    ("production", "staging"),
                )
            kind = (environment.get("deployment_type") or "general") if deployment else "development"
            kinds.setdefault(kind, []).append(key)
            credential = environment.get("credential")
            if deployment and credential is None:
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    f"{where}.credential",
                    None,
                    "a deployment environment needs a credential (its catalog and schema)",
                )
            if environment.get("model_notifications") is not None and not deployment:
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    f"{where}.modelNotifications",
                    environment["model_notifications"],
                    "only for deployment environments",
                )
            if not deployment and credential is not None:
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    f"{where}.credential",
                    credential,
                    "a development environment has none: each developer sets a personal token",
                )
            if credential is not None:
                source = credential.get("run_as", "deploymentToken")
                one_of(COMPONENT, name, f"{where}.credential.runAs", source, ("deploymentToken", "servicePrincipal"))
                token_key = "principal_token" if source == "servicePrincipal" else "deployment_token"
                if args.get(token_key) is None:
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        "principalToken" if token_key == "principal_token" else "deploymentToken",
                        None,
                        f"required: environment {environment['name']!r} runs as {source}",
                    )
        for kind in ("development", "production"):
            if len(kinds[kind]) > 1:
                raise InvalidArgument(
                    COMPONENT, name, "environments", kinds[kind], f"dbt Cloud allows one {kind} environment per project"
                )

    @staticmethod
    def _credential(
        name: str, environment: Environment, args: DbtEnvironmentsArgs, opts: pulumi.ResourceOptions
    ) -> dbtcloud.DatabricksCredential:
        credential = environment["credential"]
        source = credential.get("run_as", "deploymentToken")
        token = args.get("principal_token") if source == "servicePrincipal" else args.get("deployment_token")
        return dbtcloud.DatabricksCredential(
            f"{name}-credential",
            **passed(CREDENTIAL_FIELDS, credential),
            project_id=args["project_id"],
            # Wrapped again here so that the token stays secret whatever the caller passed.
            token=pulumi.Output.secret(token),
            opts=opts,
        )

    @staticmethod
    def _environment(
        name: str,
        environment: Environment,
        args: DbtEnvironmentsArgs,
        credential_id: Optional[pulumi.Input[int]],
        opts: pulumi.ResourceOptions,
    ) -> dbtcloud.Environment:
        custom_branch = environment.get("custom_branch")
        return dbtcloud.Environment(
            f"{name}-environment",
            **passed(ENVIRONMENT_FIELDS, environment),
            project_id=args["project_id"],
            connection_id=args["connection_id"],
            credential_id=credential_id,
            use_custom_branch=custom_branch is not None,
            custom_branch=custom_branch,
            opts=opts,
        )
