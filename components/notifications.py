"""Job notifications by email, Slack or Microsoft Teams, with jobs named by their keys."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import NotModelled, Passed, ProviderArguments, passed
from .package import InvalidArgument, camel, entry, one_of, type_token
from .rules import NOTIFICATION_KINDS, RECIPIENT_FIELDS, SETTING_TRIGGERS

COMPONENT = "JobNotifications"
EVENTS = {
    "on_success": "on_successes",
    "on_failure": "on_failures",
    "on_cancel": "on_cancels",
    "on_warning": "on_warnings",
}
"""The job events a notification hears about -> the provider's argument listing those jobs' numbers."""

NOTIFICATION_FIELDS = {"user_id": Passed("user_id")}
"""A `Notification`'s arguments handed to the provider as they are (the recipient's come from its kind)."""

NOTIFICATION = ProviderArguments(
    dbtcloud.PartialNotification,
    passed=NOTIFICATION_FIELDS,
    by_hand={
        "notification_type": "type, as its code (rules.NOTIFICATION_KINDS)",
        **{field: f"the recipient, for the kinds that take it ({field})" for field in RECIPIENT_FIELDS},
        **{provider: f"{event}, as job numbers" for event, provider in EVENTS.items()},
    },
    not_modelled={"state": NotModelled("2 deletes the notification", 1)},  # sent: Default 1 (schema.go:87-91)
)
SETTING_FIELDS = {"description": Passed("description")}
"""A Teams `Notification`'s arguments handed to its `NotificationSetting` as they are."""

SETTING = ProviderArguments(
    dbtcloud.NotificationSetting,
    passed=SETTING_FIELDS,
    by_hand={
        "name": "name, or the notification's key",
        "channels": "one channel of the kind's type, with the kind's fields (teamsTeamId, teamsChannelId)",
        "rules": "one rule per job and event (onFailure: run_errored, ...)",
    },
)
PROVIDER_ARGUMENTS = (NOTIFICATION, SETTING)
EVERY_FIELD = tuple(dict.fromkeys(field for kind in NOTIFICATION_KINDS.values() for field in kind.fields))


class Notification(TypedDict):
    """One recipient and the job events they hear about."""

    type: str
    """userEmail (a dbt Cloud user's email), externalEmail, slack (through the Slack integration the user in `userId`
    linked), slackApp (through the account-level dbt Slack app) or msTeams (a Microsoft Teams channel, through the
    account's Teams integration)."""
    user_id: NotRequired[pulumi.Input[int]]
    """Number of the dbt Cloud user the notification belongs to. Required (by dbt Cloud) for every type but msTeams,
    which takes none. For slack, the user who connected the Slack integration, or nothing is sent."""
    external_email: NotRequired[pulumi.Input[str]]
    """externalEmail: the address. Required for it, refused otherwise."""
    slack_channel_id: NotRequired[pulumi.Input[str]]
    """slack and slackApp: the channel's id (e.g. C0123456789). Required for them, refused otherwise."""
    slack_channel_name: NotRequired[pulumi.Input[str]]
    """slack and slackApp: the channel's name as Slack returns it (e.g. #data-alerts). Required for them."""
    teams_team_id: NotRequired[pulumi.Input[str]]
    """msTeams: the Teams team's id. Required for it, refused otherwise."""
    teams_channel_id: NotRequired[pulumi.Input[str]]
    """msTeams: the Teams channel's id (e.g. 19:abc...@thread.tacv2). Required for it, refused otherwise."""
    name: NotRequired[pulumi.Input[str]]
    """msTeams only: the setting's name in dbt Cloud. Default: the notification's key."""
    description: NotRequired[pulumi.Input[str]]
    """msTeams only: what the setting is for. Default none."""
    import_id: NotRequired[str]
    """msTeams only: the number of an existing Teams notification setting to adopt (import). Default: create one."""
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
    """One `dbtcloud.PartialNotification` per email or Slack recipient, one `dbtcloud.NotificationSetting` per Teams
    channel.

    Partial notifications add these jobs to a recipient's settings without replacing what other programs (or people,
    in the UI) set for the same recipient, so that several stacks can notify the same person. A Teams setting is a
    channel and one rule per job and event, owned by this component.
    """

    def __init__(self, name: str, args: JobNotificationsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(JobNotifications, "dbtcloud"), name, None, opts)
        self.notifications: dict[str, pulumi.CustomResource] = {}
        for key, notification in args["notifications"].items():
            self.notifications[key] = self._notification(name, key, notification, args["job_ids"])
        self.register_outputs({})

    @staticmethod
    def _check(name: str, args: JobNotificationsArgs) -> None:
        for key, notification in args["notifications"].items():
            where = f"notifications.{key}"
            kind = notification.get("type")
            one_of(COMPONENT, name, f"{where}.type", kind, NOTIFICATION_KINDS)
            setting = NOTIFICATION_KINDS[kind].code is None  # a NotificationSetting: no user, a name of its own
            required = {*NOTIFICATION_KINDS[kind].fields, *(() if setting else ("user_id",))}
            allowed = required | ({"name", "description", "import_id"} if setting else set())
            for field in (*EVERY_FIELD, "user_id", "name", "description", "import_id"):
                given = notification.get(field) is not None
                if (given and field not in allowed) or (not given and field in required):
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        f"{where}.{camel(field)}",
                        notification.get(field),
                        f"{'required' if field in required else 'not used'} with type {kind}",
                    )
            if not any(notification.get(event) for event in EVENTS):
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    where,
                    key,
                    "names no job: list job keys under onSuccess, onFailure, onCancel or onWarning",
                )
            if isinstance(args["job_ids"], dict):  # else checked as the job numbers resolve
                for event in EVENTS:
                    for job in notification.get(event) or []:
                        one_of(COMPONENT, name, f"{where}.{camel(event)}", job, args["job_ids"])

    def _notification(
        self, name: str, key: str, notification: Notification, job_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    ) -> pulumi.CustomResource:
        def ids(event: str) -> Optional[list[pulumi.Input[int]]]:
            where = f"notifications.{key}.{camel(event)}"
            return [entry(COMPONENT, name, where, job_ids, job) for job in notification.get(event) or []] or None

        kind = NOTIFICATION_KINDS[notification["type"]]
        if kind.code is None:
            return dbtcloud.NotificationSetting(
                f"{name}-{key}",
                **passed(SETTING_FIELDS, notification),
                name=notification.get("name", key),
                channels=[
                    dbtcloud.NotificationSettingChannelArgs(
                        channel_type=kind.channel, **{field: notification[field] for field in kind.fields}
                    )
                ],
                # One rule per job and event: a rule without a job would fire for every job of the account.
                rules=[
                    dbtcloud.NotificationSettingRuleArgs(trigger_on=SETTING_TRIGGERS[event], job_id=job_id)
                    for event in EVENTS
                    for job_id in ids(event) or []
                ],
                opts=pulumi.ResourceOptions(parent=self, import_=notification.get("import_id")),
            )
        return dbtcloud.PartialNotification(
            f"{name}-{key}",
            **passed(NOTIFICATION_FIELDS, notification),
            notification_type=kind.code,
            **{field: notification[field] for field in kind.fields},
            **{provider: ids(event) for event, provider in EVENTS.items()},
            opts=pulumi.ResourceOptions(parent=self),
        )
