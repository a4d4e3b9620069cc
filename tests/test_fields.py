"""The field tables hold: every argument of every provider resource the components create is passed, made by hand or
left to the provider with a reason (an SDK upgrade that adds one fails here until someone decides), every table
entry is a component argument and a stack-file setting, and every setting reaches a component or says where it goes.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
from pathlib import Path

import pulumi
import pytest

import stack_args
from components import fields
from components.fields import ABSENT, ProviderArguments, camel
from components.rules import NOTIFICATION_KINDS, REPOSITORY_IDS
from settings import (
    ConnectionSettings,
    CredentialSettings,
    EnvironmentSettings,
    JobSettings,
    ProjectSettings,
    RepositorySettings,
    ServicePrincipalSettings,
    WarehouseSettings,
)
from settings.notifications import SlackNotification
from settings.service_principal import TokenPermissionsSettings
from synth.render import PROJECT_ROOT, run_under_mocks

MODULES = (
    "warehouse",
    "connection",
    "service_principal",
    "project",
    "environments",
    "jobs",
    "notifications",
    "environment_variables",
)


def module(name: str):
    return importlib.import_module(f"components.{name}")


DECLARED = [arguments for name in MODULES for arguments in module(name).PROVIDER_ARGUMENTS]


def token_of(resource: type) -> str:
    """The engine's type token of an SDK resource class (`pulumi_dbtcloud.Job` -> `dbtcloud:index/job:Job`)."""
    package = {"pulumi_dbtcloud": "dbtcloud", "pulumi_databricks": "databricks", "pulumiverse_time": "time"}[
        resource.__module__.split(".")[0]
    ]
    if issubclass(resource, pulumi.ProviderResource):
        return f"pulumi:providers:{package}"
    name = resource.__name__
    return f"{package}:index/{name[0].lower()}{name[1:]}:{name}"


@pytest.mark.parametrize("arguments", DECLARED, ids=[a.resource.__name__ for a in DECLARED])
def test_every_argument_of_the_pinned_sdk_is_decided_once(arguments: ProviderArguments):
    covered = arguments.covered()
    sdk = arguments.sdk_arguments()
    assert sorted(sdk - set(covered)) == [], "arguments of the pinned SDK that no table covers: decide where they go"
    assert sorted(set(covered) - sdk) == [], "table entries the pinned SDK does not have"
    twice = {argument: ways for argument, ways in covered.items() if "," in ways}
    assert twice == {}, "arguments covered twice"
    for entry in arguments.not_modelled.values():
        assert entry.why.strip(), "a reason is needed"


def test_every_resource_the_stacks_declare_has_its_arguments_declared(renderings):
    declared = {token_of(arguments.resource) for arguments in DECLARED}
    rendered = {r.type for rendering in renderings.values() for r in rendering.resources()}
    assert rendered - {"pulumi:pulumi:StackReference"} <= declared


TABLES = [
    ("warehouse", "WAREHOUSE_FIELDS", "SqlWarehouseArgs", WarehouseSettings),
    ("connection", "CONNECTION_FIELDS", "DatabricksConnectionArgs", ConnectionSettings),
    ("service_principal", "PRINCIPAL_FIELDS", "DbtServicePrincipalArgs", ServicePrincipalSettings),
    ("project", "PROJECT_FIELDS", "DbtProjectArgs", ProjectSettings),
    ("project", "REPOSITORY_FIELDS", "GitRepository", RepositorySettings),
    ("environments", "ENVIRONMENT_FIELDS", "Environment", EnvironmentSettings),
    ("environments", "CREDENTIAL_FIELDS", "EnvironmentCredential", CredentialSettings),
    ("jobs", "JOB_FIELDS", "Job", JobSettings),
    ("notifications", "NOTIFICATION_FIELDS", "Notification", SlackNotification),
]
"""Each field table, the component arguments it belongs to, and the settings section a stack file writes them in."""


def typed_keys(typed_dict: type) -> set[str]:
    return set(typed_dict.__required_keys__ | typed_dict.__optional_keys__)


def aliases(model: type) -> dict[str, str]:
    """A settings model's stack-file keys -> field names."""
    return {info.alias or camel(name): name for name, info in model.model_fields.items()}


@pytest.mark.parametrize("module_name, table, arguments, settings", TABLES, ids=[t[1] for t in TABLES])
def test_each_table_entry_is_a_component_argument_and_a_setting(module_name, table, arguments, settings):
    entries = getattr(module(module_name), table)
    typed = getattr(module(module_name), arguments)
    keys = aliases(settings)
    for key, entry in entries.items():
        assert key in typed_keys(typed), f"{table}.{key} is not an argument of {arguments}"
        assert camel(key) in keys, f"{table}.{key}: no setting {camel(key)!r} in {settings.__name__}"
        field = settings.model_fields[keys[camel(key)]]
        if not field.is_required() and field.default is not None and entry.silent is not ABSENT:
            # A silent stack file and a silent caller of the component must mean the same.
            assert field.default == entry.silent, f"{table}.{key}: the setting's default is not the component's"


SECTIONS = [
    (WarehouseSettings, ["SqlWarehouseArgs"]),
    (ConnectionSettings, ["DatabricksConnectionArgs"]),
    (ServicePrincipalSettings, ["DbtServicePrincipalArgs"]),
    (TokenPermissionsSettings, ["TokenUsage"]),
    (ProjectSettings, ["DbtProjectArgs", "ReferencedProjectArgs"]),
    (RepositorySettings, ["GitRepository"]),
    (EnvironmentSettings, ["Environment"]),
    (CredentialSettings, ["EnvironmentCredential"]),
    (JobSettings, ["Job"]),
    (SlackNotification, ["Notification"]),
]


@pytest.mark.parametrize("settings, argument_types", SECTIONS, ids=[s[0].__name__ for s in SECTIONS])
def test_every_setting_reaches_a_component_or_says_where_it_goes(settings, argument_types):
    import components

    taken = {camel(key) for name in argument_types for key in typed_keys(getattr(components, name))}
    for alias, name in aliases(settings).items():
        translated = f"{settings.__name__}.{name}" in stack_args.TRANSLATED
        assert alias in taken or translated, (
            f"{settings.__name__}.{name} ({alias}) reaches no component: add it to the component's arguments (and its "
            "field table), or say in stack_args.TRANSLATED where it goes"
        )


def test_every_component_argument_is_read_by_its_component():
    """An argument declared and never read would be silently dropped: each is read by the component's code (or
    handed over through its field table)."""
    for name in MODULES:
        path = PROJECT_ROOT / "components" / f"{name}.py"
        tree = ast.parse(path.read_text())
        typed = [node for node in tree.body if isinstance(node, ast.ClassDef) and _is_typed_dict(node)]
        declared = {
            item.target.id
            for node in typed
            for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }
        outside = [node for node in tree.body if node not in typed]
        read = {
            node.value
            for part in outside
            for node in ast.walk(part)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        # Arguments named by the rules' tables: the notifications' recipients (by kind), the repository's ids (by
        # clone strategy).
        read |= {field for kind in NOTIFICATION_KINDS.values() for field in kind.fields}
        read |= {argument for ids in REPOSITORY_IDS.values() for argument in ids}
        assert declared - read == set(), f"components/{name}.py declares arguments it never reads"


def _is_typed_dict(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id == "TypedDict" for base in node.bases)


SAMPLES = {
    "description": {"description": "made by the table test"},
    "target_name": {"target_name": "ci"},
    "generate_docs": {"generate_docs": True},
    "source_freshness": {"source_freshness": True},
    "dbt_version": {"dbt_version": "1.7.0-latest"},
    "deployment_type": {"deployment_type": "staging"},
    "catalog": {"catalog": "main"},
    "schema": {"schema": "other"},
    "dbt_project_subdirectory": {"dbt_project_subdirectory": "dbt"},
    "warehouse_type": {"warehouse_type": "CLASSIC", "serverless": False},
    "serverless": {"serverless": False},
    "min_clusters": {"min_clusters": 2, "max_clusters": 3},
    "max_clusters": {"max_clusters": 3},
    "size": {"size": "Medium"},
    "remote_url": {"remote_url": "git@github.com:o/other.git"},
    "git_clone_strategy": {"git_clone_strategy": "deploy_key", "github_installation_id": None},
    "github_installation_id": {"github_installation_id": 43},
    "gitlab_project_id": {"git_clone_strategy": "deploy_token", "github_installation_id": None, "gitlab_project_id": 5},
    "azure_active_directory_project_id": {
        "git_clone_strategy": "azure_active_directory_app",
        "github_installation_id": None,
        "azure_active_directory_project_id": "p",
        "azure_active_directory_repository_id": "r",
    },
    "name": {"name": "renamed"},
    "type": {"type": "development", "credential": None},
    "display_name": {"display_name": "renamed"},
    "azure_application_id": {
        "cloud": "azure",
        "azure_application_id": "00000000-0000-0000-0000-000000000001",
        "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
        "workspace_host": "https://adb-1.azuredatabricks.net",
        "client_secret": "s3cret",
    },
    "user_id": {"user_id": 4},
    "compare_changes": {"compare_changes": True, "run_on_pull_request": True, "defer_to": "e"},
    "compare_changes_flags": {
        "compare_changes": True,
        "compare_changes_flags": "--select state:modified+",
        "run_on_pull_request": True,
        "defer_to": "e",
    },
    "sql_lint": {"sql_lint": True, "run_on_pull_request": True},
    "fail_on_lint_errors": {"sql_lint": True, "fail_on_lint_errors": False, "run_on_pull_request": True},
    "trigger_on_draft_pull_requests": {"trigger_on_draft_pull_requests": True, "run_on_pull_request": True},
}
SAMPLES["azure_active_directory_repository_id"] = SAMPLES["azure_active_directory_project_id"]
"""Changes to the smallest component that give each field-table entry a value of its own (None: left out)."""

SMALLEST = {
    "warehouse": ("SqlWarehouse", {"name": "w", "size": "2X-Small", "auto_stop_minutes": 10}),
    "connection": ("DatabricksConnection", {"name": "c", "host": "h.example.com", "http_path": "/sql/1.0/x"}),
    "service_principal": (
        "DbtServicePrincipal",
        {"display_name": "dbt", "warehouse_id": "abc", "token_usage": {"via_group": "dbt-tokens"}},
    ),
    "project": (
        "DbtProject",
        {
            "name": "P",
            "repository": {
                "remote_url": "git@github.com:o/r.git",
                "git_clone_strategy": "github_app",
                "github_installation_id": 42,
            },
        },
    ),
    "environments": (
        "DbtEnvironments",
        {
            "environments": {"e": {"name": "E", "type": "deployment", "credential": {"schema": "s"}}},
            "project_id": 1,
            "connection_id": 2,
            "deployment_token": "t0ken",
        },
    ),
    "jobs": (
        "DbtJobs",
        {
            "jobs": {"j": {"name": "J", "environment": "e", "steps": ["dbt build"]}},
            "project_id": 1,
            "environment_ids": {"e": 2},
            "account_id": 9,
        },
    ),
    "notifications": (
        "JobNotifications",
        {"notifications": {"n": {"type": "userEmail", "user_id": 3, "on_failure": ["j"]}}, "job_ids": {"j": 7}},
    ),
}
WHERE = {
    "REPOSITORY_FIELDS": ("repository",),
    "ENVIRONMENT_FIELDS": ("environments", "e"),
    "CREDENTIAL_FIELDS": ("environments", "e", "credential"),
    "JOB_FIELDS": ("jobs", "j"),
    "NOTIFICATION_FIELDS": ("notifications", "n"),
}
"""Where in the component's arguments each nested table's entries sit."""

PASSED = [
    (module_name, table, key) for module_name, table, _, _ in TABLES for key in getattr(module(module_name), table)
]


@pytest.mark.parametrize("module_name, table, key", PASSED, ids=[f"{t}.{k}" for _, t, k in PASSED])
def test_each_table_entry_reaches_the_provider_under_its_name(module_name, table, key):
    component, smallest = SMALLEST[module_name]
    args = copy.deepcopy(smallest)
    target = args
    for part in WHERE.get(table, ()):
        target = target[part]
    for name, value in SAMPLES[key].items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    entry = getattr(module(module_name), table)[key]
    import components

    rendering = run_under_mocks(lambda: getattr(components, component)("x", args), "fields-test", "test", {})
    resource_type = token_of(
        next(a.resource for a in module(module_name).PROVIDER_ARGUMENTS if a.passed.get(key) is entry)
    )
    values = [fields.api_value(r.inputs, camel(entry.provider)) for r in rendering.resources(resource_type)]
    assert SAMPLES[key][key] in values, f"{table}.{key} did not reach {resource_type} as {camel(entry.provider)}"


def test_a_new_sdk_argument_fails_until_it_is_decided():
    """The check above can fail: an SDK resource with one more argument than its table knows."""
    from components.jobs import JOB

    class NewerJob(JOB.resource):  # type: ignore[misc, valid-type]
        def _internal_init(self, resource_name, opts=None, brand_new_argument=None, **kwargs):  # noqa: ANN001
            pass

    newer = ProviderArguments(NewerJob, JOB.passed, JOB.by_hand, JOB.not_modelled)
    assert "brand_new_argument" in newer.sdk_arguments() - set(newer.covered())
    assert [argument for argument, _, _ in fields.left_to_provider(newer, {"brand_new_argument": 1})] == [
        "brand_new_argument"
    ]
    assert inspect.signature(NewerJob._internal_init).parameters


def test_the_tables_are_the_only_place_a_passed_argument_is_named():
    """A passed argument is handed over by `fields.passed`, not named again in the provider call."""
    for name in MODULES:
        tree = ast.parse((Path(PROJECT_ROOT) / "components" / f"{name}.py").read_text())
        for arguments in module(name).PROVIDER_ARGUMENTS:
            calls = [
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == arguments.resource.__name__
            ]
            named = {keyword.arg for call in calls for keyword in call.keywords}
            again = named & {entry.provider for entry in arguments.passed.values()}
            assert again == set(), f"{name}.py names {again} in its {arguments.resource.__name__} call too"
