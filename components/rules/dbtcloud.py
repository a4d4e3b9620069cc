"""What dbt Cloud and its provider refuse: dbt versions, jobs (steps, triggers, pull-request settings, cost
optimization), repositories and their clone strategies, environments, environment variables, notification kinds,
names, URLs."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Literal, Optional

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

MAX_INT64 = 2**63 - 1
"""The dbt Cloud provider's integer attributes (ids, threads) are `Int64Attribute`s."""

MAX_RUN_MINUTES = 24 * 60
"""dbt Cloud terminates any run after the account's `run_duration_limit_seconds` (default 86,400: dbt Labs' OpenAPI
spec, openapi-v2.yaml, Account), so a longer job timeout applies only where an account's limit was raised: warned."""


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


PULL_REQUEST_ONLY = {
    "compare_changes": "compareChanges",
    "sql_lint": "sqlLint",
    "trigger_on_draft_pull_requests": "triggerOnDraftPullRequests",
}
"""A job's settings that act on a pull request's changes (snake_case as the components take them -> stack-file key)."""


SWITCHES = {"compare_changes_flags": "compare_changes", "fail_on_lint_errors": "sql_lint"}
"""A job's settings that only act with another one on (the provider takes each alone, with its default)."""


def pull_request_settings_problem(job: typing.Mapping[str, object]) -> Optional[tuple[str, str]]:
    """The setting a job's pull-request settings cannot have as given (keys as the components take them), and why;
    or None. Compare changes needs the environment it compares with: the provider's `run_compare_changes` needs
    `deferring_environment_id` (terraform-provider-dbtcloud job/schema.go:437)."""
    for key, word in PULL_REQUEST_ONLY.items():
        if job.get(key) and not job.get("run_on_pull_request"):
            return word, (
                f"{word} is for pull-request jobs (runOnPullRequest: true): dbt Cloud runs it on the changes of a "
                "pull request"
            )
    if job.get("compare_changes") and not job.get("defer_to"):
        return "compareChanges", (
            "compareChanges compares with the environment the job defers to: set deferTo (e.g. production); "
            "Advanced CI must also be switched on in dbt Cloud (Account settings -> Advanced CI)"
        )
    return None


def cost_optimization_problem(feature: str, ci_or_merge: bool, dbt_version: Optional[str]) -> Optional[str]:
    """Why a job cannot take this cost optimization, or None."""
    if ci_or_merge and feature != "dbtState":
        # terraform-provider-dbtcloud v1.12.5 job/resource.go:996-1012, `filterCostOptimizationFeaturesForCIOrMerge`:
        # on a CI or merge job only dbt_state alone (or none) is sent; anything else is dropped without a word.
        return (
            f"{feature} is not supported on pull-request or merge jobs (the provider would drop it without a word); "
            "dbtState is"
        )
    if feature != "stateAwareOrchestration":
        return None
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


EnvironmentType = Literal["development", "deployment"]
DeploymentType = Literal["production", "staging", "general"]
"""`general` is a deployment environment with no deployment type (the API gets none)."""


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


DEFAULT_THREADS = 4
"""dbt Cloud's UI default for a job's threads (the provider's own default is 1)."""

SENSIBLE_MAX_THREADS = 64

DEFAULT_HOST_URL = "https://cloud.getdbt.com/api"


def web_url(host_url: str) -> str:
    """The dbt Cloud web address of an API address (`https://cloud.getdbt.com/api` -> `https://cloud.getdbt.com`)."""
    return host_url.rstrip("/").removesuffix("/api")


def job_url(host_url: str, account_id: int, project_id: int, job_id: int) -> str:
    """The page of a job in dbt Cloud (UNCONFIRMED against every region's hosts: FACTS, dbt Cloud hosts)."""
    return f"{web_url(host_url)}/deploy/{account_id}/projects/{project_id}/jobs/{job_id}"


SLACK_CHANNEL_ID_PATTERN = re.compile(r"^[CGD][A-Z0-9]{6,}$")
TEAMS_ID_PATTERN = r"^[^\s/%]+$"
"""A Microsoft Teams team or channel id as dbt Cloud takes it: the id itself (`19:abc...@thread.tacv2`), decoded, not
the link it is copied from (`https://teams.microsoft.com/l/channel/19%3a...`)."""


def slack_channel_name_problem(name: str) -> Optional[str]:
    """Why `name` cannot be a Slack channel's, or None. Slack: "Channel names may only contain lowercase letters,
    numbers, hyphens, and underscores, and must be 80 characters or less" (api.slack.com/methods/conversations.create,
    `name`); workspaces may also name channels in other scripts, so only capitals, spaces, other ASCII signs and the
    length are refused. The leading `#`, as the dbt Cloud UI writes it, is optional."""
    bare = name.removeprefix("#")
    if 0 < len(bare) <= 80 and not any(
        c.isupper() or c.isspace() or (c.isascii() and not (c.isalnum() or c in "-_")) for c in bare
    ):
        return None
    suggestion = "#" + "-".join(re.sub(r"[^\w\s-]", "", bare).lower().split())[:80]
    return (
        f"{name!r} cannot be a Slack channel: Slack names are lowercase letters, digits, hyphens and underscores, "
        f"at most 80 (try {suggestion!r})"
    )


SHELL_SYNTAX = re.compile(r"&&|\|\||[;|`]|\$\(|>|<|\n|(^|\s)#|\$\{?[A-Za-z_]")
"""Shell syntax in a job step: dbt Cloud runs each step as one dbt command, never through a shell, so `&&`, `;`, `|`,
redirections, a `# comment`, `$VARIABLES` and line breaks reach dbt as they are (a comment's words as selectors)."""

SSH_URL = re.compile(r"^([A-Za-z0-9._~-]+@[^\s:/]+:[^\s]+|(ssh|git)://[^\s]+)$")
"""An SSH or git clone URL: SCP-style (`git@github.com:org/repo.git`), `ssh://` or `git://`."""

GITLAB_PATH = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")
"""A GitLab project's path, `<group>/<project>` (subgroups between)."""

HTTPS_URL = re.compile(r"^https://[^\s/]+/[^\s]+$")

CLONE_URL_FORMS = {
    "deploy_key": ((SSH_URL,), "the SSH clone URL, like git@github.com:org/repo.git"),
    "github_app": ((SSH_URL,), "the SSH clone URL, like git@github.com:org/repo.git"),
    "deploy_token": ((GITLAB_PATH, SSH_URL), "the GitLab project's path, like my-group/my-project"),
    "azure_active_directory_app": (
        (HTTPS_URL, SSH_URL),
        "the repository's URL in Azure DevOps, like https://dev.azure.com/org/project/_git/repo",
    ),
}
"""What `remote_url` is for each clone strategy (terraform-provider-dbtcloud v1.12.5 `repository/schema.go:44`: "Git URL
for the repository or <Group>/<Project> for Gitlab"; `docs/resources/repository.md:62-66` writes `<gitlab-group>/
<gitlab-project>` for deploy_token and takes an Azure DevOps repository's HTTPS URL from its data source,
`docs/data-sources/azure_dev_ops_repository.md:40`; a deploy key and the GitHub app clone over SSH, `git@...`)."""


def clone_url_problem(url: str, strategy: str = "deploy_key") -> Optional[str]:
    """Why dbt Cloud cannot clone `url` with `strategy`, or None."""
    forms, wanted = CLONE_URL_FORMS.get(strategy, CLONE_URL_FORMS["deploy_key"])
    if any(form.match(url) for form in forms):
        return None
    if url.startswith(("http://", "https://")) and strategy in ("deploy_key", "github_app"):
        return (
            f"{url!r} is an HTTPS address, and {strategy} clones over SSH: write {wanted} (the repository's Code -> "
            "Clone -> SSH)"
        )
    return f"{url!r} is not a repository address {strategy} takes: write {wanted}"


DBT_VERSION_RENAMED = {"versionless": "latest"}
"""`versionless` is the old name of the `latest` track. dbt Cloud answers `latest` for it, and the provider keeps the
`versionless` that was written in its state, so no diff shows either way (terraform-provider-dbtcloud v1.12.5,
`environment/resource.go:74-79`, `:164-169`, `:253-255`, "Handle versionless to latest conversion"); its schema says
"While `versionless` is still supported, using `latest` is recommended" (`environment/schema.go:218`). Refused with
that advice so that the stack file says what dbt Cloud shows and answers (as `ops adopt` and `synth diff` read it)."""


def suggest_dbt_version(value: str) -> Optional[str]:
    """The accepted spelling of a version users often write short (`1.7` or `1.7.3` -> `1.7.0-latest`)."""
    match = re.match(r"^v?(\d+)\.(\d+)(\.\d+)?$", value.strip())
    return f"{match.group(1)}.{match.group(2)}.0-latest" if match else None


def ci_trigger_problem(strategy: str) -> str:
    """Why a pull-request or merge job cannot run in a project whose repository is cloned with `strategy`."""
    return (
        f"runs on pull requests or merges, but the project's repository is cloned with {strategy}, which gets no "
        'pull-request events (docs.getdbt.com, "CI jobs", prerequisites): connect it through the dbt Cloud '
        "GitHub app (gitCloneStrategy: github_app with githubInstallationId), GitLab (deploy_token) or Azure "
        "DevOps (azure_active_directory_app)"
    )
