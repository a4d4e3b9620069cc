"""The typed stack settings: one pydantic model of everything a stack file may say.

Keys are camelCase, as in the dbt Cloud UI and in Pulumi's own config. Rules that concern one
section live in that section's model; rules that cross sections (a job naming an environment, a
notification naming a job) live on `StackSettings` and report through `report_problem`, so that every
problem of a stack file is found in one pass and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel

from . import rules
from .rotation import default_rotation_days, rotation_problem
from .rules import ci_trigger_problem  # noqa: F401  (re-exported: settings.stacks and older imports)
from .schedule import cron_problem, format_runs, next_runs


class SettingsModel(BaseModel):
    """Base of every settings model: camelCase keys, unknown keys refused, values frozen."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, use_attribute_docstrings=True
    )


def report_problem(info: ValidationInfo, path: tuple, message: str) -> None:
    """Record a cross-section problem at `path` without stopping validation of the other sections."""
    info.context["problems"].append((path, message))


def report_warning(info: ValidationInfo, path: tuple, message: str) -> None:
    """Record something valid but probably not meant; it is shown and does not stop the run."""
    info.context["warnings"].append((path, message))


@dataclass(frozen=True)
class References:
    """The names a stack file defines, read from the raw document before validation.

    Sections name each other by key (a job its environment, a notification its jobs). Checking those
    names against the raw keys, rather than against validated sections, lets a bad reference be reported
    even when the section it points into has mistakes of its own.
    """

    environment_types: dict[str, Any] = field(default_factory=dict)
    """Environment key -> its `type` as written."""
    jobs: frozenset[str] = frozenset()
    """Job keys."""
    adopted_environments: frozenset[str] = frozenset()
    """With `project.id`: the keys under `project.environmentIds`."""
    adopts_from_stack: bool = False
    """With `project.fromStack`: environment ids come from that stack, checked when it is read."""
    creates_project: bool = True
    has_service_principal: bool = False
    token_sources: dict[str, Any] = field(default_factory=dict)
    """Deployment environment key -> its credential's `runAs` as written."""
    catalogs: frozenset[str] = frozenset()
    """Catalogs the stack's connection and credentials name."""

    @classmethod
    def from_document(cls, document: dict) -> "References":
        def mapping(value: Any) -> dict:
            return value if isinstance(value, dict) else {}

        project = mapping(document.get("project"))
        environments = mapping(document.get("environments"))
        credentials = {key: mapping(mapping(env).get("credential")) for key, env in environments.items()
                       if mapping(env).get("type") == "deployment"}
        catalogs = {credential.get("catalog") for credential in credentials.values()}
        catalogs.add(mapping(document.get("connection")).get("catalog"))
        return cls(
            environment_types={key: mapping(env).get("type") for key, env in mapping(document.get("environments")).items()},
            jobs=frozenset(mapping(document.get("jobs"))),
            adopted_environments=frozenset(mapping(project.get("environmentIds"))),
            adopts_from_stack=bool(project.get("fromStack")),
            creates_project=not (project.get("fromStack") or project.get("id")),
            has_service_principal=bool(document.get("servicePrincipal")),
            token_sources={key: credential.get("runAs", "deploymentToken") for key, credential in credentials.items()},
            catalogs=frozenset(c for c in catalogs if isinstance(c, str)),
        )

    def needing_run_as(self, source: str) -> list[str]:
        """Deployment environments whose credential takes its token from `source`."""
        return [key for key, run_as in self.token_sources.items() if run_as == source]

    def environment_problem(self, key: str) -> Optional[str]:
        """Why a job cannot run in environment `key`, or None."""
        if key not in self.environment_types:
            return f"{key!r} is not an environment of this stack; environments: {_listing(self.environment_types)}"
        if self.environment_types[key] == "development":
            deployment = [k for k, kind in self.environment_types.items() if kind == "deployment"]
            return (f"{key!r} is a development environment and dbt Cloud runs jobs only in deployment "
                    f"environments; use {' or '.join(deployment) or 'a deployment environment (e.g. staging)'}")
        return None

    def deferral_problem(self, key: str) -> Optional[str]:
        """Why a job cannot defer to environment `key`, or None."""
        known = set(self.environment_types) | set(self.adopted_environments)
        if key in known or self.adopts_from_stack:
            return None
        where = "this stack's environments" + (" or project.environmentIds" if not self.creates_project else "")
        return f"{key!r} is not among {where}: {_listing(known)}"

    def unknown_environments(self, keys: list[str]) -> Optional[str]:
        """Why a list of environment keys names environments that do not exist, or None."""
        unknown = [key for key in keys if key not in self.environment_types]
        if not unknown:
            return None
        return f"{', '.join(map(repr, unknown))}: not among this stack's environments: {_listing(self.environment_types)}"

    def job_problem(self, keys: list[str]) -> Optional[str]:
        """Why a list of job keys names jobs that do not exist, or None."""
        unknown = [key for key in keys if key not in self.jobs]
        if not unknown:
            return None
        return f"{', '.join(map(repr, unknown))} {'is not a job' if len(unknown) == 1 else 'are not jobs'} of this " \
               f"stack; jobs: {_listing(self.jobs)}"


def references(info: ValidationInfo) -> Optional[References]:
    """The stack file's names, when validating a whole stack (not a lone section, as tests may)."""
    return (info.context or {}).get("references")


def check_reference(info: ValidationInfo, check: Callable[[References, Any], Optional[str]], value: Any) -> Any:
    """Raise what `check` finds wrong with a reference to another section; pass the value through otherwise."""
    known = references(info)
    problem = check(known, value) if known is not None and value is not None else None
    if problem:
        raise ValueError(problem)
    return value


def _listing(keys) -> str:
    return ", ".join(sorted(keys)) or "none"


# --- dbt Cloud account ------------------------------------------------------------------------


class AccountSettings(SettingsModel):
    """The dbt Cloud account, read from the provider's own `dbtcloud:` keys (or its environment variables)."""

    account_id: int = Field(gt=0)
    """The number in your dbt Cloud URLs: `https://cloud.getdbt.com/settings/accounts/<accountId>`."""
    host_url: str = rules.DEFAULT_HOST_URL
    """The API address of your dbt Cloud region or cell, ending in `/api`."""

    @field_validator("host_url")
    @classmethod
    def _host_url_is_api(cls, value: str) -> str:
        if not value.startswith("https://") or not value.rstrip("/").endswith("/api"):
            raise ValueError(
                f"must be an https URL ending in /api, like {rules.DEFAULT_HOST_URL} "
                "or https://ACCOUNT_PREFIX.us1.dbt.com/api"
            )
        return value.rstrip("/")

    @property
    def web_url(self) -> str:
        """The dbt Cloud web address that job links point to (the API URL without `/api`)."""
        return self.host_url[: -len("/api")]

    def job_url(self, project_id: int, job_id: int) -> str:
        """The page of a job in dbt Cloud."""
        return f"{self.web_url}/deploy/{self.account_id}/projects/{project_id}/jobs/{job_id}"


# --- Databricks SQL warehouse -----------------------------------------------------------------


class WarehouseSettings(SettingsModel):
    """The stack's Databricks SQL warehouse, the compute dbt runs on."""

    name: str = Field(min_length=1)
    """Warehouse name shown in Databricks."""
    size: rules.ClusterSize
    """Cluster size; each step up doubles the DBUs per hour."""
    auto_stop_minutes: int = Field(ge=0)
    """Idle minutes before the warehouse stops. Required: Databricks would use 120 when left out."""
    allow_never_stop: bool = False
    """Must be true to set `autoStopMinutes: 0` (the warehouse then runs, and bills, around the clock)."""
    serverless: bool = True
    """Serverless compute (needs `warehouseType: PRO`); starts in seconds, so a short auto-stop costs nothing."""
    warehouse_type: str = "PRO"
    """`PRO` or `CLASSIC`."""
    min_clusters: int = Field(default=1, ge=1, le=rules.MAX_MIN_CLUSTERS)
    """Clusters kept when scaling down (1-30)."""
    max_clusters: int = Field(default=1, ge=1, le=rules.MAX_MAX_CLUSTERS)
    """Clusters allowed when scaling up under concurrent queries (1-40)."""
    spot_instance_policy: str = "COST_OPTIMIZED"
    """`COST_OPTIMIZED` or `RELIABILITY_OPTIMIZED` (classic and pro warehouses only)."""
    tags: dict[str, str] = Field(default_factory=dict, max_length=rules.MAX_TAGS)
    """Custom tags for cost reports (fewer than 45)."""
    keep_access_for: dict[str, rules.WarehousePermissionLevel] = Field(default_factory=dict)
    """Who keeps access to the warehouse besides the service principal, and at which level:
    `group:<name>`, `user:<email>` or `servicePrincipal:<application id>` -> CAN_USE, CAN_MONITOR, CAN_MANAGE,
    CAN_VIEW or IS_OWNER. The warehouse's permissions are one list that replaces the existing one (workspace admins
    keep theirs): access granted in the UI and not listed here is removed on the next `pulumi up`."""

    @field_validator("keep_access_for")
    @classmethod
    def _known_principals(cls, access: dict[str, str]) -> dict[str, str]:
        _check_principals(list(access))
        return access

    @field_validator("warehouse_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ("PRO", "CLASSIC"):
            raise ValueError("must be PRO or CLASSIC")
        return value

    @field_validator("spot_instance_policy")
    @classmethod
    def _known_spot_policy(cls, value: str) -> str:
        if value not in ("COST_OPTIMIZED", "RELIABILITY_OPTIMIZED"):
            raise ValueError("must be COST_OPTIMIZED or RELIABILITY_OPTIMIZED")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "WarehouseSettings":
        if self.serverless and self.warehouse_type != "PRO":
            raise ValueError("serverless: true needs warehouseType: PRO")
        if self.min_clusters > self.max_clusters:
            raise ValueError(f"minClusters ({self.min_clusters}) must not exceed maxClusters ({self.max_clusters})")
        problem = rules.auto_stop_problem(self.auto_stop_minutes, self.allow_never_stop, self.serverless)
        if problem:
            raise ValueError(problem)
        return self


class ConnectionSettings(SettingsModel):
    """The dbt Cloud connection to this stack's warehouse (host and HTTP path come from the warehouse)."""

    name: str = Field(min_length=1)
    """Connection name shown in dbt Cloud's account settings."""
    catalog: Optional[str] = None
    """Default Unity Catalog catalog for the connection."""


# --- dbt Cloud project and repository ---------------------------------------------------------


class RepositorySettings(SettingsModel):
    """The git repository holding the dbt project."""

    remote_url: str = Field(min_length=1)
    """Clone URL: SSH (`git@github.com:org/repo.git`) for deploy_key, HTTPS otherwise."""
    git_clone_strategy: str = "deploy_key"
    """`deploy_key` (any host; add the exported public key to the repository), `github_app`,
    `deploy_token` (GitLab) or `azure_active_directory_app` (Azure DevOps)."""
    github_installation_id: Optional[int] = None
    """The dbt Cloud GitHub app's installation id (github_app)."""
    gitlab_project_id: Optional[int] = None
    """The GitLab project's numeric id (deploy_token)."""
    azure_active_directory_project_id: Optional[str] = None
    """The Azure DevOps project id (azure_active_directory_app)."""
    azure_active_directory_repository_id: Optional[str] = None
    """The Azure DevOps repository id (azure_active_directory_app)."""

    @field_validator("git_clone_strategy")
    @classmethod
    def _known_strategy(cls, value: str) -> str:
        if value not in rules.GIT_CLONE_STRATEGIES:
            raise ValueError(f"must be one of {', '.join(rules.GIT_CLONE_STRATEGIES)}")
        return value

    @property
    def triggers_ci(self) -> bool:
        """dbt Cloud gets pull-request and merge events only through a native Git integration (GitHub app, GitLab,
        Azure DevOps); a repository cloned with a deploy key gets none (docs.getdbt.com, "CI jobs", prerequisites)."""
        return self.git_clone_strategy in rules.CI_CAPABLE_CLONE_STRATEGIES

    @model_validator(mode="after")
    def _strategy_has_its_ids(self) -> "RepositorySettings":
        needs = {
            "github_app": ["github_installation_id"],
            "deploy_token": ["gitlab_project_id"],
            "azure_active_directory_app": ["azure_active_directory_project_id", "azure_active_directory_repository_id"],
        }.get(self.git_clone_strategy, [])
        missing = [to_camel(field) for field in needs if getattr(self, field) is None]
        if missing:
            raise ValueError(f"gitCloneStrategy {self.git_clone_strategy} needs {' and '.join(missing)}")
        if self.git_clone_strategy == "deploy_key" and self.remote_url.startswith(("http://", "https://")):
            raise ValueError("deploy_key clones over SSH: use the SSH URL, like git@github.com:org/repo.git")
        return self


class ProjectSettings(SettingsModel):
    """The dbt Cloud project: created by exactly one stack, adopted by the others.

    Create it with `name` (and `repository`); adopt it with `fromStack` (the stack that created it) or
    `id` (a project first made by hand in the dbt Cloud UI).
    """

    name: Optional[str] = None
    """Project name (creates the project in this stack)."""
    description: Optional[str] = None
    """Project description."""
    dbt_project_subdirectory: Optional[str] = None
    """Folder of `dbt_project.yml` inside the repository, e.g. `data_warehouse/dbt`."""
    repository: Optional[RepositorySettings] = None
    """The git repository (required when this stack creates the project)."""
    from_stack: Optional[str] = None
    """Adopt the project of this stack (`organization/<project>/<stack>`), through a StackReference."""
    id: Optional[int] = Field(default=None, gt=0)
    """Adopt a project made by hand: its number in dbt Cloud URLs (`.../projects/<id>`)."""
    environment_ids: dict[str, int] = Field(default_factory=dict)
    """With `id`: ids of environments this stack does not own but names (e.g. `production` for deferral)."""

    @model_validator(mode="after")
    def _one_way_to_get_the_project(self) -> "ProjectSettings":
        ways = [key for key, value in (("name", self.name), ("fromStack", self.from_stack), ("id", self.id)) if value]
        if len(ways) != 1:
            raise ValueError(
                "give exactly one of name (this stack creates the project), fromStack (adopt it from the stack "
                f"that created it) or id (adopt a project made by hand); got {', '.join(ways) or 'none'}"
            )
        creating = self.name is not None
        if creating and self.repository is None:
            raise ValueError("a project this stack creates needs a repository")
        if not creating and (self.repository or self.description or self.dbt_project_subdirectory):
            raise ValueError(
                "repository, description and dbtProjectSubdirectory belong to the stack that creates the project"
            )
        if self.environment_ids and self.id is None:
            raise ValueError("environmentIds goes with id; with fromStack the ids come from that stack")
        return self

    @property
    def creates_project(self) -> bool:
        """True when this stack creates (and owns) the project and its repository."""
        return self.name is not None


# --- Environments -----------------------------------------------------------------------------


class CredentialSettings(SettingsModel):
    """Where a deployment environment's runs write in Databricks, and whose token they run with."""

    target_schema: str = Field(alias="schema", min_length=1, pattern=rules.SCHEMA_PATTERN.pattern)
    """Schema dbt builds into (letters, digits and underscores)."""
    catalog: Optional[str] = None
    """Unity Catalog catalog dbt builds into (defaults to the connection's)."""
    run_as: str = "deploymentToken"
    """`deploymentToken` (a secret config value) or `servicePrincipal` (the token of the stack's service
    principal: no person sees it)."""

    @field_validator("run_as")
    @classmethod
    def _known_source(cls, value: str, info: ValidationInfo) -> str:
        if value not in ("deploymentToken", "servicePrincipal"):
            raise ValueError("must be deploymentToken or servicePrincipal")
        known = references(info)
        if value == "servicePrincipal" and known is not None and not known.has_service_principal:
            raise ValueError("names the service principal, but this stack configures none (servicePrincipal)")
        return value


class EnvironmentSettings(SettingsModel):
    """A dbt Cloud environment."""

    name: str = Field(min_length=1)
    """Name shown in dbt Cloud; environment variables match environments by this name."""
    type: str
    """`development` (the IDE; one per project) or `deployment` (where jobs run)."""
    deployment_type: Optional[str] = None
    """For deployment environments: `production` (one per project), `staging` or `general`."""
    dbt_version: str = "latest"
    """dbt release track (`latest`, `compatible`, `extended`, ...) or version (`1.7.0-latest`)."""
    custom_branch: Optional[str] = None
    """Git branch the environment checks out instead of the repository's default branch."""
    threads: Optional[int] = Field(default=None, ge=1)
    """Default threads for this environment's jobs."""
    credential: Optional[CredentialSettings] = None
    """Deployment environments: the catalog and schema their runs write to."""

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ("development", "deployment"):
            raise ValueError("must be development or deployment")
        return value

    @field_validator("custom_branch")
    @classmethod
    def _branch_name(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not rules.BRANCH_PATTERN.match(value):
            raise ValueError("is not a git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[' or '\\'; "
                             "leave customBranch out to use the repository's default branch)")
        return value

    @field_validator("deployment_type")
    @classmethod
    def _known_deployment_type(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in ("production", "staging", "general"):
            raise ValueError("must be production, staging or general")
        return value

    @field_validator("dbt_version")
    @classmethod
    def _accepted_dbt_version(cls, value: str) -> str:
        if value in rules.DBT_VERSION_RENAMED:
            raise ValueError(f"dbt Cloud renamed {value!r} to {rules.DBT_VERSION_RENAMED[value]!r} and reads it back "
                             f"so: write {rules.DBT_VERSION_RENAMED[value]}")
        if not rules.DBT_VERSION_PATTERN.match(value):
            hint = rules.suggest_dbt_version(value)
            hint_text = f"did you mean {hint}? " if hint else ""
            raise ValueError(
                f"is not a dbt version dbt Cloud accepts; {hint_text}use a release track (latest, compatible, "
                "extended, fallback, latest-fusion) or a version like 1.7.0-latest"
            )
        return value

    @model_validator(mode="after")
    def _type_fits_its_fields(self) -> "EnvironmentSettings":
        if self.type == "development":
            if self.deployment_type is not None:
                raise ValueError("deploymentType is only for deployment environments")
            if self.credential is not None:
                raise ValueError(
                    "a development environment has no deployment credential: each developer sets a personal "
                    "token in dbt Cloud"
                )
        elif self.credential is None:
            raise ValueError("a deployment environment needs a credential (its catalog and schema)")
        return self

    @property
    def is_deployment(self) -> bool:
        """Jobs can run here."""
        return self.type == "deployment"

    @property
    def api_deployment_type(self) -> Optional[str]:
        """What the API takes: `production`, `staging`, or nothing for general deployment environments."""
        return None if self.deployment_type in (None, "general") else self.deployment_type


# --- Jobs -------------------------------------------------------------------------------------


class ScheduleSettings(SettingsModel):
    """When a job runs on its own."""

    cron: str
    """5-field cron in UTC (dbt Cloud does not shift for daylight saving): `0 2 * * *` is 02:00 UTC daily."""

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        problem = cron_problem(value)
        if problem:
            raise ValueError(problem)
        return " ".join(value.split())


class RunAfterSettings(SettingsModel):
    """Run a job when another job of this stack finishes (job chaining)."""

    job: str
    """The other job's key under `jobs`."""
    statuses: list[rules.RunStatus] = Field(default_factory=lambda: ["success"], min_length=1)
    """Which outcomes of the other job start this one: success, error, canceled."""

    @field_validator("job")
    @classmethod
    def _known_job(cls, value: str, info: ValidationInfo) -> str:
        return check_reference(info, lambda known, job: known.job_problem([job]), value)


class JobSettings(SettingsModel):
    """A dbt Cloud job."""

    name: str = Field(min_length=1)
    """Job name shown in dbt Cloud."""
    description: Optional[str] = None
    """Job description."""
    environment: str
    """Key of the deployment environment the job runs in."""
    steps: list[str] = Field(min_length=1)
    """dbt commands, in order (dbt Cloud runs `dbt deps` before them itself)."""
    schedule: Optional[ScheduleSettings] = None
    """Run on a schedule."""
    run_on_pull_request: bool = False
    """Run on every pull request (a CI job)."""
    run_on_merge: bool = False
    """Run when a pull request merges (excludes the other triggers)."""
    run_after: Optional[RunAfterSettings] = None
    """Run when another job finishes."""
    defer_to: Optional[str] = None
    """Key of the environment whose state this job defers to (CI jobs: `production`)."""
    threads: Optional[int] = Field(default=None, ge=1)
    """dbt threads; defaults to the environment's `threads`, then 4."""
    timeout_minutes: Optional[int] = Field(default=None, gt=0)
    """Cancel a run after this many minutes."""
    generate_docs: bool = False
    """Generate dbt docs after the run (the docs dbt Cloud serves)."""
    source_freshness: bool = False
    """Check source freshness before the steps (a failure does not stop them)."""
    target_name: Optional[str] = None
    """The `target.name` dbt sees (default `default`)."""
    models_per_run: int = Field(default=0, ge=0)
    """Models (views, tables, incrementals) a run builds, for the cost estimate; tests, seeds, snapshots and
    ephemeral models do not count."""

    @field_validator("environment")
    @classmethod
    def _deployment_environment(cls, value: str, info: ValidationInfo) -> str:
        return check_reference(info, References.environment_problem, value)

    @field_validator("defer_to")
    @classmethod
    def _known_deferral(cls, value: Optional[str], info: ValidationInfo) -> Optional[str]:
        return check_reference(info, References.deferral_problem, value)

    @field_validator("steps")
    @classmethod
    def _steps_are_dbt_commands(cls, steps: list[str]) -> list[str]:
        bad = [step for step in steps if not rules.DEPS_STEP_PATTERN.match(step) and not rules.STEP_PATTERN.match(step)]
        if bad:
            raise ValueError(
                f"{bad[0]!r} is not a dbt command dbt Cloud runs; each step starts with 'dbt ' and one of: "
                f"{rules.KNOWN_DBT_COMMANDS}"
            )
        return steps

    @model_validator(mode="after")
    def _merge_trigger_stands_alone(self) -> "JobSettings":
        if self.run_on_merge and (self.schedule or self.run_on_pull_request or self.run_after):
            raise ValueError("runOnMerge excludes schedule, runOnPullRequest and runAfter: dbt Cloud refuses both")
        return self

    @property
    def is_ci(self) -> bool:
        """Triggered by pull requests."""
        return self.run_on_pull_request

    def dbt_steps(self) -> list[str]:
        """The steps dbt Cloud should run: a `dbt deps` step is dropped, as dbt Cloud runs it anyway."""
        return [step for step in self.steps if not rules.DEPS_STEP_PATTERN.match(step)]


# --- Notifications ----------------------------------------------------------------------------


class NotificationSettings(SettingsModel):
    """Who hears about which jobs' runs."""

    type: str
    """`userEmail` (a dbt Cloud user's address), `externalEmail`, `slack` (the Slack integration a dbt Cloud user
    linked) or `slackApp` (the account-level dbt Slack app)."""
    user_id: int = Field(gt=0)
    """dbt Cloud user id: the recipient (userEmail), or whoever connected Slack (slack) or owns the setting."""
    external_email: Optional[str] = None
    """The address for externalEmail."""
    slack_channel_id: Optional[str] = None
    """Slack channel id (like C0123456789) for slack."""
    slack_channel_name: Optional[str] = None
    """Slack channel name, written with its `#` (quoted in YAML: "#data-alerts"), as dbt Cloud keeps it."""
    on_success: list[str] = Field(default_factory=list)
    """Keys of jobs whose successful runs notify."""
    on_failure: list[str] = Field(default_factory=list)
    """Keys of jobs whose failed runs notify."""
    on_cancel: list[str] = Field(default_factory=list)
    """Keys of jobs whose cancelled runs notify."""
    on_warning: list[str] = Field(default_factory=list)
    """Keys of jobs whose runs with warnings notify."""

    @field_validator("on_success", "on_failure", "on_cancel", "on_warning")
    @classmethod
    def _known_jobs(cls, keys: list[str], info: ValidationInfo) -> list[str]:
        return check_reference(info, References.job_problem, keys)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in rules.NOTIFICATION_TYPE_CODES:
            raise ValueError(f"must be one of {', '.join(rules.NOTIFICATION_TYPE_CODES)}")
        return value

    @model_validator(mode="after")
    def _type_has_its_fields(self) -> "NotificationSettings":
        slack = (self.slack_channel_id, self.slack_channel_name)
        if self.type in rules.SLACK_NOTIFICATION_TYPES:
            if not all(slack):
                raise ValueError(f"a {self.type} notification needs slackChannelId and slackChannelName")
            if not rules.SLACK_CHANNEL_ID_PATTERN.match(self.slack_channel_id or ""):
                raise ValueError(f"slackChannelId {self.slack_channel_id!r} is not a Slack channel id (like C0123456789)")
            if not (self.slack_channel_name or "").startswith("#"):
                # The provider reads the name back from the API as part of the recipient's identity (a change
                # replaces the notification); its docs and examples write it with "#": so does this project.
                raise ValueError(f"write slackChannelName with its '#', quoted: \"#{self.slack_channel_name}\" "
                                 "(dbt Cloud keeps it so; without it every preview shows a change)")
        elif any(slack):
            raise ValueError("slackChannelId and slackChannelName are only for types slack and slackApp")
        if self.type == "externalEmail":
            if not rules.EMAIL_PATTERN.match(self.external_email or ""):
                raise ValueError(f"externalEmail {self.external_email!r} is not an email address")
        elif self.external_email is not None:
            raise ValueError("externalEmail is only for type externalEmail")
        if not self.job_keys():
            raise ValueError("names no job: list job keys under onSuccess, onFailure, onCancel or onWarning")
        return self

    @property
    def type_code(self) -> int:
        """dbt Cloud's numeric code for the type."""
        return rules.NOTIFICATION_TYPE_CODES[self.type]

    def events(self) -> dict[str, list[str]]:
        """Job keys by event, for the events that name any."""
        events = {"onSuccess": self.on_success, "onFailure": self.on_failure,
                  "onCancel": self.on_cancel, "onWarning": self.on_warning}
        return {event: keys for event, keys in events.items() if keys}

    def job_keys(self) -> set[str]:
        """Every job key this notification names."""
        return {key for keys in self.events().values() for key in keys}

    def recipient(self) -> tuple:
        """What dbt Cloud treats as one recipient: two notifications of a stack must not share it."""
        return (self.type, self.user_id, self.external_email, self.slack_channel_id)


# --- Adoption of a setup made by hand ---------------------------------------------------------

NUMBER = r"^[0-9]+$"
IN_PROJECT = r"^[0-9]+:[0-9]+$"


class ImportIdsSettings(SettingsModel):
    """Existing resources to adopt rather than create (Pulumi `import`), by their provider ids.

    For a team that clicked its setup together first: the next `pulumi up` takes these over without
    recreating them, provided the config describes them as they are (`pulumi preview` shows any mismatch).
    Once adopted they stay in the state; the ids can then be removed.
    """

    project: Optional[str] = Field(default=None, pattern=NUMBER)
    """The project's number (`.../projects/<id>`)."""
    repository: Optional[str] = Field(default=None, pattern=IN_PROJECT)
    """`<project id>:<repository id>`."""
    connection: Optional[str] = Field(default=None, pattern=NUMBER)
    """The connection's number (Account settings -> Connections)."""
    warehouse: Optional[str] = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    """The SQL warehouse id (16 hex characters, in its HTTP path)."""
    environments: dict[str, Annotated[str, Field(pattern=IN_PROJECT)]] = Field(default_factory=dict)
    """Environment key -> `<project id>:<environment id>`."""
    credentials: dict[str, Annotated[str, Field(pattern=IN_PROJECT)]] = Field(default_factory=dict)
    """Deployment environment key -> `<project id>:<credential id>` of its Databricks credential."""
    jobs: dict[str, Annotated[str, Field(pattern=NUMBER)]] = Field(default_factory=dict)
    """Job key -> the job's number (`.../jobs/<id>`)."""

    @field_validator("environments", "credentials")
    @classmethod
    def _known_environments(cls, ids: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        check_reference(info, References.unknown_environments, list(ids))
        return ids

    @field_validator("jobs")
    @classmethod
    def _known_jobs(cls, ids: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        check_reference(info, References.job_problem, list(ids))
        return ids

    @model_validator(mode="after")
    def _project_ids_need_the_project(self, info: ValidationInfo) -> "ImportIdsSettings":
        known = references(info)
        if known is not None and not known.creates_project and (self.project or self.repository):
            raise ValueError("project and repository belong to the stack that creates the project")
        return self


# --- Service principal: production runs under their own identity ------------------------------


def _check_principals(principals: list[str]) -> None:
    unknown = [p for p in principals if not rules.TOKEN_PRINCIPAL_PATTERN.match(p)]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a principal: write group:<name>, user:<email> or "
                         "servicePrincipal:<application id>")


class TokenPermissionsSettings(SettingsModel):
    """How the service principal gets the workspace's token-usage permission, which it needs before a token can be
    made for it (databricks provider, `docs/resources/obo_token.md`: the token depends on that permission).

    Two ways, both working on the first `pulumi up`:
    - `viaGroup: <group>`: the principal joins an existing group that already has `CAN_USE` on tokens (Settings ->
      Advanced -> Personal access tokens -> Permission settings). Nothing else in the workspace changes.
    - `manage: true` with `keepAccessFor`: this stack owns the workspace's token permissions, ONE list for the whole
      workspace that replaces the existing one, so everyone else who must keep using tokens has to be named.
    """

    manage: bool = False
    """This stack sets the workspace's token permissions (replacing what is there)."""
    keep_access_for: list[str] = Field(default_factory=list)
    """With manage: who else keeps token access: `group:<name>`, `user:<email>`, `servicePrincipal:<application id>`."""
    via_group: Optional[str] = Field(default=None, min_length=1)
    """Without manage: the display name of an existing workspace group that has token usage (`CAN_USE`); the
    principal is added to it."""

    @field_validator("keep_access_for")
    @classmethod
    def _known_principals(cls, principals: list[str]) -> list[str]:
        _check_principals(principals)
        return principals

    @field_validator("via_group")
    @classmethod
    def _a_group_one_can_join(cls, group: Optional[str]) -> Optional[str]:
        if group in ("users", "admins"):
            raise ValueError(f"{group!r} is a system group whose members Databricks manages itself: name a group you "
                             "made that has token usage, or use manage: true")
        return group

    @model_validator(mode="after")
    def _one_way_to_token_usage(self) -> "TokenPermissionsSettings":
        if self.manage:
            if self.via_group:
                raise ValueError("give manage: true or viaGroup, not both")
            if not self.keep_access_for:
                raise ValueError("manage: true replaces the workspace's token permissions: list in keepAccessFor who "
                                 "else keeps using tokens (at least the group of people who do today, e.g. group:users)")
        else:
            if self.keep_access_for:
                raise ValueError("keepAccessFor only applies with manage: true")
            if not self.via_group:
                raise ValueError(
                    "the service principal needs token usage before its token can be made, in the same pulumi up: "
                    "set viaGroup to a group that has token usage (CAN_USE on tokens), or manage: true with "
                    "keepAccessFor (this stack then owns the workspace's token permissions)")
        return self


class ServicePrincipalSettings(SettingsModel):
    """A Databricks service principal that dbt Cloud's runs use, with only the access they need."""

    display_name: str = Field(min_length=1)
    """Name shown in the workspace's admin settings."""
    cloud: str = "aws"
    """`aws` or `gcp` (the token is made on the principal's behalf), or `azure` (an Entra ID application that
    signs in itself to make its token)."""
    credential_lifetime_days: int = Field(default=90, ge=1)
    """The token expires after this many days."""
    rotate_after_days: Optional[int] = Field(default=None, ge=1)
    """Replace the token when it is this many days old (default: two thirds of its lifetime). The deploy workflow's
    weekly `pulumi up --refresh` does it; see README, "Token rotation"."""
    credential_rotation: int = Field(default=1, ge=1)
    """Raise by one to replace the token now (after a leak)."""
    azure_application_id: Optional[str] = Field(default=None, pattern=rules.UUID_PATTERN)
    """Azure: the Entra ID application (client) id of the principal."""
    azure_tenant_id: Optional[str] = Field(default=None, pattern=rules.UUID_PATTERN)
    """Azure: the Entra ID tenant id."""
    catalog_grants: dict[str, list[rules.CatalogPrivilege]] = Field(default_factory=dict)
    """Catalog -> Unity Catalog privileges on it (e.g. USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA, CREATE_TABLE, SELECT, MODIFY)."""
    schema_grants: dict[str, list[rules.SchemaPrivilege]] = Field(default_factory=dict)
    """`catalog.schema` -> privileges on that schema only (e.g. sources dbt only reads: USE_SCHEMA, SELECT)."""
    token_permissions: TokenPermissionsSettings
    """How the principal gets token usage: `viaGroup`, or `manage: true` with `keepAccessFor`."""

    @field_validator("catalog_grants", "schema_grants", mode="before")
    @classmethod
    def _privileges_that_exist(cls, grants: Any) -> Any:
        if isinstance(grants, dict):
            for privileges in grants.values():
                for privilege in privileges if isinstance(privileges, list) else []:
                    if privilege in rules.PRIVILEGE_HINTS:
                        raise ValueError(rules.PRIVILEGE_HINTS[privilege])
        return grants

    @field_validator("cloud")
    @classmethod
    def _known_cloud(cls, value: str) -> str:
        if value not in ("aws", "gcp", "azure"):
            raise ValueError("must be aws, gcp or azure")
        return value

    @field_validator("catalog_grants")
    @classmethod
    def _configured_catalogs(cls, grants: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        check_reference(info, lambda known, catalogs: _catalog_problem(known, catalogs), list(grants))
        return grants

    @field_validator("schema_grants")
    @classmethod
    def _configured_schemas(cls, grants: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        malformed = [key for key in grants if key.count(".") != 1 or not all(key.split("."))]
        if malformed:
            raise ValueError(f"{malformed[0]!r} is not catalog.schema")
        check_reference(info, lambda known, catalogs: _catalog_problem(known, catalogs),
                        [key.split(".")[0] for key in grants])
        return grants

    @model_validator(mode="after")
    def _azure_needs_its_application(self) -> "ServicePrincipalSettings":
        if self.cloud == "azure" and not (self.azure_application_id and self.azure_tenant_id):
            raise ValueError("cloud azure needs azureApplicationId and azureTenantId (the Entra ID application "
                             "that is the service principal)")
        if self.cloud != "azure" and (self.azure_application_id or self.azure_tenant_id):
            raise ValueError("azureApplicationId and azureTenantId are only for cloud azure")
        return self

    @model_validator(mode="after")
    def _rotates_before_expiry(self) -> "ServicePrincipalSettings":
        problem = rotation_problem(self.credential_lifetime_days, self.rotation_days)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def credential_lifetime_seconds(self) -> int:
        return self.credential_lifetime_days * 24 * 3600

    @property
    def rotation_days(self) -> int:
        """Days after which the token is replaced."""
        return self.rotate_after_days or default_rotation_days(self.credential_lifetime_days)


def _catalog_problem(known: References, catalogs: list[str]) -> Optional[str]:
    unknown = [catalog for catalog in catalogs if catalog not in known.catalogs]
    if not unknown:
        return None
    return (f"{unknown[0]!r} is not a catalog this stack uses (the connection's and the credentials' catalogs: "
            f"{_listing(known.catalogs)}); grant only where dbt works")


# --- Cost estimate ----------------------------------------------------------------------------


class CostSettings(SettingsModel):
    """Assumptions of the offline cost estimate (`python -m synth cost`)."""

    plan: str = "starter"
    """dbt Cloud plan: `developer` (3,000 models a month, no API), `starter` (15,000, then $0.01 each) or
    `enterprise`."""
    dbu_price_usd: float = Field(default=0.70, gt=0)
    """Dollars per DBU for this warehouse type, cloud and tier (Databricks' pricing page)."""

    @field_validator("plan")
    @classmethod
    def _known_plan(cls, value: str) -> str:
        if value not in ("developer", "starter", "enterprise"):
            raise ValueError("must be developer, starter or enterprise")
        return value


# --- The stack --------------------------------------------------------------------------------


class StackSettings(SettingsModel):
    """Everything one stack declares. Field order matters: later sections are checked against earlier ones."""

    account: AccountSettings
    """The dbt Cloud account (`dbtcloud:accountId`, `dbtcloud:hostUrl`)."""
    databricks_host: Optional[str] = Field(default=None, pattern=r"^https://[^/\s]+/?$")
    """The workspace URL (`databricks:host`, or DATABRICKS_HOST), which the Databricks provider reads too."""
    protect: bool = False
    """Protect the stack's stateful resources from deletion (set in production)."""
    project: ProjectSettings
    """The dbt Cloud project: created here or adopted."""
    warehouse: WarehouseSettings
    """This stack's SQL warehouse."""
    connection: ConnectionSettings
    """This stack's dbt Cloud connection to its warehouse."""
    environments: dict[str, EnvironmentSettings] = Field(min_length=1)
    """This stack's environments, by key."""
    deployment_token: Optional[SecretStr] = Field(default=None, validate_default=True)
    """Secret: the Databricks token deployment environments run as (`pulumi config set --secret`)."""
    jobs: dict[str, JobSettings] = Field(default_factory=dict)
    """This stack's jobs, by key."""
    notifications: dict[str, NotificationSettings] = Field(default_factory=dict)
    """This stack's job notifications, by key."""
    environment_variables: dict[str, dict[str, str]] = Field(default_factory=dict)
    """`DBT_` variables: name -> {environment key or `project`: value}."""
    secret_environment_variables: dict[str, dict[str, SecretStr]] = Field(default_factory=dict)
    """Secret: `DBT_ENV_SECRET_` variables, same shape (`pulumi config set --secret --path`)."""
    cost: CostSettings = Field(default_factory=CostSettings)
    """Plan and DBU price for the cost estimate."""
    service_principal: Optional[ServicePrincipalSettings] = None
    """A Databricks service principal for dbt Cloud's runs (production)."""
    service_principal_secret: Optional[SecretStr] = Field(default=None, validate_default=True)
    """Secret, Azure only: the Entra ID application's client secret (`pulumi config set --secret`)."""
    import_ids: ImportIdsSettings = Field(default_factory=ImportIdsSettings)
    """Existing resources to adopt instead of creating them (a setup first made by hand)."""

    @field_validator("environments")
    @classmethod
    def _environment_kinds(cls, environments: dict[str, EnvironmentSettings], info: ValidationInfo):
        def check_unique(kind: str, keys: list[str]) -> None:
            for key in keys[1:]:
                report_problem(info, ("environments", key), f"a second {kind} environment (after {keys[0]!r}): "
                               f"dbt Cloud allows one per project")

        check_unique("development", [k for k, e in environments.items() if e.type == "development"])
        check_unique("production", [k for k, e in environments.items() if e.deployment_type == "production"])
        names: dict[str, str] = {}
        for key, environment in environments.items():
            if environment.name in names:
                report_problem(info, ("environments", key, "name"),
                               f"{environment.name!r} is also the name of {names[environment.name]!r}; "
                               "environment variables find environments by name, so names must be unique")
            names.setdefault(environment.name, key)
        return environments

    @field_validator("deployment_token")
    @classmethod
    def _token_when_needed(cls, token: Optional[SecretStr], info: ValidationInfo):
        known = references(info)
        needing = known.needing_run_as("deploymentToken") if known else []
        if needing and (token is None or not token.get_secret_value().strip()):
            report_problem(info, ("deploymentToken",),
                           f"is required for the deployment environments ({', '.join(needing)}): "
                           "pulumi config set --secret deploymentToken <Databricks token>")
        return token

    @field_validator("service_principal")
    @classmethod
    def _principal_warnings(cls, principal: Optional[ServicePrincipalSettings], info: ValidationInfo):
        if principal is None:
            return principal
        if principal.credential_lifetime_days > rules.MAX_SENSIBLE_TOKEN_DAYS:
            report_warning(info, ("servicePrincipal", "credentialLifetimeDays"),
                           f"a token that lives {principal.credential_lifetime_days} days outlives most rotation policies; "
                           "90 days is common")
        for path, grants in (("catalogGrants", principal.catalog_grants), ("schemaGrants", principal.schema_grants)):
            for key, privileges in grants.items():
                if "ALL_PRIVILEGES" in privileges:
                    report_warning(info, ("servicePrincipal", path, key),
                                   "ALL_PRIVILEGES is more than dbt needs; list the privileges instead")
        known = references(info)
        if known is not None and not known.needing_run_as("servicePrincipal"):
            report_warning(info, ("servicePrincipal",), "no environment's credential uses it "
                                                        "(credential.runAs: servicePrincipal)")
        return principal

    @field_validator("service_principal_secret")
    @classmethod
    def _azure_secret(cls, secret: Optional[SecretStr], info: ValidationInfo):
        principal = info.data.get("service_principal")
        needed = principal is not None and principal.cloud == "azure"
        if needed and not info.data.get("databricks_host"):
            report_problem(info, ("databricks:host",), "is required for an Azure service principal, which signs in "
                                                       "to the workspace itself: pulumi config set databricks:host https://...")
        if needed and (secret is None or not secret.get_secret_value().strip()):
            report_problem(info, ("servicePrincipalSecret",), "is required for an Azure service principal: "
                                                              "pulumi config set --secret servicePrincipalSecret <client secret>")
        return secret

    @field_validator("jobs")
    @classmethod
    def _jobs_fit_together(cls, jobs: dict[str, JobSettings], info: ValidationInfo):
        names: dict[str, str] = {}
        for key, job in jobs.items():
            path = ("jobs", key)
            if any(rules.DEPS_STEP_PATTERN.match(step) for step in job.steps):
                report_warning(info, path + ("steps",), "dbt Cloud runs `dbt deps` before every job itself: "
                                                        "the `dbt deps` step is left out")
            if job.schedule and job.schedule.cron.split()[0] == "*":
                report_warning(info, path + ("schedule", "cron"),
                               f"{job.schedule.cron!r} starts a run every minute (UTC); next runs: "
                               f"{format_runs(next_runs(job.schedule.cron, 3))}. Did you mean a fixed minute, "
                               "like '0 2 * * *'?")
            if job.threads and job.threads > rules.SENSIBLE_MAX_THREADS:
                report_warning(info, path + ("threads",), f"{job.threads} threads is more than a warehouse "
                                                          "usually serves well; 4-16 is typical")
            if job.name in names:
                report_problem(info, path + ("name",), f"{job.name!r} is also the name of job {names[job.name]!r}")
            names.setdefault(job.name, key)
        cycle = _find_cycle(jobs)
        if cycle:
            report_problem(info, ("jobs", cycle[0], "runAfter"), f"jobs run after each other in a circle: "
                                                                 f"{' -> '.join(cycle + [cycle[0]])}")
        return jobs

    @field_validator("notifications")
    @classmethod
    def _notifications_name_jobs(cls, notifications: dict[str, NotificationSettings], info: ValidationInfo):
        recipients: dict[tuple, str] = {}
        for key, notification in notifications.items():
            recipient = notification.recipient()
            if recipient in recipients:
                report_problem(info, ("notifications", key),
                               f"has the same recipient as {recipients[recipient]!r}: put all their jobs in one "
                               "notification (dbt Cloud keeps one setting per recipient)")
            recipients.setdefault(recipient, key)
        return notifications

    @field_validator("environment_variables")
    @classmethod
    def _plain_variables(cls, variables: dict[str, dict[str, str]], info: ValidationInfo):
        for name, values in variables.items():
            if name.startswith(rules.SECRET_ENV_VAR_PREFIX):
                report_problem(info, ("environmentVariables", name),
                               f"{rules.SECRET_ENV_VAR_PREFIX} variables hold secrets: set them under "
                               "secretEnvironmentVariables with pulumi config set --secret --path")
            _check_variable(info, "environmentVariables", name, values)
        return variables

    @field_validator("secret_environment_variables")
    @classmethod
    def _secret_variables(cls, variables: dict[str, dict[str, SecretStr]], info: ValidationInfo):
        for name, values in variables.items():
            if not name.startswith(rules.SECRET_ENV_VAR_PREFIX):
                report_problem(info, ("secretEnvironmentVariables", name),
                               f"must start with {rules.SECRET_ENV_VAR_PREFIX} so that dbt Cloud scrubs it from logs")
            _check_variable(info, "secretEnvironmentVariables", name, values)
        return variables

    @model_validator(mode="after")
    def _adopted_and_triggered_as_they_can_be(self, info: ValidationInfo) -> "StackSettings":
        if info.context is None:
            return self
        repository = self.project.repository
        if repository is not None and not repository.triggers_ci:
            for key in self.ci_job_keys():
                report_problem(info, ("jobs", key), ci_trigger_problem(repository.git_clone_strategy))
        if (self.import_ids.warehouse and self.service_principal is not None
                and "keep_access_for" not in self.warehouse.model_fields_set):
            report_problem(info, ("warehouse", "keepAccessFor"), (
                "adopting warehouse " + self.import_ids.warehouse + " replaces its whole access list with the service "
                "principal's (Databricks permissions are one list per warehouse; admins keep theirs): name who keeps "
                "access, e.g. keepAccessFor: {group:data-engineers: CAN_USE}, or write keepAccessFor: {} to remove "
                "everyone else's access on purpose"))
        return self

    def ci_job_keys(self) -> list[str]:
        """Jobs that pull requests or merges trigger: they need a repository with a native Git integration."""
        return [key for key, job in self.jobs.items() if job.run_on_pull_request or job.run_on_merge]

    def deployment_environments(self) -> dict[str, EnvironmentSettings]:
        """The environments jobs can run in."""
        return {key: env for key, env in self.environments.items() if env.is_deployment}

    def jobs_in_dependency_order(self) -> list[tuple[str, JobSettings]]:
        """Jobs ordered so that a job comes after the job it runs after."""
        ordered: list[str] = []

        def visit(key: str) -> None:
            if key in ordered:
                return
            run_after = self.jobs[key].run_after
            if run_after is not None:
                visit(run_after.job)
            ordered.append(key)

        for key in self.jobs:
            visit(key)
        return [(key, self.jobs[key]) for key in ordered]

    def job_threads(self) -> dict[str, int]:
        """Each job's threads: its own, else its environment's, else dbt Cloud's UI default."""
        return {
            key: job.threads or self.environments[job.environment].threads or rules.DEFAULT_THREADS
            for key, job in self.jobs.items()
        }

    def external_environment_keys(self) -> list[str]:
        """Keys of environments jobs name (to defer to) that other stacks own."""
        return sorted({job.defer_to for job in self.jobs.values() if job.defer_to} - set(self.environments))


def _check_variable(info: ValidationInfo, section: str, name: str, values: dict[str, Any]) -> None:
    path = (section, name)
    if not name.startswith(rules.ENV_VAR_PREFIXES):
        report_problem(info, path, "environment variable names must start with DBT_ (DBT_ENV_SECRET_ for secrets)")
    if name in rules.RESERVED_ENV_VAR_NAMES:
        report_problem(info, path, "is set by dbt Cloud itself on every run and cannot be defined")
    known = references(info)
    if known is None:
        return
    environments = list(known.environment_types)
    for key in values:
        if key == rules.ENV_VAR_PROJECT_DEFAULT:
            if not known.creates_project:
                report_problem(info, path + (key,), "the project-wide default belongs to the stack that creates "
                                                    "the project; set this stack's environments' values instead")
        elif key not in environments:
            report_problem(info, path + (key,), f"{key!r} is not an environment of this stack; use "
                                                f"{', '.join(list(environments) + [rules.ENV_VAR_PROJECT_DEFAULT])}")


def _find_cycle(jobs: dict[str, JobSettings]) -> list[str]:
    """A list of job keys that run after each other in a circle, or [] when there is none."""
    for start in jobs:
        seen: list[str] = []
        key: Optional[str] = start
        while key is not None and key in jobs:
            if key in seen:
                return seen[seen.index(key):]
            seen.append(key)
            run_after = jobs[key].run_after
            key = run_after.job if run_after else None
    return []
