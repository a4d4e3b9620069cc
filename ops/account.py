"""What a command needs from a stack: its validated settings, the dbt Cloud account and token, job and project ids.

The stack is read through the project's own loaders (`settings.files`, `settings`), so `ops` sees exactly what
`pulumi up` would deploy. Account and region come from `dbtcloud:accountId` / `dbtcloud:hostUrl`, overridden by
`DBT_CLOUD_ACCOUNT_ID` / `DBT_CLOUD_HOST_URL`, as the dbt Cloud provider takes them; the token only from
`DBT_CLOUD_TOKEN` (the stack file holds it encrypted, which only the Pulumi CLI can read).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional
from urllib.parse import urlsplit

from components.rules import DEFAULT_HOST_URL

from .client import ClientOptions, DbtCloudClient
from .errors import OpsError, UsageError

if TYPE_CHECKING:
    from settings import StackSettings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Account:
    """Where the dbt Cloud API is and who we are there. `repr` never shows the token."""

    account_id: int
    host_url: str
    token: str

    def __repr__(self) -> str:
        return f"Account({self.account_id}, {self.host_url!r})"

    def client(self, options: ClientOptions | None = None) -> DbtCloudClient:
        return DbtCloudClient(self.host_url, self.account_id, self.token, options or ClientOptions())


def load_stack(stack: str, root: Path) -> "StackSettings":
    """The stack's validated settings, as `pulumi up` would take them (`settings.load_stack`); a missing stack or an
    invalid config is a usage error (exit 2)."""
    # Imported here: `follow` and `retry` need no stack, and `settings` costs a few hundred milliseconds.
    import settings
    from settings.files import StackFileError, stack_from_argument

    try:
        return settings.load_stack(root, stack_from_argument(stack, root)).settings
    except StackFileError as error:
        raise UsageError(f"stack {stack!r}: {error}") from None
    except settings.ConfigError as error:
        raise UsageError(f"stack {stack!r}: {error}") from None


def account_for(stack_settings: Optional["StackSettings"], environ: Mapping[str, str] = os.environ) -> Account:
    """The account, region and token: the environment over the stack's `dbtcloud:` keys."""
    account_id_text = environ.get("DBT_CLOUD_ACCOUNT_ID") or (
        str(stack_settings.account.account_id) if stack_settings else None
    )
    if not account_id_text:
        raise UsageError(
            "no dbt Cloud account: set DBT_CLOUD_ACCOUNT_ID, or name a stack (--stack) whose file "
            "sets dbtcloud:accountId"
        )
    try:
        account_id = int(account_id_text)
    except ValueError:
        raise UsageError(
            f"DBT_CLOUD_ACCOUNT_ID: {account_id_text!r} is not a number (the number after /accounts/ in dbt Cloud URLs)"
        ) from None
    host_url = environ.get("DBT_CLOUD_HOST_URL") or (
        stack_settings.account.host_url if stack_settings else DEFAULT_HOST_URL
    )
    check_host_url(host_url)
    token = environ.get("DBT_CLOUD_TOKEN", "").strip()
    if not token:
        raise UsageError(
            "DBT_CLOUD_TOKEN is not set: export a dbt Cloud personal access token "
            "(Account settings -> API tokens -> Personal tokens)"
        )
    if not token.isascii() or not token.isprintable() or " " in token:
        # It goes into an HTTP header, which takes ASCII only; a token never holds anything else.
        raise UsageError(
            "DBT_CLOUD_TOKEN holds characters no dbt Cloud token has (spaces, accents or control characters): copy "
            "the token again (it is shown once, when made)"
        )
    return Account(account_id, host_url.rstrip("/"), token)


def check_host_url(host_url: str) -> None:
    """The API base must end in `/api`, and carry the token over https (plain http only to this machine)."""
    parts = urlsplit(host_url)
    if not host_url.rstrip("/").endswith("/api") or parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(
            f"DBT_CLOUD_HOST_URL / dbtcloud:hostUrl: {host_url!r} is not the API base; it must be an https URL "
            f"ending in /api, like {DEFAULT_HOST_URL} or https://ACCOUNT_PREFIX.us1.dbt.com/api"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise UsageError(f"DBT_CLOUD_HOST_URL: {host_url!r} would send the token unencrypted; use https")


def job_key_names(stack_settings: "StackSettings") -> dict[str, str]:
    return {key: job.name for key, job in stack_settings.jobs.items()}


def job_name(stack_settings: "StackSettings", stack: str, key: str) -> str:
    names = job_key_names(stack_settings)
    if key not in names:
        raise UsageError(f"stack {stack!r} has no job {key!r}; its jobs: {', '.join(names) or 'none'}")
    return names[key]


def project_name(stack_settings: "StackSettings", root: Path) -> Optional[str]:
    """The project's name: this stack's, or that of the stack it adopts the project from (`fromStack`)."""
    project = stack_settings.project
    if project.name:
        return project.name
    if project.from_stack:
        return load_stack(project.from_stack.rsplit("/", 1)[-1], root).project.name
    return None


def project_id_hint(stack_settings: "StackSettings") -> Optional[int]:
    """A project id the stack names outright: adopted by `id`, or imported (`importIds.project`)."""
    if stack_settings.project.id:
        return stack_settings.project.id
    if stack_settings.import_ids.project:
        return int(stack_settings.import_ids.project)
    return None


def find_project(client: DbtCloudClient, stack_settings: "StackSettings", root: Path) -> dict:
    """The stack's project in dbt Cloud: by adopted id, else by name."""
    from . import endpoints

    all_projects = endpoints.projects(client)
    wanted_id = project_id_hint(stack_settings)
    if wanted_id is not None:
        for project in all_projects:
            if project.get("id") == wanted_id:
                return project
        raise OpsError(
            f"project {wanted_id} (the stack's adopted project id) is not in account "
            f"{client.account_id}, or the token cannot see it"
        )
    name = project_name(stack_settings, root)
    matches = [project for project in all_projects if project.get("name") == name]
    if not matches:
        raise OpsError(
            f"no project named {name!r} in dbt Cloud account {client.account_id}: has the stack been "
            "deployed (pulumi up)? Projects there: "
            f"{', '.join(repr(p.get('name')) for p in all_projects) or 'none'}"
        )
    if len(matches) > 1:
        raise OpsError(
            f"{len(matches)} projects are named {name!r}: adopt the right one by id "
            "(project.id or importIds.project) to choose"
        )
    return matches[0]


def find_job(client: DbtCloudClient, stack_settings: "StackSettings", stack: str, key: str, root: Path) -> dict:
    """The job a stack key names: by imported id, else by name among the project's jobs."""
    from . import endpoints

    name = job_name(stack_settings, stack, key)
    project = find_project(client, stack_settings, root)
    jobs = endpoints.jobs(client, int(project["id"]))
    imported = stack_settings.import_ids.jobs.get(key)
    if imported:
        matches = [job for job in jobs if str(job.get("id")) == imported]
    else:
        matches = [job for job in jobs if job.get("name") == name]
    if not matches:
        raise OpsError(
            f"no job named {name!r} (stack key {key!r}) in project {project.get('name')!r} "
            f"({project['id']}): has the stack been deployed (pulumi up)?"
        )
    if len(matches) > 1:
        ids = ", ".join(str(job["id"]) for job in matches)
        raise OpsError(
            f"{len(matches)} jobs are named {name!r} ({ids}): use --job-id, or adopt one with importIds.jobs.{key}"
        )
    return matches[0]
