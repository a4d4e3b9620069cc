"""What both providers share: their configuration keys, the shapes of tokens (never in clear text), the committed
examples' placeholder values, git and email forms. The policy pack loads this file alone, by its path."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

PROVIDER_CONFIG_KEYS = {
    "dbtcloud": (
        "accountId", "disableRetry", "hostUrl", "maxRetries", "retriableStatusCodes", "retryIntervalSeconds",
        "skipCredentialsValidation", "timeoutSeconds", "token",
    ),
    "databricks": (
        "accountId", "actionsIdTokenRequestToken", "actionsIdTokenRequestUrl", "audience", "authType",
        "azureClientId", "azureClientSecret", "azureEnvironment", "azureLoginAppId", "azureTenantId", "azureUseMsi",
        "azureWorkspaceResourceId", "clientId", "clientSecret", "cloud", "clusterId", "configFile",
        "databricksCliPath", "databricksIdTokenFilepath", "debugHeaders", "debugTruncateBytes",
        "disableOauthRefreshToken", "discoveryUrl", "googleCredentials", "googleServiceAccount", "groupId", "host",
        "httpTimeoutSeconds", "metadataServiceUrl", "oauthCallbackPort", "oidcTokenEnv", "password", "profile",
        "rateLimit", "retryTimeoutSeconds", "scopes", "serverlessComputeId", "skipVerify", "token", "username",
        "warehouseId", "workspaceId",
    ),
}  # fmt: skip
"""The providers' configuration keys (`pulumi_dbtcloud.config.vars`, `pulumi_databricks.config.vars`; a test holds
them to the installed SDKs), besides `version`, which the engine itself sets. The bridge refuses any other key under a
provider's namespace at `pulumi up` ("could not validate provider configuration: Invalid or unknown key", pulumi-
terraform-bridge pkg/tfbridge/provider.go, `CheckConfig`): offline we name the key it was meant to be."""

SECRET_QUERY_NAMES = re.compile(r"(?i)token|key|secret|sig|password|passwd|auth|code|credential")
SECRET_URL_PATHS = ("hooks.slack.com/services/", "webhook.office.com/webhookb2/", "/IncomingWebhook/")
"""Endpoints whose address is itself the credential: Slack's incoming webhooks, Microsoft Teams' (Office 365)."""


def credential_in_url(url: str) -> bool:
    """Whether a URL carries a credential: a password, a secret-named query parameter, or an address that is one."""
    parts = urlsplit(url)
    return bool(
        parts.password
        or parts.username
        or any(SECRET_QUERY_NAMES.search(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True))
        or any(marker in url for marker in SECRET_URL_PATHS)
    )


EXAMPLE_VALUES = frozenset(
    {
        12345,
        100001,
        10000001,
        "C0000000000",
        "https://dbc-00000000-0000.cloud.databricks.com",
        "git@github.com:your-org/shanghai-transport-dw.git",
    }
)
"""The committed stack files' PLACEHOLDER values: still there, they are warned about."""

BRANCH_PATTERN = re.compile(r"^(?!/)(?!.*\.\.)(?!.*//)(?!.*@\{)[^\s~^:?*\[\\]+(?<![/.])(?<!\.lock)$")
"""Git's rules for branch names (`git check-ref-format --branch`), the common part."""

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


TOKEN_SHAPES = re.compile(r"dapi[0-9a-f]{16,}|dbtc_[A-Za-z0-9_-]{12,}|dose[0-9a-f]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY")
"""Databricks tokens (`dapi`, `dose`), dbt Cloud tokens (`dbtc_`) and private keys: refused in plain text by the
settings and by the policy pack (`policy/guardrails.py`, which loads this module by its path)."""
