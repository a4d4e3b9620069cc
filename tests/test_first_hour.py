"""A new user's first hour (issue 17): each mistake that was accepted silently or answered unclearly, now refused or
answered in the user's words, by `synth check`, `synth STACK` and the program alike; never a class name, a regex or a
traceback."""

from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path

import pytest
from helpers import run_synth
from pydantic import BaseModel

from settings import StackSettings
from settings.files import STACK_NAME, set_secret_command, stack_name_problem
from settings.messages import PATTERN_WORDS
from synth.render import PROJECT_ROOT

JARGON = re.compile(r"should match pattern|\^\[|Settings\b|Input should be a valid (dictionary|list)|Dictionary should")
"""What a message in the user's words never holds: pydantic's phrasing of shapes, a model's class name, a regex."""


def edit(folder: Path, stack: str, old: str, new: str) -> None:
    path = folder / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new))


def both(capsys, folder: Path, stack: str) -> tuple[int, int, str]:
    """`synth check STACK` and `synth STACK`: their exit statuses and all they printed."""
    checked, check_printed = run_synth(capsys, "check", stack, "--project-dir", str(folder))
    shown, show_printed = run_synth(capsys, stack, "--project-dir", str(folder))
    printed = check_printed + show_printed
    assert "Traceback" not in printed and "internal error" not in printed
    return checked, shown, printed


SECRET_LINE = "  dbtcloud-databricks:jobs:\n    test-run:"

WORDED = [
    # (issue item, stack, text in the stack file, replaced by, what both commands say)
    (
        "13 keepAccessFor of the warehouse as a list",
        "prod",
        "    keepAccessFor:\n      group:data-engineers: CAN_USE",
        "    keepAccessFor:\n      - group:data-engineers",
        "warehouse.keepAccessFor: must be a mapping, not a list: write keepAccessFor: {group:data-engineers: CAN_USE",
    ),
    (
        "13 keepAccessFor of the tokens as a mapping",
        "prod",
        "      viaGroup: dbt-service-principals",
        "      manage: true\n      keepAccessFor: {group:users: CAN_USE}\n      #",
        "servicePrincipal.tokenPermissions.keepAccessFor: must be a list, not a mapping: write keepAccessFor: "
        "[group:users",
    ),
    (
        "14 too many tags",
        "dev",
        "      managed-by: pulumi\n",
        "".join(f"      t{i}: v\n" for i in range(51)),
        "warehouse.tags: has 53 entries, 9 too many: at most 44 (Databricks takes fewer than 45 custom tags",
    ),
    (
        "15 a schedule as text",
        "prod",
        '      schedule:\n        cron: "0 2 * * *"',
        '      schedule: "0 2 * * *"',
        "jobs.daily-pipeline.schedule: must be a mapping, not text ('0 2 * * *'): write schedule: "
        '{cron: "0 2 * * *"}',
    ),
    (
        "16 a number where text is meant",
        "dev",
        "      staging: shanghai_transport_dev",
        "      staging: 5",
        'environmentVariables.DBT_TARGET_CATALOG.staging: must be text, and YAML reads 5 as a number: quote it ("5")',
    ),
    (
        "16 a yes/no where text is meant",
        "dev",
        "      staging: shanghai_transport_dev",
        "      staging: true",
        "environmentVariables.DBT_TARGET_CATALOG.staging: must be text, and YAML reads true as a true/false value",
    ),
    (
        "18 a provider key with other capitals",
        "dev",
        'dbtcloud:accountId: "12345"',
        'dbtcloud:accountID: "12345"',
        'dbtcloud:accountID: is not a setting of the dbtcloud provider, and pulumi up would stop on it ("Invalid or '
        'unknown key"): did you mean dbtcloud:accountId?',
    ),
    (
        "19 a workspace URL that is not one",
        "dev",
        "databricks:host: https://dbc-00000000-0000.cloud.databricks.com",
        "databricks:host: my workspace",
        "databricks:host: must be your workspace URL: https:// and the workspace's host",
    ),
    (
        "11 a project from a stack in another account",
        "dev",
        'dbtcloud:accountId: "12345"',
        'dbtcloud:accountId: "54321"',
        "creates its project in dbt Cloud account 12345 at https://cloud.getdbt.com/api, and this stack deploys to "
        "account 54321",
    ),
]


@pytest.mark.parametrize("item, stack, old, new, said", WORDED, ids=[w[0] for w in WORDED])
def test_mistakes_answered_in_the_users_words(capsys, project, item, stack, old, new, said):
    edit(project, stack, old, new)
    checked, shown, printed = both(capsys, project, stack)
    assert (checked, shown) == (1, 1), printed
    assert printed.count(said) == 2, printed  # once by check, once by the program
    assert not JARGON.search(printed), printed


def test_two_stacks_owning_one_workspaces_token_permissions(capsys, project):
    """Item 32: the token permissions are one list per workspace; two stacks replacing it revoke each other's."""
    edit(
        project,
        "prod",
        "      viaGroup: dbt-service-principals",
        "      manage: true\n      keepAccessFor: [group:users]\n      #",
    )
    edit(
        project,
        "dev",
        "  dbtcloud-databricks:jobs:\n",
        "  dbtcloud-databricks:servicePrincipal:\n    displayName: dbt Cloud - Development\n    tokenPermissions:\n"
        "      manage: true\n      keepAccessFor: [group:users]\n  dbtcloud-databricks:jobs:\n",
    )
    checked, shown, printed = both(capsys, project, "dev")
    assert (checked, shown) == (1, 1), printed
    assert "a second stack owning the workspace's token permissions" in printed
    edit(project, "dev", "      manage: true\n      keepAccessFor: [group:users]\n", "      viaGroup: dbt-users\n")
    assert both(capsys, project, "dev")[:2] == (0, 0)


def test_an_empty_ciphertext_is_refused(capsys, project):
    """Item 8: `secure: ''` holds nothing the CLI could decrypt."""
    edit(project, "dev", SECRET_LINE, '  dbtcloud-databricks:deploymentToken:\n    secure: ""\n' + SECRET_LINE)
    checked, shown, printed = both(capsys, project, "dev")
    assert (checked, shown) == (1, 2), printed
    assert printed.count("deploymentToken: secure: holds no ciphertext ('')") == 2
    assert "pulumi config set --secret deploymentToken <value> -s dev" in printed


def test_secrets_set_already_are_not_asked_for_again(capsys, project):
    """Item 17: an encrypted value is set (pulumi up decrypts it); only what is missing is asked for, and a secret
    inside a map is set with --path."""
    edit(
        project,
        "dev",
        SECRET_LINE,
        "  dbtcloud-databricks:secretEnvironmentVariables:\n    DBT_ENV_SECRET_GIT_TOKEN:\n"
        "      staging:\n        secure: v1:AAAA:BBBB\n" + SECRET_LINE,
    )
    status, printed = run_synth(capsys, "dev", "--project-dir", str(project))
    assert status == 0, printed
    encrypted = printed.split("Encrypted in the stack file")[1].split("\n\n")[0]
    assert "secretEnvironmentVariables.DBT_ENV_SECRET_GIT_TOKEN.staging" in encrypted
    assert "pulumi config set --secret deploymentToken <value> -s dev" in printed  # not in the file: asked for
    assert "--secret secretEnvironmentVariables" not in printed
    assert set_secret_command("secretEnvironmentVariables.DBT_ENV_SECRET_X.prod", "prod") == (
        "pulumi config set --secret --path secretEnvironmentVariables.DBT_ENV_SECRET_X.prod <value> -s prod"
    )


def test_a_misspelt_top_level_key_is_named(capsys, project):
    """Item 18: `confg:` is ignored by the CLI (nothing would deploy); named instead of five "is required"."""
    edit(project, "dev", "\nconfig:\n", "\nconfg:\n")
    checked, shown, printed = both(capsys, project, "dev")
    assert (checked, shown) == (1, 2), printed
    assert printed.count("top-level key 'confg' is not read by the Pulumi CLI") == 2
    assert "did you mean 'config'?" in printed and "is required" not in printed


@pytest.mark.parametrize("name", ["my stack", "qa!", "über"])
def test_stack_files_the_cli_cannot_name(capsys, project, name):
    """Item 10: the CLI's stack names (tokens/names.go); such a file is its stack's problem, not the others'."""
    shutil.copy(project / "Pulumi.dev.yaml", project / f"Pulumi.{name}.yaml")
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 1
    assert f"the Pulumi CLI cannot have a stack named {name!r}" in printed
    assert "rename the file, e.g. to Pulumi." in printed
    assert "dev: ok" in printed and "prod: ok" in printed


def test_the_stack_name_rule_is_the_clis():
    """pulumi/pulumi sdk/go/common/tokens/names_test.go, `TestParseStackName`, case by case."""
    assert stack_name_problem("my-stack") is None and stack_name_problem("a.b_c-1") is None
    assert stack_name_problem("") == "a stack name may not be empty"
    assert "at most 100 characters" in stack_name_problem("x" * 101)
    assert "('!' at position 0)" in stack_name_problem("!my stack!")
    assert "(' ' at position 2)" in stack_name_problem("my bad")
    assert "('%' at position 5)" in stack_name_problem("mybad%")
    assert "('/' at position 3)" in stack_name_problem("foo/bar")
    assert STACK_NAME.fullmatch("x" * 100) and not STACK_NAME.fullmatch("ü")


def test_stacks_named_as_the_cli_names_them(capsys, project):
    """Item 20: `org/prod`, `org/<project>/prod` and the file's own name read as `prod`; a `.yml` file is never read
    by the CLI, and a stack of another project is not this one's."""
    for name in ("organization/prod", "organization/dbtcloud-databricks/prod", str(project / "Pulumi.prod.yaml")):
        status, printed = run_synth(capsys, name, "--project-dir", str(project))
        assert (status, printed.splitlines()[0].split(":")[0]) == (0, "dbtcloud-databricks / prod"), printed
    status, printed = run_synth(capsys, "acme/other-project/prod", "--project-dir", str(project))
    assert status == 2 and "names project 'other-project'" in printed
    (project / "Pulumi.dev.yaml").rename(project / "Pulumi.qa.yml")
    status, printed = run_synth(capsys, "qa", "--project-dir", str(project))
    assert status == 2 and "Pulumi.qa.yml is never read" in printed and "rename it to Pulumi.qa.yaml" in printed
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 1 and "qa: 1 problem" in printed and "prod: ok" in printed


def test_a_folder_without_stacks_is_bad_usage(capsys, tmp_path):
    """Item 12: nothing to check is not a pass."""
    status, printed = run_synth(capsys, "check", "--project-dir", str(tmp_path))
    assert status == 2 and "holds no Pulumi.yaml" in printed
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    status, printed = run_synth(capsys, "check", "--project-dir", str(tmp_path))
    assert status == 2 and "no stack files (Pulumi.<stack>.yaml)" in printed


def test_an_unknown_command_is_not_a_stack(capsys):
    """Item 21: `synth chek` names the commands and the one meant."""
    status, printed = run_synth(capsys, "chek")
    assert status == 2 and "did you mean 'check'?" in printed and "commands: show, check, diff" in printed


def test_check_prints_its_report_on_stdout_even_when_a_stack_fails(capsys, project):
    """Item 25: the report is the result (stdout), however it ends."""
    edit(project, "dev", "size: 2X-Small", "size: Tiny")
    from synth.__main__ import main

    assert main(["check", "--project-dir", str(project)]) == 1
    out, err = capsys.readouterr()
    assert "prod: ok" in out and "dev: 1 problem" in out and err == ""


def test_a_diff_outside_git_says_so(capsys, project):
    """Item 22 (beside test_diff's bad ref): a folder outside git is named, not git's own error."""
    status, printed = run_synth(capsys, "diff", "prod", "--base", "main", "--project-dir", str(project))
    assert status == 2 and "is not in a git repository" in printed and "fatal" not in printed


def _patterns(model: type[BaseModel], seen: set) -> set[str]:
    found: set[str] = set()
    if model in seen:
        return found
    seen.add(model)
    for info in model.model_fields.values():
        found |= {item.pattern for item in info.metadata if getattr(item, "pattern", None)}
        pending = [info.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found |= _patterns(annotation, seen)
            pending.extend(typing.get_args(annotation))
            for item in getattr(annotation, "__metadata__", ()):
                inner = getattr(item, "metadata", [item])  # a Field(...) holds its constraints in `metadata`
                found |= {getattr(constraint, "pattern", None) for constraint in inner} - {None}
    return found


def test_every_pattern_of_the_settings_has_words():
    """Item 19: a value not in its form is answered in words (`PATTERN_WORDS`), never with the regex: every pattern
    the settings use has them, so a new one cannot be forgotten."""
    patterns = _patterns(StackSettings, set())
    assert len(patterns) >= 6
    assert patterns <= set(PATTERN_WORDS), patterns - set(PATTERN_WORDS)


def test_a_reader_that_stops_reading_ends_the_command_quietly(capfd):
    """`synth check | head -1`: no traceback, no "internal error", the shell's status for SIGPIPE."""
    import argparse

    from command_line import Command, Exit, parser, run

    def _write(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    command = Command("show", "writes", _write, (), {Exit.OK: "written"})
    status = run(parser("synth", "test", (command,)), ["show"], {}, crash=lambda error: Exit.INTERNAL)
    assert status == Exit.BROKEN_PIPE == 141
    assert "internal error" not in capfd.readouterr().err


def test_the_provider_config_keys_are_the_installed_sdks():
    """`rules.PROVIDER_CONFIG_KEYS` (what a provider's namespace may hold) is each SDK's `config/vars.py`: a provider
    upgrade that adds or drops a key fails here, not at a user's pulumi up."""
    import inspect

    import pulumi_databricks.config.vars
    import pulumi_dbtcloud.config.vars

    from components import rules

    for provider, module in (("dbtcloud", pulumi_dbtcloud.config.vars), ("databricks", pulumi_databricks.config.vars)):
        declared = set(re.findall(r"__config__\.get\w*\('(\w+)'", inspect.getsource(module)))
        assert len(declared) >= 9
        assert set(rules.PROVIDER_CONFIG_KEYS[provider]) == declared, provider


def test_the_repository_address_takes_the_form_of_its_clone_strategy():
    """Item 5, as the provider takes `remote_url` (repository/schema.go:44, docs/resources/repository.md): SSH for a
    deploy key and the GitHub app, `group/project` for GitLab, the HTTPS URL for Azure DevOps; the settings, the
    component and both schemas say so."""
    from components.rules import clone_url_problem

    assert clone_url_problem("git@github.com:acme/dw.git", "github_app") is None
    assert "HTTPS address, and github_app clones over SSH" in clone_url_problem(
        "https://github.com/acme/dw", "github_app"
    )
    assert "not a repository address deploy_key takes" in clone_url_problem("acme/dw", "deploy_key")
    assert clone_url_problem("my-group/sub/my-project", "deploy_token") is None
    assert clone_url_problem("https://dev.azure.com/o/p/_git/r", "azure_active_directory_app") is None
    assert "my-group/my-project" in clone_url_problem("https://gitlab.com/g/p", "deploy_token")
    for name in ("settings/project.py", "components/project.py", "components/schema.json", "stack-config.schema.json"):
        text = (PROJECT_ROOT / name).read_text()
        assert "whatever the clone strategy" not in text and "my-group/my-project" in text, name


def test_slack_channel_names_as_slack_has_them():
    """Item 4: capitals, spaces, ASCII signs and more than 80 characters are refused; the `#` is optional, and names in
    other scripts, which Slack workspaces use, pass."""
    from components.rules import slack_channel_name_problem

    for fine in ("#data-alerts", "data_alerts", "#データ-alerts", "#" + "a" * 80):
        assert slack_channel_name_problem(fine) is None, fine
    for wrong in ("#Data-Alerts", "#data alerts", "#data.alerts", "#" + "a" * 81, "#"):
        assert "cannot be a Slack channel" in slack_channel_name_problem(wrong), wrong
