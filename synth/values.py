"""Values as they cross the RPC boundary, made readable: one walker, two uses. `plain` unwraps secrets (what the
provider would receive: for the contract and the tests); `masked` hides them (what may be printed). Both turn the
floats that integers become on the wire back into integers."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any, Callable

from pulumi.runtime import rpc

SECRET_MASK = "[secret]"

FINGERPRINT_KEY_VARIABLE = "SYNTH_SECRET_FINGERPRINT_KEY"
"""With this set (by `synth diff`, to a random key per diff), masks carry a keyed fingerprint of the secret,
so two renderings can tell a changed secret from an unchanged one without either showing it."""


def plain(value: Any) -> Any:
    """Inputs as the provider reads them: secret wrappers removed, integers as integers."""
    return _walk(value, plain)


def masked(value: Any) -> Any:
    """A value safe to print: secrets replaced by a mask, integers as integers."""
    return _walk(value, _mask)


def _walk(value: Any, on_secret: Callable[[Any], Any]) -> Any:
    if rpc.is_rpc_secret(value):
        return on_secret(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _walk(item, on_secret) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, on_secret) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _mask(secret: Any) -> str:
    key = os.environ.get(FINGERPRINT_KEY_VARIABLE)
    if not key:
        return SECRET_MASK
    digest = hmac.new(key.encode(), json.dumps(secret, sort_keys=True).encode(), hashlib.sha256).hexdigest()
    return f"{SECRET_MASK[:-1]}:{digest[:12]}]"
