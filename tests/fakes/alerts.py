"""The fake dbt Cloud's webhooks, Microsoft Teams notification settings and model notifications, answered through the
endpoints dbt Labs' provider uses:

- webhooks, v3 `GET .../webhooks/subscriptions` (paged) and `GET .../webhooks/subscription/{id}`, as
  `openapi-v3.yaml` `Subscription`s; each also carries the `hmac_secret` the provider's client reads
  (pkg/dbt_cloud/webhook.go `WebhookRead`), so that the tests see it never printed nor written;
- model notifications, v3 `GET .../environments/{id}/model-notifications/` (absent from the spec): the provider's
  `ModelNotifications` (pkg/dbt_cloud/model_notifications.go), 404 for an environment with none;
- Teams notification settings, `GET /api/private/accounts/{id}/notification-settings/{id}/` (absent from the specs):
  the provider's `NotificationSetting` (pkg/dbt_cloud/notification_setting.go), and the list of them (a guess: the
  provider never lists them) paged like the other lists.

`outside_spec.py` holds what the answers outside the spec must look like.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from werkzeug import Response

from .envelope import BASE_TIME, Envelope, iso


class AlertsApi(Envelope):
    """Webhooks, Teams notification settings and model notifications of the account."""

    webhooks: list[dict[str, Any]]
    notification_settings: list[dict[str, Any]]
    model_notifications: dict[int, dict[str, Any]]
    alert_quirks: set[str]
    """`teams_list_missing`: the private list answers 404 (as if dbt Cloud had no such list); `webhooks_forbidden`:
    the webhooks answer 403; `model_notifications_disabled`: an environment without model notifications answers them
    with `enabled: false` rather than 404."""

    def add_webhook(
        self,
        webhook_id: str,
        name: str,
        url: str,
        events: list[str],
        job_ids: Optional[list[int]] = None,
        **fields: Any,
    ) -> dict[str, Any]:
        webhook = {
            "id": webhook_id,
            "account_id": self.account_id,
            "account_identifier": f"act_{self.account_id}",
            "name": name,
            "description": "",
            "client_url": url,
            "event_types": list(events),
            "job_ids": list(job_ids or []),
            "active": True,
            "http_status_code": "200",
            "dispatched_at": iso(BASE_TIME),
            "hmac_secret": f"whsec-{webhook_id}-0123456789abcdef",  # never to be printed or written
            **fields,
        }
        self.webhooks.append(webhook)
        return webhook

    def add_teams_setting(
        self,
        setting_id: int,
        name: str,
        team_id: str,
        channel_id: str,
        rules: list[tuple[str, Optional[int]]],
        description: Optional[str] = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A notification setting with one Teams channel and `rules` as (trigger_on, job id or None)."""
        jobs = {job["id"]: job["name"] for job in getattr(self, "jobs", [])}
        setting = {
            "id": setting_id,
            "account_id": self.account_id,
            "name": name,
            "description": description,
            "is_active": True,
            "channels": [
                {
                    "id": setting_id * 10,
                    "channel_type": "teams",
                    "teams_team_id": team_id,
                    "teams_channel_id": channel_id,
                }
            ],
            "rules": [
                {"id": setting_id * 100 + index, "trigger_on": trigger, "job_id": job, "job_name": jobs.get(job)}
                for index, (trigger, job) in enumerate(rules)
            ],
            **fields,
        }
        self.notification_settings.append(setting)
        return setting

    def set_model_notifications(self, environment_id: int, enabled: bool = True, **events: bool) -> dict[str, Any]:
        """An environment's model notifications (`on_success`, `on_failure`, `on_warning`, `on_skipped`)."""
        answer = {
            "id": 8000 + len(self.model_notifications) + 1,
            "account_id": self.account_id,
            "environment_id": environment_id,
            "enabled": enabled,
            "on_success": False,
            "on_failure": False,
            "on_warning": False,
            "on_skipped": False,
            "created_at": iso(BASE_TIME),
            "updated_at": iso(BASE_TIME),
            **events,
        }
        self.model_notifications[environment_id] = answer
        return answer

    def _route_alerts(self, version: str, method: str, path: str):
        """The v3 and private paths of webhooks, model notifications and Teams notification settings (GET only)."""
        if method != "GET":
            return None
        table = {
            "v3": [
                (r"/webhooks/subscriptions", self._webhooks),
                (r"/webhooks/subscription/([A-Za-z0-9_]+)", self._webhook),
                (r"/environments/(\d+)/model-notifications/", self._model_notifications),
            ],
            "private": [
                (r"/notification-settings/", self._settings),
                (r"/notification-settings/(\d+)/", self._setting),
            ],
        }
        for pattern, handler in table.get(version, []):
            match = re.fullmatch(pattern, path)
            if match:
                return handler, list(match.groups())
        return None

    def _webhooks(self, query, request) -> Response:
        if "webhooks_forbidden" in self.alert_quirks:
            return self._status(403, "You do not have permission to perform this action.")
        return self._page(self.webhooks, query, numbered_filters=True)

    def _webhook(self, query, request, webhook_id: str) -> Response:
        found = [webhook for webhook in self.webhooks if webhook["id"] == webhook_id]
        return self._ok(found[0]) if found else self._status(404, "Not found.")

    def _model_notifications(self, query, request, environment_id: str) -> Response:
        answer = self.model_notifications.get(int(environment_id))
        if answer is None:
            if "model_notifications_disabled" not in self.alert_quirks:
                return self._status(404, "Not found.")
            answer = {"id": 1, "environment_id": int(environment_id), "enabled": False}
            answer.update(on_success=False, on_failure=False, on_warning=False, on_skipped=False)
        return self._ok(answer)

    def _settings(self, query, request) -> Response:
        if "teams_list_missing" in self.alert_quirks:
            return self._status(404, "Not found.")
        return self._page(self.notification_settings, query)

    def _setting(self, query, request, setting_id: str) -> Response:
        found = [setting for setting in self.notification_settings if setting["id"] == int(setting_id)]
        return self._ok(found[0]) if found else self._status(404, "Not found.")


TEAMS_TEAM = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
TEAMS_CHANNEL = "19:a1b2c3d4e5f6a7b8c9d0@thread.tacv2"


def seed_alerts(fake: AlertsApi) -> None:
    """On top of `projects.seed_hand_made`, as clicked in the UI: a Teams channel told of the daily job's failures and
    of both jobs' warnings, a webhook for the daily job's errors, and model notifications in Production."""
    fake.add_teams_setting(
        7001,
        "Data platform alerts",
        TEAMS_TEAM,
        TEAMS_CHANNEL,
        [("run_errored", 678901), ("run_warning", 678901), ("run_warning", 678902)],
        description="Production runs that fail or warn",
    )
    fake.add_webhook(
        "wsu_2b4d6f8h0j", "Production incidents", "https://hooks.example.com/dbt", ["job.run.errored"], [678901]
    )
    fake.set_model_notifications(234567, on_failure=True, on_warning=True)
