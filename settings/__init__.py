"""Typed, validated stack settings: stack config in, `StackSettings` out, no Pulumi resources.

`load_settings` validates a whole stack config at once and raises one `ConfigError` listing every problem.
"""

from .errors import ConfigError, Problem
from .load import PROJECT_NAME, SECRET_KEYS, LoadedSettings, RawConfig, load_settings
from .model import (
    AccountSettings,
    ConnectionSettings,
    CredentialSettings,
    EnvironmentSettings,
    JobSettings,
    NotificationSettings,
    ProjectSettings,
    RepositorySettings,
    ServicePrincipalSettings,
    StackSettings,
    WarehouseSettings,
)

__all__ = [
    "AccountSettings", "ConfigError", "ConnectionSettings", "CredentialSettings", "EnvironmentSettings",
    "JobSettings", "LoadedSettings", "NotificationSettings", "PROJECT_NAME", "Problem", "ProjectSettings",
    "RawConfig", "RepositorySettings", "SECRET_KEYS", "ServicePrincipalSettings", "StackSettings", "WarehouseSettings", "load_settings",
]
