"""Job notifications by email or Slack, with jobs named by their config keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings import NotificationSettings


@dataclass
class JobNotificationsArgs:
    """Arguments of `JobNotifications`."""

    notifications: dict[str, NotificationSettings]
    """Notifications by key."""
    job_ids: Mapping[str, pulumi.Input[int]]
    """Job numbers by job key."""


class JobNotifications(pulumi.ComponentResource):
    """One `PartialNotification` per recipient.

    Partial notifications add this stack's jobs to a recipient's settings without replacing what other
    stacks (or people, in the UI) set for the same recipient, so dev and prod can notify the same person.
    """

    def __init__(self, name: str, args: JobNotificationsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:JobNotifications", name, None, opts)
        self.notifications: dict[str, dbtcloud.PartialNotification] = {}
        for key, settings in args.notifications.items():
            self.notifications[key] = self._notification(f"{name}-{key}", settings, args.job_ids)
        self.register_outputs({})

    def _notification(self, name: str, settings: NotificationSettings,
                      job_ids: Mapping[str, pulumi.Input[int]]) -> dbtcloud.PartialNotification:
        def ids(keys: list[str]) -> Optional[list[pulumi.Input[int]]]:
            return [job_ids[key] for key in keys] or None

        return dbtcloud.PartialNotification(
            name,
            user_id=settings.user_id,
            notification_type=settings.type_code,
            external_email=settings.external_email,
            slack_channel_id=settings.slack_channel_id,
            slack_channel_name=settings.slack_channel_name,
            on_successes=ids(settings.on_success),
            on_failures=ids(settings.on_failure),
            on_cancels=ids(settings.on_cancel),
            on_warnings=ids(settings.on_warning),
            opts=pulumi.ResourceOptions(parent=self),
        )
