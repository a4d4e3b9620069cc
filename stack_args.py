"""Validated stack settings -> the components' typed arguments: the one place where the two meet.

`settings` knows nothing of Pulumi, the components know nothing of `settings` (any program can call them), and
`__main__.py` only wires. A stack file's key is the camelCase of a component's argument, so every setting a component
takes under the same name is copied by name (`by_name`); what is written here by hand are the real translations only
(a schedule to its cron, steps without `dbt deps`, threads from the environment, keys to ids, secrets), and
`TRANSLATED` says where the settings go that no component takes by name. Optional arguments are left out, never
passed as None, so that a component's defaults apply exactly where the stack file is silent.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pulumi
from pydantic import BaseModel, SecretStr

from components import (
    DatabricksConnectionArgs,
    DbtEnvironmentsArgs,
    DbtJobsArgs,
    DbtProjectArgs,
    DbtServicePrincipalArgs,
    EnvironmentCredential,
    EnvironmentVariablesArgs,
    GitRepository,
    Job,
    JobNotificationsArgs,
    JobWebhooksArgs,
    ModelNotificationEvents,
    Notification,
    ReferencedProjectArgs,
    SqlWarehouseArgs,
    TokenUsage,
    Webhook,
)
from components.environments import Environment
from components.fields import camel
from settings import EnvironmentSettings, JobSettings, NotificationSettings, StackSettings

TRANSLATED = {
    "JobSettings.schedule": "its cron, as the job's scheduleCron",
    "JobSettings.models_per_run": "the cost estimate only",
    "EnvironmentSettings.threads": "the threads of the environment's jobs that set none",
    "WarehouseSettings.keep_access_for": "the service principal's warehouseAccess",
    "ProjectSettings.id": "the referenced project's projectId",
    "ServicePrincipalSettings.token_permissions": "the service principal's tokenUsage",
}
"""Settings no component takes under their own name, and where they go instead (a test holds every other setting
to a component argument of its name)."""


def as_secret(value: Optional[SecretStr]) -> Optional[pulumi.Output[str]]:
    """A settings secret as a Pulumi secret: encrypted in state, masked in every diff and output (None stays None)."""
    return None if value is None else pulumi.Output.secret(value.get_secret_value())


def given(**fields: Any) -> dict[str, Any]:
    """The fields that have a value (a component applies its own default to a missing one, not to None)."""
    return {key: value for key, value in fields.items() if value is not None}


def by_name(arguments: type, section: BaseModel) -> dict[str, Any]:
    """Every argument of `arguments` (a component's TypedDict) that `section` holds under the same key, with a value:
    plain values only (a nested section is translated by hand)."""
    wanted = {camel(argument): argument for argument in arguments.__required_keys__ | arguments.__optional_keys__}
    copied = {}
    for name, info in type(section).model_fields.items():
        argument = wanted.get(info.alias or camel(name))
        value = getattr(section, name)
        if argument is not None and value is not None and not isinstance(value, (BaseModel, SecretStr)):
            copied[argument] = dict(value) if isinstance(value, Mapping) else value
    return copied


def warehouse(settings: StackSettings) -> SqlWarehouseArgs:
    return SqlWarehouseArgs(
        **by_name(SqlWarehouseArgs, settings.warehouse), **given(import_id=settings.import_ids.warehouse)
    )


def connection(
    settings: StackSettings, host: pulumi.Input[str], http_path: pulumi.Input[str]
) -> DatabricksConnectionArgs:
    return DatabricksConnectionArgs(
        **by_name(DatabricksConnectionArgs, settings.connection),
        host=host,
        http_path=http_path,
        **given(import_id=settings.import_ids.connection),
    )


def service_principal(settings: StackSettings, warehouse_id: pulumi.Input[str]) -> DbtServicePrincipalArgs:
    p = settings.service_principal
    if p is None:
        raise ValueError("the stack configures no servicePrincipal")
    return DbtServicePrincipalArgs(
        **{
            **by_name(DbtServicePrincipalArgs, p),
            "rotate_after_days": p.rotation_days,
            "warehouse_id": warehouse_id,
            "token_usage": TokenUsage(**by_name(TokenUsage, p.token_permissions)),
            "warehouse_access": dict(settings.warehouse.keep_access_for),
            **given(
                workspace_host=settings.databricks_host, client_secret=as_secret(settings.service_principal_secret)
            ),
        }
    )


def project(settings: StackSettings) -> DbtProjectArgs:
    p, r = settings.project, settings.project.repository
    if r is None:
        raise ValueError("the stack uses another stack's project (fromStack or id): use referenced_project")
    return DbtProjectArgs(
        **by_name(DbtProjectArgs, p),
        repository=GitRepository(**by_name(GitRepository, r)),
        **given(project_import_id=settings.import_ids.project, repository_import_id=settings.import_ids.repository),
    )


def referenced_project(settings: StackSettings) -> ReferencedProjectArgs:
    p = settings.project
    if p.from_stack:
        return ReferencedProjectArgs(from_stack=p.from_stack)
    return ReferencedProjectArgs(project_id=p.id, environment_ids=dict(p.environment_ids))


def environments(
    settings: StackSettings,
    project_id: pulumi.Input[int],
    connection_id: pulumi.Input[int],
    principal_token: Optional[pulumi.Input[str]],
) -> DbtEnvironmentsArgs:
    ids = settings.import_ids
    return DbtEnvironmentsArgs(
        **given(
            environments={
                key: _environment(env, ids.environments.get(key), ids.credentials.get(key))
                for key, env in settings.environments.items()
            },
            project_id=project_id,
            connection_id=connection_id,
            deployment_token=as_secret(settings.deployment_token),
            principal_token=principal_token,
            protect_production=settings.protect,
        )
    )


def _environment(env: EnvironmentSettings, import_id: Optional[str], credential_import_id: Optional[str]) -> dict:
    return given(
        **{
            **by_name(Environment, env),
            "deployment_type": env.api_deployment_type,
            "credential": by_name(EnvironmentCredential, env.credential) if env.credential else None,
            "model_notifications": by_name(ModelNotificationEvents, env.model_notifications)
            if env.model_notifications
            else None,
            "import_id": import_id,
            "credential_import_id": credential_import_id,
        }
    )


def jobs(
    settings: StackSettings, project_id: pulumi.Input[int], environment_ids: Mapping[str, pulumi.Input[int]]
) -> DbtJobsArgs:
    threads = settings.job_threads()
    repository = settings.project.repository
    return DbtJobsArgs(
        **given(
            jobs={
                key: _job(job, threads[key], settings.import_ids.jobs.get(key))
                for key, job in settings.jobs_in_dependency_order()
            },
            project_id=project_id,
            environment_ids=dict(environment_ids),
            account_id=settings.account.account_id,
            host_url=settings.account.host_url,
            # Stacks that use another stack's project have no repository here: check holds their CI jobs to the owner's.
            git_clone_strategy=repository.git_clone_strategy if repository else None,
        )
    )


def _job(job: JobSettings, threads: int, import_id: Optional[str]) -> dict:
    return {
        **by_name(Job, job),
        "steps": job.dbt_steps(),
        "threads": threads,
        **given(
            schedule_cron=job.schedule.cron if job.schedule else None,
            run_after=given(job=job.run_after.job, statuses=list(job.run_after.statuses)) if job.run_after else None,
            import_id=import_id,
        ),
    }


def notifications(settings: StackSettings, job_ids: Mapping[str, pulumi.Input[int]]) -> JobNotificationsArgs:
    ids = settings.import_ids.notifications
    return JobNotificationsArgs(
        notifications={key: _notification(n, ids.get(key)) for key, n in settings.notifications.items()},
        job_ids=dict(job_ids),
    )


def _notification(n: NotificationSettings, import_id: Optional[str]) -> dict:
    return {
        **{key: list(value) if isinstance(value, list) else value for key, value in by_name(Notification, n).items()},
        **given(import_id=import_id),
    }


def webhooks(settings: StackSettings, job_ids: Mapping[str, pulumi.Input[int]]) -> JobWebhooksArgs:
    ids = settings.import_ids.webhooks
    return JobWebhooksArgs(
        webhooks={
            key: Webhook(**by_name(Webhook, webhook), **given(import_id=ids.get(key)))
            for key, webhook in settings.webhooks.items()
        },
        job_ids=dict(job_ids),
    )


def environment_variables(
    settings: StackSettings, project_id: pulumi.Input[int], environment_names: Mapping[str, str]
) -> EnvironmentVariablesArgs:
    return EnvironmentVariablesArgs(
        project_id=project_id,
        environment_names=dict(environment_names),
        variables={name: dict(values) for name, values in settings.environment_variables.items()},
        secret_variables={
            name: {key: as_secret(value) for key, value in values.items()}
            for name, values in settings.secret_environment_variables.items()
        },
    )
