"""dbt Cloud on Databricks, one stack per environment.

Reads the stack config into validated settings (nothing is declared if any of it is wrong), then wires
the components together: warehouse -> service principal -> connection -> project -> environments -> jobs ->
notifications, webhooks, environment variables. Every rule lives in `settings`, every resource in `components`, and
`stack_args` turns settings into the components' arguments.
"""

from pathlib import Path

import pulumi

import stack_args
from components import (
    DatabricksConnection,
    DbtEnvironments,
    DbtJobs,
    DbtProject,
    DbtServicePrincipal,
    EnvironmentVariables,
    JobNotifications,
    JobWebhooks,
    ReferencedProject,
    SqlWarehouse,
)
from runtime_config import load_stack_settings

loaded = load_stack_settings(Path(__file__).resolve().parent)
for warning in loaded.warnings:
    pulumi.log.warn(str(warning))
settings = loaded.settings

# Stateful resources are protected from deletion where the stack file says so (production).
stateful = pulumi.ResourceOptions(protect=settings.protect)

warehouse = SqlWarehouse("warehouse", stack_args.warehouse(settings), opts=stateful)
connection = DatabricksConnection(
    "connection", stack_args.connection(settings, warehouse.host, warehouse.http_path), opts=stateful
)
principal = None
if settings.service_principal is not None:
    principal = DbtServicePrincipal(
        "service-principal", stack_args.service_principal(settings, warehouse.warehouse_id), opts=stateful
    )

if settings.project.creates_project:
    project = DbtProject("project", stack_args.project(settings), opts=stateful)
else:
    project = ReferencedProject("project", stack_args.referenced_project(settings))

environments = DbtEnvironments(
    "environments",
    stack_args.environments(
        settings, project.project_id, connection.connection_id, principal.token if principal else None
    ),
)
# The stack's own environments, and those of other stacks its jobs defer to (e.g. production, for CI).
environment_ids = {
    **{key: project.environment_id(key) for key in settings.external_environment_keys()},
    **environments.environment_ids,
}
jobs = DbtJobs("jobs", stack_args.jobs(settings, project.project_id, environment_ids))
JobNotifications("notifications", stack_args.notifications(settings, jobs.job_ids))
webhooks = JobWebhooks("webhooks", stack_args.webhooks(settings, jobs.job_ids)) if settings.webhooks else None
EnvironmentVariables(
    "environment-variables",
    stack_args.environment_variables(settings, project.project_id, environments.environment_names),
    # A value can only be set once its environment exists.
    opts=pulumi.ResourceOptions(depends_on=[environments]),
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
    pulumi.export("servicePrincipalTokenRotatesAt", principal.token_rotates_at)
if webhooks is not None:
    pulumi.export("webhookSigningSecrets", webhooks.signing_secrets)
if project.deploy_key is not None:
    pulumi.export("deployKey", project.deploy_key)
