"""The stack's building blocks, one ComponentResource per kind of thing, each in its own module; also a Pulumi
component package (`PulumiPlugin.yaml`, `__main__.py`) that other programs add with `pulumi package add`.

Every component takes plain typed arguments (a TypedDict of `pulumi.Input` values and nested TypedDicts, never this
repository's settings objects), checks the rules that protect its users before it declares anything, parents all its
children to itself, and registers its outputs last. Type tokens: see `package.py`.
"""

from .connection import DatabricksConnection, DatabricksConnectionArgs
from .environment_variables import EnvironmentVariables, EnvironmentVariablesArgs
from .environments import CredentialArgs, DbtEnvironments, DbtEnvironmentsArgs, EnvironmentArgs
from .jobs import DbtJobs, DbtJobsArgs, JobArgs, JobLink, RunAfterArgs
from .notifications import JobNotifications, JobNotificationsArgs, NotificationArgs
from .package import PACKAGE_NAME, PACKAGE_VERSION, InvalidArgument
from .project import AdoptedProject, AdoptedProjectArgs, DbtProject, DbtProjectArgs, RepositoryArgs
from .service_principal import DbtServicePrincipal, DbtServicePrincipalArgs, TokenUsageArgs
from .warehouse import SqlWarehouse, SqlWarehouseArgs

COMPONENTS = [SqlWarehouse, DatabricksConnection, DbtServicePrincipal, DbtProject, AdoptedProject, DbtEnvironments,
              DbtJobs, JobNotifications, EnvironmentVariables]
"""Every component the package hosts."""

__all__ = [
    "COMPONENTS", "PACKAGE_NAME", "PACKAGE_VERSION", "AdoptedProject", "AdoptedProjectArgs", "CredentialArgs",
    "DatabricksConnection", "DatabricksConnectionArgs", "DbtEnvironments", "DbtEnvironmentsArgs", "DbtJobs",
    "DbtJobsArgs", "DbtProject", "DbtProjectArgs", "DbtServicePrincipal", "DbtServicePrincipalArgs", "EnvironmentArgs",
    "EnvironmentVariables", "EnvironmentVariablesArgs", "InvalidArgument", "JobArgs", "JobLink", "JobNotifications",
    "JobNotificationsArgs", "NotificationArgs", "RepositoryArgs", "RunAfterArgs", "SqlWarehouse", "SqlWarehouseArgs",
    "TokenUsageArgs",
]
