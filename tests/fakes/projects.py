"""The fake dbt Cloud's account resources that `ops adopt` reads, through the endpoints dbt Labs' provider reads them
with: v3 (`openapi-v3.yaml`) projects, repositories, account connections (`config` holding the Databricks `host`,
`http_path`, `catalog`), environments, credentials (`unencrypted_credential_details`, as the provider's Databricks
credential reads them: not in the spec), the environment variables by environment (secret values masked as
`**********`, as the spec's example shows); and v2 notifications (`JobNotificationSettingsResponse`). Also the
guide's setup made by hand (`seed_hand_made`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from werkzeug import Response

from .envelope import BASE_TIME, Envelope, iso

if TYPE_CHECKING:
    from .databricks import FakeDatabricks
    from .dbt_cloud import FakeDbtCloud


class ProjectsApi(Envelope):
    """Projects, environments, connections, repositories, credentials, variables, notifications."""

    projects: list[dict[str, Any]]
    environments: list[dict[str, Any]]
    connections: list[dict[str, Any]]
    repositories: list[dict[str, Any]]
    credentials: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    variables: dict[int, dict[str, dict[str, str]]]
    notifications_forbidden: bool
    web_url: str

    def add_project(self, name: str, project_id: int = 270542) -> dict[str, Any]:
        project = {
            "id": project_id,
            "name": name,
            "account_id": self.account_id,
            "state": 1,
            "dbt_project_subdirectory": "data_warehouse/dbt",
            "docs_job_id": None,
            "freshness_job_id": None,
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
        }
        self.projects.append(project)
        return project

    def add_environment(
        self, project_id: int, name: str, env_id: int, deployment_type: Optional[str] = None, **fields: Any
    ) -> dict[str, Any]:
        """An `EnvironmentV3Response`; `deployment_type` None is a development environment unless `type` says
        otherwise (a general deployment environment)."""
        environment = {
            "id": env_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "name": name,
            "type": "deployment" if deployment_type else "development",
            "deployment_type": deployment_type,
            "dbt_version": "latest",
            "raw_dbt_version": "latest",
            "state": 1,
            "use_custom_branch": False,
            "custom_branch": None,
            "connection_id": None,
            "credentials_id": None,
            "extended_attributes_id": None,
            "supports_docs": False,
            "enable_model_query_history": False,
            "is_deferrable": bool(deployment_type),
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            **fields,
        }
        self.environments.append(environment)
        return environment

    def add_connection(
        self, connection_id: int, name: str, host: str, http_path: str, catalog: Optional[str] = None
    ) -> dict[str, Any]:
        """An account connection (`AccountConnectionDetail`) to a Databricks SQL warehouse."""
        connection = {
            "id": connection_id,
            "account_id": self.account_id,
            "name": name,
            "adapter_version": "databricks_v0",
            "private_link_endpoint_id": None,
            "is_ssh_tunnel_enabled": False,
            "oauth_configuration_id": None,
            "oauth_redirect_uri": f"{self.web_url}/complete/databricks",
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            "config": {"host": host, "http_path": http_path, "catalog": catalog, "client_id": None},
        }
        self.connections.append(connection)
        return connection

    def add_repository(self, project_id: int, repository_id: int, remote_url: str, **fields: Any) -> dict[str, Any]:
        """A `RepositoryV3Response` (plus `remote_url`, which the provider reads), linked to its project."""
        full_name = remote_url.split(":")[-1].removesuffix(".git")
        repository = {
            "id": repository_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "remote_url": remote_url,
            "git_clone_strategy": "github_app",
            "github_installation_id": None,
            "gitlab_project_id": None,
            "azure_active_directory_project_id": None,
            "azure_active_directory_repository_id": None,
            "deploy_key_id": None,
            "state": 1,
            "remote_backend": "github",
            "full_name": full_name,
            "github_repo": full_name,
            "name": full_name.rsplit("/", 1)[-1],
            "web_url": f"https://github.com/{full_name}",
            "is_private_link_enabled": False,
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            **fields,
        }
        self.repositories.append(repository)
        for project in self.projects:
            if project["id"] == project_id:
                project["repository_id"] = repository_id
        return repository

    def add_credential(
        self, project_id: int, credential_id: int, schema: str, catalog: Optional[str] = None, threads: int = 4
    ) -> dict[str, Any]:
        """A Databricks credential as `GET .../credentials/{id}/` answers the provider (never with its token)."""
        credential = {
            "id": credential_id,
            "account_id": self.account_id,
            "project_id": project_id,
            "type": "adapter",
            "adapter_version": "databricks_v0",
            "state": 1,
            "threads": threads,
            "target_name": "default",
            "unencrypted_credential_details": {
                "schema": schema,
                "catalog": catalog or "",
                "target_name": "default",
                "threads": threads,
            },
        }
        self.credentials.append(credential)
        return credential

    def add_notification(self, notification_id: int, user_id: int, type_: int = 1, **fields: Any) -> dict[str, Any]:
        """A `JobNotificationSettingsResponse`: `type_` 1 user email, 2 Slack, 4 external email, 5 Slack app."""
        notification = {
            "id": notification_id,
            "account_id": self.account_id,
            "user_id": user_id,
            "type": type_,
            "state": 1,
            "external_email": None,
            "slack_channel_id": None,
            "slack_channel_name": None,
            "on_success": [],
            "on_failure": [],
            "on_cancel": [],
            "on_warning": [],
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            **fields,
        }
        self.notifications.append(notification)
        return notification

    def set_variable(self, project_id: int, name: str, values: dict[str, str]) -> None:
        """An environment variable's values: `project` (the default) and environment names."""
        self.variables.setdefault(project_id, {})[name] = dict(values)

    def _route_v3(self, method: str, path: str):
        """The v3 paths dbt Labs' provider reads projects, repositories, connections, environments, credentials and
        environment variables through (terraform-provider-dbtcloud pkg/dbt_cloud/*.go)."""
        if method != "GET":
            return None
        table = [
            (r"/projects/", self._list(lambda q: self.projects)),
            (r"/projects/(\d+)/", lambda q, r, pid: self._ok(self._one(self.projects, pid))),
            (
                r"/projects/(\d+)/repositories/(\d+)/",
                lambda q, r, pid, rid: self._ok(self._one(self.repositories, rid, pid)),
            ),
            (r"/connections/", self._list(lambda q: self.connections)),
            (r"/connections/(\d+)/", lambda q, r, cid: self._ok(self._one(self.connections, cid))),
            (r"/projects/(\d+)/environments/", self._environments_v3),
            (
                r"/projects/(\d+)/credentials/(\d+)/",
                lambda q, r, pid, cid: self._ok(self._one(self.credentials, cid, pid)),
            ),
            (r"/projects/(\d+)/environment-variables/environment/", self._variables),
        ]
        for pattern, handler in table:
            match = re.fullmatch(pattern, path)
            if match:
                return handler, [int(group) for group in match.groups()]
        return None

    @staticmethod
    def _one(items: list[dict[str, Any]], item_id: int, project_id: Optional[int] = None) -> dict[str, Any]:
        for item in items:
            if item["id"] == item_id and (project_id is None or item.get("project_id") == project_id):
                return item
        raise LookupError(item_id)

    def _environments_v3(self, query, request, project_id: int) -> Response:
        return self._page([e for e in self.environments if e["project_id"] == project_id], query)

    def _variables(self, query, request, project_id: int) -> Response:
        """`EnvVarEnvironmentResponse`: every variable's values by environment name, secret values masked."""
        self._one(self.projects, project_id)
        names = ["project"] + [e["name"] for e in self.environments if e["project_id"] == project_id]
        variables = {}
        for number, (name, values) in enumerate(sorted(self.variables.get(project_id, {}).items())):
            secret = name.startswith("DBT_ENV_SECRET")
            variables[name] = {
                where: {"id": number * 100 + index, "value": "**********" if secret else value}
                for index, (where, value) in enumerate(values.items())
            }
        return self._ok({"environments": names, "variables": variables}, extra={})

    def _notifications(self, query, request) -> Response:
        if self.notifications_forbidden:
            return self._status(403, "You do not have permission to perform this action.")
        return self._list(lambda q: self.notifications)(query, request)


# -- a setup made by hand, for `ops adopt` ----------------------------------------------------------------------

WORKSPACE_HOST = "dbc-a1b2c3d4-e5f6.cloud.databricks.com"
"""The workspace the hand-made connection names (the fake Databricks API answers for it on 127.0.0.1)."""


def seed_hand_made(
    fake: FakeDbtCloud,
    databricks: Optional["FakeDatabricks"] = None,
    project_id: int = 270542,
    name: str = "Shanghai Transport DW",
) -> dict[str, int]:
    """The click-through guide, done by hand: project and GitHub repository, the Databricks connection, Development
    and Production environments, the daily job and a job chained on it, email and Slack notifications, two
    environment variables (one secret), and the SQL warehouse."""
    warehouse_id = "0123456789abcdef"
    project = fake.add_project(name, project_id)
    project.update(description="Shanghai public transport data warehouse", connection_id=None)
    fake.add_repository(
        project_id, 345678, "git@github.com:shanghai-data/shanghai-transport-dw.git", github_installation_id=10000001
    )
    fake.add_connection(
        456789, "Databricks - Production", WORKSPACE_HOST, f"/sql/1.0/warehouses/{warehouse_id}", "shanghai_transport"
    )
    fake.add_environment(project_id, "Development", 234566, None, connection_id=456789)
    fake.add_environment(project_id, "Production", 234567, "production", connection_id=456789, credentials_id=567890)
    fake.add_credential(project_id, 567890, "analytics", "shanghai_transport", threads=8)
    fake.add_job(
        project_id,
        234567,
        "Daily Pipeline - Production",
        678901,
        generate_docs=True,
        description="Builds and tests every model each night, then generates the docs.",
        execute_steps=["dbt run --select staging+ dimensions+ facts+ marts+", "dbt test"],
        run_generate_sources=True,
        settings={"threads": 8, "target_name": "default"},
        execution={"timeout_seconds": 3600},
    )
    fake.add_job(
        project_id,
        234567,
        "Marts Data Quality - Production",
        678902,
        job_type="other",
        execute_steps=["dbt test --select marts --store-failures"],
        triggers={
            "github_webhook": False,
            "git_provider_webhook": False,
            "schedule": False,
            "on_merge": False,
            "custom_branch_only": False,
        },
        schedule={"cron": "0 * * * *", "date": {"type": "every_day"}, "time": {"type": "every_hour", "interval": 1}},
        job_completion_trigger_condition={"condition": {"job_id": 678901, "project_id": project_id, "statuses": [10]}},
        execution={"timeout_seconds": 1800},
    )
    fake.add_notification(9001, 100001, 1, on_failure=[678901, 678902])
    fake.add_notification(
        9002,
        100001,
        2,
        slack_channel_id="C0123456789",
        slack_channel_name="#data-alerts",
        on_failure=[678901, 678902],
        on_cancel=[678901],
    )
    fake.set_variable(
        project_id, "DBT_TARGET_CATALOG", {"project": "shanghai_transport", "Production": "shanghai_transport"}
    )
    fake.set_variable(project_id, "DBT_ENV_SECRET_GIT_TOKEN", {"Production": "ghp_not_readable"})
    if databricks is not None:
        databricks.warehouses = [
            databricks.warehouse(
                warehouse_id,
                "dbt-production",
                "Small",
                WORKSPACE_HOST,
                max_num_clusters=2,
                tags={
                    "custom_tags": [{"key": "team", "value": "data-platform"}, {"key": "managed-by", "value": "hand"}]
                },
            )
        ]
    return {"project": project_id, "warehouse": warehouse_id}
