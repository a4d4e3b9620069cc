"""Who hears about which jobs' runs: one class per kind of recipient, chosen by `type` (a dbt Cloud user's email, an
external address, a Slack channel through a user's Slack link or through the account's Slack app, a Microsoft Teams
channel)."""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components import rules

from .base import References, SettingsModel, check_reference


class _Events(SettingsModel):
    """What every kind of notification has: which jobs' outcomes it hears about."""

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

    @model_validator(mode="after")
    def _names_a_job(self) -> "_Events":
        if not self.job_keys():
            raise ValueError("names no job: list job keys under onSuccess, onFailure, onCancel or onWarning")
        return self

    def recipient_fields(self) -> dict[str, str]:
        """The provider inputs that say where this kind of notification goes (none for a dbt Cloud user)."""
        return {field: getattr(self, field) for field in rules.NOTIFICATION_KINDS[self.type].fields}  # type: ignore[attr-defined]

    def events(self) -> dict[str, list[str]]:
        """Job keys by event, for the events that name any."""
        events = {
            "onSuccess": self.on_success,
            "onFailure": self.on_failure,
            "onCancel": self.on_cancel,
            "onWarning": self.on_warning,
        }
        return {event: keys for event, keys in events.items() if keys}

    def job_keys(self) -> set[str]:
        """Every job key this notification names."""
        return {key for keys in self.events().values() for key in keys}

    def recipient(self) -> tuple:
        """What dbt Cloud treats as one recipient: two notifications of a stack must not share it."""
        return (self.type, getattr(self, "user_id", None), *self.recipient_fields().values())  # type: ignore[attr-defined]


class _Notification(_Events):
    """A notification setting of a dbt Cloud user (`PartialNotification`)."""

    user_id: int = Field(gt=0, le=rules.MAX_INT64)
    """dbt Cloud user id: the recipient (userEmail), whoever connected Slack (slack), or the setting's owner."""


class UserEmailNotification(_Notification):
    """An email to a dbt Cloud user's own address (notification type 1)."""

    type: Literal["userEmail"]
    """`userEmail`."""


class ExternalEmailNotification(_Notification):
    """An email to any address (notification type 4)."""

    type: Literal["externalEmail"]
    """`externalEmail`."""
    external_email: str
    """The address."""

    @field_validator("external_email")
    @classmethod
    def _an_address(cls, address: str) -> str:
        if not rules.EMAIL_PATTERN.match(address):
            raise ValueError("is not an email address")
        return address


class _SlackNotification(_Notification):
    slack_channel_id: str
    """Slack channel id, like C0123456789 (Slack: channel details, at the bottom)."""
    slack_channel_name: str
    """Slack channel name, written with its `#` (quoted in YAML: "#data-alerts"), as dbt Cloud keeps it."""

    @field_validator("slack_channel_id")
    @classmethod
    def _a_channel_id(cls, channel: str) -> str:
        if not rules.SLACK_CHANNEL_ID_PATTERN.match(channel):
            raise ValueError("is not a Slack channel id (like C0123456789: Slack, channel details, at the bottom)")
        return channel

    @field_validator("slack_channel_name", mode="before")
    @classmethod
    def _not_a_comment(cls, name: object) -> object:
        if name is None:
            raise ValueError(
                "is empty: in YAML an unquoted #data-alerts starts a comment; quote it: "
                'slackChannelName: "#data-alerts"'
            )
        return name

    @field_validator("slack_channel_name")
    @classmethod
    def _as_dbt_cloud_keeps_it(cls, name: str) -> str:
        # Written as the account holds it: the provider reads the name back as part of the recipient's identity (a
        # change replaces the notification); the dbt Cloud UI and the provider's examples write it with "#".
        problem = rules.slack_channel_name_problem(name)
        if problem:
            raise ValueError(problem)
        return name


class SlackNotification(_SlackNotification):
    """A Slack channel, through the Slack link of the dbt Cloud user `userId` (notification type 2)."""

    type: Literal["slack"]
    """`slack`."""


class SlackAppNotification(_SlackNotification):
    """A Slack channel, through the account-level dbt Slack app (notification type 5)."""

    type: Literal["slackApp"]
    """`slackApp`."""


class TeamsNotification(_Events):
    """A Microsoft Teams channel, through dbt Cloud's Teams integration (a `NotificationSetting`: one rule per job and
    event). The account needs the integration linked first (Account settings -> Integrations -> Teams)."""

    type: Literal["msTeams"]
    """`msTeams`."""
    teams_team_id: str = Field(min_length=1, pattern=rules.TEAMS_ID_PATTERN)
    """The Teams team's id (Teams: the team's "Get link to team", its `groupId`)."""
    teams_channel_id: str = Field(min_length=1, pattern=rules.TEAMS_ID_PATTERN)
    """The channel's id, like 19:abc...@thread.tacv2 (Teams: the channel's "Get link to channel")."""
    name: Optional[str] = Field(default=None, min_length=1, max_length=1024)
    """The setting's name in dbt Cloud (default: the notification's key)."""
    description: Optional[str] = Field(default=None, min_length=1)
    """What the setting is for (left out rather than empty: the provider reads an empty one back as none, and would
    fail the apply, notification_setting/resource.go:150-160)."""


NotificationSettings = Annotated[
    Union[UserEmailNotification, ExternalEmailNotification, SlackNotification, SlackAppNotification, TeamsNotification],
    Field(discriminator="type"),
]
"""A notification: its `type` chooses the kind, and so which other keys it takes."""
