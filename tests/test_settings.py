"""The settings model alone: pure Python, no Pulumi resources."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from stack_config import raw_config, stack_values, with_changes

from components.rules import suggest_dbt_version
from settings import ConfigError, load_settings
from settings.schedule import cron_problem, format_runs, next_runs


def problems(raw) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(raw)
    return [str(problem) for problem in caught.value.problems]


def prod_section(key):
    return copy.deepcopy(stack_values("prod")[f"dbtcloud-databricks:{key}"])


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_committed_stacks_are_valid_without_warnings(stack):
    loaded = load_settings(with_changes(stack, deploymentToken="token"))
    # But for the examples' PLACEHOLDER values, which every check and `pulumi up` points out until they are replaced.
    assert [warning.path for warning in loaded.warnings] == ["placeholders"]
    assert "dbtcloud:accountId, databricks:host" in loaded.warnings[0].message


def test_replaced_placeholders_leave_no_warning():
    values = {"dbtcloud:accountId": "70403103", "databricks:host": "https://dbc-1a2b3c4d-5e6f.cloud.databricks.com"}
    loaded = load_settings(with_changes("dev", deploymentToken="token", notifications=None, **values))
    assert loaded.warnings == []


def test_prod_settings_read_like_the_stack_file():
    settings = load_settings(with_changes("prod", deploymentToken="s3cr3t-value")).settings
    assert settings.protect is True
    assert settings.project.creates_project
    assert settings.account.account_id == 12345
    assert settings.warehouse.auto_stop_minutes == 10
    assert [key for key, _ in settings.jobs_in_dependency_order()] == ["daily-pipeline", "marts-quality"]
    assert settings.job_threads() == {"daily-pipeline": 8, "marts-quality": 8}
    assert settings.deployment_token.get_secret_value() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(settings)


def test_dev_defers_to_an_environment_the_prod_stack_owns():
    settings = load_settings(with_changes("dev", deploymentToken="token")).settings
    assert settings.project.from_stack == "organization/dbtcloud-databricks/prod"
    assert settings.external_environment_keys() == ["production"]
    assert settings.job_threads()["test-run"] == 4


def test_chained_jobs_come_after_the_job_they_wait_for():
    jobs = prod_section("jobs")
    reordered = {"marts-quality": jobs["marts-quality"], "daily-pipeline": jobs["daily-pipeline"]}
    settings = load_settings(with_changes("prod", jobs=reordered, deploymentToken="t")).settings
    assert [key for key, _ in settings.jobs_in_dependency_order()] == ["daily-pipeline", "marts-quality"]


def test_job_threads_fall_back_to_the_ui_default():
    environments = prod_section("environments")
    del environments["production"]["threads"]
    settings = load_settings(with_changes("prod", environments=environments, deploymentToken="t")).settings
    assert settings.job_threads() == {"daily-pipeline": 8, "marts-quality": 4}


def test_a_dbt_deps_step_is_dropped_with_a_warning():
    jobs = prod_section("jobs")
    jobs["daily-pipeline"]["steps"].insert(0, "dbt deps")
    loaded = load_settings(with_changes("prod", jobs=jobs, deploymentToken="t"))
    assert [str(w) for w in loaded.warnings if w.path != "placeholders"] == [
        "jobs.daily-pipeline.steps: dbt Cloud runs `dbt deps` before every job itself: the `dbt deps` step is left out"
    ]
    assert loaded.settings.jobs["daily-pipeline"].dbt_steps()[0].startswith("dbt run")


def test_job_url_uses_the_web_host_of_the_api_url():
    from components.rules import job_url, web_url

    assert web_url("https://cloud.getdbt.com/api") == "https://cloud.getdbt.com"
    assert web_url("https://ab123.us1.dbt.com/api/") == "https://ab123.us1.dbt.com"
    assert (
        job_url("https://cloud.getdbt.com/api", 12345, 1, 2)
        == "https://cloud.getdbt.com/deploy/12345/projects/1/jobs/2"
    )


def test_account_id_can_come_from_the_providers_environment_variable():
    values = stack_values("prod")
    del values["dbtcloud:accountId"]
    raw = raw_config({k.split(":", 1)[1] if k.startswith("dbtcloud-databricks:") else k: v for k, v in values.items()})
    assert any(p.startswith("dbtcloud:accountId: is required") for p in problems(raw))
    settings = load_settings(replace(raw, environ={"DBT_CLOUD_ACCOUNT_ID": "777"})).settings
    assert settings.account.account_id == 777


def test_a_token_in_plain_text_is_refused():
    raw = with_changes("prod", deploymentToken="abc")
    plain = type(raw)(raw.values, frozenset())
    assert problems(plain) == [
        "deploymentToken: is stored in plain text: remove it from the stack file and set it with pulumi config set "
        "--secret deploymentToken <value>"
    ]


def test_a_missing_deployment_token_is_reported_with_the_command_to_set_it():
    assert problems(with_changes("dev", deploymentToken=None)) == [
        "deploymentToken: is required for the deployment environments (staging): "
        "pulumi config set --secret deploymentToken <Databricks token>"
    ]


def test_cron_helpers():
    assert cron_problem("0 2 * * *") is None
    assert "needs 5 fields" in cron_problem("0 0 2 * * *")
    assert "not a valid cron" in cron_problem("0 25 * * *")
    runs = next_runs("0 2 * * 1-5", 2, datetime(2026, 11, 21, tzinfo=timezone.utc))  # a Saturday
    assert format_runs(runs) == "Mon 2026-11-23 02:00 UTC, Tue 2026-11-24 02:00 UTC"


def test_short_dbt_versions_get_a_suggestion():
    assert suggest_dbt_version("1.7") == "1.7.0-latest"
    assert suggest_dbt_version("1.8.2") == "1.8.0-latest"
    assert suggest_dbt_version("banana") is None


def test_stack_settings_validate_on_their_own_with_every_rule():
    """`StackSettings.model_validate(document)` needs no loader: the rules across sections run and raise too."""
    import pytest
    from pydantic import ValidationError
    from stack_config import short_values

    from settings import StackSettings

    document = {key: value for key, value in short_values("prod").items() if ":" not in key}
    document["account"] = {"accountId": 12345}
    settings = StackSettings.model_validate(document)
    assert settings.jobs["daily-pipeline"].schedule.cron == "0 2 * * *"
    document["jobs"]["daily-pipeline"]["environment"] = "staging"
    with pytest.raises(ValidationError) as raised:
        StackSettings.model_validate(document)
    assert "'staging' is not an environment of this stack" in str(raised.value)
    document["jobs"]["daily-pipeline"]["environment"] = "production"
    document["jobs"]["marts-quality"]["name"] = document["jobs"]["daily-pipeline"]["name"]
    with pytest.raises(ValidationError) as raised:
        StackSettings.model_validate(document)
    assert "jobs.marts-quality.name" in str(raised.value) and "is also the name of job" in str(raised.value)


def test_settings_import_nothing_from_pulumi():
    from helpers import modules_after_imports

    loaded = modules_after_imports()["settings"]
    assert [m for m in loaded if m == "pulumi" or m.startswith("pulumi.")] == []
