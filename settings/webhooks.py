"""Webhooks: dbt Cloud calls an HTTPS endpoint of yours when runs start, complete or fail (an incident tool, a chat
bridge, your own service)."""

from __future__ import annotations

from typing import Literal, Optional
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from components import rules

from .base import CREDENTIAL_IN_VALUE, References, SettingsModel, check_reference, report_warning

WebhookEvent = Literal["started", "completed", "errored"]


class WebhookSettings(SettingsModel):
    """One webhook subscription of the dbt Cloud account."""

    name: str = Field(min_length=1)
    """The webhook's name in dbt Cloud (Account settings -> Webhooks)."""
    url: str
    """The endpoint dbt Cloud posts to: https only (the body carries run details, and a signature to check it by)."""
    events: list[WebhookEvent] = Field(min_length=1)
    """Which run events: started, completed (errored runs too), errored."""
    jobs: Optional[list[str]] = None
    """Keys of this stack's jobs whose runs are sent; left out, every job of the account (dbt Cloud's rule)."""
    description: Optional[str] = None
    """What the webhook is for."""

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
            raise ValueError(
                "must be an https URL without spaces, like https://hooks.example.com/dbt: this project's rule, not dbt "
                "Cloud's (it posts run details and their signature there, which plain http would show to anyone)"
            )
        if rules.credential_in_url(url):
            raise PydanticCustomError(  # its own kind: the value is never repeated in the message
                CREDENTIAL_IN_VALUE,
                "holds a credential (a password, a token in the query or a Slack incoming-webhook path), which a "
                "stack file would commit in clear text: give the endpoint a URL without one, and check the requests "
                "it gets by their signature (the webhookSigningSecrets stack output)",
            )
        return url

    @field_validator("events")
    @classmethod
    def _each_event_once(cls, events: list[str], info: ValidationInfo) -> list[str]:
        twice = sorted({event for event in events if events.count(event) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice: list each event once")
        if "completed" in events and "errored" in events and info.context is not None:
            report_warning(
                info,
                ("webhooks", "events"),
                "an errored run is also a completed one: with both events, dbt Cloud sends it twice "
                "(docs.getdbt.com, Webhooks)",
            )
        return events

    @field_validator("jobs")
    @classmethod
    def _known_jobs(cls, keys: Optional[list[str]], info: ValidationInfo) -> Optional[list[str]]:
        if keys is not None and not keys:
            raise ValueError("names no job: list job keys, or leave jobs out for every job of the account")
        return check_reference(info, References.job_problem, keys)
