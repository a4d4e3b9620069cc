"""Typed, validated stack settings: stack config in, `StackSettings` out, no Pulumi resources.

`load_settings` validates a whole stack config at once and raises one `ConfigError` listing every problem.
"""

from .account import AccountSettings
from .connection import ConnectionSettings
from .environments import CredentialSettings, EnvironmentSettings
from .errors import ConfigError, Problem
from .jobs import JobSettings
from .load import PROJECT_NAME, SECRET_KEYS, LoadedSettings, RawConfig, load_settings
from .model import StackSettings
from .notifications import NotificationSettings
from .project import ProjectSettings, RepositorySettings
from .service_principal import ServicePrincipalSettings
from .warehouse import WarehouseSettings

__all__ = [
    "AccountSettings",
    "ConfigError",
    "ConnectionSettings",
    "CredentialSettings",
    "EnvironmentSettings",
    "JobSettings",
    "LoadedSettings",
    "NotificationSettings",
    "PROJECT_NAME",
    "Problem",
    "ProjectSettings",
    "RawConfig",
    "RepositorySettings",
    "SECRET_KEYS",
    "ServicePrincipalSettings",
    "StackSettings",
    "WarehouseSettings",
    "load_settings",
]
