"""The providers' contract: what the real dbt Cloud and Databricks providers (and their APIs) refuse.

Mocks that echo inputs prove nothing. The mocks (`synth.mocks`) hold every registration to these rules, so a
program that declares what `pulumi up` would refuse fails its offline rendering with the resource, the input,
the rule and the rule's source, instead of failing on a user's first deploy.

Two kinds of rules:
- `CONTRACT`: per resource type, rules on one resource's own inputs (required inputs, enumerations, patterns,
  inputs that exclude or need each other). Checked in `ProviderMocks.new_resource`.
- `CONTEXT_RULES`: rules that need the resources registered before (ordering through dependencies, a CI job and
  its project's repository, one-per-workspace resources). Checked in `RecordingMonitor.RegisterResource`, which
  sees each registration's dependencies; they hold within one rendering (one stack), which is all the mocks see.

Inputs are checked as the provider receives them: camelCase names, secrets unwrapped, integers as integers
(`plain`). A rule's message never shows the value of a secret input.

Sources (read at these versions; the pinned SDKs bridge them):
- dbt Cloud: terraform-provider-dbtcloud v1.12.5 (commit 9832c5dd), cited as `dbtcloud:<path>:<line>`;
  pulumi_dbtcloud 1.11.11 (the installed SDK), cited as `pulumi_dbtcloud/<file>:<line>`.
- Databricks: terraform-provider-databricks at commit 684f44249 (after v1.128.0), cited as
  `databricks:<path>:<line>`; databricks-sdk 0.162.0, cited as `databricks-sdk sql.py WarehousesAPI.create`.
- pulumiverse-time 0.1.1 bridges hashicorp/terraform-provider-time, cited as `time:<path>:<line>`.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from components import rules

from .types import (  # noqa: F401  (re-exported)
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    GLOBAL_CONNECTION,
    GRANT,
    GROUP_MEMBER,
    JOB,
    NOTIFICATION,
    OBO_TOKEN,
    PERMISSIONS,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
    ROTATING,
    SERVICE_PRINCIPAL,
    SQL_ENDPOINT,
    STACK_REFERENCE,
    TOKEN,
)
from .values import plain  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Violation:
    """One rule one registration breaks."""

    type: str
    name: str
    input: str
    """The input (camelCase, dotted for nested ones) the rule is about."""
    found: str
    """What the registration has that breaks the rule (never a secret's value)."""
    rule: str
    source: str

    def __str__(self) -> str:
        return (
            f"{self.type} {self.name!r}: {self.input}: {self.found}; the provider's rule: {self.rule} [{self.source}]"
        )


class ContractViolation(Exception):
    """The program declares what the real providers would refuse: a rendering with it must not pass."""

    def __init__(self, violations: Iterable[Violation], stack: str = ""):
        self.violations = list(violations)
        self.stack = stack
        count = len(self.violations)
        where = f"stack {stack!r} declares" if stack else "declared:"
        lines = "\n".join(f"  - {violation}" for violation in self.violations)
        plural = "s" if count != 1 else ""
        super().__init__(f"{where} {count} resource{plural} the real providers would refuse:\n{lines}")


# --- Rules on one resource's own inputs ------------------------------------------------------------------------

Check = Callable[[dict], Optional[str]]
"""Inputs -> what breaks the rule, or None."""


@dataclass(frozen=True)
class Rule:
    input: str
    rule: str
    source: str
    broken: Check = field(compare=False)


_MISSING = object()


def get(inputs: dict, path: str) -> Any:
    """The value at a dotted path, or `_MISSING` (None counts as missing: Pulumi does not send it)."""
    value: Any = inputs
    for key in path.split("."):
        if not isinstance(value, dict) or value.get(key) is None:
            return _MISSING
        value = value[key]
    return value


def present(inputs: dict, path: str) -> bool:
    value = get(inputs, path)
    return value is not _MISSING and value != ""


def required(path: str, source: str, why: str = "is required") -> Rule:
    return Rule(path, why, source, lambda inputs: None if present(inputs, path) else "missing")


def one_of(path: str, allowed: Iterable[Any], source: str) -> Rule:
    allowed = tuple(allowed)

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is _MISSING or value in allowed else f"{value!r}"

    return Rule(path, f"one of {', '.join(map(str, allowed))}", source, broken)


def matches(path: str, pattern: str, source: str) -> Rule:
    compiled = re.compile(pattern)

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is _MISSING or compiled.search(str(value)) else f"{value!r}"

    return Rule(path, f"matches {pattern}", source, broken)


def excludes(path: str, other: str, source: str, secret: bool = False) -> Rule:
    """`path` and `other` cannot both be set (the framework's ConflictsWith: any non-null value counts)."""

    def broken(inputs: dict) -> Optional[str]:
        if get(inputs, path) is _MISSING or get(inputs, other) is _MISSING:
            return None
        if secret:
            return f"both {path} and {other} are set"
        return f"{get(inputs, path)!r} with {other} {get(inputs, other)!r}"

    return Rule(path, f"cannot be set together with {other}", source, broken)


def needs(path: str, when: Callable[[Any], bool], other: str, condition: str, source: str) -> Rule:
    """When `path`'s value satisfies `when`, `other` must be set."""

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is _MISSING or not when(value) or present(inputs, other):
            return None
        return f"{value!r} without {other}"

    return Rule(path, f"{condition} needs {other}", source, broken)


def forbids(path: str, when: Callable[[Any], bool], other: str, condition: str, source: str) -> Rule:
    """When `path`'s value satisfies `when`, `other` must not be set."""

    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is _MISSING or not when(value) or get(inputs, other) is _MISSING:
            return None
        return f"{value!r} with {other} {get(inputs, other)!r}"

    return Rule(path, f"{condition} does not take {other}", source, broken)


def custom(path: str, rule: str, source: str, broken: Check) -> Rule:
    return Rule(path, rule, source, broken)


def _between(path: str, low: int, high: Optional[int], source: str) -> Rule:
    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r} is not an integer"
        return None if value >= low and (high is None or value <= high) else f"{value!r}"

    return Rule(path, f"an integer from {low}" + (f" to {high}" if high is not None else " up"), source, broken)


def _size_at_least(path: str, minimum: int, source: str) -> Rule:
    def broken(inputs: dict) -> Optional[str]:
        value = get(inputs, path)
        return None if value is _MISSING or len(value) >= minimum else f"{len(value)} item(s)"

    return Rule(path, f"at least {minimum} item(s)", source, broken)


# dbt Cloud ---------------------------------------------------------------------------------------------------

DBT_VERSION_PATTERN = (
    r"^(compatible|extended|latest|fallback|versionless|latest-fusion|fusion-stable|fusion-extended"
    r"|fusion-nightly|fusion-fallback|[0-9]+\.[0-9]+\.0-(latest|pre))$"
)
"""dbtcloud:pkg/helper/dbt_version_validator.go:33."""

STEP_FLAGS = ("--warn-error", "--use-experimental-parser", "--no-partial-parse", "--fail-fast")
STEP_PATTERN = re.compile(
    r"^\s*dbt\s+((" + "|".join(STEP_FLAGS) + r")\s+)*(run|test|archive|snapshot|seed|source|compile|ls|list"
    r"|docs\s+generate|parse|build|clone|debug|retry|compare|sl)\s*.*$"
)
"""dbtcloud:pkg/framework/objects/job/resource.go:1137-1169 (`validateExecuteSteps`)."""


def _steps_broken(inputs: dict) -> Optional[str]:
    # The provider checks steps only when asked to (`validate_execute_steps`); dbt Cloud runs what it gets.
    if get(inputs, "validateExecuteSteps") is not True:
        return None
    for step in get(inputs, "executeSteps") if present(inputs, "executeSteps") else []:
        normalized = step.replace("\n", " ").replace("\r", " ")
        if not STEP_PATTERN.match(normalized):
            return f"{step!r} is not a dbt command the provider knows"
        for flag in STEP_FLAGS:
            if step.count(flag) > 1:
                return f"{step!r} uses {flag} more than once"
    return None


def _on_merge_alone(inputs: dict) -> Optional[str]:
    triggers = get(inputs, "triggers")
    if triggers is _MISSING or triggers.get("onMerge") is not True:
        return None
    others = [name for name in ("githubWebhook", "gitProviderWebhook", "schedule") if triggers.get(name) is True]
    return f"onMerge true with {', '.join(others)} true" if others else None


def _one_completion_condition(inputs: dict) -> Optional[str]:
    conditions = get(inputs, "jobCompletionTriggerConditions")
    return None if conditions is _MISSING or len(conditions) <= 1 else f"{len(conditions)} conditions"


COMPLETION_STATUSES = ("success", "error", "canceled")
"""dbtcloud:pkg/utils/job.go:8-13 (codes 10, 20, 30)."""


def _completion_conditions(inputs: dict) -> Optional[str]:
    conditions = get(inputs, "jobCompletionTriggerConditions")
    for condition in [] if conditions is _MISSING else conditions:
        missing = [key for key in ("jobId", "projectId", "statuses") if condition.get(key) is None]
        if missing:
            return f"a condition without {', '.join(missing)}"
        wrong = [status for status in condition["statuses"] if status not in COMPLETION_STATUSES]
        if wrong or not condition["statuses"]:
            return f"statuses {condition['statuses']!r}"
    return None


RESERVED_ENV_VARS = rules.RESERVED_ENV_VAR_NAMES
"""docs.getdbt.com/docs/build/environment-variables, "Special environment variables": set by dbt Cloud on every
run, "their values cannot be changed"."""

SLACK_TYPES = (2, 5)
"""pulumi_dbtcloud/partial_notification.py:37: 2 = Slack channel, 5 = Slack channel via the account-level Slack app,
both requiring `slack_channel_id` and `slack_channel_name`."""

_DBT = "dbtcloud:pkg/framework/objects"

# Databricks ------------------------------------------------------------------------------------------------------

CLUSTER_SIZES = (
    "2X-Small",
    "X-Small",
    "Small",
    "Medium",
    "Large",
    "X-Large",
    "2X-Large",
    "3X-Large",
    "4X-Large",
    "5X-Large",
)
"""databricks:sql/resource_sql_endpoint.go:17."""

_WAREHOUSE_API = "databricks-sdk 0.162.0 sql.py WarehousesAPI.create (CreateWarehouseRequest)"


def _auto_stop(inputs: dict) -> Optional[str]:
    value = get(inputs, "autoStopMins")
    return None if value is _MISSING or value == 0 or value >= 10 else f"{value!r}"


def _min_clusters(inputs: dict) -> Optional[str]:
    low = get(inputs, "minNumClusters")
    if low is _MISSING:
        return None
    high = get(inputs, "maxNumClusters")
    high = 1 if high is _MISSING else high  # the provider's default (resource_sql_endpoint.go:72)
    return None if 0 < low <= min(high, 30) else f"{low!r} with maxNumClusters {high!r}"


def _tag_count(inputs: dict) -> Optional[str]:
    tags = get(inputs, "tags.customTags")
    return None if tags is _MISSING or len(tags) < 45 else f"{len(tags)} tags"


def _tag_fields(inputs: dict) -> Optional[str]:
    tags = get(inputs, "tags.customTags")
    for tag in [] if tags is _MISSING else tags:
        if not tag.get("key") or tag.get("value") is None:
            return f"a tag without key or value: {tag!r}"
    return None


PERMISSION_OBJECTS = (
    "alertV2Id",
    "appName",
    "authorization",
    "clusterId",
    "clusterPolicyId",
    "dashboardId",
    "databaseInstanceName",
    "databaseProjectName",
    "directoryId",
    "directoryPath",
    "experimentId",
    "instancePoolId",
    "jobId",
    "knowledgeAssistantId",
    "notebookId",
    "notebookPath",
    "pipelineId",
    "registeredModelId",
    "repoId",
    "repoPath",
    "servingEndpointId",
    "sqlAlertId",
    "sqlDashboardId",
    "sqlEndpointId",
    "sqlQueryId",
    "supervisorAgentId",
    "vectorSearchEndpointId",
    "workspaceFileId",
    "workspaceFilePath",
)
"""The object arguments of `databricks.Permissions` (pulumi_databricks/permissions.py `PermissionsArgs`): exactly
one per resource (databricks:docs/resources/permissions.md:1062-1064; resource_permissions.go:176-187)."""

PERMISSION_LEVELS = {
    # permission_definitions.go:569-575
    "sqlEndpointId": ("CAN_USE", "CAN_MANAGE", "CAN_MONITOR", "CAN_VIEW", "IS_OWNER"),
    "authorization=tokens": ("CAN_USE", "CAN_MANAGE"),  # permission_definitions.go:537-540
    "authorization=passwords": ("CAN_USE",),  # permission_definitions.go:555-557
}
"""Permission levels each object takes; the provider refuses others at plan (resource_permissions.go:236-247)."""

PRINCIPAL_FIELDS = ("userName", "groupName", "servicePrincipalName")


def _permission_object(inputs: dict) -> Optional[str]:
    given = [name for name in PERMISSION_OBJECTS if present(inputs, name)]
    return None if len(given) == 1 else (f"{', '.join(given)}" if given else "none")


def _permission_key(inputs: dict) -> Optional[str]:
    if present(inputs, "sqlEndpointId"):
        return "sqlEndpointId"
    if present(inputs, "authorization"):
        return f"authorization={inputs['authorization']}"
    return None


def _permission_levels(inputs: dict) -> Optional[str]:
    allowed = PERMISSION_LEVELS.get(_permission_key(inputs) or "")
    if allowed is None:
        return None
    for control in get(inputs, "accessControls") if present(inputs, "accessControls") else []:
        level = control.get("permissionLevel")
        if level not in allowed:
            return f"{level!r} for {_who(control)} on {_permission_key(inputs)} (allowed: {', '.join(allowed)})"
    return None


def _who(control: dict) -> str:
    return ", ".join(f"{key} {control[key]!r}" for key in PRINCIPAL_FIELDS if control.get(key)) or "nobody"


def _one_principal_each(inputs: dict) -> Optional[str]:
    for control in get(inputs, "accessControls") if present(inputs, "accessControls") else []:
        named = [key for key in PRINCIPAL_FIELDS if control.get(key)]
        if len(named) != 1:
            return f"an entry naming {', '.join(named) or 'nobody'}"
    return None


def _warehouse_owner(inputs: dict) -> Optional[str]:
    if not present(inputs, "sqlEndpointId"):
        return None
    owners = (
        [c for c in get(inputs, "accessControls") or [] if c.get("permissionLevel") == "IS_OWNER"]
        if present(inputs, "accessControls")
        else []
    )
    if len(owners) > 1:
        return f"{len(owners)} owners"
    if owners and owners[0].get("groupName"):
        return f"group {owners[0]['groupName']!r} as owner"
    return None


def _admins_listed(inputs: dict) -> Optional[str]:
    controls = get(inputs, "accessControls") if present(inputs, "accessControls") else []
    return "'admins'" if any(isinstance(c, dict) and c.get("groupName") == "admins" for c in controls) else None


GRANT_SECURABLES = (
    "catalog",
    "credential",
    "externalLocation",
    "foreignConnection",
    "function",
    "mcpService",
    "metastore",
    "model",
    "modelProviderService",
    "modelService",
    "pipeline",
    "recipient",
    "schema",
    "secret",
    "share",
    "storageCredential",
    "table",
    "volume",
)
"""The securable arguments of `databricks.Grant` (pulumi_databricks/grant.py `GrantArgs`): exactly one
(databricks:catalog/resource_grant.go:151-163, AtLeastOneOf + ConflictsWith)."""

PRIVILEGES = {
    # databricks:docs/resources/grants.md:33
    "metastore": (
        "CREATE_CATALOG",
        "CREATE_CLEAN_ROOM",
        "CREATE_CONNECTION",
        "CREATE_EXTERNAL_LOCATION",
        "CREATE_PROVIDER",
        "CREATE_RECIPIENT",
        "CREATE_SHARE",
        "CREATE_SERVICE_CREDENTIAL",
        "CREATE_STORAGE_CREDENTIAL",
        "SET_SHARE_PERMISSION",
        "USE_MARKETPLACE_ASSETS",
        "USE_PROVIDER",
        "USE_RECIPIENT",
        "USE_SHARE",
    ),
    # databricks:docs/resources/grants.md:51 and :81, held in settings.rules (CatalogPrivilege, SchemaPrivilege) for
    # the stack settings and the components alike. Not CREATE_VIEW: "Privilege CREATE VIEW is not applicable to this
    # entity" (terraform-provider-databricks#2176; PR #2198 removed it, superseded by CREATE_TABLE).
    "catalog": typing.get_args(rules.CatalogPrivilege),
    "schema": typing.get_args(rules.SchemaPrivilege),
    "table": ("ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "SELECT", "MODIFY"),
    # databricks:docs/resources/grants.md:176
    "volume": ("ALL_PRIVILEGES", "APPLY_TAG", "MANAGE", "READ_VOLUME", "WRITE_VOLUME"),
}
"""Unity Catalog privileges by securable type. The provider passes privileges through unchecked; the API refuses
a privilege that does not apply to the securable, at apply."""


def grant_securable(inputs: dict) -> Optional[str]:
    given = [name for name in GRANT_SECURABLES if present(inputs, name)]
    return given[0] if len(given) == 1 else None


def _grant_securable(inputs: dict) -> Optional[str]:
    given = [name for name in GRANT_SECURABLES if present(inputs, name)]
    return None if len(given) == 1 else (f"{', '.join(given)}" if given else "none")


def _grant_privileges(inputs: dict) -> Optional[str]:
    securable = grant_securable(inputs)
    allowed = PRIVILEGES.get(securable or "")
    if allowed is None or not present(inputs, "privileges"):
        return None
    wrong = [privilege for privilege in inputs["privileges"] if privilege not in allowed]
    return f"{', '.join(wrong)} on {securable} {inputs[securable]!r}" if wrong else None


def _only_with_strategy(path: str, strategy: str) -> Check:
    def broken(inputs: dict) -> Optional[str]:
        actual = inputs.get("gitCloneStrategy") or "deploy_key"  # repository/schema.go:52, the default
        return f"with gitCloneStrategy {actual!r}" if present(inputs, path) and actual != strategy else None

    return broken


ROTATIONS = ("rotationDays", "rotationHours", "rotationMinutes", "rotationMonths", "rotationYears", "rotationRfc3339")


CONTRACT: dict[str, tuple[Rule, ...]] = {
    GLOBAL_CONNECTION: (
        required("name", f"{_DBT}/global_connection/schema.go:48-50"),
        required("databricks.host", f"{_DBT}/global_connection/schema.go:256-258"),
        required("databricks.httpPath", f"{_DBT}/global_connection/schema.go:260-262"),
        custom(
            "databricks.host",
            "a hostname, without scheme or path",
            f"{_DBT}/global_connection/schema.go:258",
            lambda i: (
                f"{get(i, 'databricks.host')!r}"
                if present(i, "databricks.host")
                and ("://" in i["databricks"]["host"] or "/" in i["databricks"]["host"])
                else None
            ),
        ),
    ),
    PROJECT: (required("name", f"{_DBT}/project/schema.go:196-198"),),
    REPOSITORY: (
        required("projectId", f"{_DBT}/repository/schema.go:35-37; pulumi_dbtcloud/repository.py"),
        required("remoteUrl", f"{_DBT}/repository/schema.go:42-44; pulumi_dbtcloud/repository.py"),
        one_of(
            "gitCloneStrategy",
            ("deploy_key", "github_app", "deploy_token", "azure_active_directory_app"),
            f"{_DBT}/repository/schema.go:53; docs/resources/repository.md:116",
        ),
        needs(
            "gitCloneStrategy",
            lambda v: v == "github_app",
            "githubInstallationId",
            "github_app",
            "dbtcloud:docs/resources/repository.md:29-35,117",
        ),
        needs(
            "gitCloneStrategy",
            lambda v: v == "deploy_token",
            "gitlabProjectId",
            "deploy_token (GitLab)",
            "dbtcloud:docs/resources/repository.md:60-66,118",
        ),
        needs(
            "gitCloneStrategy",
            lambda v: v == "azure_active_directory_app",
            "azureActiveDirectoryProjectId",
            "azure_active_directory_app",
            "dbtcloud:docs/resources/repository.md:112",
        ),
        needs(
            "gitCloneStrategy",
            lambda v: v == "azure_active_directory_app",
            "azureActiveDirectoryRepositoryId",
            "azure_active_directory_app",
            "dbtcloud:docs/resources/repository.md:113",
        ),
        custom(
            "githubInstallationId",
            "only with git_clone_strategy github_app",
            "dbtcloud:docs/resources/repository.md:117 (for GitHub native integration only)",
            _only_with_strategy("githubInstallationId", "github_app"),
        ),
        custom(
            "gitlabProjectId",
            "only with git_clone_strategy deploy_token",
            "dbtcloud:docs/resources/repository.md:118 (for GitLab native integration only)",
            _only_with_strategy("gitlabProjectId", "deploy_token"),
        ),
    ),
    PROJECT_REPOSITORY: (
        required("projectId", "pulumi_dbtcloud/project_repository.py (Missing required property)"),
        required("repositoryId", "pulumi_dbtcloud/project_repository.py (Missing required property)"),
    ),
    ENVIRONMENT: (
        required("projectId", f"{_DBT}/environment/schema.go:196-198"),
        required("name", f"{_DBT}/environment/schema.go:210-212 (left out, the SDK auto-names it)"),
        required("type", f"{_DBT}/environment/schema.go:223-224"),
        one_of("type", ("development", "deployment"), f"{_DBT}/environment/schema.go:229-231"),
        one_of("deploymentType", ("production", "staging"), f"{_DBT}/environment/schema.go:249-251"),
        forbids(
            "type",
            lambda v: v == "development",
            "deploymentType",
            "a development environment",
            f"{_DBT}/environment/schema.go:251 (only valid for environments of type 'deployment')",
        ),
        forbids(
            "type",
            lambda v: v == "development",
            "credentialId",
            "a development environment",
            f"{_DBT}/environment/schema.go:204 (not actionable for development environments: each developer "
            "sets their own credentials)",
        ),
        matches("dbtVersion", DBT_VERSION_PATTERN, "dbtcloud:pkg/helper/dbt_version_validator.go:33"),
        custom(
            "customBranch",
            "needs use_custom_branch true",
            f"{_DBT}/environment/validators/custom_branch_validator.go:40-47",
            lambda i: (
                f"{i['customBranch']!r} with useCustomBranch {get(i, 'useCustomBranch') is True}"
                if present(i, "customBranch") and get(i, "useCustomBranch") is not True
                else None
            ),
        ),
        custom(
            "useCustomBranch",
            "true needs custom_branch",
            f"{_DBT}/environment/validators/custom_branch_validator.go:90-96",
            lambda i: (
                "true without customBranch"
                if get(i, "useCustomBranch") is True and not present(i, "customBranch")
                else None
            ),
        ),
        custom(
            "primaryProfileId",
            "cannot be set with connection_id, credential_id or extended_attributes_id",
            f"{_DBT}/environment/schema.go:280-283",
            lambda i: (
                "set with "
                + ", ".join(k for k in ("connectionId", "credentialId", "extendedAttributesId") if present(i, k))
                if present(i, "primaryProfileId")
                and any(present(i, k) for k in ("connectionId", "credentialId", "extendedAttributesId"))
                else None
            ),
        ),
    ),
    CREDENTIAL: (
        required("projectId", f"{_DBT}/databricks_credential/schema.go:65-67"),
        custom(
            "schema",
            "required unless semantic_layer_credential is true (the provider would otherwise send "
            "its default, `default_schema`)",
            f"{_DBT}/databricks_credential/schema.go:113-121; dbtcloud:pkg/helper/sl_cred_validator.go:38-44",
            lambda i: "missing" if not present(i, "schema") and get(i, "semanticLayerCredential") is not True else None,
        ),
        matches("schema", r"""^[a-zA-Z0-9_()"'{} ]*$""", "dbtcloud:pkg/helper/schema_name_validator.go:11"),
        excludes("token", "tokenWo", f"{_DBT}/databricks_credential/schema.go:86-101", secret=True),
        custom(
            "token",
            "a deployment credential needs a token (token or token_wo)",
            f"{_DBT}/databricks_credential/resource.go:155 (the token the runs connect with)",
            lambda i: (
                "missing"
                if not present(i, "token")
                and not present(i, "tokenWo")
                and get(i, "semanticLayerCredential") is not True
                else None
            ),
        ),
        one_of("adapterType", ("databricks",), f"{_DBT}/databricks_credential/resource.go:161-166 (spark is refused)"),
    ),
    JOB: (
        required("projectId", f"{_DBT}/job/schema.go:446-448"),
        required("environmentId", f"{_DBT}/job/schema.go:453-455"),
        required("name", f"{_DBT}/job/schema.go:457-459 (left out, the SDK auto-names it)"),
        required("executeSteps", f"{_DBT}/job/schema.go:491-493"),
        _size_at_least("executeSteps", 1, f"{_DBT}/job/schema.go:495-497"),
        required("triggers", f"{_DBT}/job/schema.go:511-512"),
        custom(
            "triggers.onMerge",
            "when on_merge is true, the other triggers must be false",
            f"{_DBT}/job/schema.go:539",
            _on_merge_alone,
        ),
        custom(
            "executeSteps",
            "dbt commands the provider knows, each flag once (when validate_execute_steps)",
            f"{_DBT}/job/resource.go:1137-1190",
            _steps_broken,
        ),
        one_of(
            "scheduleType",
            ("every_day", "days_of_week", "custom_cron", "interval_cron"),
            f"{_DBT}/job/schema.go:314-319,385-387",
        ),
        _between("scheduleInterval", 1, 23, f"{_DBT}/job/schema.go:394-395"),
        excludes("scheduleInterval", "scheduleHours", f"{_DBT}/job/schema.go:396-399"),
        excludes("scheduleInterval", "scheduleCron", f"{_DBT}/job/schema.go:396-399"),
        excludes("scheduleHours", "scheduleCron", f"{_DBT}/job/schema.go:408-411"),
        _size_at_least("scheduleHours", 1, f"{_DBT}/job/schema.go:406-407"),
        _size_at_least("scheduleDays", 1, f"{_DBT}/job/schema.go:418-419"),
        excludes("deferringEnvironmentId", "selfDeferring", f"{_DBT}/job/schema.go:582-590"),
        excludes("deferringEnvironmentId", "deferringJobId", f"{_DBT}/job/schema.go:582-590"),
        excludes("selfDeferring", "deferringJobId", f"{_DBT}/job/schema.go:592-600"),
        needs(
            "runCompareChanges",
            lambda v: v is True,
            "deferringEnvironmentId",
            "run_compare_changes true",
            f"{_DBT}/job/schema.go:437",
        ),
        one_of("jobType", ("ci", "merge", "scheduled", "other", "adaptive"), f"{_DBT}/job/resource.go:27-34"),
        matches("dbtVersion", DBT_VERSION_PATTERN, f"{_DBT}/job/schema.go:469; pkg/helper/dbt_version_validator.go:33"),
        custom(
            "jobCompletionTriggerConditions",
            "at most one condition per job",
            f"{_DBT}/job/resource.go:299 (only the first is sent)",
            _one_completion_condition,
        ),
        custom(
            "jobCompletionTriggerConditions",
            "job_id, project_id and statuses (success, error, canceled)",
            f"{_DBT}/job/schema.go:660-676; dbtcloud:pkg/utils/job.go:8-13",
            _completion_conditions,
        ),
    ),
    NOTIFICATION: (
        required("userId", f"{_DBT}/partial_notification/schema.go:55-57 (even for Slack and external email)"),
        one_of("notificationType", (1, 2, 4, 5), "pulumi_dbtcloud/partial_notification.py:37"),
        one_of("state", (1, 2), f"{_DBT}/partial_notification/schema.go:87-91"),
        custom(
            "notificationType",
            "type 1 (a dbt Cloud user's email) takes no external email or Slack channel",
            f"{_DBT}/partial_notification/resource.go:50-57",
            lambda i: (
                "1 with "
                + ", ".join(k for k in ("externalEmail", "slackChannelId", "slackChannelName") if present(i, k))
                if get(i, "notificationType") in (1, _MISSING)
                and any(present(i, k) for k in ("externalEmail", "slackChannelId", "slackChannelName"))
                else None
            ),
        ),
        custom(
            "notificationType",
            "types 2 and 5 (Slack) need slack_channel_id and slack_channel_name",
            f"{_DBT}/partial_notification/resource.go:59-66; pulumi_dbtcloud/partial_notification.py:37",
            lambda i: (
                f"{i['notificationType']} without "
                + " and ".join(k for k in ("slackChannelId", "slackChannelName") if not present(i, k))
                if get(i, "notificationType") in SLACK_TYPES
                and not (present(i, "slackChannelId") and present(i, "slackChannelName"))
                else None
            ),
        ),
        needs(
            "notificationType",
            lambda v: v == 4,
            "externalEmail",
            "type 4 (external email)",
            f"{_DBT}/partial_notification/resource.go:69-74",
        ),
        excludes("externalEmail", "slackChannelId", f"{_DBT}/partial_notification/schema.go:102-109"),
        excludes("externalEmail", "slackChannelName", f"{_DBT}/partial_notification/schema.go:102-109"),
    ),
    ENV_VAR: (
        required("projectId", f"{_DBT}/partial_environment_variable/schema.go:53-55"),
        required("name", f"{_DBT}/partial_environment_variable/schema.go:61-62"),
        required("environmentValues", f"{_DBT}/partial_environment_variable/schema.go:69-71"),
        matches(
            "name",
            r"^DBT_",
            f"{_DBT}/partial_environment_variable/schema.go:63 (must be prefixed with 'DBT_'); "
            "docs.getdbt.com/docs/build/environment-variables",
        ),
        custom(
            "name",
            "not a name dbt Cloud sets itself on every run",
            "docs.getdbt.com/docs/build/environment-variables (special environment variables)",
            lambda i: f"{i['name']!r}" if get(i, "name") in RESERVED_ENV_VARS else None,
        ),
    ),
    SQL_ENDPOINT: (
        required("name", "databricks:sql/resource_sql_endpoint.go:76"),
        required("clusterSize", "databricks:sql/resource_sql_endpoint.go:64"),
        one_of("clusterSize", CLUSTER_SIZES, "databricks:sql/resource_sql_endpoint.go:17,66-67"),
        custom("autoStopMins", "0 (never) or at least 10 minutes", f"{_WAREHOUSE_API}: auto_stop_mins", _auto_stop),
        _between("maxNumClusters", 1, 40, "databricks:sql/resource_sql_endpoint.go:18,73-74"),
        custom(
            "minNumClusters",
            "greater than 0 and at most min(max_num_clusters, 30)",
            f"{_WAREHOUSE_API}: min_num_clusters",
            _min_clusters,
        ),
        one_of("warehouseType", ("PRO", "CLASSIC"), "databricks:sql/resource_sql_endpoint.go:85-87"),
        custom(
            "enableServerlessCompute",
            "serverless needs warehouse_type PRO",
            f"{_WAREHOUSE_API}: warehouse_type",
            lambda i: (
                "true with warehouseType 'CLASSIC'"
                if get(i, "enableServerlessCompute") is True and get(i, "warehouseType") == "CLASSIC"
                else None
            ),
        ),
        one_of(
            "spotInstancePolicy",
            ("COST_OPTIMIZED", "RELIABILITY_OPTIMIZED", "POLICY_UNSPECIFIED"),
            "databricks-sdk 0.162.0 sql.py SpotInstancePolicy",
        ),
        custom("tags.customTags", "fewer than 45 tags", f"{_WAREHOUSE_API}: tags", _tag_count),
        custom(
            "tags.customTags",
            "each tag has a key and a value",
            "databricks:sql/resource_sql_endpoint.go:83-84",
            _tag_fields,
        ),
    ),
    SERVICE_PRINCIPAL: (
        custom(
            "displayName",
            "display_name (Databricks-managed principals) or application_id (Azure-managed)",
            "databricks:docs/resources/service_principal.md:98,103",
            lambda i: (
                "missing, and no applicationId"
                if not present(i, "displayName") and not present(i, "applicationId")
                else None
            ),
        ),
    ),
    OBO_TOKEN: (
        required("applicationId", "databricks:docs/resources/obo_token.md:74; pulumi_databricks/obo_token.py"),
        _between("lifetimeSeconds", 1, None, "databricks:docs/resources/obo_token.md:75 (leave it out for no expiry)"),
    ),
    TOKEN: (
        _between("lifetimeSeconds", 1, None, "databricks:docs/resources/token.md:57 (leave it out for the maximum)"),
    ),
    PERMISSIONS: (
        required("accessControls", "databricks:permissions/resource_permissions.go:189 (MinItems 1)"),
        _size_at_least("accessControls", 1, "databricks:permissions/resource_permissions.go:189"),
        custom(
            "sqlEndpointId",
            "exactly one object argument (sql_endpoint_id, authorization, ...)",
            "databricks:docs/resources/permissions.md:1062-1064; permissions/resource_permissions.go:176-187",
            _permission_object,
        ),
        one_of("authorization", ("tokens", "passwords"), "databricks:docs/resources/permissions.md:1086"),
        custom(
            "accessControls",
            "exactly one of user_name, group_name, service_principal_name per entry",
            "databricks:docs/resources/permissions.md:1109-1113",
            _one_principal_each,
        ),
        custom(
            "accessControls.permissionLevel",
            "a level the object takes",
            "databricks:permissions/permission_definitions.go:537-540,555-557,569-575; "
            "permissions/resource_permissions.go:236-247",
            _permission_levels,
        ),
        custom(
            "accessControls.permissionLevel",
            "a warehouse has one owner, never a group",
            "databricks:docs/resources/permissions.md:731-733",
            _warehouse_owner,
        ),
        custom(
            "accessControls.groupName",
            "admin permissions cannot be changed on tokens or warehouses",
            "databricks:permissions/permission_definitions.go:124-127 (checked at apply only, "
            "permissions/resource_permissions.go:77-80)",
            _admins_listed,
        ),
    ),
    GRANT: (
        required("principal", "databricks:catalog/resource_grant.go:143; pulumi_databricks/grant.py"),
        required("privileges", "databricks:docs/resources/grants.md:21; pulumi_databricks/grant.py"),
        _size_at_least("privileges", 1, "databricks:docs/resources/grants.md:21 (one or more privileges)"),
        custom(
            "catalog",
            "exactly one securable (catalog, schema, table, ...)",
            "databricks:catalog/resource_grant.go:151-163",
            _grant_securable,
        ),
        custom(
            "privileges",
            "privileges that apply to the securable type",
            "databricks:docs/resources/grants.md:29-33,49-51,79-81,102-104,140-142,174-176; #2176, PR #2198",
            _grant_privileges,
        ),
    ),
    GROUP_MEMBER: (
        required("groupId", "databricks:docs/resources/group_member.md:46"),
        required("memberId", "databricks:docs/resources/group_member.md:47"),
    ),
    ROTATING: (
        custom(
            "rotationDays",
            "at least one of rotation_days, _hours, _minutes, _months, _years, _rfc3339",
            "time:internal/provider/resource_time_rotating.go:202-212",
            lambda i: (
                "none of " + ", ".join(ROTATIONS) + " is set" if not any(present(i, key) for key in ROTATIONS) else None
            ),
        ),
        *(
            _between(key, 1, None, "time:internal/provider/resource_time_rotating.go:481-509 (0 adds nothing)")
            for key in ROTATIONS[:-1]
        ),
    ),
    STACK_REFERENCE: (required("name", "pulumi StackReference: the stack's name"),),
}


def check(type_: str, name: str, inputs: dict) -> list[Violation]:
    """Every rule of `type_` that these inputs (plain or as the mocks see them) break."""
    inputs = plain(inputs)
    found = []
    for rule in CONTRACT.get(type_, ()):
        broken = rule.broken(inputs)
        if broken is not None:
            found.append(Violation(type_, name, rule.input, broken, rule.rule, rule.source))
    return found


# --- Rules that need what was registered before ---------------------------------------------------------------


@dataclass
class Known:
    """A resource registered earlier in the rendering, as the context rules need it."""

    type: str
    name: str
    urn: str
    id: str
    custom: bool
    inputs: dict
    """Plain inputs."""
    outputs: dict
    """Plain outputs."""
    dependencies: set[str]
    """URNs it waits for: `depends_on`, the resources its inputs came from, its provider."""


@dataclass
class Subject:
    """The registration being checked."""

    type: str
    name: str
    urn: str
    inputs: dict
    dependencies: set[str]
    provider: str = ""


class World:
    """What the rendering has registered so far, indexed for the context rules."""

    def __init__(self) -> None:
        self.by_urn: dict[str, Known] = {}
        self.by_type: dict[str, list[Known]] = {}
        self.children: dict[str, list[str]] = {}

    def add(self, known: Known, parent: str = "") -> None:
        self.by_urn[known.urn] = known
        self.by_type.setdefault(known.type, []).append(known)
        if parent:
            self.children.setdefault(parent, []).append(known.urn)

    def of_type(self, type_: str) -> list[Known]:
        return self.by_type.get(type_, [])

    def upstream(self, urns: Iterable[str]) -> Iterator[Known]:
        """Every resource the given URNs wait for, directly or transitively (a component stands for its
        children, as `depends_on` a component waits for all of them)."""
        pending = list(urns)
        seen: set[str] = set()
        while pending:
            urn = pending.pop()
            if urn in seen:
                continue
            seen.add(urn)
            pending.extend(self.children.get(urn, ()))
            known = self.by_urn.get(urn)
            if known is not None:
                yield known
                pending.extend(known.dependencies)


def provider_urn(reference: str) -> str:
    """`<urn>::<id>` (a provider reference) -> `<urn>`."""
    return reference.rsplit("::", 1)[0] if reference else ""


@dataclass(frozen=True)
class ContextRule:
    input: str
    rule: str
    source: str
    broken: Callable[[Subject, World], Optional[str]] = field(compare=False)


TOKEN_USAGE_LEVELS = PERMISSION_LEVELS["authorization=tokens"]


def _token_principal(subject: Subject, world: World) -> Optional[str]:
    """The application id of the service principal a token is made for: the OboToken's `applicationId`; for a
    `Token`, the principal its explicit provider signs in as (none: the token is the deployer's own)."""
    if subject.type == OBO_TOKEN:
        return subject.inputs.get("applicationId")
    provider = world.by_urn.get(provider_urn(subject.provider))
    if provider is None:
        return None
    return provider.inputs.get("azureClientId") or provider.inputs.get("clientId")


def _gives_token_usage(known: Known, application_id: str, principal: Known) -> bool:
    if known.type == PERMISSIONS and known.inputs.get("authorization") == "tokens":
        return any(
            control.get("servicePrincipalName") == application_id
            and control.get("permissionLevel") in TOKEN_USAGE_LEVELS
            for control in known.inputs.get("accessControls") or []
        )
    # Membership of a group that holds token usage (obo_token.md's second example makes the token depend on it).
    return known.type == GROUP_MEMBER and known.inputs.get("memberId") == principal.id


def _token_after_usage(subject: Subject, world: World) -> Optional[str]:
    application_id = _token_principal(subject, world)
    if not application_id:
        return None
    # Only a principal this rendering creates is known to lack the permission; one made elsewhere may hold it.
    principal = next(
        (p for p in world.of_type(SERVICE_PRINCIPAL) if p.outputs.get("applicationId") == application_id), None
    )
    if principal is None:
        return None
    if any(_gives_token_usage(known, application_id, principal) for known in world.upstream(subject.dependencies)):
        return None
    return f"for service principal {principal.name!r} ({application_id}), with no token-usage permission it depends on"


def _one_token_permissions(subject: Subject, world: World) -> Optional[str]:
    if subject.inputs.get("authorization") != "tokens":
        return None
    others = [k.name for k in world.of_type(PERMISSIONS) if k.inputs.get("authorization") == "tokens"]
    return f"tokens, already set by {others[0]!r}" if others else None


def _runs_on_pull_requests(job_inputs: dict) -> list[str]:
    triggers = job_inputs.get("triggers") or {}
    return [name for name in ("githubWebhook", "gitProviderWebhook", "onMerge") if triggers.get(name) is True]


def _deploy_key_repositories(project_id: Any, world: World) -> list[Known]:
    return [
        r
        for r in world.of_type(REPOSITORY)
        if r.inputs.get("projectId") == project_id and r.inputs.get("gitCloneStrategy", "deploy_key") == "deploy_key"
    ]


def _ci_job_needs_native_git(subject: Subject, world: World) -> Optional[str]:
    triggers = _runs_on_pull_requests(subject.inputs)
    repositories = _deploy_key_repositories(subject.inputs.get("projectId"), world) if triggers else []
    if not repositories:
        return None
    return (
        f"{', '.join(triggers)} true in project {subject.inputs.get('projectId')}, whose repository "
        f"{repositories[0].name!r} is cloned with a deploy key"
    )


def _repository_of_ci_jobs(subject: Subject, world: World) -> Optional[str]:
    if subject.inputs.get("gitCloneStrategy", "deploy_key") != "deploy_key":
        return None
    jobs = [
        j
        for j in world.of_type(JOB)
        if j.inputs.get("projectId") == subject.inputs.get("projectId") and _runs_on_pull_requests(j.inputs)
    ]
    return (
        (
            f"deploy_key in project {subject.inputs.get('projectId')}, which has pull-request or merge job "
            f"{jobs[0].name!r}"
        )
        if jobs
        else None
    )


def _one_environment_of(kind: str, matches_kind: Callable[[dict], bool]) -> Callable[[Subject, World], Optional[str]]:
    def broken(subject: Subject, world: World) -> Optional[str]:
        if not matches_kind(subject.inputs):
            return None
        others = [
            e.name
            for e in world.of_type(ENVIRONMENT)
            if e.inputs.get("projectId") == subject.inputs.get("projectId") and matches_kind(e.inputs)
        ]
        return (
            f"a second {kind} environment in project {subject.inputs.get('projectId')} (after {others[0]!r})"
            if others
            else None
        )

    return broken


CI_SOURCE = (
    "docs.getdbt.com/docs/deploy/ci-jobs (prerequisites: a native Git integration, GitHub App, GitLab or "
    "Azure DevOps; a repository cloned over SSH with a deploy key gets no pull-request webhooks)"
)

CONTEXT_RULES: dict[str, tuple[ContextRule, ...]] = {
    OBO_TOKEN: (
        ContextRule(
            "dependsOn",
            "a token for a service principal is made after the principal gets token usage "
            "(CAN_USE in Permissions(authorization=tokens), or membership of a group that holds it)",
            "databricks:docs/resources/obo_token.md:19-38,48-64 (the token depends on token_usage or on "
            "the group membership)",
            _token_after_usage,
        ),
    ),
    TOKEN: (
        ContextRule(
            "dependsOn",
            "a token a service principal makes for itself needs token usage first",
            "databricks:docs/resources/obo_token.md:11,19-38; docs/resources/permissions.md:695-699",
            _token_after_usage,
        ),
    ),
    PERMISSIONS: (
        ContextRule(
            "authorization",
            "only one authorization=tokens permissions resource per workspace",
            "databricks:docs/resources/permissions.md:699",
            _one_token_permissions,
        ),
    ),
    JOB: (
        ContextRule(
            "triggers",
            "pull-request and merge triggers need a natively integrated repository",
            CI_SOURCE,
            _ci_job_needs_native_git,
        ),
    ),
    REPOSITORY: (
        ContextRule(
            "gitCloneStrategy",
            "pull-request and merge triggers need a natively integrated repository",
            CI_SOURCE,
            _repository_of_ci_jobs,
        ),
    ),
    ENVIRONMENT: (
        ContextRule(
            "type",
            "one development environment per project",
            "docs.getdbt.com/docs/dbt-cloud-environments (each project has one development environment)",
            _one_environment_of("development", lambda i: i.get("type") == "development"),
        ),
        ContextRule(
            "deploymentType",
            "one production environment per project",
            "docs.getdbt.com/docs/deploy/deploy-environments (only one production environment per project)",
            _one_environment_of("production", lambda i: i.get("deploymentType") == "production"),
        ),
    ),
}


def check_in_context(subject: Subject, world: World) -> list[Violation]:
    """Every context rule the subject breaks, given what the rendering registered before it."""
    found = []
    for rule in CONTEXT_RULES.get(subject.type, ()):
        broken = rule.broken(subject, world)
        if broken is not None:
            found.append(Violation(subject.type, subject.name, rule.input, broken, rule.rule, rule.source))
    return found
