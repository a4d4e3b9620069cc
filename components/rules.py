"""What dbt Cloud, Databricks and their Pulumi providers refuse, as data and small pure checks: the one home of
these rules.

The stack settings (`settings`), the components' own checks, the policy pack and `ops` all read them from here. A
leaf module: it imports nothing but the standard library, so that reading a rule costs no SDK, no pydantic and no
cron library (the component package, `ops follow` and the policy pack import it alone). What the providers really do
is held apart, as an independent oracle, by the contract mocks (`synth/contract/`).
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Literal, Optional

# --- Databricks SQL warehouses ------------------------------------------------------------------

ClusterSize = Literal[
    "2X-Small", "X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large", "5X-Large"
]
"""Warehouse sizes the Databricks API accepts, smallest first."""

DBU_PER_HOUR: dict[str, int] = {
    "2X-Small": 4,
    "X-Small": 6,
    "Small": 12,
    "Medium": 24,
    "Large": 40,
    "X-Large": 80,
    "2X-Large": 144,
    "3X-Large": 272,
    "4X-Large": 528,
    "5X-Large": 1056,
}
"""DBUs a running warehouse of each size consumes per hour (5X-Large by doubling, as the series does)."""

API_DEFAULT_AUTO_STOP_MINUTES = 120
"""What Databricks uses when `auto_stop_mins` is left out: the reason this project always sets it."""

MIN_AUTO_STOP_MINUTES_CLASSIC = 10
"""The API's floor for pro and classic warehouses ("0 or >= 10")."""

MIN_AUTO_STOP_MINUTES_SERVERLESS = 10
"""The API's floor for serverless warehouses too: `CreateWarehouseRequest.auto_stop_mins` is "0 or >= 10"
(the UI offers 5 for serverless, but the API the provider calls refuses it)."""

MAX_INT32 = 2**31 - 1
"""The Databricks API's integer fields (`auto_stop_mins`, `max_num_clusters`, ...) are 32-bit."""

MAX_INT64 = 2**63 - 1
"""The dbt Cloud provider's integer attributes (ids, threads) are `Int64Attribute`s."""

MAX_RUN_MINUTES = 24 * 60
"""dbt Cloud terminates any run after the account's `run_duration_limit_seconds` (default 86,400: dbt Labs' OpenAPI
spec, openapi-v2.yaml, Account), so a longer job timeout never applies."""

SENSIBLE_MAX_AUTO_STOP_MINUTES = API_DEFAULT_AUTO_STOP_MINUTES
"""Above the API's own default the warehouse idles (and bills) longer than Databricks would by itself: warned."""

MAX_MIN_CLUSTERS = 30
MAX_MAX_CLUSTERS = 40
MAX_TAGS = 44
"""Databricks accepts fewer than 45 custom tags on a warehouse."""

# --- Name lengths ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameLimit:
    """The longest name a service takes, and where it says so."""

    most: int
    """Characters accepted."""
    source: str
    """Who says so, in words a user can look up."""


WAREHOUSE_NAME = NameLimit(
    99,
    'Databricks: a SQL warehouse name "must be less than 100 characters" (databricks-sdk 0.162.0, sql.py:10061, '
    "WarehousesAPI.create)",
)
UNITY_CATALOG_NAME = NameLimit(
    255,
    'Databricks: Unity Catalog "object names cannot exceed 255 characters" (docs.databricks.com/sql/language-manual/'
    "sql-ref-names)",
)
"""Catalogs and schemas, which dbt's credential and connection name."""
# Not limited here, as no source gives a limit: dbt Cloud's project, environment, job, connection and environment
# variable names (dbt Labs' OpenAPI specs, openapi-v2.yaml and openapi-v3.yaml, give them no maxLength;
# terraform-provider-dbtcloud v1.12.5 validates no length; docs.getdbt.com states none), and a Databricks service
# principal's display name (the SCIM API documents a length for externalId only).


def name_length_problem(name: str, limit: NameLimit) -> Optional[str]:
    """Why a name is longer than the service takes, or None."""
    if len(name) <= limit.most:
        return None
    return f"is {len(name)} characters long; at most {limit.most} are accepted ({limit.source})"


# --- dbt Cloud --------------------------------------------------------------------------------

DBT_VERSION_PATTERN = re.compile(
    r"^(compatible|extended|latest|fallback|versionless|latest-fusion|fusion-stable|fusion-extended"
    r"|fusion-nightly|fusion-fallback|[0-9]+\.[0-9]+\.0-(latest|pre))$"
)
"""The `dbt_version` values dbt Cloud accepts."""

FUSION_TRACKS = ("latest-fusion", "fusion-stable", "fusion-extended", "fusion-nightly", "fusion-fallback")
"""The release tracks that run dbt Fusion (pulumi_dbtcloud 1.11.11, `Job.cost_optimization_features`: state-aware
orchestration "requires `dbt_version` to be set to a Fusion release track")."""

COST_OPTIMIZATION_FEATURES = {
    "stateAwareOrchestration": "state_aware_orchestration",
    "dbtState": "dbt_state",
    "inheritEnvironment": "inherit_environment",
}
"""A job's cost optimization, as users write it -> the provider's `cost_optimization_features` value (pulumi_dbtcloud
1.11.11, `Job.cost_optimization_features`: "Valid values: `state_aware_orchestration`, `dbt_state` and
`inherit_environment`"; `dbt_state` and `inherit_environment` "must be the only feature in the set"). A job takes
one: the three do not combine."""

CostOptimization = Literal["stateAwareOrchestration", "dbtState", "inheritEnvironment"]


def cost_optimization_problem(feature: str, ci_or_merge: bool, dbt_version: Optional[str]) -> Optional[str]:
    """Why a job cannot take this cost optimization, or None."""
    if feature != "stateAwareOrchestration":
        return None
    if ci_or_merge:  # terraform-provider-dbtcloud job/resource.go `filterSAOFieldsForCIOrMerge` drops it silently
        return (
            "stateAwareOrchestration is not supported on pull-request or merge jobs (the provider would drop it "
            "without a word); dbtState is"
        )
    if dbt_version is not None and dbt_version not in FUSION_TRACKS:
        return (
            f"stateAwareOrchestration needs dbt Fusion: the job's environment runs dbtVersion {dbt_version!r}; use a "
            f"Fusion release track ({', '.join(FUSION_TRACKS)}), or costOptimization: dbtState"
        )
    return None


STEP_PATTERN = re.compile(
    r"^\s*dbt\s+((--warn-error|--use-experimental-parser|--no-partial-parse|--fail-fast)\s+)*"
    r"(run|test|archive|snapshot|seed|source|compile|ls|list|docs\s+generate|parse|build|clone|debug|retry"
    r"|compare|sl)\s*.*$"
)
"""The provider's own check of job steps (`validate_execute_steps`)."""

KNOWN_DBT_COMMANDS = (
    "build, run, test, seed, snapshot, source freshness, docs generate, compile, parse, ls/list, clone, "
    "debug, retry, compare, sl"
)

DEPS_STEP_PATTERN = re.compile(r"^\s*dbt\s+deps\b")

SCHEMA_PATTERN = re.compile(r"""^[a-zA-Z0-9_()"'{} ]*$""")
"""Characters dbt Cloud allows in a Databricks credential's schema."""

ENV_VAR_PREFIXES = ("DBT_",)
SECRET_ENV_VAR_PREFIX = "DBT_ENV_SECRET_"
RESERVED_ENV_VAR_NAMES = frozenset(
    {
        "DBT_ENV",
        "DBT_CLOUD_ENVIRONMENT_NAME",
        "DBT_CLOUD_ENVIRONMENT_TYPE",
        "DBT_CLOUD_RUN_ID",
        "DBT_CLOUD_JOB_ID",
        "DBT_CLOUD_PROJECT_ID",
        "DBT_CLOUD_ACCOUNT_ID",
        "DBT_CLOUD_RUN_REASON",
        "DBT_CLOUD_RUN_REASON_CATEGORY",
        "DBT_CLOUD_RUN_TRIGGER_CATEGORY",
        "DBT_CLOUD_PR_ID",
        "DBT_CLOUD_GIT_SHA",
        "DBT_CLOUD_GIT_BRANCH",
        "DBT_CLOUD_INVOCATION_CONTEXT",
    }
)
"""Names dbt Cloud sets itself on every run; an environment variable cannot take them."""

ENV_VAR_PROJECT_DEFAULT = "project"
"""The key of an environment variable's project-wide default value in `environment_values`."""

GitCloneStrategy = Literal["deploy_key", "github_app", "deploy_token", "azure_active_directory_app"]
"""How dbt Cloud clones the repository (`git_clone_strategy`; forces replacement)."""
GIT_CLONE_STRATEGIES = typing.get_args(GitCloneStrategy)

REPOSITORY_IDS: dict[str, tuple[str, ...]] = {
    "github_app": ("github_installation_id",),
    "deploy_token": ("gitlab_project_id",),
    "azure_active_directory_app": ("azure_active_directory_project_id", "azure_active_directory_repository_id"),
}
"""The ids each native Git integration needs besides the clone URL, and takes alone: the provider refuses a GitHub
installation id or a GitLab project id with any other strategy (terraform-provider-dbtcloud
`docs/resources/repository.md`: "for GitHub native integration only", "for GitLab native integration only")."""


def repository_ids_problem(strategy: str, given: typing.Mapping[str, object]) -> Optional[tuple[str, str]]:
    """(argument, why) for the first native-integration id that `strategy` lacks or does not take, or None."""
    needed = REPOSITORY_IDS.get(strategy, ())
    for argument in needed:
        if given.get(argument) is None:
            return argument, f"is required with gitCloneStrategy {strategy}"
    for other, arguments in REPOSITORY_IDS.items():
        for argument in arguments:
            if argument not in needed and given.get(argument) is not None:
                return argument, f"belongs to gitCloneStrategy {other}, not {strategy}: leave it out"
    return None


WarehouseType = Literal["PRO", "CLASSIC"]
SpotInstancePolicy = Literal["COST_OPTIMIZED", "RELIABILITY_OPTIMIZED"]
EnvironmentType = Literal["development", "deployment"]
DeploymentType = Literal["production", "staging", "general"]
"""`general` is a deployment environment with no deployment type (the API gets none)."""
TokenSource = Literal["deploymentToken", "servicePrincipal"]
Cloud = Literal["aws", "gcp", "azure"]
CLOUDS = typing.get_args(Cloud)


def signs_in_itself(cloud: str) -> bool:
    """Whether a service principal on `cloud` makes its own token, signed in as its Entra ID application (Azure, which
    offers no on-behalf-of tokens), rather than having a workspace admin make one for it (`OboToken`: AWS, GCP)."""
    return cloud == "azure"


CI_CAPABLE_CLONE_STRATEGIES = ("github_app", "deploy_token", "azure_active_directory_app")
"""Native Git integrations: the only repositories whose pull requests and merges trigger dbt Cloud CI and merge jobs
(docs.getdbt.com, "CI jobs", prerequisites). A deploy key clones over SSH and receives no webhooks."""

RunStatus = Literal["success", "error", "canceled"]
"""Run statuses a job-completion trigger can wait for, as dbt Cloud names them."""


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification recipient: the code dbt Cloud knows it by, and the arguments that say where it goes."""

    code: Optional[int]
    """`notification_type` of a `PartialNotification`: users write the word, the API gets the code. None for the kinds
    dbt Cloud's newer notifications system delivers (a `NotificationSetting` with a channel of `channel`'s type)."""
    fields: tuple[str, ...]
    """The provider's arguments that address the recipient (required for this kind, refused for the others)."""
    label: str
    """How a person calls such a recipient, before its address (`Slack #data-alerts`, `dbt Cloud user 100001`)."""
    key: str
    """How `ops adopt` begins the key of such a notification (`slack-data-alerts`)."""
    channel: str = ""
    """The channel type of a `NotificationSetting` (`teams`), for the kinds with no code."""

    def address(self, values: typing.Mapping[str, object]) -> str:
        """Where this recipient is reached: its last recipient argument, or the dbt Cloud user (`user_id`)."""
        return str(values.get(self.fields[-1]) if self.fields else values.get("user_id"))


NOTIFICATION_KINDS: dict[str, NotificationKind] = {
    "userEmail": NotificationKind(1, (), "dbt Cloud user", "email-user"),
    "externalEmail": NotificationKind(4, ("external_email",), "email", "email"),
    "slack": NotificationKind(2, ("slack_channel_id", "slack_channel_name"), "Slack", "slack"),
    "slackApp": NotificationKind(5, ("slack_channel_id", "slack_channel_name"), "Slack app", "slack"),
    "msTeams": NotificationKind(None, ("teams_team_id", "teams_channel_id"), "Teams", "teams", channel="teams"),
}
"""Every kind of job notification, by the word users write (`type`). The settings, the component's checks and its
provider call, `ops adopt` and its self-check, and `synth diff` all read this table. Codes: terraform-provider-dbtcloud
`partial_notification/resource.go` (1 a dbt Cloud user's email, 2 Slack through the Slack link of the user in
`user_id`, 4 an external email) and pulumi_dbtcloud 1.11.11 `PartialNotification.notification_type` ("5 = Slack
channel via the account-level Slack app: requires slack_channel_id and slack_channel_name"); Microsoft Teams through
`NotificationSetting` (terraform-provider-dbtcloud `notification_setting/schema.go`: `channel_type` "Currently only
`teams` is supported", with `teams_team_id` and `teams_channel_id`)."""

SETTING_TRIGGERS = {
    "on_success": "run_successful",
    "on_failure": "run_errored",
    "on_cancel": "run_cancelled",
    "on_warning": "run_warning",
}
"""A notification's job events -> a `NotificationSetting` rule's `trigger_on` (terraform-provider-dbtcloud
`notification_setting/schema.go`, `trigger_on`: one of run_warning, run_successful, run_errored, run_cancelled)."""

RECIPIENT_FIELDS = tuple(
    dict.fromkeys(field for kind in NOTIFICATION_KINDS.values() if kind.code is not None for field in kind.fields)
)
"""Every recipient argument of a `PartialNotification`, of any kind."""


def notification_kind_of(code: object) -> Optional[str]:
    """The word for a notification type code (`2` -> `slack`), or None for a code this project does not model."""
    return next(
        (word for word, kind in NOTIFICATION_KINDS.items() if kind.code is not None and kind.code == code), None
    )


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

DEFAULT_THREADS = 4
"""dbt Cloud's UI default for a job's threads (the provider's own default is 1)."""

SENSIBLE_MAX_THREADS = 64

DEFAULT_HOST_URL = "https://cloud.getdbt.com/api"

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


def web_url(host_url: str) -> str:
    """The dbt Cloud web address of an API address (`https://cloud.getdbt.com/api` -> `https://cloud.getdbt.com`)."""
    return host_url.rstrip("/").removesuffix("/api")


def job_url(host_url: str, account_id: int, project_id: int, job_id: int) -> str:
    """The page of a job in dbt Cloud (UNCONFIRMED against every region's hosts: FACTS, dbt Cloud hosts)."""
    return f"{web_url(host_url)}/deploy/{account_id}/projects/{project_id}/jobs/{job_id}"


# Unity Catalog privileges per securable. The names are databricks-sdk's (0.162.0, `catalog.Privilege`, the enum the
# Grants API takes; tests/test_privileges.py holds these lists to it); which securable takes which privilege is
# Databricks' "Unity Catalog privileges reference" (docs.databricks.com/data-governance/unity-catalog/access-control/
# privileges-reference, formerly manage-privileges/privileges), table "What privileges apply to each securable
# object?", rows Catalog and Schema: first the privileges of the securable itself, then those granted on it for the
# objects inside it. The provider passes privileges through unchecked, so a privilege the securable does not have
# fails only at apply: "Privilege CREATE VIEW is not applicable to this entity" (terraform-provider-databricks issue
# #2176; PR #2198 removed CREATE_VIEW, superseded by CREATE_TABLE, which covers views).
CatalogPrivilege = Literal[
    "ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE_SCHEMA", "USE_CATALOG", "CREATE_FUNCTION", "CREATE_TABLE",
    "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "CREATE_VOLUME", "EXTERNAL_USE_SCHEMA", "READ_VOLUME", "REFRESH",
    "WRITE_VOLUME", "EXECUTE", "MANAGE", "MODIFY", "SELECT", "USE_SCHEMA",
]  # fmt: skip
"""Privileges that can be granted on a catalog (from CREATE_FUNCTION on, they apply to everything inside it)."""

SchemaPrivilege = Literal[
    "ALL_PRIVILEGES", "APPLY_TAG", "CREATE_FUNCTION", "CREATE_TABLE", "CREATE_MODEL", "CREATE_VOLUME",
    "CREATE_MATERIALIZED_VIEW", "MANAGE", "EXTERNAL_USE_SCHEMA", "USE_SCHEMA", "EXECUTE", "MODIFY", "READ_VOLUME",
    "REFRESH", "SELECT", "WRITE_VOLUME",
]  # fmt: skip
"""Privileges that can be granted on a schema (no USE_CATALOG, CREATE_SCHEMA or BROWSE: those are a catalog's).
dbt's materialized views need CREATE_MATERIALIZED_VIEW on their schema (or on its catalog), besides USE_SCHEMA."""

PRIVILEGE_HINTS = {
    "CREATE_VIEW": 'Unity Catalog has no CREATE_VIEW privilege on catalogs or schemas ("Privilege CREATE VIEW is not '
    'applicable to this entity"): CREATE_TABLE lets dbt create views too',
    "CREATE_CONNECTION": "CREATE_CONNECTION is granted on the metastore, not on a catalog or schema (Databricks' "
    "Unity Catalog privileges reference); dbt needs no connection of its own",
}
"""Why a privilege people often write is refused, and what to write instead."""

WAREHOUSE_PERMISSION_LEVELS = ("CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "CAN_VIEW", "IS_OWNER")
WarehousePermissionLevel = Literal["CAN_USE", "CAN_MONITOR", "CAN_MANAGE", "CAN_VIEW", "IS_OWNER"]
"""Permission levels of a SQL warehouse (databricks provider, `docs/resources/permissions.md`)."""

TOKEN_PRINCIPAL_PATTERN = re.compile(r"^(group:[^\s].*|user:[^@\s]+@[^@\s]+|servicePrincipal:[0-9a-f-]{36})$")


def access_principal_problem(principal: str) -> Optional[str]:
    """Why `principal` cannot be named among those who keep access (to tokens, to a warehouse), or None.

    `admins` is refused: the provider answers "it is not possible to modify admin permissions" for tokens and SQL
    warehouses, at apply only (terraform-provider-databricks permissions/permission_definitions.go:124-127), and
    admins keep CAN_MANAGE anyway (update/customizers.go:41-58)."""
    if not TOKEN_PRINCIPAL_PATTERN.match(principal):
        return "is not a principal: write group:<name>, user:<email> or servicePrincipal:<application id>"
    if principal == "group:admins":
        return "admins always keep their access and cannot be listed (Databricks refuses to change admin permissions)"
    return None


"""How a Databricks principal is written: who keeps token access, who keeps access to a warehouse."""

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
MAX_SENSIBLE_TOKEN_DAYS = 365

BRANCH_PATTERN = re.compile(r"^(?!/)(?!.*\.\.)(?!.*//)(?!.*@\{)[^\s~^:?*\[\\]+(?<![/.])(?<!\.lock)$")
"""Git's rules for branch names (`git check-ref-format --branch`), the common part."""

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_CHANNEL_ID_PATTERN = re.compile(r"^[CGD][A-Z0-9]{6,}$")
SLACK_CHANNEL_NAME_PATTERN = re.compile(r"^#[a-z0-9_-]{1,80}$")
"""A Slack channel name, with its `#`: "Channel names may only contain lowercase letters, numbers, hyphens, and
underscores, and must be 80 characters or less" (api.slack.com/methods/conversations.create, `name`)."""

CLONE_URL_PATTERN = re.compile(r"^([A-Za-z0-9._~-]+@[^\s:/]+:[^\s]+|(ssh|git)://[^\s]+)$")
"""A repository's clone URL as dbt Cloud takes it: SCP-style (`git@github.com:org/repo.git`) or `ssh://`/`git://`,
never HTTPS, whatever the clone strategy (terraform-provider-dbtcloud issue 528: "remote_url must be a valid SSH or git
URL"; docs.getdbt.com, "Import a project by git URL": "Do not use `https://...`")."""

SHELL_SYNTAX = re.compile(r"&&|\|\||[;|`]|\$\(|>|<")
"""Shell syntax in a job step: dbt Cloud runs each step as one dbt command, never through a shell."""


def clone_url_problem(url: str) -> Optional[str]:
    """Why dbt Cloud cannot clone from `url`, or None."""
    if CLONE_URL_PATTERN.match(url):
        return None
    if url.startswith(("http://", "https://")):
        return (
            f"{url!r} is an HTTPS address: dbt Cloud clones over SSH, so write the SSH clone URL, like "
            "git@github.com:org/repo.git (the repository's Code -> Clone -> SSH), whatever the clone strategy"
        )
    return f"{url!r} is not a clone URL: write the SSH one, like git@github.com:org/repo.git"


DBT_VERSION_RENAMED = {"versionless": "latest"}
"""`versionless` is the old name of the `latest` track. dbt Cloud answers `latest` for it, and the provider keeps the
`versionless` that was written in its state, so no diff shows either way (terraform-provider-dbtcloud v1.12.5,
`environment/resource.go:74-79`, `:164-169`, `:253-255`, "Handle versionless to latest conversion"); its schema says
"While `versionless` is still supported, using `latest` is recommended" (`environment/schema.go:218`). Refused with
that advice so that the stack file says what dbt Cloud shows and answers (as `ops adopt` and `synth diff` read it)."""


TOKEN_SHAPES = re.compile(r"dapi[0-9a-f]{16,}|dbtc_[A-Za-z0-9_-]{12,}|dose[0-9a-f]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY")
"""Databricks tokens (`dapi`, `dose`), dbt Cloud tokens (`dbtc_`) and private keys: refused in plain text by the
settings and by the policy pack (`policy/guardrails.py`, which loads this module by its path)."""


def suggest_dbt_version(value: str) -> Optional[str]:
    """The accepted spelling of a version users often write short (`1.7` or `1.7.3` -> `1.7.0-latest`)."""
    match = re.match(r"^v?(\d+)\.(\d+)(\.\d+)?$", value.strip())
    return f"{match.group(1)}.{match.group(2)}.0-latest" if match else None


def auto_stop_problem(minutes: int, allow_never_stop: bool, serverless: bool) -> Optional[str]:
    """Why a warehouse's auto-stop is refused, or None: 0 only when never stopping is asked for, else the API floor."""
    if minutes == 0:
        if allow_never_stop:
            return None
        return (
            "autoStopMinutes: 0 means the warehouse never stops and bills around the clock; "
            "set allowNeverStop: true if that is really meant"
        )
    floor = MIN_AUTO_STOP_MINUTES_SERVERLESS if serverless else MIN_AUTO_STOP_MINUTES_CLASSIC
    if minutes < floor:
        kind = "serverless" if serverless else "pro and classic"
        return (
            f"autoStopMinutes must be 0 or at least {floor} for {kind} warehouses (you wrote {minutes}; 0, never "
            "stop, also needs allowNeverStop: true)"
        )
    return None


def privilege_problem(securable: Literal["catalog", "schema"], privilege: str) -> Optional[str]:
    """Why a Unity Catalog privilege cannot be granted on this kind of securable, or None."""
    if privilege in PRIVILEGE_HINTS:
        return PRIVILEGE_HINTS[privilege]
    allowed = typing.get_args(CatalogPrivilege if securable == "catalog" else SchemaPrivilege)
    if privilege not in allowed:
        return f"{privilege!r} cannot be granted on a {securable}: allowed are {', '.join(allowed)}"
    return None


def repeated_privilege(privileges: typing.Iterable[str]) -> Optional[str]:
    """The first privilege listed twice, or None. Databricks keeps each privilege once: the provider holds a grant's
    privileges as a set (terraform-provider-databricks catalog/resource_grant.go:146-149, hashed by name), so a
    repeated one is a slip, not a second grant."""
    seen: set[str] = set()
    for privilege in privileges:
        if privilege in seen:
            return privilege
        seen.add(privilege)
    return None


def ci_trigger_problem(strategy: str) -> str:
    """Why a pull-request or merge job cannot run in a project whose repository is cloned with `strategy`."""
    return (
        f"runs on pull requests or merges, but the project's repository is cloned with {strategy}, which gets no "
        'pull-request events (docs.getdbt.com, "CI jobs", prerequisites): connect it through the dbt Cloud '
        "GitHub app (gitCloneStrategy: github_app with githubInstallationId), GitLab (deploy_token) or Azure "
        "DevOps (azure_active_directory_app)"
    )
