"""dbt Cloud environments, each deployment environment with the Databricks credential its runs use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings import EnvironmentSettings


@dataclass
class DbtEnvironmentsArgs:
    """Arguments of `DbtEnvironments`."""

    environments: dict[str, EnvironmentSettings]
    """The stack's environments by key."""
    project_id: pulumi.Input[int]
    """The project they belong to."""
    connection_id: pulumi.Input[int]
    """The connection to the stack's warehouse."""
    deployment_token: Optional[pulumi.Input[str]] = None
    """Secret Databricks token for credentials with `runAs: deploymentToken`."""
    principal_token: Optional[pulumi.Input[str]] = None
    """Secret token of the stack's service principal, for credentials with `runAs: servicePrincipal`."""
    protect_production: bool = False
    """Protect the production environment and its credential from deletion."""
    import_ids: Mapping[str, str] = field(default_factory=dict)
    """Environment key -> existing environment to adopt (`<project>:<environment>`)."""
    credential_import_ids: Mapping[str, str] = field(default_factory=dict)
    """Environment key -> existing Databricks credential to adopt (`<project>:<credential>`)."""


class DbtEnvironments(pulumi.ComponentResource):
    """Development and deployment environments of one stack.

    The development environment is the IDE's: it has no deployment credential, as each developer sets a
    personal token in dbt Cloud. Deployment environments (production, staging, general) run jobs with a
    `DatabricksCredential` holding the deployment token as a secret.
    """

    environment_ids: dict[str, pulumi.Output[int]]
    """Each environment's number, by key."""
    environment_names: dict[str, str]
    """Each environment's name, by key (environment variables address environments by name)."""

    def __init__(self, name: str, args: DbtEnvironmentsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:Environments", name, None, opts)
        self.environment_ids = {}
        self.environment_names = {}
        self.environments: dict[str, dbtcloud.Environment] = {}
        self.credentials: dict[str, dbtcloud.DatabricksCredential] = {}
        for key, settings in args.environments.items():
            child_opts = pulumi.ResourceOptions(
                parent=self, protect=args.protect_production and settings.deployment_type == "production"
            )
            credential_id = None
            if settings.is_deployment:
                credential = self._credential(f"{name}-{key}", settings, args,
                                              child_opts.merge(pulumi.ResourceOptions(
                                                  import_=args.credential_import_ids.get(key))))
                self.credentials[key] = credential
                credential_id = credential.credential_id
            environment = self._environment(f"{name}-{key}", settings, args, credential_id,
                                            child_opts.merge(pulumi.ResourceOptions(import_=args.import_ids.get(key))))
            self.environments[key] = environment
            # An Environment's Pulumi id is "<project>:<environment>": pass on `environment_id`, never `id`.
            self.environment_ids[key] = environment.environment_id
            self.environment_names[key] = settings.name
        self.register_outputs({"environment_ids": self.environment_ids})

    @staticmethod
    def _credential(name: str, settings: EnvironmentSettings, args: DbtEnvironmentsArgs,
                    opts: pulumi.ResourceOptions) -> dbtcloud.DatabricksCredential:
        source = settings.credential.run_as
        token = args.principal_token if source == "servicePrincipal" else args.deployment_token
        if token is None:
            raise ValueError(f"deployment environment {settings.name!r} takes its token from {source}, which is missing")
        return dbtcloud.DatabricksCredential(
            f"{name}-credential",
            project_id=args.project_id,
            # Wrapped again here so that the token stays secret whatever the caller passed.
            token=pulumi.Output.secret(token),
            catalog=settings.credential.catalog,
            schema=settings.credential.target_schema,
            opts=opts,
        )

    @staticmethod
    def _environment(name: str, settings: EnvironmentSettings, args: DbtEnvironmentsArgs,
                     credential_id: Optional[pulumi.Input[int]], opts: pulumi.ResourceOptions) -> dbtcloud.Environment:
        return dbtcloud.Environment(
            f"{name}-environment",
            name=settings.name,
            project_id=args.project_id,
            type=settings.type,
            deployment_type=settings.api_deployment_type,
            dbt_version=settings.dbt_version,
            connection_id=args.connection_id,
            credential_id=credential_id,
            use_custom_branch=settings.custom_branch is not None,
            custom_branch=settings.custom_branch,
            opts=opts,
        )
