"""Everything one stack declares: the sections, and the rules that cross them."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from components import rules
from components.rules import ci_trigger_problem

from .account import AccountSettings
from .adoption import ImportIdsSettings
from .base import Flag, SettingsModel, new_context, references, report_problem, report_warning
from .connection import ConnectionSettings
from .cost import CostSettings
from .environments import EnvironmentSettings
from .jobs import JobSettings, find_cycle
from .notifications import NotificationSettings
from .project import ProjectSettings
from .schedule import format_runs, next_runs
from .service_principal import ServicePrincipalSettings
from .variables import check_variable
from .warehouse import WarehouseSettings
from .webhooks import WebhookSettings


def _strings(value: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every text value in a document, with its key path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, path + (key,))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _strings(item, path + (index,))]
    return []


class StackSettings(SettingsModel):
    """Everything one stack declares. Field order matters: later sections are checked against earlier ones."""

    account: AccountSettings
    """The dbt Cloud account (`dbtcloud:accountId`, `dbtcloud:hostUrl`)."""
    databricks_host: Optional[str] = Field(default=None, pattern=r"^https://[^/\s]+/?$")
    """The workspace URL (`databricks:host`, or DATABRICKS_HOST), which the Databricks provider reads too."""
    protect: Flag = False
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
    webhooks: dict[str, WebhookSettings] = Field(default_factory=dict)
    """Webhooks dbt Cloud calls when this stack's (or every) job's runs start, complete or fail, by key."""
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

    @classmethod
    def secret_keys(cls) -> tuple[str, ...]:
        """The keys that hold secrets (their type is, or holds, `SecretStr`): set with `pulumi config set --secret`."""
        return tuple(
            info.alias or name for name, info in cls.model_fields.items() if "SecretStr" in str(info.annotation)
        )

    @classmethod
    def model_validate(cls, obj: Any, *, context: Optional[dict] = None, **kwargs: Any) -> "StackSettings":
        """Validate a stack document. Without a `context` (as `load_settings` gives), the rules across sections run
        too, and their problems are raised as one `ValidationError` like any other."""
        if context is not None:
            return super().model_validate(obj, context=context, **kwargs)
        context = new_context(obj if isinstance(obj, dict) else {})
        settings = super().model_validate(obj, context=context, **kwargs)
        if context["problems"]:
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    {"type": PydanticCustomError("stack_rule", message), "loc": tuple(path), "input": None}
                    for path, message in context["problems"]
                ],
            )
        return settings

    @model_validator(mode="before")
    @classmethod
    def _no_token_in_plain_text(cls, document: Any, info: ValidationInfo) -> Any:
        # The policy pack refuses these at `pulumi preview`; refusing them here tells `synth check` users first.
        if isinstance(document, dict) and info.context is not None:
            secret = set(cls.secret_keys())
            for path, text in _strings({key: value for key, value in document.items() if key not in secret}):
                if rules.TOKEN_SHAPES.search(text):
                    report_problem(
                        info,
                        path,
                        "looks like a token or private key in plain text: keep secrets out of "
                        "descriptions, tags and plain variables (secretEnvironmentVariables, "
                        "set with pulumi config set --secret --path, hold secret values)",
                    )
        return document

    @field_validator("environments")
    @classmethod
    def _environment_kinds(cls, environments: dict[str, EnvironmentSettings], info: ValidationInfo):
        def check_unique(kind: str, keys: list[str]) -> None:
            for key in keys[1:]:
                report_problem(
                    info,
                    ("environments", key),
                    f"a second {kind} environment (after {keys[0]!r}): dbt Cloud allows one per project",
                )

        check_unique("development", [k for k, e in environments.items() if e.type == "development"])
        check_unique("production", [k for k, e in environments.items() if e.deployment_type == "production"])
        names: dict[str, str] = {}
        for key, environment in environments.items():
            if environment.name in names:
                report_problem(
                    info,
                    ("environments", key, "name"),
                    f"{environment.name!r} is also the name of {names[environment.name]!r}; "
                    "environment variables find environments by name, so names must be unique",
                )
            names.setdefault(environment.name, key)
        return environments

    @field_validator("environments")
    @classmethod
    def _names_databricks_takes(cls, environments: dict[str, EnvironmentSettings], info: ValidationInfo):
        # The credential's catalog and schema are Unity Catalog names: dbt creates the schema at its first run, and
        # Databricks refuses a longer name then, not at pulumi up (the dbt Cloud provider checks no length).
        for key, environment in environments.items():
            credential = environment.credential
            if credential is None:
                continue
            for field, name in (("schema", credential.target_schema), ("catalog", credential.catalog)):
                problem = rules.unity_catalog_name_problem(name) if name is not None else None
                if problem:
                    report_problem(info, ("environments", key, "credential", field), problem)
        return environments

    @field_validator("deployment_token")
    @classmethod
    def _token_when_needed(cls, token: Optional[SecretStr], info: ValidationInfo):
        known = references(info)
        needing = known.needing_run_as("deploymentToken") if known else []
        if needing and (token is None or not token.get_secret_value().strip()):
            report_problem(
                info,
                ("deploymentToken",),
                f"is required for the deployment environments ({', '.join(needing)}): "
                "pulumi config set --secret deploymentToken <Databricks token>",
            )
        return token

    @field_validator("service_principal")
    @classmethod
    def _principal_warnings(cls, principal: Optional[ServicePrincipalSettings], info: ValidationInfo):
        if principal is None:
            return principal
        if principal.credential_lifetime_days > rules.MAX_SENSIBLE_TOKEN_DAYS:
            report_warning(
                info,
                ("servicePrincipal", "credentialLifetimeDays"),
                f"a token that lives {principal.credential_lifetime_days} days outlives most rotation policies; "
                "90 days is common",
            )
        for path, grants in (("catalogGrants", principal.catalog_grants), ("schemaGrants", principal.schema_grants)):
            for key, privileges in grants.items():
                if "ALL_PRIVILEGES" in privileges:
                    report_warning(
                        info,
                        ("servicePrincipal", path, key),
                        "ALL_PRIVILEGES is more than dbt needs; list the privileges instead",
                    )
        connection = info.data.get("connection")
        for key, environment in (info.data.get("environments") or {}).items():
            credential = environment.credential
            if environment.deployment_type != "production" or credential is None:
                continue
            catalog = credential.catalog or (connection.catalog if connection is not None else None)
            if credential.run_as == "servicePrincipal" and catalog and catalog not in principal.catalog_grants:
                # "In Unity Catalog all users initially have no access to data" (terraform-provider-databricks
                # docs/resources/grants.md:14), and Grant adds only what is listed: without USE_CATALOG on the
                # catalog, nothing in it is within the runs' reach.
                report_warning(
                    info,
                    ("servicePrincipal", "catalogGrants"),
                    f"the production environment {key!r} runs as the service principal in catalog {catalog!r}, but "
                    f"catalogGrants gives it nothing there: its runs will lack the rights to read and build. Add "
                    f"catalogGrants: {{{catalog}: [USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA, CREATE_TABLE, SELECT, "
                    "MODIFY]}",
                )
        known = references(info)
        if known is not None and not known.needing_run_as("servicePrincipal"):
            report_warning(
                info, ("servicePrincipal",), "no environment's credential uses it (credential.runAs: servicePrincipal)"
            )
        return principal

    @field_validator("service_principal_secret")
    @classmethod
    def _azure_secret(cls, secret: Optional[SecretStr], info: ValidationInfo):
        principal = info.data.get("service_principal")
        needed = principal is not None and principal.signs_in_itself
        if needed and not info.data.get("databricks_host"):
            report_problem(
                info,
                ("databricks:host",),
                "is required for an Azure service principal, which signs in "
                "to the workspace itself: pulumi config set databricks:host https://...",
            )
        if needed and (secret is None or not secret.get_secret_value().strip()):
            report_problem(
                info,
                ("servicePrincipalSecret",),
                "is required for an Azure service principal: "
                "pulumi config set --secret servicePrincipalSecret <client secret>",
            )
        return secret

    @field_validator("jobs")
    @classmethod
    def _jobs_fit_together(cls, jobs: dict[str, JobSettings], info: ValidationInfo):
        names: dict[str, str] = {}
        for key, job in jobs.items():
            path = ("jobs", key)
            if any(rules.DEPS_STEP_PATTERN.match(step) for step in job.steps):
                report_warning(
                    info,
                    path + ("steps",),
                    "dbt Cloud runs `dbt deps` before every job itself: the `dbt deps` step is left out",
                )
            if job.schedule and job.schedule.cron.split()[0] == "*":
                report_warning(
                    info,
                    path + ("schedule", "cron"),
                    f"{job.schedule.cron!r} starts a run every minute (UTC); next runs: "
                    f"{format_runs(next_runs(job.schedule.cron, 3))}. Did you mean a fixed minute, "
                    "like '0 2 * * *'?",
                )
            if job.timeout_minutes and job.timeout_minutes > rules.MAX_RUN_MINUTES:
                report_warning(
                    info,
                    path + ("timeoutMinutes",),
                    f"dbt Cloud ends every run after the account's run limit, 24 hours unless raised: a timeout of "
                    f"{job.timeout_minutes} minutes applies only where the limit is higher",
                )
            for field, written, needs in (
                ("compare_changes_flags", "compareChangesFlags", "compareChanges"),
                ("fail_on_lint_errors", "failOnLintErrors", "sqlLint"),
            ):
                if getattr(job, field) is not None and not getattr(job, rules.SWITCHES[field]):
                    report_warning(info, path + (written,), f"has no effect without {needs}: true (kept as written)")
            if job.threads and job.threads > rules.SENSIBLE_MAX_THREADS:
                report_warning(
                    info,
                    path + ("threads",),
                    f"{job.threads} threads is more than a warehouse usually serves well; 4-16 is typical",
                )
            environment = (info.data.get("environments") or {}).get(job.environment)
            if job.cost_optimization and environment is not None:
                problem = rules.cost_optimization_problem(job.cost_optimization, False, environment.dbt_version)
                if problem:
                    report_problem(info, path + ("costOptimization",), problem)
            if job.paused and not job.triggered:
                report_warning(
                    info, path + ("paused",), "the job has no trigger to turn off: it runs only by hand anyway"
                )
            if job.paused and job.run_on_pull_request:
                report_warning(
                    info,
                    path + ("paused",),
                    "pausing a pull-request job turns its pull-request triggers off, which the provider treats as "
                    "another kind of job: pulumi up replaces it (a new job id; its runs stay with the old one), and "
                    "again when it is unpaused",
                )
            if job.name in names:
                report_problem(info, path + ("name",), f"{job.name!r} is also the name of job {names[job.name]!r}")
            names.setdefault(job.name, key)
        cycle = find_cycle(jobs)
        if cycle:
            report_problem(
                info,
                ("jobs", cycle[0], "runAfter"),
                f"jobs run after each other in a circle: {' -> '.join(cycle + [cycle[0]])}",
            )
        return jobs

    @field_validator("notifications")
    @classmethod
    def _notifications_name_jobs(cls, notifications: dict[str, NotificationSettings], info: ValidationInfo):
        recipients: dict[tuple, str] = {}
        for key, notification in notifications.items():
            recipient = notification.recipient()
            if recipient in recipients:
                report_problem(
                    info,
                    ("notifications", key),
                    f"has the same recipient as {recipients[recipient]!r}: put all their jobs in one "
                    "notification (dbt Cloud keeps one setting per recipient)",
                )
            recipients.setdefault(recipient, key)
        return notifications

    @field_validator("environment_variables")
    @classmethod
    def _plain_variables(cls, variables: dict[str, dict[str, str]], info: ValidationInfo):
        for name, values in variables.items():
            if name.startswith(rules.SECRET_ENV_VAR_PREFIX):
                report_problem(
                    info,
                    ("environmentVariables", name),
                    f"{rules.SECRET_ENV_VAR_PREFIX} variables hold secrets: set them under "
                    "secretEnvironmentVariables with pulumi config set --secret --path",
                )
            check_variable(info, "environmentVariables", name, values)
        return variables

    @field_validator("secret_environment_variables")
    @classmethod
    def _secret_variables(cls, variables: dict[str, dict[str, SecretStr]], info: ValidationInfo):
        for name, values in variables.items():
            if not name.startswith(rules.SECRET_ENV_VAR_PREFIX):
                report_problem(
                    info,
                    ("secretEnvironmentVariables", name),
                    f"must start with {rules.SECRET_ENV_VAR_PREFIX} so that dbt Cloud scrubs it from logs",
                )
            check_variable(info, "secretEnvironmentVariables", name, values)
        return variables

    @model_validator(mode="after")
    def _adopted_and_triggered_as_they_can_be(self, info: ValidationInfo) -> "StackSettings":
        if info.context is None:
            return self
        repository = self.project.repository
        if repository is not None and not repository.triggers_ci:
            for key in self.ci_job_keys():
                report_problem(info, ("jobs", key), ci_trigger_problem(repository.git_clone_strategy))
        if (
            self.import_ids.warehouse
            and self.service_principal is not None
            and "keep_access_for" not in self.warehouse.model_fields_set
        ):
            report_problem(
                info,
                ("warehouse", "keepAccessFor"),
                (
                    "adopting warehouse "
                    + self.import_ids.warehouse
                    + " replaces its whole access list with the service "
                    "principal's (Databricks permissions are one list per warehouse; admins keep theirs): name who "
                    "keeps "
                    "access, e.g. keepAccessFor: {group:data-engineers: CAN_USE}, or write keepAccessFor: {} to remove "
                    "everyone else's access on purpose"
                ),
            )
        elif (
            self.import_ids.warehouse
            and self.service_principal is not None
            and "IS_OWNER" not in self.warehouse.keep_access_for.values()
        ):
            # "If a resource is changed and no owner is specified, the currently authenticated principal would become
            # the new owner of the warehouse" (terraform-provider-databricks docs/resources/permissions.md:732): the
            # update adds IS_OWNER for the identity it runs as whenever the list names no owner
            # (permissions/resource_permissions.go:72-88 Update, :33-57 safePutWithOwner;
            # permissions/permission_definitions.go:257-274 addOwnerPermissionIfNeeded).
            report_warning(
                info,
                ("warehouse", "keepAccessFor"),
                f"names no IS_OWNER of the adopted warehouse {self.import_ids.warehouse}: the Databricks provider then "
                "makes the identity that runs pulumi up its owner, and whoever owns it today loses that. To keep "
                "the owner, name them: keepAccessFor: {user:owner@example.com: IS_OWNER} (a user or service "
                "principal; a group cannot own a warehouse)",
            )
        return self

    @model_validator(mode="after")
    def _placeholders_left(self, info: ValidationInfo) -> "StackSettings":
        # The committed stack files hold obvious example values, marked PLACEHOLDER: say which are still there, at
        # every check and every `pulumi up`, until they are replaced (the deploy would fail on them anyway).
        left = [key for key, value in self._example_values() if value in rules.EXAMPLE_VALUES]
        if left:
            report_warning(
                info,
                ("placeholders",),
                "the examples' values are still in " + ", ".join(left) + ' (docs/deploy.md, "Before the first deploy")',
            )
        return self

    def _example_values(self) -> list[tuple[str, object]]:
        values: list[tuple[str, object]] = [
            ("dbtcloud:accountId", self.account.account_id),
            ("databricks:host", self.databricks_host),
        ]
        repository = self.project.repository
        if repository is not None:
            values += [
                ("project.repository.remoteUrl", repository.remote_url),
                ("project.repository.githubInstallationId", repository.github_installation_id),
            ]
        for key, notification in self.notifications.items():
            values.append((f"notifications.{key}.userId", getattr(notification, "user_id", None)))
            values += [
                (f"notifications.{key}.{to_camel(field)}", value)
                for field, value in notification.recipient_fields().items()
                if field == "slack_channel_id"
            ]
        return values

    def ci_job_keys(self) -> list[str]:
        """Jobs that pull requests or merges trigger: they need a repository with a native Git integration."""
        return [key for key, job in self.jobs.items() if job.run_on_pull_request or job.run_on_merge]

    def jobs_in_dependency_order(self) -> list[tuple[str, JobSettings]]:
        """Jobs ordered so that a job comes after the job it runs after."""
        ordered: dict[str, None] = {}  # insertion-ordered, and looked up in constant time
        # A loop, not a recursive closure: a closure that calls itself is a reference cycle, which would keep these
        # settings alive for as long as the garbage collector is paused (a whole `synth` command).
        for key in self.jobs:
            chain: list[str] = []  # the jobs `key` waits for, each after the one it runs after
            waiting: Optional[str] = key
            while waiting is not None and waiting not in ordered and waiting not in chain:
                chain.append(waiting)
                run_after = self.jobs[waiting].run_after
                waiting = run_after.job if run_after is not None else None
            ordered.update(dict.fromkeys(reversed(chain)))
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


PROVIDER_FIELDS = ("account", "databricks_host")
"""Settings read from the providers' own keys, not from this project's namespace."""

SECRET_KEYS = StackSettings.secret_keys()
"""Keys that must be set with `pulumi config set --secret`."""
