"""Typed, validated stack settings: stack files in, `StackSettings` out, no Pulumi resources.

`load_stack` reads a stack's file, validates it whole and holds it to the stack files beside it, raising one
`ConfigError` that lists every problem; `load_settings` validates a config given as Pulumi passes it.
"""

from .account import AccountSettings
from .config import PROJECT_NAME, LoadedSettings, RawConfig, load_settings
from .connection import ConnectionSettings
from .environments import CredentialSettings, EnvironmentSettings
from .errors import ConfigError, Problem
from .jobs import JobSettings
from .load import Verdict, load_folder, load_stack
from .model import SECRET_KEYS, StackSettings
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
    "load_folder",
    "load_settings",
    "load_stack",
    "Verdict",
]
