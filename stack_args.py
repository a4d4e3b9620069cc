"""Validated stack settings -> the components' typed arguments: the one place where the two meet.

`settings` knows nothing of Pulumi, the components know nothing of `settings` (any program can call them), and
`__main__.py` only wires: every function here turns one part of `StackSettings` into one component's arguments,
with the outputs of other components passed in. Optional arguments are left out, never passed as None, so that a
component's defaults apply exactly where the stack file is silent.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pulumi
from pydantic import SecretStr

from components import (
    DatabricksConnectionArgs,
    DbtEnvironmentsArgs,
    DbtJobsArgs,
    DbtProjectArgs,
    DbtServicePrincipalArgs,
    EnvironmentVariablesArgs,
    JobNotificationsArgs,
    ReferencedProjectArgs,
    SqlWarehouseArgs,
)
from settings import EnvironmentSettings, JobSettings, NotificationSettings, StackSettings


def as_secret(value: Optional[SecretStr]) -> Optional[pulumi.Output[str]]:
    """A settings secret as a Pulumi secret: encrypted in state, masked in every diff and output (None stays None)."""
    return None if value is None else pulumi.Output.secret(value.get_secret_value())


def given(**fields: Any) -> dict[str, Any]:
    """The fields that have a value (a component applies its own default to a missing one, not to None)."""
    return {key: value for key, value in fields.items() if value is not None}


def warehouse(settings: StackSettings) -> SqlWarehouseArgs:
    w = settings.warehouse
    return SqlWarehouseArgs(
        **given(
            name=w.name,
            size=w.size,
            auto_stop_minutes=w.auto_stop_minutes,
            allow_never_stop=w.allow_never_stop,
            serverless=w.serverless,
            warehouse_type=w.warehouse_type,
            min_clusters=w.min_clusters,
            max_clusters=w.max_clusters,
            spot_instance_policy=w.spot_instance_policy,
            tags=dict(w.tags),
            import_id=settings.import_ids.warehouse,
        )
    )


def connection(
    settings: StackSettings, host: pulumi.Input[str], http_path: pulumi.Input[str]
) -> DatabricksConnectionArgs:
    c = settings.connection
    return DatabricksConnectionArgs(
        **given(
            name=c.name, host=host, http_path=http_path, catalog=c.catalog, import_id=settings.import_ids.connection
        )
    )


def service_principal(settings: StackSettings, warehouse_id: pulumi.Input[str]) -> DbtServicePrincipalArgs:
    p = settings.service_principal
    if p is None:
        raise ValueError("the stack configures no servicePrincipal")
    usage = p.token_permissions
    return DbtServicePrincipalArgs(
        **given(
            display_name=p.display_name,
            warehouse_id=warehouse_id,
            token_usage=given(
                via_group=usage.via_group, manage=usage.manage, keep_access_for=list(usage.keep_access_for)
            ),
            cloud=p.cloud,
            credential_lifetime_days=p.credential_lifetime_days,
            rotate_after_days=p.rotation_days,
            credential_rotation=p.credential_rotation,
            catalog_grants={catalog: list(privileges) for catalog, privileges in p.catalog_grants.items()},
            schema_grants={schema: list(privileges) for schema, privileges in p.schema_grants.items()},
            warehouse_access=dict(settings.warehouse.keep_access_for),
            azure_application_id=p.azure_application_id,
            azure_tenant_id=p.azure_tenant_id,
            workspace_host=settings.databricks_host,
            client_secret=as_secret(settings.service_principal_secret),
        )
    )


def project(settings: StackSettings) -> DbtProjectArgs:
    p, r = settings.project, settings.project.repository
    if r is None:
        raise ValueError("the stack adopts its project (fromStack or id): use referenced_project")
    return DbtProjectArgs(
        **given(
            name=p.name,
            description=p.description,
            dbt_project_subdirectory=p.dbt_project_subdirectory,
            repository=given(
                remote_url=r.remote_url,
                git_clone_strategy=r.git_clone_strategy,
                github_installation_id=r.github_installation_id,
                gitlab_project_id=r.gitlab_project_id,
                azure_active_directory_project_id=r.azure_active_directory_project_id,
                azure_active_directory_repository_id=r.azure_active_directory_repository_id,
            ),
            project_import_id=settings.import_ids.project,
            repository_import_id=settings.import_ids.repository,
        )
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
    adopt = settings.import_ids
    return DbtEnvironmentsArgs(
        **given(
            environments={
                key: _environment(env, adopt.environments.get(key), adopt.credentials.get(key))
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
    credential = env.credential
    return given(
        name=env.name,
        type=env.type,
        deployment_type=env.api_deployment_type,
        dbt_version=env.dbt_version,
        custom_branch=env.custom_branch,
        credential=given(schema=credential.target_schema, catalog=credential.catalog, run_as=credential.run_as)
        if credential
        else None,
        import_id=import_id,
        credential_import_id=credential_import_id,
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
            # Stacks that adopt the project have no repository here: `synth check` holds their CI jobs to the owner's.
            git_clone_strategy=repository.git_clone_strategy if repository else None,
        )
    )


def _job(job: JobSettings, threads: int, import_id: Optional[str]) -> dict:
    return given(
        name=job.name,
        environment=job.environment,
        steps=job.dbt_steps(),
        description=job.description,
        schedule_cron=job.schedule.cron if job.schedule else None,
        run_on_pull_request=job.run_on_pull_request,
        run_on_merge=job.run_on_merge,
        run_after=given(job=job.run_after.job, statuses=list(job.run_after.statuses)) if job.run_after else None,
        defer_to=job.defer_to,
        threads=threads,
        timeout_minutes=job.timeout_minutes,
        generate_docs=job.generate_docs,
        source_freshness=job.source_freshness,
        target_name=job.target_name,
        import_id=import_id,
    )


def notifications(settings: StackSettings, job_ids: Mapping[str, pulumi.Input[int]]) -> JobNotificationsArgs:
    return JobNotificationsArgs(
        notifications={key: _notification(n) for key, n in settings.notifications.items()}, job_ids=dict(job_ids)
    )


def _notification(n: NotificationSettings) -> dict:
    return given(
        type=n.type,
        user_id=n.user_id,
        **n.recipient_fields(),
        on_success=list(n.on_success),
        on_failure=list(n.on_failure),
        on_cancel=list(n.on_cancel),
        on_warning=list(n.on_warning),
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
