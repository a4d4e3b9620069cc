"""What the dbt Cloud provider refuses of the resources that tell people about runs: notifications (email, Slack),
Teams notification settings, webhooks and model notifications.

Sources as in `dbtcloud.py` (terraform-provider-dbtcloud v1.12.5, `_DBT` its `pkg/framework/objects`; pulumi_dbtcloud
1.11.11); dbt Labs' OpenAPI spec v3 (`SubscriptionRequest`) and dbt's documentation (docs.getdbt.com, "Webhooks for
your jobs", "Model notifications") where the provider passes a value through unchecked.
"""

from __future__ import annotations

from typing import Optional

from ..type_tokens import MODEL_NOTIFICATIONS, NOTIFICATION, NOTIFICATION_SETTING, WEBHOOK
from .dbtcloud import _DBT
from .rule import MISSING, Rule, custom, excludes, get, matches, needs, one_of, present, required, size_at_least

SLACK_TYPES = (2, 5)
"""pulumi_dbtcloud/partial_notification.py:37: 2 = Slack channel, 5 = Slack channel via the account-level Slack app,
both requiring `slack_channel_id` and `slack_channel_name`."""

TRIGGERS = ("run_warning", "run_successful", "run_errored", "run_cancelled")
"""`_DBT/notification_setting/schema.go:88-98` (`trigger_on`)."""

WEBHOOK_EVENTS = ("job.run.started", "job.run.completed", "job.run.errored")
"""docs.getdbt.com/docs/deploy/webhooks ("Create a webhook subscription": the three events a subscription takes)."""


def _each(path: str, check) -> "callable":
    """A check of each item of a list input."""

    def broken(inputs: dict) -> Optional[str]:
        items = get(inputs, path)
        for item in [] if items is MISSING else items:
            found = check(item)
            if found:
                return found
        return None

    return broken


ALERTS: dict[str, tuple[Rule, ...]] = {
    NOTIFICATION: (
        required("userId", f"{_DBT}/partial_notification/schema.go:55-57 (even for Slack and external email)"),
        one_of("notificationType", (1, 2, 4, 5), "pulumi_dbtcloud/partial_notification.py:37"),
        one_of("state", (1, 2), f"{_DBT}/partial_notification/schema.go:87-91"),
        custom(
            "notificationType",
            "type 1 (a dbt Cloud user's email) takes no external email or Slack channel",
            f"{_DBT}/partial_notification/resource.go:50-57",
            lambda i: (
                "1 with "
                + ", ".join(k for k in ("externalEmail", "slackChannelId", "slackChannelName") if present(i, k))
                if get(i, "notificationType") in (1, MISSING)
                and any(present(i, k) for k in ("externalEmail", "slackChannelId", "slackChannelName"))
                else None
            ),
        ),
        custom(
            "notificationType",
            "types 2 and 5 (Slack) need slack_channel_id and slack_channel_name",
            "pulumi_dbtcloud/partial_notification.py:37 (types 2 and 5 require both); "
            f"{_DBT}/partial_notification/resource.go:59-66 (type 2 with neither, refused at plan)",
            lambda i: (
                f"{i['notificationType']} without "
                + " and ".join(k for k in ("slackChannelId", "slackChannelName") if not present(i, k))
                if get(i, "notificationType") in SLACK_TYPES
                and not (present(i, "slackChannelId") and present(i, "slackChannelName"))
                else None
            ),
        ),
        needs(
            "notificationType",
            lambda v: v == 4,
            "externalEmail",
            "type 4 (external email)",
            f"{_DBT}/partial_notification/resource.go:69-74",
        ),
        excludes("externalEmail", "slackChannelId", f"{_DBT}/partial_notification/schema.go:102-109"),
        excludes("externalEmail", "slackChannelName", f"{_DBT}/partial_notification/schema.go:102-109"),
    ),
    NOTIFICATION_SETTING: (
        required("name", f"{_DBT}/notification_setting/schema.go:35-41 (left out, the SDK auto-names it)"),
        required("channels", f"{_DBT}/notification_setting/schema.go:46-51"),
        size_at_least("channels", 1, f"{_DBT}/notification_setting/schema.go:49-51"),
        custom(
            "channels",
            "a channel of type teams, with teams_team_id and teams_channel_id",
            f"{_DBT}/notification_setting/schema.go:58-72",
            _each(
                "channels",
                lambda c: (
                    None
                    if c.get("channelType") == "teams" and c.get("teamsTeamId") and c.get("teamsChannelId")
                    else f"{c!r}"
                ),
            ),
        ),
        required("rules", f"{_DBT}/notification_setting/schema.go:76-81"),
        size_at_least("rules", 1, f"{_DBT}/notification_setting/schema.go:79-81"),
        custom(
            "rules",
            f"trigger_on one of {', '.join(TRIGGERS)}",
            f"{_DBT}/notification_setting/schema.go:88-98",
            _each("rules", lambda r: None if r.get("triggerOn") in TRIGGERS else f"trigger_on {r.get('triggerOn')!r}"),
        ),
    ),
    WEBHOOK: (
        required(
            "name", f"{_DBT}/webhook/schema.go (left out, the SDK auto-names it); openapi-v3.yaml SubscriptionRequest"
        ),
        required("clientUrl", f"{_DBT}/webhook/schema.go:89-92"),
        required("eventTypes", f"{_DBT}/webhook/schema.go:93-97"),
        size_at_least("eventTypes", 1, 'openapi-v3.yaml SubscriptionRequest.event_types ("Must not be empty")'),
        custom(
            "eventTypes",
            f"events among {', '.join(WEBHOOK_EVENTS)}",
            "docs.getdbt.com/docs/deploy/webhooks (the events of a subscription)",
            lambda i: (
                next((repr(e) for e in get(i, "eventTypes") or [] if e not in WEBHOOK_EVENTS), None)
                if present(i, "eventTypes")
                else None
            ),
        ),
    ),
    MODEL_NOTIFICATIONS: (
        required("environmentId", f"{_DBT}/model_notifications/schema.go:28-34"),
        matches("environmentId", r"^[0-9]+$", f"{_DBT}/model_notifications/schema.go:28-34 (the environment's id)"),
    ),
}
