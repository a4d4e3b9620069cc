"""What a user sees on a mistake: the file, the line, the key, the likely fix; never a traceback, never a false
alarm about a stack that is merely broken."""

from __future__ import annotations

from helpers import run_synth
from stack_config import edit


def test_a_yaml_syntax_error_names_file_line_column_and_the_likely_fix(project, capsys):
    edit(project, "prod", "    size: Small\n", "     size: Small\n")
    status, printed = run_synth(capsys, "prod", "--project-dir", str(project))
    assert status == 2 and "Traceback" not in printed
    line = next(
        number
        for number, text in enumerate((project / "Pulumi.prod.yaml").read_text().splitlines(), 1)
        if text == "     size: Small"
    )
    assert f"Pulumi.prod.yaml:{line}:10: not valid YAML: mapping values are not allowed" in printed
    assert "likely: a key is indented unlike the keys beside it" in printed


def test_check_goes_on_past_a_broken_file_and_raises_no_false_alarm(project, capsys):
    """A stack that failed to load is not a missing stack: dev adopts prod's project, and prod is only broken."""
    edit(project, "prod", "    size: Small\n", "     size: Small\n")
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 1
    assert "dev: ok" in printed
    assert "prod: 1 problem" in printed and "Pulumi.prod.yaml:" in printed
    assert "there is no stack" not in printed and "across stacks" not in printed


def test_check_raises_no_false_alarm_when_the_owner_stack_has_config_problems(project, capsys):
    edit(project, "prod", "autoStopMinutes: 10", "autoStopMinutes: 3")
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 1 and "there is no stack" not in printed
    assert "warehouse: autoStopMinutes must be 0 or at least 10 for serverless warehouses" in printed


def test_cost_names_the_stack_whose_config_is_wrong(capsys, monkeypatch, project):
    edit(project, "dev", "autoStopMinutes: 10", "autoStopMinutes: 3")
    monkeypatch.chdir(project)  # the project is found from the working folder up
    status, printed = run_synth(capsys, "cost")
    assert status == 1
    assert "dev: warehouse: autoStopMinutes must be 0 or at least 10" in printed


def test_a_dev_deferral_prod_lacks_is_refused_not_a_crash(project, capsys):
    edit(project, "dev", "deferTo: production", "deferTo: live")
    for argv in (("dev", "--project-dir", str(project)), ("check", "--project-dir", str(project))):
        status, printed = run_synth(capsys, *argv)
        assert status == 1 and "Traceback" not in printed, argv
        assert (
            "dev: jobs.pull-requests.deferTo: defer to 'live', which stack 'prod' does not have (it has production)"
            in printed
        )


def test_a_cron_that_never_fires_is_refused_by_check_and_render_alike(project, capsys):
    edit(project, "prod", 'cron: "0 2 * * *"', 'cron: "0 2 30 2 *"')
    for argv in (("prod", "--project-dir", str(project)), ("check", "--project-dir", str(project), "prod")):
        status, printed = run_synth(capsys, *argv)
        assert status == 1 and "Traceback" not in printed, argv
        assert "jobs.daily-pipeline.schedule.cron: never fires" in printed


def test_help_lists_every_command_and_the_exit_statuses(capsys):
    status, printed = run_synth(capsys, "--help")
    assert status == 0
    for command in ("show", "check", "diff", "cost", "schema", "package-schema"):
        assert f"    {command}" in printed
    assert "exit status:" in printed and "70  a bug in the command itself" in printed
    status, printed = run_synth(capsys, "diff", "--help")
    assert status == 0 and "--base" in printed and "1   the stack changes" in printed
    assert "70 " not in printed, "what every command may end with is said once, in the top-level help"


def test_a_crash_never_shares_an_exit_status_with_a_result(capsys, monkeypatch):
    """The preview workflow reads `synth diff`'s 1 as "changes": a bug must end with its own status."""
    import synth.__main__ as cli

    def broken(*args):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "diff_stack", broken)
    status, printed = run_synth(capsys, "diff", "prod", "--base", "HEAD")
    assert status == 70
    assert "internal error (a bug in synth, please report it): KeyError" in printed and "Traceback" not in printed


def test_a_base_that_does_not_validate_is_named_as_the_base(repo, capsys):
    from repo_copy import commit
    from stack_config import edit as edit_stack

    edit_stack(repo, "prod", "autoStopMinutes: 10", "autoStopMinutes: 3")
    commit(repo, "a base that no longer validates")
    edit_stack(repo, "prod", "autoStopMinutes: 3", "autoStopMinutes: 10")
    status, printed = run_synth(capsys, "diff", "prod", "--base", "HEAD", "--project-dir", str(repo))
    assert status == 2
    assert "the base, prod at HEAD, does not render" in printed
    assert "autoStopMinutes must be 0 or at least 10" in printed


def test_a_long_idle_warehouse_is_warned_about():
    from stack_config import raw_config, short_values

    from settings import load_settings

    values = short_values("prod")
    values["warehouse"]["autoStopMinutes"] = 100000
    warnings = [str(warning) for warning in load_settings(raw_config(values)).warnings]
    assert any(
        w.startswith("warehouse.autoStopMinutes: an idle warehouse runs, and bills, 100000 minutes") for w in warnings
    )


def test_a_clear_text_secret_variable_gets_the_command_that_works(project, capsys):
    """`pulumi config set --secret secretEnvironmentVariables ...` would store the whole map as one text; each value
    is set with --path."""
    from stack_config import append

    append(
        project,
        "prod",
        "  dbtcloud-databricks:secretEnvironmentVariables:\n"
        "    DBT_ENV_SECRET_API_KEY:\n      production: not-so-secret\n",
    )
    status, printed = run_synth(capsys, "check", "--project-dir", str(project), "prod")
    assert status == 1
    assert (
        "set each value with pulumi config set --secret --path "
        "'secretEnvironmentVariables.DBT_ENV_SECRET_API_KEY.production' <value>"
    ) in printed
    assert "not-so-secret" not in printed


def test_a_misspelt_namespace_is_reported_not_silently_dropped(project, capsys):
    """The CLI hands `dbtcloud-databricsk:notifications` over under that namespace, and nothing reads it: the whole
    section would be gone without a word."""
    edit(project, "prod", "  dbtcloud-databricks:notifications:", "  dbtcloud-databricsk:notifications:")
    edit(project, "prod", "  databricks:host:", "  databrick:host:")
    for argv in (("check", "--project-dir", str(project), "prod"), ("prod", "--project-dir", str(project))):
        status, printed = run_synth(capsys, *argv)
        assert status == 1, argv
        assert (
            "dbtcloud-databricsk:notifications: is read by nothing: the namespace 'dbtcloud-databricsk' is not "
            "'dbtcloud-databricks'; did you mean 'dbtcloud-databricks:notifications'?"
        ) in printed
        assert "databrick:host: is read by nothing" in printed and "did you mean 'databricks:host'?" in printed


def test_every_refused_privilege_is_named_at_once():
    from stack_config import raw_config, short_values

    from settings import ConfigError, load_settings

    values = short_values("prod")
    values["servicePrincipal"]["schemaGrants"] = {"shanghai_transport.raw": ["USE_CATALOG", "CREATE_VIEW", "SELECT"]}
    try:
        load_settings(raw_config(values))
    except ConfigError as error:
        problems = [str(problem) for problem in error.problems]
    assert [p.split(":")[0] for p in problems] == [
        "servicePrincipal.schemaGrants.shanghai_transport.raw[0]",
        "servicePrincipal.schemaGrants.shanghai_transport.raw[1]",
    ]
    assert "CREATE_VIEW privilege" in problems[1]


def test_missing_choices_and_numbers_say_what_to_write():
    from stack_config import raw_config, short_values

    from settings import ConfigError, load_settings

    values = short_values("prod")
    del values["servicePrincipal"]["tokenPermissions"]
    values["notifications"]["data-team-email"]["userId"] = "ana@example.com"
    values["cost"]["plan"] = "team"
    try:
        load_settings(raw_config(values))
    except ConfigError as error:
        problems = "\n".join(str(problem) for problem in error.problems)
    assert "servicePrincipal.tokenPermissions: is required: viaGroup: <a group with token usage>, or manage" in problems
    assert "not an email" in problems and "notifications.data-team-email.userId" in problems
    assert "cost.plan: Input should be" in problems and "the Team plan is now called starter" in problems


def test_json_before_the_stack_name_still_means_show(capsys):
    status, printed = run_synth(capsys, "--json", "prod")
    assert status == 0 and '"stack": "prod"' in printed


def test_checking_a_stack_that_has_no_file_is_bad_usage(project, capsys):
    status, printed = run_synth(capsys, "check", "staging", "--project-dir", str(project))
    assert status == 2 and "no stack file Pulumi.staging.yaml in " in printed and "stacks here: dev, prod" in printed


def test_a_from_stack_without_a_file_names_the_key(project, capsys):
    edit(project, "dev", "fromStack: organization/dbtcloud-databricks/prod", "fromStack: production")
    status, printed = run_synth(capsys, "dev", "--project-dir", str(project))
    assert status == 1, "a stack's own mistake, as synth check says it (issue 17: check and show agree)"
    assert "project.fromStack: 'production': there is no stack 'production' here (stacks: dev, prod)" in printed
    checked, check_printed = run_synth(capsys, "check", "dev", "--project-dir", str(project))
    assert checked == 1 and "there is no stack 'production' here" in check_printed


def test_reordered_recipients_are_not_a_change(repo, capsys):
    """Only the cron changes: who is notified is the same, whatever order the renderings registered them in."""
    from synth.diff import diff_stack, format_diff

    edit(repo, "prod", 'cron: "0 2 * * *"', 'cron: "0 3 * * *"')
    text = format_diff(diff_stack("prod", "HEAD", repo))
    assert "0 2 * * *" in text and "0 3 * * *" in text
    assert not [line for line in text.splitlines() if "notifies" in line and "->" in line]
