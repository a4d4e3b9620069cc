"""Read the running stack's config from the Pulumi runtime, the one place this package touches Pulumi."""

from __future__ import annotations

from pulumi.runtime import config as runtime_config

from .load import RawConfig, environ_for_account


def read_runtime_config() -> RawConfig:
    """The whole stack config as the Pulumi CLI (or the offline runner) handed it to this program.

    The CLI passes config and the list of secret keys in environment variables; the Automation API's inline
    programs, tests and the offline runner set them with `pulumi.runtime.set_all_config`. Both are merged so
    that unknown keys, which `pulumi.Config` cannot list, are seen and reported too.

    A key that neither lists as secret is in clear text. The CLI's Python language host always sets
    PULUMI_CONFIG_SECRET_KEYS, to `[]` when no key is secret (pulumi/pulumi
    sdk/python/cmd/pulumi-language-python/main.go, `constructConfigSecretKeys`), and the Automation API passes
    no list at all when none is secret (pulumi/automation/_server.py): in every case an absent list means
    "no secrets", never "unknown". So a token written in clear text is refused under `pulumi up` exactly as
    it is by `synth`.
    """
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    explicit_secrets = runtime_config._SECRET_KEYS.get()  # set by set_all_config; no public getter exists
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(explicit_secrets)
    return RawConfig(values, frozenset(secret_keys), environ_for_account())
