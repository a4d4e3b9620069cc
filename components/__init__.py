"""The stack's building blocks: one ComponentResource per kind of thing, each in its own module.

Every component takes a typed args dataclass (settings plus the outputs of other components), parents
all its children to itself, and registers its outputs last. Type tokens are `dbtplatform:<module>:<Type>`.
"""

from .connection import DatabricksConnection, DatabricksConnectionArgs
from .environment_variables import EnvironmentVariables, EnvironmentVariablesArgs
from .environments import DbtEnvironments, DbtEnvironmentsArgs
from .jobs import DbtJobs, DbtJobsArgs
from .notifications import JobNotifications, JobNotificationsArgs
from .project import AdoptedProject, AdoptedProjectArgs, DbtProject, DbtProjectArgs
from .service_principal import DbtServicePrincipal, DbtServicePrincipalArgs
from .warehouse import SqlWarehouse, SqlWarehouseArgs

__all__ = [
    "AdoptedProject", "AdoptedProjectArgs", "DatabricksConnection", "DatabricksConnectionArgs", "DbtEnvironments",
    "DbtEnvironmentsArgs", "DbtJobs", "DbtJobsArgs", "DbtProject", "DbtProjectArgs", "DbtServicePrincipal", "DbtServicePrincipalArgs", "EnvironmentVariables",
    "EnvironmentVariablesArgs", "JobNotifications", "JobNotificationsArgs", "SqlWarehouse", "SqlWarehouseArgs",
]
