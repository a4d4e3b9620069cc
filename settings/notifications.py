"""Who hears about which jobs' runs: dbt Cloud users, external addresses, Slack."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, ValidationInfo, field_validator, model_validator

from . import rules
from .base import References, SettingsModel, check_reference


class NotificationSettings(SettingsModel):
    """Who hears about which jobs' runs."""

    type: rules.NotificationType
    """`userEmail` (a dbt Cloud user's address), `externalEmail`, `slack` (the Slack integration a dbt Cloud user
    linked) or `slackApp` (the account-level dbt Slack app)."""
    user_id: int = Field(gt=0, le=rules.MAX_INT64)
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

    @model_validator(mode="after")
    def _type_has_its_fields(self) -> "NotificationSettings":
        slack = (self.slack_channel_id, self.slack_channel_name)
        if self.type in rules.SLACK_NOTIFICATION_TYPES:
            if "slack_channel_name" in self.model_fields_set and self.slack_channel_name is None:
                raise ValueError("slackChannelName is empty: in YAML an unquoted #data-alerts starts a comment; "
                                 "quote it: slackChannelName: \"#data-alerts\"")
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
