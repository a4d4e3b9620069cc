"""What the APIs returned -> this project's stack config (camelCase keys, keys made from names, words for codes).

Whatever the account holds that the config model cannot express is never dropped silently: it becomes a `LeftOut`
(field, value, why), marked when the program's declaration would differ from it, so that the first `pulumi preview`
would show a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from components import rules
from components.connection import CONNECTION_FIELDS
from components.environments import CREDENTIAL_FIELDS, ENVIRONMENT, ENVIRONMENT_FIELDS
from components.fields import ProviderArguments, camel, left_to_provider, read_back
from components.jobs import JOB, JOB_FIELDS
from components.notifications import EVENTS
from components.project import PROJECT, PROJECT_FIELDS, REPOSITORY, REPOSITORY_FIELDS
from components.warehouse import WAREHOUSE, WAREHOUSE_FIELDS

from .alerts import AlertSections
from .keys import slug, unique
from .read import Live

RUN_STATUSES = {10: "success", 20: "error", 30: "canceled"}
"""`job_completion_trigger_condition.statuses` (openapi-v2.yaml: success (10), error (20), canceled (30))."""


CI_ONLY = (
    "compare_changes",
    "compare_changes_flags",
    "sql_lint",
    "fail_on_lint_errors",
    "trigger_on_draft_pull_requests",
)
"""Job settings for pull-request jobs only (the settings refuse them elsewhere)."""


@dataclass(frozen=True)
class LeftOut:
    """Something the account has that the stack file does not hold."""

    where: str
    """The resource and field, e.g. `jobs.daily-pipeline.run_lint`."""
    value: Any
    why: str
    changes_preview: bool
    """The program declares something else, so the first preview would show a change."""

    def line(self) -> str:
        effect = "the first preview would change it" if self.changes_preview else "pulumi leaves it as it is"
        return f"{self.where} = {self.value!r}: {self.why} ({effect})"


@dataclass
class Adoption:
    """The stack config to write, and what it leaves out or needs set by hand."""

    config: dict[str, Any]
    """`namespace:key` -> value, in the order to write."""
    left_out: list[LeftOut]
    secrets: list[str]
    """`pulumi config set --secret ...` arguments for what the APIs never return (tokens, secret values)."""
    job_keys: dict[int, str]
    environment_keys: dict[int, str]
    notification_keys: dict[int, str]
    notes: list[str]
    webhook_keys: dict[str, str] = field(default_factory=dict)
    """Webhook id -> key, for the webhooks the file holds."""
    teams_keys: dict[int, str] = field(default_factory=dict)
    """Teams notification setting id -> its key in `notifications`."""
    model_notification_environments: set[int] = field(default_factory=set)
    """The environments whose model notifications the file holds."""


def adopt(
    live: Live,
    project_namespace: str,
    host_url: Optional[str],
    existing: Optional[dict[str, Any]] = None,
    account_webhooks: bool = False,
) -> Adoption:
    """The stack config for `live`. `host_url` is what to write as `dbtcloud:hostUrl` (None: leave it out).
    `existing` is the config of a stack file written before: the keys its `importIds` give environments, jobs,
    webhooks and Teams notifications are kept (renamed in dbt Cloud or by hand in the file, a job keeps its key, and
    the stack its history). `account_webhooks`: adopt the webhooks that name no job (every job of the account) too."""
    builder = _Builder(live, project_namespace, known_keys(existing or {}, project_namespace), account_webhooks)
    return builder.build(host_url)


def known_keys(existing: dict[str, Any], namespace: str) -> dict[str, dict[Any, str]]:
    """`importIds` of an existing stack file -> {"environments": {id: key}, "jobs": ..., "notifications": ...,
    "webhooks": {webhook id (text): key}}."""
    ids = existing.get(f"{namespace}:importIds") or existing.get("importIds") or {}
    found: dict[str, dict[Any, str]] = {"environments": {}, "jobs": {}, "notifications": {}, "webhooks": {}}
    if not isinstance(ids, dict):
        return found
    for section in found:
        given = ids.get(section)
        for key, value in (given if isinstance(given, dict) else {}).items():
            number = str(value).split(":")[-1]
            if section == "webhooks":
                found[section][str(value)] = str(key)
            elif number.isdigit():
                found[section][int(number)] = str(key)
    return found


class _Builder(AlertSections):
    def __init__(self, live: Live, namespace: str, known: dict[str, dict[Any, str]], account_webhooks: bool = False):
        self.live = live
        self.known = known
        self.ns = namespace
        self.account_webhooks = account_webhooks
        self.left_out: list[LeftOut] = []
        self.secrets: list[str] = []
        self.notes: list[str] = list(live.alerts.notes)
        self.environment_keys: dict[int, str] = {}
        self.job_keys: dict[int, str] = {}
        self.notification_keys: dict[int, str] = {}
        self.webhook_keys: dict[str, str] = {}
        self.teams_keys: dict[int, str] = {}
        self.model_notification_environments: set[int] = set()

    def skip(self, where: str, value: Any, why: str, changes_preview: bool = True) -> None:
        self.left_out.append(LeftOut(where, value, why, changes_preview))

    def not_in_the_model(self, where: str, arguments: ProviderArguments, answer: dict[str, Any]) -> None:
        """Every argument the model leaves to the provider whose value in the account is not the provider's default
        (computed from the SDK's arguments less the field tables: `components.fields.left_to_provider`)."""
        for argument, value, entry in left_to_provider(arguments, answer):
            self.skip(f"{where}.{argument}", value, f"{entry.why} is not in the model", entry.drifts)

    def build(self, host_url: Optional[str]) -> Adoption:
        live = self.live
        config: dict[str, Any] = {"dbtcloud:accountId": str(live.account_id)}
        if host_url:
            config["dbtcloud:hostUrl"] = host_url
        connection_config = (live.connection or {}).get("config") or {}
        workspace = connection_config.get("host") or ((live.warehouse or {}).get("odbc_params") or {}).get("hostname")
        if workspace:
            config["databricks:host"] = f"https://{workspace}"
        config[f"{self.ns}:protect"] = True
        config[f"{self.ns}:project"] = self.project()
        config[f"{self.ns}:warehouse"] = self.warehouse()
        config[f"{self.ns}:connection"] = self.connection()
        config[f"{self.ns}:environments"] = self.environments()
        # Sections the account may have nothing of: written only when it has something.
        for key, section in (
            ("jobs", self.jobs()),
            ("notifications", self.notifications()),
            ("webhooks", self.webhooks()),
            ("environmentVariables", self.variables()),
        ):
            if section:
                config[f"{self.ns}:{key}"] = section
        config[f"{self.ns}:importIds"] = self.import_ids()
        return Adoption(
            config,
            self.left_out,
            self.secrets,
            self.job_keys,
            self.environment_keys,
            self.notification_keys,
            self.notes,
            self.webhook_keys,
            self.teams_keys,
            self.model_notification_environments,
        )

    # -- sections ----------------------------------------------------------------------------------------------

    def project(self) -> dict[str, Any]:
        project, repository = self.live.project, self.live.repository
        if repository is None:
            raise ValueError("the project has no repository")
        if not repository.get("remote_url"):
            # Outside dbt Labs' spec (RepositoryV3Response), though the service sends it and the provider reads it.
            raise ValueError(
                f"dbt Cloud's answer for the project's repository {repository.get('id')} holds no remote_url (the "
                "address it clones from): write project.repository.remoteUrl by hand, from the project's settings"
            )
        section = read_back(PROJECT_FIELDS, project)
        self.not_in_the_model("project", PROJECT, project)
        # The strategy is written even when it is the default: how dbt Cloud clones is worth reading.
        section["repository"] = read_back(REPOSITORY_FIELDS, repository)
        section["repository"].setdefault("gitCloneStrategy", repository.get("git_clone_strategy") or "deploy_key")
        self.not_in_the_model("project.repository", REPOSITORY, repository)
        return section

    def warehouse(self) -> dict[str, Any]:
        w = self.live.warehouse or {}
        serverless = bool(w.get("enable_serverless_compute"))
        read = read_back(WAREHOUSE_FIELDS, w)
        section: dict[str, Any] = {"name": read.pop("name", None), "size": read.pop("size", None)}
        section["autoStopMinutes"] = int(w.get("auto_stop_mins") or 0)
        if section["autoStopMinutes"] == 0:
            section["allowNeverStop"] = True
        # Written even when it is the component's default: serverless or not is worth reading.
        section["serverless"] = read.pop("serverless", serverless)
        section.update(read)
        if not serverless and w.get("spot_instance_policy"):
            section["spotInstancePolicy"] = w["spot_instance_policy"]
        tags = {t["key"]: t.get("value", "") for t in ((w.get("tags") or {}).get("custom_tags") or [])}
        if tags:
            section["tags"] = tags
        self.not_in_the_model("warehouse", WAREHOUSE, w)
        return section

    def connection(self) -> dict[str, Any]:
        connection = self.live.connection or {}
        section = read_back(CONNECTION_FIELDS, connection)
        config = connection.get("config") or {}
        if config.get("catalog"):
            section["catalog"] = config["catalog"]
        for other in self.live.connection_ids[1:]:
            users = [e["name"] for e in self.live.environments if e.get("connection_id") == other]
            self.skip(
                f"environments ({', '.join(users)}).connection_id",
                other,
                f"a second connection: the stack holds one, {connection.get('id')}, for all its environments",
            )
        if config.get("client_id"):
            self.skip("connection.client_id", config["client_id"], "OAuth for the connection is not in the model")
        return section

    def environments(self) -> dict[str, Any]:
        taken: set[str] = set()
        sections: dict[str, Any] = {}
        for environment in sorted(self.live.environments, key=_environment_order):
            kind = environment.get("deployment_type") if environment.get("type") == "deployment" else "development"
            kept = self.known["environments"]
            wanted = (
                kind
                if kind in ("development", "production", "staging")
                else slug(environment["name"], f"environment-{environment['id']}")
            )
            key = kept.get(int(environment["id"])) or unique(wanted, taken | set(kept.values()))
            taken.add(key)
            self.environment_keys[int(environment["id"])] = key
            section = read_back(ENVIRONMENT_FIELDS, environment)
            if environment.get("type") == "deployment":
                section["deploymentType"] = environment.get("deployment_type") or "general"
            if environment.get("use_custom_branch") and environment.get("custom_branch"):
                section["customBranch"] = environment["custom_branch"]
            credential = self.live.credentials.get(int(environment["id"]))
            if credential is not None:
                # The API answers a credential's fields inside `unencrypted_credential_details`.
                section["credential"] = read_back(
                    CREDENTIAL_FIELDS, {**credential, **(credential.get("unencrypted_credential_details") or {})}
                )
                self.secrets.append("deploymentToken <Databricks token the deployment environments run with>")
            self.not_in_the_model(f"environments.{key}", ENVIRONMENT, environment)
            notifications = self.model_notifications(key, environment)
            if notifications:
                section["modelNotifications"] = notifications
            sections[key] = section
        self.secrets = sorted(set(self.secrets))
        return sections

    def jobs(self) -> dict[str, Any]:
        taken: set[str] = set()
        kept = self.known["jobs"]
        for job in self.live.jobs:
            key = kept.get(int(job["id"])) or unique(slug(job["name"], f"job-{job['id']}"), taken | set(kept.values()))
            taken.add(key)
            self.job_keys[int(job["id"])] = key
        return {self.job_keys[int(job["id"])]: self.job(job) for job in self.live.jobs}

    def job(self, job: dict[str, Any]) -> dict[str, Any]:
        key = self.job_keys[int(job["id"])]
        where = f"jobs.{key}"
        read = read_back(JOB_FIELDS, job)
        section: dict[str, Any] = {"name": job["name"]}
        if "description" in read:
            section["description"] = read.pop("description")
        section["environment"] = self.environment_keys[int(job["environment_id"])]
        steps = list(job.get("execute_steps") or [])
        for step in steps:
            if rules.DEPS_STEP_PATTERN.match(step):
                self.skip(
                    f"{where}.execute_steps", step, "dbt Cloud runs dbt deps itself; the stack leaves the step out"
                )
        section["steps"] = steps
        triggers = job.get("triggers") or {}
        schedule = job.get("schedule") or {}
        date_type = (schedule.get("date") or {}).get("type")
        # A job whose triggers are all off and that keeps a cron of its own is paused (a job with neither runs by
        # hand): the stack file keeps its schedule and says paused.
        paused = not any(
            triggers.get(name) for name in ("schedule", "github_webhook", "git_provider_webhook", "on_merge")
        )
        paused = paused and date_type == "custom_cron" and bool((schedule.get("date") or {}).get("cron"))
        if triggers.get("schedule") or paused:
            cron = (schedule.get("date") or {}).get("cron") or schedule.get("cron")
            section["schedule"] = {"cron": cron}
            if date_type != "custom_cron":
                self.skip(
                    f"{where}.schedule.date.type",
                    date_type,
                    f"the stack writes every schedule as its cron ({cron!r}, UTC): the same times, another type",
                )
        pull_request = bool(triggers.get("github_webhook")) or bool(triggers.get("git_provider_webhook"))
        if pull_request:
            section["runOnPullRequest"] = True
            if not (triggers.get("github_webhook") and triggers.get("git_provider_webhook")):
                self.skip(
                    f"{where}.triggers", triggers, "one pull-request trigger without the other: the stack sets both"
                )
        if triggers.get("on_merge"):
            section["runOnMerge"] = True
        condition = (job.get("job_completion_trigger_condition") or {}).get("condition")
        if condition:
            other = int(condition.get("job_id") or 0)
            if other in self.job_keys and int(condition.get("project_id") or 0) == self.live.project_id:
                statuses = [RUN_STATUSES.get(status, str(status)) for status in condition.get("statuses") or []]
                section["runAfter"] = {"job": self.job_keys[other], "statuses": statuses}
            else:
                self.skip(
                    f"{where}.job_completion_trigger_condition",
                    condition,
                    "it waits for a job outside this project; the stack chains only its own jobs",
                )
        deferring = job.get("deferring_environment_id")
        if deferring:
            if int(deferring) in self.environment_keys:
                section["deferTo"] = self.environment_keys[int(deferring)]
            else:
                self.skip(f"{where}.deferring_environment_id", deferring, "an environment outside this project")
        settings = job.get("settings") or {}
        section["threads"] = int(settings.get("threads") or rules.DEFAULT_THREADS)
        timeout = int((job.get("execution") or {}).get("timeout_seconds") or 0)
        if timeout:
            if timeout % 60 == 0 and timeout // 60 <= rules.MAX_RUN_MINUTES:
                section["timeoutMinutes"] = timeout // 60
            else:
                self.skip(
                    f"{where}.execution.timeout_seconds", timeout, "timeoutMinutes holds whole minutes up to 1,440"
                )
        if not pull_request:
            # What dbt Cloud does only for the changes of a pull request: a stack file holds it on pull-request jobs.
            for key in CI_ONLY:
                if camel(key) in read:
                    self.skip(
                        f"{where}.{JOB_FIELDS[key].provider}",
                        read.pop(camel(key)),
                        "it applies to pull-request jobs only",
                    )
        section.update(read)
        self.not_in_the_model(where, JOB, job)
        features = list(job.get("cost_optimization_features") or [])
        words = {value: word for word, value in rules.COST_OPTIMIZATION_FEATURES.items()}
        if len(features) == 1 and features[0] in words:
            section["costOptimization"] = words[features[0]]
        elif features:
            self.skip(
                f"{where}.cost_optimization_features",
                features,
                "a job of the stack takes one cost optimization, one of " + ", ".join(words.values()),
            )
        if paused:
            section["paused"] = True
        if job.get("job_type") == "adaptive":
            self.skip(f"{where}.job_type", "adaptive", "adaptive jobs are not in the model")
        if job.get("lifecycle_webhooks"):
            self.skip(
                f"{where}.lifecycle_webhooks", True, "lifecycle webhooks are not in the model", changes_preview=False
            )
        return section

    def notifications(self) -> dict[str, Any]:
        taken: set[str] = set(self.known["notifications"].values())  # the keys adopted Teams settings keep
        sections: dict[str, Any] = {}
        order = list(self.job_keys)
        for notification in sorted(self.live.notifications, key=lambda n: n["id"]):
            kind = rules.notification_kind_of(int(notification.get("type") or 0))
            if kind is None:
                self.skip(
                    f"notification {notification['id']}.type",
                    notification.get("type"),
                    "webhook notifications (type 3) are deprecated and not in the model",
                    changes_preview=False,
                )
                continue
            recipient = rules.NOTIFICATION_KINDS[kind]
            address = slug(recipient.address(notification), str(notification["id"]))
            key = unique(f"{recipient.key}-{address}", taken)
            self.notification_keys[int(notification["id"])] = key
            section: dict[str, Any] = {"type": kind, "userId": int(notification["user_id"])}
            section.update({camel(field): notification.get(field) for field in recipient.fields})
            for event in EVENTS:  # the API names them as the stack file does (`on_failure`, `onFailure`)
                ids = {int(job) for job in notification.get(event) or []}
                keys = [self.job_keys[job] for job in order if job in ids]
                if keys:
                    section[camel(event)] = keys
            sections[key] = section
        sections.update(self.teams(taken))
        return sections

    def variables(self) -> dict[str, Any]:
        names = {e["name"]: self.environment_keys[int(e["id"])] for e in self.live.environments}
        plain: dict[str, Any] = {}
        for name, values in self.live.variables.items():
            mapped: dict[str, str] = {}
            for where, value in values.items():
                key = rules.ENV_VAR_PROJECT_DEFAULT if where == rules.ENV_VAR_PROJECT_DEFAULT else names.get(where)
                if key is None:
                    self.skip(
                        f"environmentVariables.{name}.{where}",
                        value,
                        "a value for an environment that is not in this project",
                        changes_preview=False,
                    )
                    continue
                mapped[key] = value
            if not mapped:
                continue
            if name.startswith(rules.SECRET_ENV_VAR_PREFIX):
                # The API answers secret values masked: each is set by hand, encrypted.
                self.secrets.extend(
                    f"--path 'secretEnvironmentVariables.{name}.{key}' <value of {name} in {key}>" for key in mapped
                )
            else:
                plain[name] = mapped
        return plain

    def import_ids(self) -> dict[str, Any]:
        live, project = self.live, self.live.project_id
        ids: dict[str, Any] = {"project": str(project)}
        if live.repository:
            ids["repository"] = f"{project}:{live.repository['id']}"
        if live.connection:
            ids["connection"] = str(live.connection["id"])
        if live.warehouse:
            ids["warehouse"] = str(live.warehouse["id"])
        ids["environments"] = {
            self.environment_keys[int(e["id"])]: f"{project}:{e['id']}"
            for e in sorted(live.environments, key=_environment_order)
        }
        credentials = {
            self.environment_keys[environment_id]: f"{project}:{credential['id']}"
            for environment_id, credential in live.credentials.items()
        }
        if credentials:
            order = list(ids["environments"])
            ids["credentials"] = dict(sorted(credentials.items(), key=lambda item: order.index(item[0])))
        if self.job_keys:
            ids["jobs"] = {key: str(job_id) for job_id, key in self.job_keys.items()}
        if self.teams_keys:
            ids["notifications"] = {key: str(setting) for setting, key in self.teams_keys.items()}
        if self.webhook_keys:
            ids["webhooks"] = {key: hook for hook, key in self.webhook_keys.items()}
        return ids


def _environment_order(environment: dict[str, Any]) -> tuple:
    """Development first, then production, staging, the rest, each by id."""
    rank = {"development": 0, "production": 1, "staging": 2}
    kind = environment.get("deployment_type") if environment.get("type") == "deployment" else "development"
    return (rank.get(kind or "", 3), environment.get("id"))
