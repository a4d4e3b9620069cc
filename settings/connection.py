"""The dbt Cloud connection to the stack's warehouse."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, field_validator

from components import rules

from .base import SettingsModel


class ConnectionSettings(SettingsModel):
    """The dbt Cloud connection to this stack's warehouse (host and HTTP path come from the warehouse)."""

    name: str = Field(min_length=1)
    """Connection name shown in dbt Cloud's account settings."""
    catalog: Optional[str] = Field(default=None, json_schema_extra={"maxLength": rules.UNITY_CATALOG_NAME.most})
    """Default Unity Catalog catalog for the connection (at most 255 characters)."""

    @field_validator("catalog")
    @classmethod
    def _catalog_databricks_takes(cls, catalog: Optional[str]) -> Optional[str]:
        problem = rules.unity_catalog_name_problem(catalog) if catalog is not None else None
        if problem:
            raise ValueError(problem)
        return catalog
