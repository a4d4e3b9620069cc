"""What the dbt Cloud provider (and dbt Cloud's API behind it) refuses, resource by resource.

Sources: terraform-provider-dbtcloud v1.12.5 (commit 9832c5dd), cited as `dbtcloud:<path>:<line>` (`_DBT` is its
`pkg/framework/objects`); pulumi_dbtcloud 1.11.11 (the installed SDK), cited as `pulumi_dbtcloud/<file>:<line>`; dbt
Labs' OpenAPI specs of the API behind it (`_OPENAPI`); and dbt's documentation where the provider passes a value
through unchecked.
"""

from __future__ import annotations

import re
from typing import Optional

from ..type_tokens import (
    CREDENTIAL,
    ENV_VAR,
    ENVIRONMENT,
    GLOBAL_CONNECTION,
    JOB,
    PROJECT,
    PROJECT_REPOSITORY,
    REPOSITORY,
)
from .rule import (
    MISSING,
    Check,
    Rule,
    between,
    custom,
    excludes,
    forbids,
    get,
    matches,
    needs,
    one_of,
    present,
    required,
    size_at_least,
)

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
    if triggers is MISSING or triggers.get("onMerge") is not True:
        return None
    others = [name for name in ("githubWebhook", "gitProviderWebhook", "schedule") if triggers.get(name) is True]
    return f"onMerge true with {', '.join(others)} true" if others else None


def _one_completion_condition(inputs: dict) -> Optional[str]:
    conditions = get(inputs, "jobCompletionTriggerConditions")
    return None if conditions is MISSING or len(conditions) <= 1 else f"{len(conditions)} conditions"


COMPLETION_STATUSES = ("success", "error", "canceled")
"""dbtcloud:pkg/utils/job.go:8-13 (codes 10, 20, 30)."""


def _completion_conditions(inputs: dict) -> Optional[str]:
    conditions = get(inputs, "jobCompletionTriggerConditions")
    for condition in [] if conditions is MISSING else conditions:
        missing = [key for key in ("jobId", "projectId", "statuses") if condition.get(key) is None]
        if missing:
            return f"a condition without {', '.join(missing)}"
        wrong = [status for status in condition["statuses"] if status not in COMPLETION_STATUSES]
        if wrong or not condition["statuses"]:
            return f"statuses {condition['statuses']!r}"
    return None


RESERVED_ENV_VARS = frozenset(
    "DBT_ENV DBT_CLOUD_ENVIRONMENT_NAME DBT_CLOUD_ENVIRONMENT_TYPE DBT_CLOUD_RUN_ID DBT_CLOUD_JOB_ID "
    "DBT_CLOUD_PROJECT_ID DBT_CLOUD_ACCOUNT_ID DBT_CLOUD_RUN_REASON DBT_CLOUD_RUN_REASON_CATEGORY "
    "DBT_CLOUD_RUN_TRIGGER_CATEGORY DBT_CLOUD_PR_ID DBT_CLOUD_GIT_SHA DBT_CLOUD_GIT_BRANCH "
    "DBT_CLOUD_INVOCATION_CONTEXT".split()
)
"""docs.getdbt.com/docs/build/environment-variables, "Special environment variables": set by dbt Cloud on every
run, "their values cannot be changed"."""

_DBT = "dbtcloud:pkg/framework/objects"
_OPENAPI = "dbt Labs' dbt-cloud-openapi-spec (commit 1f274f76) openapi-v3.yaml"


COST_FEATURES = ("state_aware_orchestration", "dbt_state", "inherit_environment")


def _cost_features(inputs: dict) -> Optional[str]:
    features = get(inputs, "costOptimizationFeatures")
    if features is MISSING:
        return None
    unknown = [feature for feature in features if feature not in COST_FEATURES]
    if unknown:
        return f"{unknown!r}"
    alone = [feature for feature in features if feature in ("dbt_state", "inherit_environment")]
    return f"{features!r}" if alone and len(features) > 1 else None


def _dropped_on_ci_or_merge(inputs: dict) -> Optional[str]:
    features = get(inputs, "costOptimizationFeatures")
    if features is MISSING or not features or list(features) == ["dbt_state"]:
        return None
    triggers = inputs.get("triggers") or {}
    ci = triggers.get("githubWebhook") or triggers.get("gitProviderWebhook") or triggers.get("onMerge")
    return (
        f"{list(features)!r} on a pull-request or merge job" if inputs.get("jobType") in ("ci", "merge") or ci else None
    )


def _only_with_strategy(path: str, strategy: str) -> Check:
    def broken(inputs: dict) -> Optional[str]:
        actual = inputs.get("gitCloneStrategy") or "deploy_key"  # repository/schema.go:52, the default
        return f"with gitCloneStrategy {actual!r}" if present(inputs, path) and actual != strategy else None

    return broken


DBT_CLOUD: dict[str, tuple[Rule, ...]] = {
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
        one_of(
            "deploymentType",
            ("production", "staging"),
            f"{_DBT}/environment/schema.go:249-251 (its description: \"can only be 'production', 'staging' or left "
            'empty"; no validator: the API refuses the rest)',
        ),
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
            "a development environment (which has none: dbt Cloud keeps it null, each developer sets their own)",
            f'{_OPENAPI}:8734-8739 (EnvironmentV3.credentials_id: "Null for development environments"); '
            f'{_DBT}/environment/schema.go:204 ("A credential is not actionable for development environments, as '
            'users have to set their own development credentials")',
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
        size_at_least("executeSteps", 1, f"{_DBT}/job/schema.go:495-497"),
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
        between("scheduleInterval", 1, 23, f"{_DBT}/job/schema.go:394-395"),
        excludes("scheduleInterval", "scheduleHours", f"{_DBT}/job/schema.go:396-399"),
        excludes("scheduleInterval", "scheduleCron", f"{_DBT}/job/schema.go:396-399"),
        excludes("scheduleHours", "scheduleCron", f"{_DBT}/job/schema.go:408-411"),
        size_at_least("scheduleHours", 1, f"{_DBT}/job/schema.go:406-407"),
        size_at_least("scheduleDays", 1, f"{_DBT}/job/schema.go:418-419"),
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
        custom(
            "costOptimizationFeatures",
            "features among state_aware_orchestration, dbt_state, inherit_environment; dbt_state and "
            "inherit_environment alone",
            "pulumi_dbtcloud/job.py (Job.cost_optimization_features: all three, dbt_state and inherit_environment "
            f"alone); {_DBT}/job/validators/cost_optimization_features_validator.go:89-97 (v1.12.5: the first two)",
            _cost_features,
        ),
        custom(
            "costOptimizationFeatures",
            "on a pull-request or merge job, dbt_state alone or nothing (anything else is dropped without a word)",
            f"{_DBT}/job/resource.go:996-1012 (filterCostOptimizationFeaturesForCIOrMerge), :1126-1135",
            _dropped_on_ci_or_merge,
        ),
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
}
