"""Read what tells people about a project's runs beyond its notifications: webhooks, Microsoft Teams notification
settings and model notifications, each through the endpoint dbt Labs' provider reads it with.

- Webhooks: `GET /api/v3/accounts/{account}/webhooks/subscriptions` (openapi-v3.yaml "List Webhooks Subscriptions":
  `limit`/`offset`, answer `PaginatedWebhooksSubscriptions`, each a `Subscription` whose `job_ids` are the jobs it
  sends, none meaning every job of the account); the provider reads one by `GET .../webhooks/subscription/{id}`
  (terraform-provider-dbtcloud pkg/dbt_cloud/webhook.go `GetWebhook`), whose `job_ids` it takes as numbers or text
  (`FlexibleStringSlice`): so do we.
- Model notifications: `GET /api/v3/accounts/{account}/environments/{environment}/model-notifications/`
  (pkg/dbt_cloud/model_notifications.go `GetModelNotifications`; absent from dbt Labs' OpenAPI spec). One per
  environment; an environment without them answers 404 or `enabled: false` (which, is not documented: both are read
  as none).
- Teams notification settings: the provider reads one by `GET /api/private/accounts/{account}/notification-settings/
  {id}/` (pkg/dbt_cloud/notification_setting.go `GetNotificationSetting`, `APIVersionPrivate`: an unversioned
  private API, absent from dbt Labs' OpenAPI specs) and creates them by `POST` to the collection. The provider never
  lists them: the list, `GET` of that collection, is read here as a guess (the collection the provider posts to,
  paged like the other lists); whatever it answers that is not such a list is reported and the rest of the adoption
  goes on. Each setting it names is then read by id, as the provider reads it at import.

Only what concerns the project is kept: webhooks and Teams settings naming any of its jobs, or no job at all (every
job of the account: kept to be reported, never adopted silently).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..client import DbtCloudClient
from ..errors import ApiError

WEBHOOKS = "/webhooks/subscriptions"
NOTIFICATION_SETTINGS = "/notification-settings/"
PRIVATE = "private"


@dataclass
class Alerts:
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    """`Subscription`s naming the project's jobs, or none."""
    teams: list[dict[str, Any]] = field(default_factory=list)
    """Notification settings (the provider's `NotificationSetting`) naming the project's jobs, or every job."""
    model_notifications: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Environment id -> its model notifications, where dbt Cloud answered with some."""
    notes: list[str] = field(default_factory=list)
    """What could not be read, in words."""


def numbers(values: Any) -> list[int]:
    """Job ids as numbers, whether the API wrote them as numbers or as text (`"123"`); others are dropped."""
    found = []
    for value in values if isinstance(values, list) else []:
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            found.append(int(value))
    return found


def read_alerts(client: DbtCloudClient, environments: Iterable[dict[str, Any]], job_ids: set[int]) -> Alerts:
    alerts = Alerts()
    alerts.webhooks = _webhooks(client, job_ids, alerts.notes)
    alerts.teams = _teams(client, job_ids, alerts.notes)
    for environment in environments:
        answer = _model_notifications(client, int(environment["id"]), environment.get("name"), alerts.notes)
        if answer is not None:
            alerts.model_notifications[int(environment["id"])] = answer
    return alerts


def _concerns(named: list[int], job_ids: set[int]) -> bool:
    return not named or bool(set(named) & job_ids)


def _webhooks(client: DbtCloudClient, job_ids: set[int], notes: list[str]) -> list[dict[str, Any]]:
    try:
        items = list(client.paginate(WEBHOOKS, api="v3"))
    except ApiError as error:
        if error.status is None:
            raise
        notes.append(
            f"webhooks not read (HTTP {error.status}): the file holds none; reading them needs a Starter or "
            "Enterprise plan and a token whose user may see the account's webhooks"
        )
        return []
    return [
        item
        for item in items
        if isinstance(item, dict) and item.get("id") and _concerns(numbers(item.get("job_ids")), job_ids)
    ]


def _teams(client: DbtCloudClient, job_ids: set[int], notes: list[str]) -> list[dict[str, Any]]:
    unread = (
        "Microsoft Teams notification settings not read ({why}): the file holds none. dbt Cloud serves them through "
        "a private API its published specs lack; adopt one by hand with importIds.notifications.<key>: "
        '"<setting id>" (docs/alerts.md)'
    )
    try:
        listed = list(client.paginate(NOTIFICATION_SETTINGS, api=PRIVATE))
    except ApiError as error:
        if error.status is None:
            raise
        why = f"HTTP {error.status}" if error.status != 200 else "an answer that is not a list"
        notes.append(unread.format(why=f"listing them answered {why}"))
        return []
    found = []
    for item in listed:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int) or isinstance(item.get("id"), bool):
            continue
        rules = [rule for rule in item.get("rules") or [] if isinstance(rule, dict)]
        named = numbers([rule.get("job_id") for rule in rules])
        every_job = any(rule.get("job_id") is None for rule in rules)
        if "rules" in item and not (every_job or set(named) & job_ids):
            continue  # another project's (a list without rules: each setting is read to see whose it is)
        try:
            setting = client.get(f"{NOTIFICATION_SETTINGS}{item['id']}/", api=PRIVATE)
        except ApiError as error:
            if error.status is None:
                raise
            notes.append(unread.format(why=f"setting {item['id']} answered HTTP {error.status}"))
            continue
        if isinstance(setting, dict):
            found.append({"id": item["id"], **setting})  # the number asked for, should the answer not repeat it
    return sorted(found, key=lambda setting: setting["id"])


def _model_notifications(
    client: DbtCloudClient, environment_id: int, name: Any, notes: list[str]
) -> dict[str, Any] | None:
    try:
        answer = client.get(f"/environments/{environment_id}/model-notifications/", api="v3")
    except ApiError as error:
        if error.status == 404:
            return None  # none set for this environment
        if error.status is None:
            raise
        notes.append(
            f"model notifications of environment {name!r} not read (HTTP {error.status}): the file holds none for it"
        )
        return None
    if not isinstance(answer, dict) or not answer.get("enabled"):
        return None
    return answer
