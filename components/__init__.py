"""The stack's building blocks, one ComponentResource per kind of thing, each in its own module; also a Pulumi
component package (`PulumiPlugin.yaml`, `__main__.py`) that other programs add with `pulumi package add`.

Every component takes plain typed arguments (a TypedDict of `pulumi.Input` values and nested TypedDicts, never this
repository's settings objects), checks the rules that protect its users before it declares anything, parents all its
children to itself, and registers its outputs last. Type tokens: see `package.py`.
"""

from .connection import DatabricksConnection, DatabricksConnectionArgs
from .environment_variables import EnvironmentVariables, EnvironmentVariablesArgs
from .environments import DbtEnvironments, DbtEnvironmentsArgs, Environment, EnvironmentCredential
from .jobs import DbtJobs, DbtJobsArgs, Job, JobLink, RunAfter
from .notifications import JobNotifications, JobNotificationsArgs, Notification
from .package import PACKAGE_NAME, PACKAGE_VERSION, InvalidArgument
from .project import AdoptedProject, AdoptedProjectArgs, DbtProject, DbtProjectArgs, GitRepository
from .service_principal import DbtServicePrincipal, DbtServicePrincipalArgs, TokenUsage
from .warehouse import SqlWarehouse, SqlWarehouseArgs

COMPONENTS = [
    SqlWarehouse,
    DatabricksConnection,
    DbtServicePrincipal,
    DbtProject,
    AdoptedProject,
    DbtEnvironments,
    DbtJobs,
    JobNotifications,
    EnvironmentVariables,
]
"""Every component the package hosts."""

__all__ = [
    "COMPONENTS",
    "PACKAGE_NAME",
    "PACKAGE_VERSION",
    "AdoptedProject",
    "AdoptedProjectArgs",
    "DatabricksConnection",
    "DatabricksConnectionArgs",
    "DbtEnvironments",
    "DbtEnvironmentsArgs",
    "DbtJobs",
    "DbtJobsArgs",
    "DbtProject",
    "DbtProjectArgs",
    "DbtServicePrincipal",
    "DbtServicePrincipalArgs",
    "Environment",
    "EnvironmentCredential",
    "EnvironmentVariables",
    "EnvironmentVariablesArgs",
    "GitRepository",
    "InvalidArgument",
    "Job",
    "JobLink",
    "JobNotifications",
    "JobNotificationsArgs",
    "Notification",
    "RunAfter",
    "SqlWarehouse",
    "SqlWarehouseArgs",
    "TokenUsage",
]
