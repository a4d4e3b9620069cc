"""The stack's building blocks, one ComponentResource per kind of thing, each in its own module; also a Pulumi
component package (`PulumiPlugin.yaml`, `__main__.py`) that other programs add with `pulumi package add`.

Every component takes plain typed arguments (a TypedDict of `pulumi.Input` values and nested TypedDicts, never this
repository's settings objects), checks the rules that protect its users before it declares anything, parents all its
children to itself, and registers its outputs last. How each argument reaches its provider is declared once, in the
component's field table (`fields.py` explains them). Type tokens: see `package.py`.

The components are imported when first named (`from components import DbtJobs`): `components.rules`, the rules
every layer shares, and `components.fields` then cost no provider SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "warehouse": ("SqlWarehouse", "SqlWarehouseArgs"),
    "connection": ("DatabricksConnection", "DatabricksConnectionArgs"),
    "service_principal": ("DbtServicePrincipal", "DbtServicePrincipalArgs", "TokenUsage"),
    "project": ("DbtProject", "DbtProjectArgs", "GitRepository", "ReferencedProject", "ReferencedProjectArgs"),
    "environments": (
        "DbtEnvironments",
        "DbtEnvironmentsArgs",
        "Environment",
        "EnvironmentCredential",
        "ModelNotificationEvents",
    ),
    "jobs": ("DbtJobs", "DbtJobsArgs", "Job", "JobLink", "RunAfter"),
    "notifications": ("JobNotifications", "JobNotificationsArgs", "Notification"),
    "webhooks": ("JobWebhooks", "JobWebhooksArgs", "Webhook"),
    "environment_variables": ("EnvironmentVariables", "EnvironmentVariablesArgs"),
    "package": ("PACKAGE_NAME", "PACKAGE_VERSION", "InvalidArgument"),
}
"""Module -> the names it gives the package."""

COMPONENT_NAMES = (
    "SqlWarehouse",
    "DatabricksConnection",
    "DbtServicePrincipal",
    "DbtProject",
    "ReferencedProject",
    "DbtEnvironments",
    "DbtJobs",
    "JobNotifications",
    "JobWebhooks",
    "EnvironmentVariables",
)
"""Every component the package hosts, in the order data flows between them."""

_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = ["COMPONENTS", "COMPONENT_NAMES", *_WHERE]


def __getattr__(name: str) -> Any:
    if name == "COMPONENTS":
        value: Any = [__getattr__(component) for component in COMPONENT_NAMES]
    elif name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


if TYPE_CHECKING:  # what editors and type checkers see; at run time each name is imported when first used
    from .connection import DatabricksConnection, DatabricksConnectionArgs  # noqa: F401
    from .environment_variables import EnvironmentVariables, EnvironmentVariablesArgs  # noqa: F401
    from .environments import (  # noqa: F401
        DbtEnvironments,
        DbtEnvironmentsArgs,
        Environment,
        EnvironmentCredential,
        ModelNotificationEvents,
    )
    from .jobs import DbtJobs, DbtJobsArgs, Job, JobLink, RunAfter  # noqa: F401
    from .notifications import JobNotifications, JobNotificationsArgs, Notification  # noqa: F401
    from .package import PACKAGE_NAME, PACKAGE_VERSION, InvalidArgument  # noqa: F401
    from .project import DbtProject, DbtProjectArgs, GitRepository, ReferencedProject, ReferencedProjectArgs  # noqa: F401
    from .service_principal import DbtServicePrincipal, DbtServicePrincipalArgs, TokenUsage  # noqa: F401
    from .warehouse import SqlWarehouse, SqlWarehouseArgs  # noqa: F401
    from .webhooks import JobWebhooks, JobWebhooksArgs, Webhook  # noqa: F401
