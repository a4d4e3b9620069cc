"""Check the written stack against the account: render it offline through the real program (synth's mocks) and
compare every adopted resource's declared inputs with what the APIs returned.

An input the program leaves out counts at the provider's default (terraform-provider-dbtcloud and
terraform-provider-databricks schema defaults), as the first preview would: a live value equal to the default is no
difference (a job's `errors_on_lint_failure: true`, say).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.fields import camel, expected_inputs
from components.notifications import EVENTS
from components.rules import RECIPIENT_FIELDS

from .config import RUN_STATUSES, Adoption
from .read import Live
from .read_alerts import numbers

ENVIRONMENT_FALLBACKS = ("DBT_CLOUD_ACCOUNT_ID", "DBT_CLOUD_HOST_URL", "DATABRICKS_HOST")
"""What the program reads when the stack file is silent (`settings.load.environ_for_account`)."""


def provider_defaults() -> dict[str, dict[str, Any]]:
    """What the provider uses for an input a program leaves out, by resource: from the field tables, and for the
    inputs made by hand from the providers' schemas (terraform-provider-dbtcloud pkg/framework/objects/job/schema.go:
    num_threads 1, schedule_type every_day; environment/schema.go: use_custom_branch false;
    terraform-provider-databricks sql/resource_sql_endpoint.go: auto_stop_mins 120, spot policy COST_OPTIMIZED)."""
    from components.environments import ENVIRONMENT, MODEL_NOTIFICATIONS
    from components.fields import provider_defaults as table_defaults
    from components.jobs import JOB
    from components.warehouse import WAREHOUSE
    from components.webhooks import WEBHOOK

    return {
        "job": {
            **table_defaults(JOB),
            "numThreads": 1,
            "scheduleType": "every_day",
            "execution": {"timeoutSeconds": 0},
            "jobCompletionTriggerConditions": [],
            "costOptimizationFeatures": [],
        },
        "environment": {**table_defaults(ENVIRONMENT), "useCustomBranch": False},
        "warehouse": {**table_defaults(WAREHOUSE), "autoStopMins": 120, "spotInstancePolicy": "COST_OPTIMIZED"},
        "notification": {camel(provider): [] for provider in EVENTS.values()},
        # webhook/schema.go: job_ids optional (none: every job); model_notifications/schema.go: each event false.
        "webhook": {**table_defaults(WEBHOOK), "jobIds": []},
        "modelNotifications": table_defaults(MODEL_NOTIFICATIONS),
    }


@dataclass(frozen=True)
class Difference:
    resource: str
    input: str
    declared: Any
    live: Any

    def line(self) -> str:
        return f"{self.resource}: {self.input}: declared {self.declared!r}, live {self.live!r}"


def render_stack(text: str, stack: str, root: Path) -> Any:
    """Render the stack file `text` alone: in a temporary copy of the project holding only it, so that the
    program does not hold it to the other stack files beside it (`--write` checks those separately)."""
    from synth.render import render

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))  # the program imports `settings`, `components`, ... from the project
    folder = Path(tempfile.mkdtemp(prefix="ops-adopt-"))
    # The file alone speaks: the environment variables the program falls back to (an API address on this machine,
    # another account) must not fill in what it leaves out.
    saved = {name: os.environ.pop(name) for name in ENVIRONMENT_FALLBACKS if name in os.environ}
    try:
        for name in ("Pulumi.yaml", "__main__.py"):
            shutil.copy(root / name, folder / name)
        (folder / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")
        return render(stack, folder)
    finally:
        os.environ.update(saved)
        shutil.rmtree(folder, ignore_errors=True)


def live_resources(live: Live, adoption: Adoption) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(type, identity) -> (label, the inputs the program must declare to match the account)."""
    from components.environments import CREDENTIAL, ENVIRONMENT
    from components.project import PROJECT, REPOSITORY
    from components.warehouse import WAREHOUSE
    from synth import type_tokens as types

    p = live.project_id
    found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    found[(types.PROJECT, str(p))] = ("project", expected_inputs(PROJECT, live.project))
    if live.repository:
        r = live.repository
        found[(types.REPOSITORY, f"{p}:{r['id']}")] = (
            "repository",
            {**expected_inputs(REPOSITORY, r), "projectId": p, "gitCloneStrategy": r.get("git_clone_strategy")},
        )
        found[(types.PROJECT_REPOSITORY, f"{p}:{r['id']}")] = (
            "repository link",
            {"projectId": p, "repositoryId": int(r["id"])},
        )
    if live.connection:
        c = live.connection
        config = c.get("config") or {}
        found[(types.GLOBAL_CONNECTION, str(c["id"]))] = (
            "connection",
            {
                "name": c["name"],
                "databricks": {
                    "host": config.get("host"),
                    "httpPath": config.get("http_path"),
                    "catalog": config.get("catalog") or None,
                },
            },
        )
    if live.warehouse:
        w = live.warehouse
        serverless = bool(w.get("enable_serverless_compute"))
        tags = (w.get("tags") or {}).get("custom_tags") or []
        found[(types.SQL_ENDPOINT, str(w["id"]))] = (
            "warehouse",
            {
                **expected_inputs(WAREHOUSE, w),
                "enableServerlessCompute": serverless,
                "autoStopMins": w.get("auto_stop_mins"),
                # Serverless compute ignores the spot policy: the program does not send it there.
                **({} if serverless else {"spotInstancePolicy": w.get("spot_instance_policy")}),
                "tags": {"customTags": [{"key": t["key"], "value": t.get("value", "")} for t in tags]}
                if tags
                else None,
            },
        )
    for e in live.environments:
        key = adoption.environment_keys[int(e["id"])]
        deployment = e.get("type") == "deployment"
        found[(types.ENVIRONMENT, f"{p}:{e['id']}")] = (
            f"environments.{key}",
            {
                **expected_inputs(ENVIRONMENT, e),
                "projectId": p,
                "useCustomBranch": bool(e.get("use_custom_branch")),
                "customBranch": e.get("custom_branch") if e.get("use_custom_branch") else None,
                "connectionId": e.get("connection_id"),
                "credentialId": e.get("credentials_id") if deployment else None,
            },
        )
    for environment_id, credential in live.credentials.items():
        details = {**credential, **(credential.get("unencrypted_credential_details") or {})}
        found[(types.CREDENTIAL, f"{p}:{credential['id']}")] = (
            f"environments.{adoption.environment_keys[environment_id]}.credential",
            {**expected_inputs(CREDENTIAL, details), "projectId": p},
        )
    for job in live.jobs:
        found[(types.JOB, str(job["id"]))] = (f"jobs.{adoption.job_keys[int(job['id'])]}", _job(job))
    for n in live.notifications:
        if int(n["id"]) not in adoption.notification_keys:
            continue
        # The API names the job lists by event (`on_failure`), the provider by their plural (`on_failures`).
        events = {
            camel(provider): sorted(int(j) for j in n.get(event) or [] if int(j) in live.job_ids)
            for event, provider in EVENTS.items()
        }
        recipient = {camel(field): n.get(field) for field in RECIPIENT_FIELDS}
        found[
            (types.NOTIFICATION, _recipient({"notificationType": n["type"], "userId": n["user_id"], **recipient}))
        ] = (
            f"notifications.{adoption.notification_keys[int(n['id'])]}",
            {"userId": n["user_id"], "notificationType": n["type"], **recipient, **events},
        )
    found.update(alert_resources(live, adoption))
    names = {e["name"] for e in live.environments} | {"project"}
    for name, values in live.variables.items():
        if name.startswith("DBT_ENV_SECRET"):
            continue  # masked by the API: nothing to compare; set by hand (pulumi config set --secret --path)
        found[(types.ENV_VAR, name)] = (
            f"environmentVariables.{name}",
            {
                "name": name,
                "projectId": p,
                "environmentValues": {where: value for where, value in values.items() if where in names},
            },
        )
    return found


def alert_resources(live: Live, adoption: Adoption) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """The adopted webhooks, Teams notification settings and model notifications, as `live_resources`: the inputs
    the program must declare, in the order the provider compares lists in (rules, job ids, event types)."""
    from components.environments import MODEL_NOTIFICATIONS
    from components.notifications import SETTING
    from components.webhooks import WEBHOOK
    from synth import type_tokens as types

    found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for hook in live.alerts.webhooks:
        key = adoption.webhook_keys.get(str(hook["id"]))
        if key is not None:
            found[(types.WEBHOOK, str(hook["id"]))] = (
                f"webhooks.{key}",
                {
                    **expected_inputs(WEBHOOK, hook),
                    "eventTypes": list(hook.get("event_types") or []),
                    "jobIds": numbers(hook.get("job_ids")),
                },
            )
    for setting in live.alerts.teams:
        key = adoption.teams_keys.get(int(setting["id"]))
        if key is not None:
            found[(types.NOTIFICATION_SETTING, str(setting["id"]))] = (
                f"notifications.{key}",
                {
                    **expected_inputs(SETTING, setting),
                    "name": setting.get("name"),
                    "channels": [
                        {
                            "channelType": channel.get("channel_type"),
                            "teamsTeamId": channel.get("teams_team_id"),
                            "teamsChannelId": channel.get("teams_channel_id"),
                        }
                        for channel in setting.get("channels") or []
                    ],
                    "rules": [
                        {"triggerOn": rule.get("trigger_on"), "jobId": rule.get("job_id")}
                        for rule in setting.get("rules") or []
                    ],
                },
            )
    for environment_id in sorted(adoption.model_notification_environments):
        found[(types.MODEL_NOTIFICATIONS, str(environment_id))] = (
            f"environments.{adoption.environment_keys[environment_id]}.modelNotifications",
            {
                **expected_inputs(MODEL_NOTIFICATIONS, live.alerts.model_notifications[environment_id]),
                "environmentId": str(environment_id),
                "enabled": True,
            },
        )
    return found


def _job(job: dict[str, Any]) -> dict[str, Any]:
    from components.jobs import JOB

    triggers = job.get("triggers") or {}
    date = (job.get("schedule") or {}).get("date") or {}
    condition = (job.get("job_completion_trigger_condition") or {}).get("condition")
    return {
        **expected_inputs(JOB, job),
        "name": job["name"],
        "projectId": job["project_id"],
        "environmentId": job["environment_id"],
        "executeSteps": list(job.get("execute_steps") or []),
        "triggers": {
            "githubWebhook": bool(triggers.get("github_webhook")),
            "gitProviderWebhook": bool(triggers.get("git_provider_webhook")),
            "schedule": bool(triggers.get("schedule")),
            "onMerge": bool(triggers.get("on_merge")),
        },
        "scheduleType": date.get("type"),
        # The provider reads `schedule.date.cron` back only for custom cron schedules.
        "scheduleCron": date.get("cron") if date.get("type") == "custom_cron" else None,
        "numThreads": (job.get("settings") or {}).get("threads"),
        "execution": {"timeoutSeconds": int((job.get("execution") or {}).get("timeout_seconds") or 0)},
        "deferringEnvironmentId": job.get("deferring_environment_id"),
        "costOptimizationFeatures": list(job.get("cost_optimization_features") or []),
        "jobCompletionTriggerConditions": [
            {
                "jobId": condition.get("job_id"),
                "projectId": condition.get("project_id"),
                "statuses": [RUN_STATUSES.get(s, s) for s in condition.get("statuses") or []],
            }
        ]
        if condition
        else [],
    }


def _recipient(inputs: dict[str, Any]) -> str:
    """Who a notification reaches, as dbt Cloud tells recipients apart: the kind, the user, the recipient's fields."""
    fields = [str(inputs.get(camel(field)) or "") for field in RECIPIENT_FIELDS]
    return "|".join([str(int(inputs.get("notificationType") or 0)), str(int(inputs.get("userId") or 0)), *fields])


DEFAULTS_BY_TYPE = {
    "job": "job",
    "environment": "environment",
    "sqlEndpoint": "warehouse",
    "partialNotification": "notification",
    "webhook": "webhook",
    "modelNotifications": "modelNotifications",
}


def compare(rendering: Any, live: Live, adoption: Adoption) -> tuple[list[Difference], int]:
    """Every difference between the rendering's adopted resources and the account, and how many were compared."""
    from synth import type_tokens as types
    from synth.tree import masked

    expected = live_resources(live, adoption)
    every_default = provider_defaults()
    declared: dict[tuple[str, str], Any] = {}
    for registration in rendering.resources():
        inputs = masked(registration.inputs)
        if registration.import_id:
            declared[(registration.type, registration.import_id)] = inputs
        elif registration.type == types.NOTIFICATION:
            declared[(registration.type, _recipient(inputs))] = inputs
        elif registration.type == types.ENV_VAR:
            declared[(registration.type, inputs.get("name"))] = inputs
        elif registration.type == types.MODEL_NOTIFICATIONS:  # one per environment: it needs no import
            declared[(registration.type, str(inputs.get("environmentId")))] = inputs
    differences: list[Difference] = []
    for identity, (label, live_inputs) in expected.items():
        inputs = declared.get(identity)
        if inputs is None:
            differences.append(Difference(label, "(resource)", None, f"{identity[1]}: exists, not declared"))
            continue
        defaults = every_default.get(DEFAULTS_BY_TYPE.get(identity[0].split("/")[-1].split(":")[0], ""), {})
        for name, value in live_inputs.items():
            given = inputs.get(name, defaults.get(name))
            if not _same(given, value, name):
                differences.append(Difference(label, name, given, value))
    adopted = {identity for identity in declared if identity[0] not in (types.NOTIFICATION, types.ENV_VAR)}
    for identity in sorted(adopted - set(expected)):
        how = "declared" if identity[0] == types.MODEL_NOTIFICATIONS else "declared with an import id"
        differences.append(Difference(identity[1], "(resource)", how, "not in the account"))
    return differences, len(expected)


def _same(declared: Any, live: Any, name: str = "") -> bool:
    if isinstance(live, dict) or isinstance(declared, dict):
        live = {} if live is None else live
        declared = {} if declared is None else declared
        if not (isinstance(live, dict) and isinstance(declared, dict)):
            return False
        return all(_same(declared.get(key), live.get(key), key) for key in {*live, *declared})
    if name in ("onSuccesses", "onFailures", "onCancels", "onWarnings"):
        return sorted(declared or []) == sorted(live or [])
    if declared in (None, "", []) and live in (None, "", []):
        return True
    return declared == live


def summary(differences: list[Difference], compared: int) -> list[str]:
    if not differences:
        return [
            f"self-check: the written stack, rendered offline, declares what the account holds for all "
            f"{compared} adopted resources: 0 differences"
        ]
    return [
        f"self-check: {len(differences)} difference{'s' if len(differences) != 1 else ''} between the written "
        f"stack (rendered offline) and the account (resource: input: declared, live):",
        *(f"  {difference.line()}" for difference in differences),
    ]
