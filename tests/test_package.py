"""`components/` as a Pulumi component package: its schema (committed, current, complete), its provider, its type
tokens, and every component constructed as another language's SDK would ask for it."""

from __future__ import annotations

import inspect
import json
import re

import pulumi
import pytest
import yaml
from pulumi.provider.experimental import host
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError
from sdk_types import type_problems

import components
from components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION
from synth.__main__ import main
from synth.package_schema import PACKAGE_SCHEMA_FILE, package_schema
from synth.render import PROJECT_ROOT, run_under_mocks

STRING, INTEGER, BOOLEAN, OBJECT, ARRAY = "string", "integer", "boolean", "object", "array"


def ref(name: str) -> str:
    return f"#/types/dbtplatform:index:{name}"


# Every component: its inputs with their schema types (required ones marked *), its outputs with theirs.
EXPECTED = {
    "SqlWarehouse": (
        {
            "name*": STRING,
            "size*": STRING,
            "autoStopMinutes*": INTEGER,
            "allowNeverStop": BOOLEAN,
            "serverless": BOOLEAN,
            "warehouseType": STRING,
            "minClusters": INTEGER,
            "maxClusters": INTEGER,
            "spotInstancePolicy": STRING,
            "tags": OBJECT,
            "importId": STRING,
        },
        {"warehouseId": STRING, "host": STRING, "httpPath": STRING},
    ),
    "DatabricksConnection": (
        {"name*": STRING, "host*": STRING, "httpPath*": STRING, "catalog": STRING, "importId": STRING},
        {"connectionId": INTEGER},
    ),
    "DbtServicePrincipal": (
        {
            "displayName*": STRING,
            "warehouseId*": STRING,
            "tokenUsage*": ref("TokenUsage"),
            "cloud": STRING,
            "credentialLifetimeDays": INTEGER,
            "rotateAfterDays": INTEGER,
            "credentialRotation": INTEGER,
            "catalogGrants": OBJECT,
            "schemaGrants": OBJECT,
            "warehouseAccess": OBJECT,
            "azureApplicationId": STRING,
            "azureTenantId": STRING,
            "workspaceHost": STRING,
            "clientSecret": STRING,
        },
        {"applicationId": STRING, "token": STRING, "tokenRotatesAt": STRING},
    ),
    "DbtProject": (
        {
            "name*": STRING,
            "repository*": ref("GitRepository"),
            "description": STRING,
            "dbtProjectSubdirectory": STRING,
            "projectImportId": STRING,
            "repositoryImportId": STRING,
        },
        {"projectId": INTEGER, "repositoryId": INTEGER, "deployKey": STRING},
    ),
    "AdoptedProject": (
        {"fromStack": STRING, "projectId": INTEGER, "environmentIds": OBJECT},
        {"projectId": INTEGER, "environmentIds": OBJECT},
    ),
    "DbtEnvironments": (
        {
            "environments*": OBJECT,
            "projectId*": INTEGER,
            "connectionId*": INTEGER,
            "deploymentToken": STRING,
            "principalToken": STRING,
            "protectProduction": BOOLEAN,
        },
        {"environmentIds": OBJECT, "environmentNames": OBJECT},
    ),
    "DbtJobs": (
        {
            "jobs*": OBJECT,
            "projectId*": INTEGER,
            "environmentIds*": OBJECT,
            "accountId*": INTEGER,
            "hostUrl": STRING,
            "gitCloneStrategy": STRING,
        },
        {"jobIds": OBJECT, "summary": OBJECT},
    ),
    "JobNotifications": ({"notifications*": OBJECT, "jobIds*": OBJECT}, {}),
    "EnvironmentVariables": (
        {"projectId*": INTEGER, "environmentNames*": OBJECT, "variables": OBJECT, "secretVariables": OBJECT},
        {},
    ),
}

NESTED = {
    "TokenUsage": {"viaGroup": STRING, "manage": BOOLEAN, "keepAccessFor": ARRAY},
    "GitRepository": {
        "remoteUrl*": STRING,
        "gitCloneStrategy": STRING,
        "githubInstallationId": INTEGER,
        "gitlabProjectId": INTEGER,
        "azureActiveDirectoryProjectId": STRING,
        "azureActiveDirectoryRepositoryId": STRING,
    },
    "Environment": {
        "name*": STRING,
        "type*": STRING,
        "deploymentType": STRING,
        "dbtVersion": STRING,
        "customBranch": STRING,
        "credential": ref("EnvironmentCredential"),
        "importId": STRING,
        "credentialImportId": STRING,
    },
    "EnvironmentCredential": {"schema*": STRING, "catalog": STRING, "runAs": STRING},
    "Job": {
        "name*": STRING,
        "environment*": STRING,
        "steps*": ARRAY,
        "description": STRING,
        "scheduleCron": STRING,
        "runOnPullRequest": BOOLEAN,
        "runOnMerge": BOOLEAN,
        "runAfter": ref("RunAfter"),
        "deferTo": STRING,
        "threads": INTEGER,
        "timeoutMinutes": INTEGER,
        "generateDocs": BOOLEAN,
        "sourceFreshness": BOOLEAN,
        "targetName": STRING,
        "importId": STRING,
    },
    "RunAfter": {"job*": STRING, "statuses": ARRAY},
    "JobLink": {"id*": INTEGER, "url*": STRING},
    "Notification": {
        "type*": STRING,
        "userId*": INTEGER,
        "externalEmail": STRING,
        "slackChannelId": STRING,
        "slackChannelName": STRING,
        "onSuccess": ARRAY,
        "onFailure": ARRAY,
        "onCancel": ARRAY,
        "onWarning": ARRAY,
    },
}

# Where an optional input's default is not a value, its description says when it is required or what its absence
# means: every optional input documents one or the other.
SAYS_DEFAULT = re.compile(r"Default|Required|[Ww]ithout|[Oo]nly |Leave it out")


@pytest.fixture(scope="module")
def schema() -> dict:
    return package_schema()


def kind(prop: dict) -> str:
    return prop.get("type") or prop["$ref"]


def described(properties: dict, required: list[str]) -> dict[str, str]:
    return {name + ("*" if name in required else ""): kind(prop) for name, prop in properties.items()}


def test_the_committed_package_schema_is_current(schema, capsys):
    committed = json.loads((PROJECT_ROOT / PACKAGE_SCHEMA_FILE).read_text())
    assert committed == schema, "run: python -m synth package-schema --write"
    assert main(["package-schema"]) == 0
    assert json.loads(capsys.readouterr().out) == committed


def test_the_package_is_dbtplatform_with_one_resource_per_component(schema):
    assert (schema["name"], schema["version"]) == (PACKAGE_NAME, PACKAGE_VERSION) == ("dbtplatform", "0.1.0")
    assert sorted(schema["resources"]) == sorted(f"dbtplatform:index:{name}" for name in EXPECTED)
    assert all(resource["isComponent"] for resource in schema["resources"].values())
    assert schema.get("dependencies", []) == []  # no resource references: nothing for a caller to install first


@pytest.mark.parametrize("component", EXPECTED)
def test_each_component_its_inputs_with_types_and_descriptions_and_its_outputs(schema, component):
    resource = schema["resources"][f"dbtplatform:index:{component}"]
    inputs, outputs = EXPECTED[component]
    assert described(resource["inputProperties"], resource["requiredInputs"]) == inputs
    assert {name: kind(prop) for name, prop in resource["properties"].items()} == outputs
    assert len(resource["description"]) > 40
    for name, prop in {**resource["inputProperties"], **resource["properties"]}.items():
        assert prop.get("description"), f"{component}.{name} has no description"
    for name, prop in resource["inputProperties"].items():
        if name not in resource["requiredInputs"]:
            assert SAYS_DEFAULT.search(prop["description"]), f"{component}.{name}: say its default"


@pytest.mark.parametrize("type_name", NESTED)
def test_each_nested_type_with_types_and_descriptions(schema, type_name):
    spec = schema["types"][f"dbtplatform:index:{type_name}"]
    assert described(spec["properties"], spec.get("required", [])) == NESTED[type_name]
    assert spec.get("description")
    for name, prop in spec["properties"].items():
        assert prop.get("description"), f"{type_name}.{name} has no description"
        if name not in spec.get("required", []):
            assert SAYS_DEFAULT.search(prop["description"]), f"{type_name}.{name}: say its default"


def test_maps_of_nested_types_and_their_units(schema):
    resources = schema["resources"]
    jobs = resources["dbtplatform:index:DbtJobs"]["inputProperties"]["jobs"]
    assert jobs["additionalProperties"]["$ref"] == ref("Job")
    environments = resources["dbtplatform:index:DbtEnvironments"]["inputProperties"]["environments"]
    assert environments["additionalProperties"]["$ref"] == ref("Environment")
    grants = resources["dbtplatform:index:DbtServicePrincipal"]["inputProperties"]["catalogGrants"]
    assert grants["additionalProperties"] == {
        **grants["additionalProperties"],
        "type": ARRAY,
        "items": {**grants["additionalProperties"]["items"], "type": STRING},
    }
    summary = resources["dbtplatform:index:DbtJobs"]["properties"]["summary"]
    assert summary["additionalProperties"]["$ref"] == ref("JobLink")
    warehouse = resources["dbtplatform:index:SqlWarehouse"]["inputProperties"]
    auto_stop = warehouse["autoStopMinutes"]["description"]
    assert "minutes" in auto_stop and "120" in auto_stop
    assert (
        "Default 90"
        in resources["dbtplatform:index:DbtServicePrincipal"]["inputProperties"]["credentialLifetimeDays"][
            "description"
        ]
    )


# --- The plugin ---------------------------------------------------------------------------------------------------


def test_the_plugin_runs_python_and_hosts_every_component():
    plugin = yaml.safe_load((PROJECT_ROOT / "components" / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    entry = (PROJECT_ROOT / "components" / "__main__.py").read_text()
    assert "component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=PACKAGE_VERSION)" in entry
    defined = {
        value
        for module in vars(components).values()
        if inspect.ismodule(module)
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, pulumi.ComponentResource)
        and value is not pulumi.ComponentResource
    }
    assert set(COMPONENTS) == defined


HISTORICAL_TOKENS = {
    "SqlWarehouse": "dbtplatform:databricks:SqlWarehouse",
    "DatabricksConnection": "dbtplatform:dbtcloud:DatabricksConnection",
    "DbtServicePrincipal": "dbtplatform:databricks:ServicePrincipal",
    "DbtProject": "dbtplatform:dbtcloud:Project",
    "AdoptedProject": "dbtplatform:dbtcloud:AdoptedProject",
    "DbtEnvironments": "dbtplatform:dbtcloud:Environments",
    "DbtJobs": "dbtplatform:dbtcloud:Jobs",
    "JobNotifications": "dbtplatform:dbtcloud:JobNotifications",
    "EnvironmentVariables": "dbtplatform:dbtcloud:EnvironmentVariables",
}


def test_this_repositorys_stacks_keep_their_type_tokens(renderings):
    registered = {r.type for rendering in renderings.values() for r in rendering.components()}
    assert registered <= set(HISTORICAL_TOKENS.values())
    assert {"dbtplatform:databricks:SqlWarehouse", "dbtplatform:dbtcloud:Jobs"} <= registered


# --- Constructed as another language's SDK asks for it ---------------------------------------------------------

SMALLEST = {
    "SqlWarehouse": {"name": "w", "size": "2X-Small", "autoStopMinutes": 10.0},
    "DatabricksConnection": {"name": "c", "host": "h.example.com", "httpPath": "/sql/1.0/warehouses/abc"},
    "DbtServicePrincipal": {"displayName": "dbt", "warehouseId": "abc", "tokenUsage": {"viaGroup": "dbt-tokens"}},
    "DbtProject": {
        "name": "P",
        "repository": {
            "remoteUrl": "https://github.com/o/r.git",
            "gitCloneStrategy": "github_app",
            "githubInstallationId": 42.0,
        },
    },
    "AdoptedProject": {"projectId": 5.0, "environmentIds": {"production": 6.0}},
    "DbtEnvironments": {
        "environments": {
            "prod": {
                "name": "Production",
                "type": "deployment",
                "deploymentType": "production",
                "credential": {"schema": "s"},
            }
        },
        "projectId": 1.0,
        "connectionId": 2.0,
        "deploymentToken": "t0ken",
    },
    "DbtJobs": {
        "jobs": {
            "daily": {
                "name": "Daily",
                "environment": "prod",
                "steps": ["dbt build"],
                "scheduleCron": "0 2 * * *",
                "timeoutMinutes": 60.0,
            },
            "after": {"name": "After", "environment": "prod", "steps": ["dbt test"], "runAfter": {"job": "daily"}},
        },
        "projectId": 1.0,
        "environmentIds": {"prod": 2.0},
        "accountId": 9.0,
    },
    "JobNotifications": {
        "notifications": {"me": {"type": "userEmail", "userId": 3.0, "onFailure": ["daily"]}},
        "jobIds": {"daily": 7.0},
    },
    "EnvironmentVariables": {
        "projectId": 1.0,
        "environmentNames": {"prod": "Production"},
        "variables": {"DBT_TARGET": {"project": "x", "prod": "y"}},
    },
}


@pytest.fixture
def hosted(monkeypatch):
    """The package's provider, as `components/__main__.py` starts it."""
    monkeypatch.setattr(host, "is_hosting", True)
    return ComponentProvider(COMPONENTS, PACKAGE_NAME, None, PACKAGE_VERSION)


@pytest.mark.parametrize("component", SMALLEST)
def test_each_component_constructed_through_the_package(hosted, component):
    results = []

    def program():
        results.append(hosted.construct("x", f"dbtplatform:index:{component}", SMALLEST[component]))

    rendering = run_under_mocks(program, "package-test", "test", {})
    (registered,) = rendering.components()
    assert registered.type == f"dbtplatform:index:{component}"  # the token the generated SDKs ask for
    assert set(results[0].state) <= set(EXPECTED[component][1])
    for resource in rendering.resources():
        assert resource.parent == registered.urn
        if not resource.type.startswith("pulumi:"):
            assert type_problems(resource.type, resource.inputs) == []


def test_numbers_arrive_as_whole_numbers_through_the_package(hosted):
    rendering = run_under_mocks(
        lambda: hosted.construct("jobs", "dbtplatform:index:DbtJobs", SMALLEST["DbtJobs"]), "package-test", "test", {}
    )
    daily = next(r for r in rendering.resources() if r.name == "jobs-daily")
    assert daily.inputs["execution"] == {"timeoutSeconds": 3600}


def test_a_caller_in_another_language_gets_the_same_clear_refusal(hosted):
    caught = []

    def program():
        try:
            hosted.construct(
                "wh", "dbtplatform:index:SqlWarehouse", {"name": "w", "size": "Small", "autoStopMinutes": 5.0}
            )
        except ComponentInitError as error:
            caught.append(error)

    rendering = run_under_mocks(program, "package-test", "test", {})
    assert str(caught[0]) == (
        "SqlWarehouse 'wh': autoStopMinutes = 5: autoStopMinutes must be 0 or at least 10 for serverless warehouses "
        "(you wrote 5; 0, never stop, also needs allowNeverStop: true)"
    )
    assert rendering.registrations == []


def test_maps_from_other_components_outputs_are_looked_up_when_they_resolve(hosted):
    """In TypeScript or Go, `jobIds: jobs.jobIds` is an Output: the keys are checked once it resolves."""

    def program():
        job_ids = pulumi.Output.from_input({"daily": 7})
        components.JobNotifications(
            "n",
            {"notifications": {"me": {"type": "userEmail", "user_id": 3, "on_failure": ["daily"]}}, "job_ids": job_ids},
        )
        components.EnvironmentVariables(
            "v",
            {
                "project_id": 1,
                "environment_names": pulumi.Output.from_input({"prod": "Production"}),
                "variables": {"DBT_X": {"prod": "y"}},
            },
        )

    rendering = run_under_mocks(program, "package-test", "test", {})
    inputs = {r.name: r.inputs for r in rendering.resources()}
    assert inputs["n-me"]["onFailures"] == [7]
    assert inputs["v-dbt-x"]["environmentValues"] == {"Production": "y"}


# --- No settings objects in the components ----------------------------------------------------------------------


def test_components_import_only_the_pure_rules_of_settings():
    allowed = {"settings.rules", "settings.rotation"}
    for path in sorted((PROJECT_ROOT / "components").glob("*.py")):
        imported = set(re.findall(r"^from (settings[\w.]*) import|^import (settings[\w.]*)", path.read_text(), re.M))
        modules = {name for pair in imported for name in pair if name}
        assert modules <= allowed, f"{path.name} imports {modules - allowed}"


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_stack_args_hand_the_components_plain_values_and_pulumi_secrets(stack):
    """What `stack_args` builds from a stack's settings: plain data, Pulumi Inputs, never a settings object or a
    pydantic secret (whose value a component could not see, or would leak)."""
    from pydantic import BaseModel, SecretStr
    from stack_config import raw_config, short_values

    import stack_args
    from settings import load_settings

    values = short_values(stack)
    settings = load_settings(raw_config(values, ("deploymentToken",))).settings

    def walk(value, path):
        assert not isinstance(value, (BaseModel, SecretStr)), path
        assert value is not None, f"{path}: left out, not None, so that the component's default applies"
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    def program():
        built = {
            "warehouse": stack_args.warehouse(settings),
            "connection": stack_args.connection(settings, "h", "/p"),
            "environments": stack_args.environments(settings, 1, 2, pulumi.Output.secret("t")),
            "jobs": stack_args.jobs(
                settings,
                1,
                {key: 3 for key in settings.environments} | {key: 4 for key in settings.external_environment_keys()},
            ),
            "notifications": stack_args.notifications(settings, {key: 5 for key in settings.jobs}),
            "variables": stack_args.environment_variables(settings, 1, {k: "n" for k in settings.environments}),
        }
        if settings.service_principal is not None:
            built["principal"] = stack_args.service_principal(settings, "w")
        built["project"] = (
            stack_args.project(settings) if settings.project.creates_project else stack_args.adopted_project(settings)
        )
        walk(built, stack)
        secret = built["environments"].get("deployment_token") or built["environments"]["principal_token"]
        assert isinstance(secret, pulumi.Output)

    run_under_mocks(program, "package-test", stack, {})


def test_the_packages_provider_serves_the_committed_schema(package_provider):
    """`components/__main__.py` run as the Python language host runs it (from the `components` folder, with an engine
    address) answers GetSchema with exactly the committed schema: what `pulumi package add` generates SDKs from."""
    import grpc
    from package_provider import stop_provider
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    process = package_provider
    try:
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), process.stderr.read().decode()[-2000:]
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            answer = provider_pb2_grpc.ResourceProviderStub(channel).GetSchema(
                provider_pb2.GetSchemaRequest(version=0), timeout=30
            )
    finally:
        stop_provider(process)
    assert json.loads(answer.schema) == json.loads((PROJECT_ROOT / PACKAGE_SCHEMA_FILE).read_text())
