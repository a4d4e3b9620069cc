"""The program's edge with the Pulumi runtime: the running stack's config in, validated settings out, and a bad
config raised as a Pulumi `RunError` (printed without a traceback). `settings` itself knows nothing of Pulumi."""

from __future__ import annotations

from pathlib import Path

import pulumi
from pulumi.runtime import config as runtime_config

from settings import ConfigError, LoadedSettings, RawConfig, load_stack
from settings.config import environ_for_account


class StackConfigError(ConfigError, pulumi.RunError):
    """A bad stack config, as the program ends with it: `pulumi up` prints the problems, not a traceback."""


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


def load_stack_settings(root: Path) -> LoadedSettings:
    """The running stack's validated settings, held to the rules across the stack files beside it (one stack
    creates the project, names unique, CI jobs only where the repository can trigger them), as `synth check`
    holds them; any problem ends the program before anything is declared."""
    try:
        return load_stack(root, pulumi.get_stack(), raw=read_runtime_config())
    except ConfigError as error:
        raise StackConfigError(error.problems) from None
