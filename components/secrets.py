"""Turning settings' secrets into Pulumi secrets, the only way they leave the settings."""

from __future__ import annotations

from typing import Mapping, Optional

import pulumi
from pydantic import SecretStr


def as_secret(value: Optional[SecretStr]) -> Optional[pulumi.Output[str]]:
    """A settings secret as a Pulumi secret: encrypted in state, masked in every diff and output (None stays None)."""
    return None if value is None else pulumi.Output.secret(value.get_secret_value())


def as_secret_mapping(values: Mapping[str, SecretStr]) -> pulumi.Output[dict[str, str]]:
    """A map of settings secrets as one Pulumi secret (for inputs the provider does not mark secret)."""
    return pulumi.Output.secret({key: value.get_secret_value() for key, value in values.items()})
