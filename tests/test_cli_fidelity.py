"""`synth STACK`, `synth check` and the program (as `pulumi up` runs it) read stack files as the Pulumi CLI does.

Each case is tried three ways: rendering (`python -m synth STACK --project-dir ...`), checking (`python -m synth check
--project-dir ...`) and the program itself, run under mocks on the config exactly as the CLI would hand it over
(`tests/program.py`). The CLI source each case mirrors is cited in the test's docstring.
"""

from __future__ import annotations

import contextvars
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import run_synth as synth
from program import declare
from stack_config import ROOT, append, edit

from runtime_config import read_runtime_config
from settings import ConfigError, RawConfig, load_settings
from settings.files import StackFileError, load_stack_file
from settings.schema import stack_file_schema

PROJECT = "dbtcloud-databricks"
OWNER_OUTPUTS = {"organization/dbtcloud-databricks/prod": {"projectId": 1, "environmentIds": {"production": 2}}}


def as_the_cli_passes_it(root: Path, stack: str) -> RawConfig:
    """The stack's config and secret keys as the CLI hands them to the program (what `synth` passes too)."""
    stack_file = load_stack_file(root, stack)
    return RawConfig(stack_file.config, frozenset(stack_file.secret_keys))


def program_problems(raw: RawConfig) -> list[str]:
    """The problems the program stops with; it must have declared nothing."""
    error, declared = declare(raw, OWNER_OUTPUTS)
    assert error is not None, "the program accepted the stack"
    assert declared == [], "the program declared resources before refusing"
    return [str(problem) for problem in error.problems]


# --- 1. A secret in clear text ------------------------------------------------------------------------------


PLAIN_TOKEN = "dapi" + "0123456789abcdef" * 2  # built, so that no token-shaped text is committed


def test_a_clear_text_deployment_token_is_refused_by_render_check_and_program(project, capsys):
    """The CLI always tells the program which keys are secret: its Python language host sets
    PULUMI_CONFIG_SECRET_KEYS on every run, to `[]` when there are none (pulumi/pulumi
    sdk/python/cmd/pulumi-language-python/main.go, `constructConfigSecretKeys`). So under `pulumi up` a
    `deploymentToken` in clear text is known to be one, and refused; the offline runner must agree, even when
    the stack has no secret at all (it used to render with exit 0)."""
    append(project, "dev", f"  {PROJECT}:deploymentToken: {PLAIN_TOKEN}\n")
    expected = (
        "deploymentToken: is stored in plain text: remove it from the stack file and set it with pulumi config "
        "set --secret deploymentToken <value>"
    )

    status, printed = synth(capsys, "dev", "--project-dir", str(project))
    assert status == 1 and expected in printed
    assert PLAIN_TOKEN not in printed

    status, printed = synth(capsys, "check", "--project-dir", str(project), "dev")
    assert status == 1 and expected in printed

    raw = as_the_cli_passes_it(project, "dev")
    assert raw.secret_keys == frozenset(), "the stack has no secret: the CLI passes []"
    assert expected in program_problems(raw)


def test_a_clear_text_secret_environment_variable_is_refused_everywhere(project, capsys):
    """A `secretEnvironmentVariables` value is secret only when written with `secure:` (the CLI lists the key
    in PULUMI_CONFIG_SECRET_KEYS only then): a clear-text value is refused by all three, also in a stack with
    no other secret (prod), where the CLI passes `[]`."""
    append(
        project,
        "prod",
        f"  {PROJECT}:secretEnvironmentVariables:\n    DBT_ENV_SECRET_API_KEY:\n      production: hunter2-but-longer\n",
    )
    expected = "secretEnvironmentVariables: is stored in plain text"

    for argv in (("prod", "--project-dir", str(project)), ("check", "--project-dir", str(project), "prod")):
        status, printed = synth(capsys, *argv)
        assert status == 1 and expected in printed, argv
        assert "hunter2" not in printed
    raw = as_the_cli_passes_it(project, "prod")
    assert raw.secret_keys == frozenset()
    assert any(problem.startswith(expected) for problem in program_problems(raw))


def test_the_program_reads_secret_keys_as_the_cli_passes_them(monkeypatch):
    """Under `pulumi up` config and secret keys arrive in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS (set by
    the language host, main.go `constructEnv`); `[]` or no list at all both mean "no key is secret" (the
    Automation API's inline programs get no list when none is secret: pulumi/automation/_server.py)."""
    config = {f"{PROJECT}:deploymentToken": PLAIN_TOKEN, f"{PROJECT}:protect": "false"}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    for secret_keys in ("[]", None, json.dumps([f"{PROJECT}:deploymentToken"])):
        if secret_keys is None:
            monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
        else:
            monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", secret_keys)
        # A fresh context: what earlier renderings in this process set with set_all_config is not seen.
        raw = contextvars.Context().run(read_runtime_config)
        assert raw.values == config
        assert raw.secret_keys == frozenset(json.loads(secret_keys or "[]"))
        with pytest.raises(ConfigError) as caught:
            load_settings(raw)
        refused = any(
            str(problem).startswith("deploymentToken: is stored in plain text") for problem in caught.value.problems
        )
        assert refused is (secret_keys != json.dumps([f"{PROJECT}:deploymentToken"])), secret_keys


# --- 2. The providers' own secrets in clear text ---------------------------------------------------------------


@pytest.mark.parametrize(
    "key, variable",
    [
        ("dbtcloud:token", "DBT_CLOUD_TOKEN"),
        ("databricks:token", "DATABRICKS_TOKEN"),
        ("databricks:clientSecret", "DATABRICKS_CLIENT_SECRET"),
        ("databricks:azureClientSecret", "ARM_CLIENT_SECRET"),
        ("databricks:password", "DATABRICKS_PASSWORD"),
    ],
)
def test_a_providers_secret_in_clear_text_is_refused_everywhere(project, capsys, key, variable):
    """The providers' schemas mark these settings secret (`additional_secret_outputs` of `pulumi_dbtcloud.Provider`
    and `pulumi_databricks.Provider`), and `pulumi config set` refuses a token-like value under a key matching
    `passwd|pass|password|pwd|secret|token` without `--secret` (pulumi/pulumi pkg/cmd/pulumi/config/config.go,
    `looksLikeSecret`). Written by hand in clear text they would be committed to git: refused, naming the
    command and the environment variable that keeps them out of the file."""
    edit(project, "prod", "  databricks:host:", f"  {key}: {PLAIN_TOKEN}\n  databricks:host:")
    expected = (
        f"{key}: is stored in plain text: remove it from the stack file and set it with pulumi config set --secret "
        f"{key} <value> (or set the environment variable {variable}); if the file was ever committed, revoke that token"
    )

    status, printed = synth(capsys, "prod", "--project-dir", str(project))
    assert status == 1 and expected in printed
    assert PLAIN_TOKEN not in printed
    status, printed = synth(capsys, "check", "--project-dir", str(project), "prod")
    assert status == 1 and expected in printed
    assert expected in program_problems(as_the_cli_passes_it(project, "prod"))


def test_a_providers_secret_set_with_secret_is_accepted(project, capsys):
    """`pulumi config set --secret dbtcloud:token ...` writes `secure:`; the CLI lists the key as secret."""
    edit(project, "prod", "  databricks:host:", "  dbtcloud:token:\n    secure: v1:abc\n  databricks:host:")
    status, _ = synth(capsys, "prod", "--project-dir", str(project))
    assert status == 0
    status, _ = synth(capsys, "check", "--project-dir", str(project), "prod")
    assert status == 0
    raw = as_the_cli_passes_it(project, "prod")
    assert "dbtcloud:token" in raw.secret_keys
    assert declare(raw)[0] is None


# --- 3. A key given twice ------------------------------------------------------------------------------------


def test_a_duplicated_top_level_key_is_refused_with_file_and_lines(project, capsys):
    """The CLI reads stack files with gopkg.in/yaml.v3 (pulumi/pulumi sdk/go/common/encoding/marshal.go), whose
    decoder refuses a mapping key given twice: "mapping key "protect" already defined at line N" (go-yaml v3
    decode.go, `decoder.mapping`). PyYAML keeps the last value silently; the offline runner refuses, like the
    CLI, before the program runs (so, as under `pulumi up`, the program never sees such a file)."""
    append(project, "prod", f"  {PROJECT}:protect: false\n")
    lines = (project / "Pulumi.prod.yaml").read_text().splitlines()
    first = next(i for i, line in enumerate(lines, 1) if line.startswith(f"  {PROJECT}:protect: true"))
    expected = (
        f"Pulumi.prod.yaml line {len(lines)}: key '{PROJECT}:protect' under config is already defined at line {first}"
    )

    for argv in (
        ("prod", "--project-dir", str(project)),
        ("check", "--project-dir", str(project)),
        ("dev", "--project-dir", str(project)),
    ):  # dev renders prod first: the same refusal
        status, printed = synth(capsys, *argv)
        # Rendering stops (2: the file cannot be read); check reports it as prod's problem and goes on (1).
        assert status == (1 if argv[0] == "check" else 2), argv
        assert expected in printed and "Traceback" not in printed


def test_a_duplicated_nested_key_is_refused(project, capsys):
    """yaml.v3 checks every mapping, not only the top level (decode.go, `decoder.mapping`)."""
    edit(project, "dev", "    name: dbt-development\n", "    name: dbt-development\n    name: dbt-dev\n")
    with pytest.raises(
        StackFileError,
        match=r"Pulumi.dev.yaml line \d+: key 'name' under "
        rf"config.{PROJECT}:warehouse is already defined at line \d+",
    ):
        load_stack_file(project, "dev")
    status, printed = synth(capsys, "check", "--project-dir", str(project), "dev")
    assert status == 1 and "key 'name' under config.dbtcloud-databricks:warehouse" in printed


def test_a_duplicate_in_a_flow_mapping_and_in_pulumi_yaml_is_refused(project):
    """Duplicates on one line (`{a: 1, a: 2}`) and in Pulumi.yaml, which the CLI reads with the same decoder."""
    edit(project, "dev", "    dbuPriceUsd: 0.70\n", "    dbuPriceUsd: 0.70\n    extra: {a: 1, a: 2}\n")
    with pytest.raises(StackFileError, match="key 'a' under .*extra is already defined"):
        load_stack_file(project, "dev")
    (project / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text() + "name: other\n")
    with pytest.raises(StackFileError, match="Pulumi.yaml line \\d+: key 'name' is already defined at line 1"):
        load_stack_file(project, "prod")


# --- 4. Keys without a namespace ------------------------------------------------------------------------------


def test_a_key_without_namespace_belongs_to_the_project(project, capsys, dev):
    """The CLI rewrites a stack file's `config:` keys without `:` to `<project>:<key>` before anything reads
    them (pulumi/pulumi sdk/go/common/workspace/loaders.go, `stackConfigNamespacedWithProject`, called by
    `LoadProjectStackBytes`): `cost:` is `dbtcloud-databricks:cost` for the program, `synth` and `check` alike."""
    edit(project, "dev", f"  {PROJECT}:cost:\n    plan: starter\n", "  cost:\n    plan: enterprise\n")
    edit(project, "dev", f"  {PROJECT}:warehouse:\n", "  warehouse:\n")
    raw = as_the_cli_passes_it(project, "dev")
    assert "cost" not in raw.values and json.loads(raw.values[f"{PROJECT}:cost"])["plan"] == "enterprise"

    status, printed = synth(capsys, "dev", "--project-dir", str(project), "--json")
    assert status == 0
    rendered = json.loads(printed)
    assert rendered["outputs"]["cost"]["plan"] == "enterprise"  # read, no longer ignored
    assert rendered["outputs"]["cost"]["plan"] != dev.outputs["cost"]["plan"]
    assert synth(capsys, "check", "--project-dir", str(project), "dev")[0] == 0
    error, declared = declare(
        RawConfig({**raw.values, f"{PROJECT}:deploymentToken": "t"}, frozenset({f"{PROJECT}:deploymentToken"})),
        OWNER_OUTPUTS,
    )
    assert error is None and any(r.name == "warehouse-endpoint" for r in declared)


def test_an_unknown_key_without_namespace_is_reported_not_ignored(project, capsys):
    """`colour:` is `dbtcloud-databricks:colour` to the CLI, so the program sees it and refuses it."""
    append(project, "prod", "  colour: blue\n")
    expected = "colour: is not a setting of this project"
    status, printed = synth(capsys, "prod", "--project-dir", str(project))
    assert status == 1 and expected in printed
    status, printed = synth(capsys, "check", "--project-dir", str(project), "prod")
    assert status == 1 and expected in printed
    assert any(problem.startswith(expected) for problem in program_problems(as_the_cli_passes_it(project, "prod")))


def test_one_key_written_with_and_without_namespace_is_refused(project, capsys):
    """After the rewrite the CLI holds the keys in a Go map: written both ways, one value silently replaces the
    other, whichever Go's randomised map iteration visits last (loaders.go, `stackConfigNamespacedWithProject`),
    so a deploy could take either. Refused, naming both spellings."""
    append(project, "dev", "  cost:\n    plan: enterprise\n")
    expected = f"Pulumi.dev.yaml: config keys '{PROJECT}:cost' and 'cost' are the same setting '{PROJECT}:cost'"
    for argv in (("dev", "--project-dir", str(project)), ("check", "--project-dir", str(project), "dev")):
        status, printed = synth(capsys, *argv)
        assert status == (1 if argv[0] == "check" else 2) and expected in printed, argv


def test_config_keys_parse_as_the_cli_parses_them(project):
    """`ns:config:name` is the legacy spelling of `ns:name`; other keys with more colons are refused
    (pulumi/pulumi sdk/go/common/resource/config/key.go, `ParseKey`)."""
    append(project, "prod", "  dbtcloud:config:maxRetries: 5\n")
    assert load_stack_file(project, "prod").config["dbtcloud:maxRetries"] == "5"
    append(project, "prod", "  a:b:c: 1\n")
    with pytest.raises(StackFileError, match="could not parse 'a:b:c' as a configuration key"):
        load_stack_file(project, "prod")


# --- 5. fromStack as the DIY backend parses it -----------------------------------------------------------------


def test_a_stack_reference_in_another_organisation_is_refused(project, capsys):
    """This project keeps its state in a DIY backend (Pulumi.yaml `backend.url: file://~`; the s3://, azblob://
    and gs:// buckets of the README are DIY too), which refuses any organisation but `organization`:
    "organization name must be 'organization'" (pulumi/pulumi pkg/backend/diy/store.go,
    `projectReferenceStore.ParseReference`). `pulumi up` would fail at the StackReference."""
    edit(project, "dev", "fromStack: organization/dbtcloud-databricks/prod", "fromStack: acme/dbtcloud-databricks/prod")
    expected = (
        "project.fromStack: 'acme/dbtcloud-databricks/prod' names organization 'acme': the self-managed "
        "(file://, s3://, azblob://, gs://) backend this project keeps its state in knows only "
        "'organization' and refuses any other (pulumi/pulumi pkg/backend/diy/store.go); write "
        "organization/dbtcloud-databricks/prod or just prod"
    )

    status, printed = synth(capsys, "dev", "--project-dir", str(project))
    assert status == 1 and expected in printed
    status, printed = synth(capsys, "check", "--project-dir", str(project), "dev")
    assert status == 1 and expected in printed
    raw = as_the_cli_passes_it(project, "dev")
    assert expected in program_problems(
        RawConfig({**raw.values, f"{PROJECT}:deploymentToken": "t"}, frozenset({f"{PROJECT}:deploymentToken"}))
    )


@pytest.mark.parametrize(
    "reference, accepted",
    [
        ("prod", True),
        ("organization/prod", True),
        ("organization/dbtcloud-databricks/prod", True),
        ("my-org/prod", False),
        ("organization/dbtcloud-databricks/prod/extra", False),
        ("organization/dbtcloud-databricks/pr od", False),
    ],
)
def test_the_forms_the_diy_backend_accepts(project, capsys, reference, accepted):
    """`<stack>`, `organization/<stack>` and `organization/<project>/<stack>` (store.go, `ParseReference`), with
    stack names of letters, digits, `-`, `_`, `.` (sdk/go/common/tokens/stack_name.go, `ParseStackName`)."""
    edit(project, "dev", "fromStack: organization/dbtcloud-databricks/prod", f"fromStack: {reference}")
    status, printed = synth(capsys, "check", "--project-dir", str(project), "dev")
    assert (status == 0) is accepted, printed
    if accepted:
        assert synth(capsys, "dev", "--project-dir", str(project))[0] == 0
    else:
        assert "project.fromStack: " in printed


# --- Editors see the same rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value, accepted",
    [
        ("cost", {"plan": "enterprise"}, True),  # the project's key without its namespace
        ("colour", "blue", False),  # ... and an unknown one
        ("warehouse", {"name": "w", "size": "Tiny", "autoStopMinutes": 10}, False),  # checked like the long form
        ("dbtcloud:token", PLAIN_TOKEN, False),  # a provider secret in clear text
        ("dbtcloud:token", {"secure": "v1:abc"}, True),
        ("databricks:clientSecret", PLAIN_TOKEN, False),
        ("databricks:warehouseId", "abc", True),  # other provider keys are the providers' business
    ],
)
def test_the_schema_reads_keys_as_the_cli_does(schema_validator, key, value, accepted):
    """The editor schema (stack-config.schema.json) agrees with `synth` on namespaces and provider secrets."""
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    document["config"][key] = value
    errors = list(schema_validator.iter_errors(document))
    assert (errors == []) is accepted, [error.message for error in errors]


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.Draft202012Validator:
    """The generated stack file schema, built once (generating it takes a while)."""
    return jsonschema.Draft202012Validator(stack_file_schema())
