"""The dbt Cloud connection to the stack's warehouse."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .base import SettingsModel


class ConnectionSettings(SettingsModel):
    """The dbt Cloud connection to this stack's warehouse (host and HTTP path come from the warehouse)."""

    name: str = Field(min_length=1)
    """Connection name shown in dbt Cloud's account settings."""
    catalog: Optional[str] = None
    """Default Unity Catalog catalog for the connection."""
