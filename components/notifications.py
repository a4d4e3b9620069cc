"""Job notifications by email or Slack, with jobs named by their keys."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings.rules import NOTIFICATION_TYPE_CODES, SLACK_NOTIFICATION_TYPES

from .package import InvalidArgument, entry, one_of, type_token

COMPONENT = "JobNotifications"
EVENTS = (
    ("on_success", "onSuccess"),
    ("on_failure", "onFailure"),
    ("on_cancel", "onCancel"),
    ("on_warning", "onWarning"),
)


class Notification(TypedDict):
    """One recipient and the job events they hear about."""

    type: str
    """userEmail (a dbt Cloud user's email), externalEmail, slack (through the Slack integration the user in `userId`
    linked) or slackApp (through the account-level dbt Slack app)."""
    user_id: pulumi.Input[int]
    """Number of the dbt Cloud user the notification belongs to; always required by dbt Cloud. For slack, the user who
    connected the Slack integration, or nothing is sent."""
    external_email: NotRequired[pulumi.Input[str]]
    """externalEmail: the address. Required for it, refused otherwise."""
    slack_channel_id: NotRequired[pulumi.Input[str]]
    """slack and slackApp: the channel's id (e.g. C0123456789). Required for them, refused otherwise."""
    slack_channel_name: NotRequired[pulumi.Input[str]]
    """slack and slackApp: the channel's name as Slack returns it (e.g. #data-alerts). Required for them."""
    on_success: NotRequired[list[str]]
    """Keys (in `jobIds`) of the jobs whose successful runs are reported. Default none."""
    on_failure: NotRequired[list[str]]
    """Keys of the jobs whose failed runs are reported. Default none."""
    on_cancel: NotRequired[list[str]]
    """Keys of the jobs whose cancelled runs are reported. Default none."""
    on_warning: NotRequired[list[str]]
    """Keys of the jobs whose runs with warnings are reported. Default none."""


class JobNotificationsArgs(TypedDict):
    """Arguments of `JobNotifications`."""

    notifications: dict[str, Notification]
    """The recipients, by a key of your choosing (used in resource names)."""
    job_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    """Job numbers by key (a `DbtJobs`'s `jobIds`)."""


class JobNotifications(pulumi.ComponentResource):
    """One `dbtcloud.PartialNotification` per recipient.

    Partial notifications add these jobs to a recipient's settings without replacing what other programs (or people,
    in the UI) set for the same recipient, so that several stacks can notify the same person.
    """

    def __init__(self, name: str, args: JobNotificationsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(JobNotifications, "dbtcloud"), name, None, opts)
        self.notifications: dict[str, dbtcloud.PartialNotification] = {}
        for key, notification in args["notifications"].items():
            self.notifications[key] = self._notification(name, key, notification, args["job_ids"])
        self.register_outputs({})

    @staticmethod
    def _check(name: str, args: JobNotificationsArgs) -> None:
        for key, notification in args["notifications"].items():
            where = f"notifications.{key}"
            kind = notification.get("type")
            one_of(COMPONENT, name, f"{where}.type", kind, NOTIFICATION_TYPE_CODES)
            needs = {
                "externalEmail": ("external_email",),
                **{slack: ("slack_channel_id", "slack_channel_name") for slack in SLACK_NOTIFICATION_TYPES},
            }.get(kind, ())
            for field, camel in (
                ("external_email", "externalEmail"),
                ("slack_channel_id", "slackChannelId"),
                ("slack_channel_name", "slackChannelName"),
            ):
                given = notification.get(field) is not None
                if given != (field in needs):
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        f"{where}.{camel}",
                        notification.get(field),
                        f"{'required' if field in needs else 'not used'} with type {kind}",
                    )
            if not any(notification.get(field) for field, _ in EVENTS):
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    where,
                    key,
                    "names no job: list job keys under onSuccess, onFailure, onCancel or onWarning",
                )
            if isinstance(args["job_ids"], dict):  # else checked as the job numbers resolve
                for field, camel in EVENTS:
                    for job in notification.get(field) or []:
                        one_of(COMPONENT, name, f"{where}.{camel}", job, args["job_ids"])

    def _notification(
        self, name: str, key: str, notification: Notification, job_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    ) -> dbtcloud.PartialNotification:
        def ids(field: str, camel: str) -> Optional[list[pulumi.Input[int]]]:
            where = f"notifications.{key}.{camel}"
            return [entry(COMPONENT, name, where, job_ids, job) for job in notification.get(field) or []] or None

        return dbtcloud.PartialNotification(
            f"{name}-{key}",
            user_id=notification["user_id"],
            notification_type=NOTIFICATION_TYPE_CODES[notification["type"]],
            external_email=notification.get("external_email"),
            slack_channel_id=notification.get("slack_channel_id"),
            slack_channel_name=notification.get("slack_channel_name"),
            on_successes=ids(*EVENTS[0]),
            on_failures=ids(*EVENTS[1]),
            on_cancels=ids(*EVENTS[2]),
            on_warnings=ids(*EVENTS[3]),
            opts=pulumi.ResourceOptions(parent=self),
        )
