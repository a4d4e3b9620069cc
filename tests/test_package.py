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
from components.fields import camel
from synth.__main__ import main
from synth.package_schema import PACKAGE_SCHEMA_FILE, package_schema
from synth.render import PROJECT_ROOT, run_under_mocks

ARRAY, STRING = "array", "string"


def ref(name: str) -> str:
    return f"#/types/dbtplatform:index:{name}"


def arguments_of(component: type) -> type:
    """A component's arguments type (its constructor's `args` annotation)."""
    return inspect.signature(component.__init__).parameters["args"].annotation


def typed_dicts(typed: type, found: dict[str, type]) -> dict[str, type]:
    """Every TypedDict reachable from `typed`'s fields: the package's nested types."""
    import typing

    def parts(hint: object) -> list:
        return [hint, *(part for arg in typing.get_args(hint) for part in parts(arg))]

    for hint in typed.__annotations__.values():
        for arg in parts(hint):
            if isinstance(arg, type) and hasattr(arg, "__required_keys__") and arg.__name__ not in found:
                found[arg.__name__] = arg
                typed_dicts(arg, found)
    return found


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
    assert sorted(schema["resources"]) == sorted(f"dbtplatform:index:{c.__name__}" for c in COMPONENTS)
    assert all(resource["isComponent"] for resource in schema["resources"].values())
    assert schema.get("dependencies", []) == []  # no resource references: nothing for a caller to install first


@pytest.mark.parametrize("component", COMPONENTS, ids=[c.__name__ for c in COMPONENTS])
def test_each_component_its_inputs_and_outputs_as_the_code_declares_them(schema, component):
    """The schema (the committed snapshot, held current above) carries each argument of the component's TypedDict,
    required as the TypedDict says, and each output it declares, every one described."""
    resource = schema["resources"][f"dbtplatform:index:{component.__name__}"]
    typed = arguments_of(component)
    assert set(resource["inputProperties"]) == {camel(key) for key in typed.__required_keys__ | typed.__optional_keys__}
    assert set(resource["requiredInputs"]) == {camel(key) for key in typed.__required_keys__}
    outputs = {name for name, hint in component.__annotations__.items() if "Output" in str(hint)}
    assert {camel(name) for name in outputs} <= set(resource["properties"])
    assert len(resource["description"]) > 40
    for name, prop in {**resource["inputProperties"], **resource["properties"]}.items():
        assert prop.get("description"), f"{component.__name__}.{name} has no description"
    for name, prop in resource["inputProperties"].items():
        if name not in resource["requiredInputs"]:
            assert SAYS_DEFAULT.search(prop["description"]), f"{component.__name__}.{name}: say its default"


NESTED = sorted(
    {
        name: typed for component in COMPONENTS for name, typed in typed_dicts(arguments_of(component), {}).items()
    }.items()
)


@pytest.mark.parametrize("type_name, typed", NESTED, ids=[name for name, _ in NESTED])
def test_each_nested_type_as_the_code_declares_it(schema, type_name, typed):
    spec = schema["types"][f"dbtplatform:index:{type_name}"]
    assert set(spec["properties"]) == {camel(key) for key in typed.__required_keys__ | typed.__optional_keys__}
    assert set(spec.get("required", [])) == {camel(key) for key in typed.__required_keys__}
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
    assert "component_provider_host(package.COMPONENTS, name=package.PACKAGE_NAME" in entry
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
    "ReferencedProject": "dbtplatform:dbtcloud:AdoptedProject",  # its name before it was renamed: URNs kept
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
            "remoteUrl": "git@github.com:o/r.git",
            "gitCloneStrategy": "github_app",
            "githubInstallationId": 42.0,
        },
    },
    "ReferencedProject": {"projectId": 5.0, "environmentIds": {"production": 6.0}},
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


def hosted_schema_outputs(component: str) -> set[str]:
    committed = json.loads((PROJECT_ROOT / PACKAGE_SCHEMA_FILE).read_text())
    return set(committed["resources"][f"dbtplatform:index:{component}"]["properties"])


@pytest.fixture(scope="module")
def provider() -> ComponentProvider:
    """The package's provider, made once: it analyses every component's code (a sixth of a second), and keeps nothing
    of what it constructs."""
    return ComponentProvider(COMPONENTS, PACKAGE_NAME, None, PACKAGE_VERSION)


@pytest.fixture
def hosted(monkeypatch, provider):
    """The package's provider, as `components/__main__.py` starts it."""
    monkeypatch.setattr(host, "is_hosting", True)
    return provider


@pytest.mark.parametrize("component", SMALLEST)
def test_each_component_constructed_through_the_package(hosted, component):
    results = []

    def program():
        results.append(hosted.construct("x", f"dbtplatform:index:{component}", SMALLEST[component]))

    rendering = run_under_mocks(program, "package-test", "test", {})
    (registered,) = rendering.components()
    assert registered.type == f"dbtplatform:index:{component}"  # the token the generated SDKs ask for
    assert set(results[0].state) <= set(hosted_schema_outputs(component))
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


def test_components_import_nothing_of_this_repository_outside_the_package():
    project_packages = r"(settings|synth|ops|policy|stack_args|runtime_config|tests)"
    for path in sorted((PROJECT_ROOT / "components").glob("*.py")):
        imported = re.findall(rf"^\s*(?:from|import) {project_packages}\b", path.read_text(), re.M)
        assert not imported, f"{path.name} imports {imported}: the component package must stand on its own"
        assert "sys.path" not in path.read_text(), f"{path.name} changes the import path"


def test_the_shared_rules_load_no_sdk_pydantic_or_cron_library():
    from helpers import modules_after_imports

    heavy = {"pulumi", "pulumi_dbtcloud", "pulumi_databricks", "pydantic", "croniter", "cron_descriptor"}
    assert sorted(heavy & set(modules_after_imports()["components.rules"])) == []


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
            stack_args.project(settings)
            if settings.project.creates_project
            else stack_args.referenced_project(settings)
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
