"""The dbt Cloud account, read from the provider's own `dbtcloud:` keys."""

from __future__ import annotations

from pydantic import Field, field_validator

from components import rules

from .base import SettingsModel

ACCOUNT_KEYS = {"accountId": "DBT_CLOUD_ACCOUNT_ID", "hostUrl": "DBT_CLOUD_HOST_URL"}
"""The dbt Cloud provider's own keys this program reads too, with the environment variables it falls back to."""


class AccountSettings(SettingsModel):
    """The dbt Cloud account, read from the provider's own `dbtcloud:` keys (or its environment variables)."""

    account_id: int = Field(gt=0, le=rules.MAX_INT64)
    """The number in your dbt Cloud URLs: `https://cloud.getdbt.com/settings/accounts/<accountId>`."""
    host_url: str = rules.DEFAULT_HOST_URL
    """The API address of your dbt Cloud region or cell, ending in `/api`."""

    @field_validator("host_url")
    @classmethod
    def _host_url_is_api(cls, value: str) -> str:
        if not value.startswith("https://") or not value.rstrip("/").endswith("/api"):
            raise ValueError(
                f"must be an https URL ending in /api, like {rules.DEFAULT_HOST_URL} "
                "or https://ACCOUNT_PREFIX.us1.dbt.com/api"
            )
        return value.rstrip("/")
