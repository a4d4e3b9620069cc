"""dbt Cloud on Databricks, one stack per environment.

Reads the stack config into validated settings (nothing is declared if any of it is wrong), then wires
the components together: warehouse -> service principal -> connection -> project -> environments -> jobs ->
notifications, environment variables. Every rule lives in `settings`, every resource in `components`.
"""

from pathlib import Path

import pulumi

from components import (
    AdoptedProject,
    AdoptedProjectArgs,
    DatabricksConnection,
    DatabricksConnectionArgs,
    DbtEnvironments,
    DbtEnvironmentsArgs,
    DbtJobs,
    DbtJobsArgs,
    DbtProject,
    DbtProjectArgs,
    DbtServicePrincipal,
    DbtServicePrincipalArgs,
    EnvironmentVariables,
    EnvironmentVariablesArgs,
    JobNotifications,
    JobNotificationsArgs,
    SqlWarehouse,
    SqlWarehouseArgs,
)
from components.secrets import as_secret
from runtime_config import load_stack_settings

loaded = load_stack_settings(Path(__file__).resolve().parent)
for warning in loaded.warnings:
    pulumi.log.warn(str(warning))
settings = loaded.settings

# Stateful resources are protected from deletion where the stack file says so (production).
stateful = pulumi.ResourceOptions(protect=settings.protect)

# Resources of a setup first made by hand are adopted (imported) where importIds names them.
adopt = settings.import_ids

warehouse = SqlWarehouse("warehouse", SqlWarehouseArgs(settings.warehouse, import_id=adopt.warehouse), opts=stateful)
connection = DatabricksConnection(
    "connection",
    DatabricksConnectionArgs(settings.connection, host=warehouse.host, http_path=warehouse.http_path,
                             import_id=adopt.connection),
    opts=stateful,
)
principal = None
if settings.service_principal is not None:
    principal = DbtServicePrincipal(
        "service-principal",
        DbtServicePrincipalArgs(
            settings.service_principal,
            warehouse_id=warehouse.warehouse_id,
            warehouse_access=settings.warehouse.keep_access_for,
            workspace_host=settings.databricks_host,
            client_secret=as_secret(settings.service_principal_secret),
        ),
        opts=stateful,
    )

if settings.project.creates_project:
    project = DbtProject(
        "project",
        DbtProjectArgs(settings.project, project_import_id=adopt.project, repository_import_id=adopt.repository),
        opts=stateful,
    )
else:
    project = AdoptedProject("project", AdoptedProjectArgs(settings.project))

environments = DbtEnvironments(
    "environments",
    DbtEnvironmentsArgs(
        settings.environments,
        project_id=project.project_id,
        connection_id=connection.connection_id,
        deployment_token=as_secret(settings.deployment_token),
        principal_token=principal.token if principal else None,
        protect_production=settings.protect,
        import_ids=adopt.environments,
        credential_import_ids=adopt.credentials,
    ),
)
jobs = DbtJobs(
    "jobs",
    DbtJobsArgs(
        settings.jobs_in_dependency_order(),
        threads=settings.job_threads(),
        project_id=project.project_id,
        environment_ids={**project.environment_ids(settings.external_environment_keys()),
                         **environments.environment_ids},
        account=settings.account,
        import_ids=adopt.jobs,
    ),
)
JobNotifications("notifications", JobNotificationsArgs(settings.notifications, job_ids=jobs.job_ids))
EnvironmentVariables(
    "environment-variables",
    EnvironmentVariablesArgs(
        project.project_id,
        environment_names=environments.environment_names,
        variables=settings.environment_variables,
        secret_variables=settings.secret_environment_variables,
        depends_on=[environments],
    ),
)

pulumi.export("warehouseId", warehouse.warehouse_id)
pulumi.export("warehouseHttpPath", warehouse.http_path)
pulumi.export("connectionId", connection.connection_id)
pulumi.export("projectId", project.project_id)
pulumi.export("environmentIds", environments.environment_ids)
pulumi.export("jobs", jobs.summary)
pulumi.export("cost", loaded.cost.as_output())
if principal is not None:
    pulumi.export("servicePrincipalApplicationId", principal.application_id)
if project.deploy_key is not None:
    pulumi.export("deployKey", project.deploy_key)
