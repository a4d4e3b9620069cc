"""`python -m ops adopt` against the fake dbt Cloud (v2 and v3) and Databricks APIs on 127.0.0.1.

Nothing of ours is patched: the command runs whole (`ops.cli.main`) in a copy of the project folder, writes the stack
file there, renders it offline through the real program and compares it with what the fake APIs hold.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from adopt_expected import EXPECTED_CONFIG
from fakes.databricks import DATABRICKS_TOKEN
from fakes.dbt_cloud import TOKEN
from fakes.projects import WORKSPACE_HOST, seed_hand_made

from ops.cli import main
from settings import RawConfig, load_settings
from settings.files import CliYamlLoader, ambiguous_words, load_stack_file

ROOT = Path(__file__).resolve().parent.parent
ZERO = "0 differences"


TOKEN_LIKE = "dbtc" + "_abcdefghijklmnopqrstu"
"""Token-shaped, built so that no token-shaped text is committed."""


@pytest.fixture
def hand_made(dbt, databricks) -> dict:
    return seed_hand_made(dbt, databricks)


def adopt(capsys, folder: Path, *argv: str, stack: str = "prod") -> tuple[int, str, str]:
    status = main(["adopt", "--stack", stack, "--project-dir", str(folder), "--retry-backoff", "0.01", *argv])
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert TOKEN not in text and DATABRICKS_TOKEN not in text and "ghp_not_readable" not in text
    return status, captured.out, captured.err


def written(folder: Path, stack: str = "prod") -> str:
    return (folder / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")


def config_of(folder: Path, stack: str = "prod") -> dict:
    return yaml.load(written(folder, stack), Loader=CliYamlLoader)["config"]


def settings_of(folder: Path, stack: str = "prod"):
    """The file as `synth check` and `pulumi up` read it: settings.files, then settings.load_settings."""
    stack_file = load_stack_file(folder, stack)
    assert ambiguous_words(folder, stack) == []
    return load_settings(RawConfig(stack_file.config, frozenset(stack_file.secret_keys)), stack_file.project).settings


# -- the guide's setup -----------------------------------------------------------------------------------------


def test_the_guides_hand_made_setup_is_written_whole_and_checks_with_0_differences(hand_made, folder, capsys):
    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0, out + err
    text = written(folder)
    header, _, config = text.partition("config:\n")
    assert "config:\n" + config == EXPECTED_CONFIG
    assert header.startswith("# yaml-language-server: $schema=./stack-config.schema.json\n")
    # PLACEHOLDER only for what the APIs never give: the deployment token and the secret variable's value.
    placeholders = [line for line in text.splitlines() if "PLACEHOLDER" in line]
    assert placeholders == [
        "#   pulumi config set --secret deploymentToken <Databricks token the deployment environments run with> "
        "-s prod   # PLACEHOLDER",
        "#   pulumi config set --secret --path 'secretEnvironmentVariables.DBT_ENV_SECRET_GIT_TOKEN.production' "
        "<value of DBT_ENV_SECRET_GIT_TOKEN in production> -s prod   # PLACEHOLDER",
    ]
    assert f"wrote {folder / 'Pulumi.prod.yaml'}" in out
    assert "declares what the account holds for all 13 adopted resources: 0 differences" in out
    assert "left out" not in out
    assert "next: set what the header of Pulumi.prod.yaml marks PLACEHOLDER, then pulumi preview -s prod" in out
    assert "is not https" in out  # the fake's address: the file keeps the default hostUrl

    settings = settings_of(folder)
    assert settings.project.name == "Shanghai Transport DW" and settings.project.creates_project
    assert settings.import_ids.model_dump(exclude_none=True, exclude_defaults=True) == {
        "project": "270542",
        "repository": "270542:345678",
        "connection": "456789",
        "warehouse": "0123456789abcdef",
        "environments": {"development": "270542:234566", "production": "270542:234567"},
        "credentials": {"production": "270542:567890"},
        "jobs": {"daily-pipeline-production": "678901", "marts-data-quality-production": "678902"},
    }
    chained = settings.jobs["marts-data-quality-production"]
    assert chained.run_after.job == "daily-pipeline-production" and chained.run_after.statuses == ["success"]
    assert settings.jobs["daily-pipeline-production"].schedule.cron == "0 2 * * *"
    assert settings.notifications["slack-data-alerts"].on_cancel == ["daily-pipeline-production"]
    assert settings.environment_variables == {
        "DBT_TARGET_CATALOG": {"project": "shanghai_transport", "production": "shanghai_transport"}
    }
    assert settings.databricks_host == f"https://{WORKSPACE_HOST}"


def test_adopting_again_changes_nothing_and_keeps_the_secrets_set_since(hand_made, folder, capsys):
    assert adopt(capsys, folder, "--project-id", "270542", "--write")[0] == 0
    first = written(folder)
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and "Pulumi.prod.yaml already holds this setup: unchanged" in out and ZERO in out
    assert written(folder) == first
    # What `pulumi config set --secret` adds to the file: adopting again keeps it, and no longer asks for it.
    with_secrets = first + (
        "  dbtcloud-databricks:deploymentToken:\n    secure: v1:AAAA\n"
        "  dbtcloud-databricks:secretEnvironmentVariables:\n    DBT_ENV_SECRET_GIT_TOKEN:\n"
        "      production:\n        secure: v1:BBBB\n"
    )
    (folder / "Pulumi.prod.yaml").write_text(with_secrets, encoding="utf-8")
    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and "unchanged" in out and ZERO in out, out + err
    assert written(folder) == with_secrets
    status, out, _ = adopt(capsys, folder, "--project-id", "270542")
    assert status == 0 and "PLACEHOLDER" not in out and "secure: v1:AAAA" in out and "secure: v1:BBBB" in out


def test_keys_given_in_an_earlier_file_are_kept(hand_made, dbt, folder, capsys):
    assert adopt(capsys, folder, "--project-id", "270542", "--write")[0] == 0
    # The user shortens a job key by hand; later someone renames the job in dbt Cloud.
    renamed = written(folder).replace("daily-pipeline-production", "daily-pipeline")
    (folder / "Pulumi.prod.yaml").write_text(renamed, encoding="utf-8")
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and "unchanged" in out and written(folder) == renamed
    dbt.jobs[0]["name"] = "Nightly Build"
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write", "--force")
    assert status == 0 and ZERO in out
    jobs = config_of(folder)["dbtcloud-databricks:jobs"]
    assert list(jobs) == ["daily-pipeline", "marts-data-quality-production"]
    assert jobs["daily-pipeline"]["name"] == "Nightly Build"
    assert jobs["marts-data-quality-production"]["runAfter"]["job"] == "daily-pipeline"


def test_an_environment_on_a_second_connection_is_left_out_and_fails(hand_made, dbt, folder, capsys):
    dbt.add_connection(456790, "Databricks - Sandbox", WORKSPACE_HOST, "/sql/1.0/warehouses/00000000000000aa")
    dbt.environments[0]["connection_id"] = 456790  # Development, pointed at another warehouse by hand
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 1
    assert (
        "environments (Development).connection_id = 456790: a second connection: the stack holds one, 456789, "
        "for all its environments (the first preview would change it)"
    ) in out
    assert "environments.development: connectionId: declared 456789, live 456790" in out
    assert config_of(folder)["dbtcloud-databricks:connection"] == {
        "name": "Databricks - Production",
        "catalog": "shanghai_transport",
    }


def test_without_write_it_prints_the_file_and_writes_nothing(hand_made, folder, capsys):
    status, out, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 0
    assert out.partition("config:\n")[2] == EXPECTED_CONFIG.partition("config:\n")[2]
    assert ZERO in err and not (folder / "Pulumi.prod.yaml").exists()


def test_a_stack_file_that_differs_is_replaced_only_with_force(hand_made, folder, capsys):
    (folder / "Pulumi.prod.yaml").write_text("config:\n  dbtcloud:accountId: '12345'\n", encoding="utf-8")
    status, _, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 2
    assert "Pulumi.prod.yaml exists and differs from what the account holds" in err
    assert "+  dbtcloud-databricks:project:" in err and "--force replaces it" in err
    assert written(folder) == "config:\n  dbtcloud:accountId: '12345'\n"
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write", "--force")
    assert status == 0 and ZERO in out and written(folder).endswith(EXPECTED_CONFIG)


def test_beside_stacks_that_also_create_the_project_the_conflict_is_reported(hand_made, folder, capsys):
    for name in ("Pulumi.prod.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, folder / name)
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write", stack="main")
    assert status == 1
    assert ZERO in out  # the stack itself is right ...
    assert "across the stacks in" in out and "all create the project" in out  # ... but pulumi up would refuse it
    assert "pulumi up -s main refuses a stack that clashes with the stack files beside it" in out


# -- what belongs to the project --------------------------------------------------------------------------------


def test_an_account_with_two_projects_adopts_only_the_named_one(hand_made, dbt, folder, capsys):
    other = dbt.add_project("Marketing Analytics", 280001)
    dbt.add_repository(other["id"], 355555, "git@github.com:shanghai-data/marketing.git", github_installation_id=7)
    dbt.add_connection(466666, "Databricks - Marketing", WORKSPACE_HOST, "/sql/1.0/warehouses/fedcba9876543210")
    dbt.add_environment(
        other["id"], "Marketing Production", 244444, "production", connection_id=466666, credentials_id=577777
    )
    dbt.add_credential(other["id"], 577777, "marketing")
    dbt.add_job(other["id"], 244444, "Marketing Daily", 688888)
    # A job filed under this project that runs in the other project's environment is not this project's.
    dbt.add_job(270542, 244444, "Stray Job", 688889)
    dbt.add_notification(9100, 100002, 4, external_email="marketing@example.com", on_failure=[688888])
    dbt.notifications[0]["on_success"] = [688888]  # the user's email setting also names the other project's job
    dbt.set_variable(other["id"], "DBT_MARKETING_SCHEMA", {"project": "marketing"})

    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and ZERO in out, out + err
    text = written(folder)
    assert text.endswith(EXPECTED_CONFIG)
    for foreign in (
        "Marketing",
        "688888",
        "688889",
        "Stray",
        "466666",
        "244444",
        "577777",
        "marketing@example.com",
        "280001",
        "onSuccess",
    ):
        assert foreign not in text


# -- what the model cannot express ------------------------------------------------------------------------------


def test_a_setting_the_model_cannot_express_is_printed_and_fails_the_command(hand_made, dbt, folder, capsys):
    daily = dbt.jobs[0]
    daily.update(
        dbt_version="1.7.0-latest",
        schedule={"cron": "0 2 * * *", "date": {"type": "every_day"}, "time": {"type": "at_exact_hours", "hours": [2]}},
    )
    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 1
    assert "left out (2): what the account has that the stack's config cannot hold" in out
    assert (
        "jobs.daily-pipeline-production.dbt_version = '1.7.0-latest': a job's own dbt version (jobs use their "
        "environment's) is not in the model (the first preview would change it)"
    ) in out
    assert (
        "jobs.daily-pipeline-production.schedule.date.type = 'every_day': the stack writes every schedule as its "
        "cron ('0 2 * * *', UTC): the same times, another type (the first preview would change it)"
    ) in out
    # The self-check finds the same inputs, from the rendering, independently (the provider reads a cron back only
    # for custom cron schedules, so the cron itself shows too).
    assert "self-check: 3 differences" in out
    assert "jobs.daily-pipeline-production: dbtVersion: declared None, live '1.7.0-latest'" in out
    assert "jobs.daily-pipeline-production: scheduleType: declared 'custom_cron', live 'every_day'" in out
    assert "jobs.daily-pipeline-production: scheduleCron: declared '0 2 * * *', live None" in out
    assert "2 settings above would change at the first preview" in out
    # The rest is written as usual: the schedule as its cron.
    assert config_of(folder)["dbtcloud-databricks:jobs"]["daily-pipeline-production"]["schedule"] == {
        "cron": "0 2 * * *"
    }
    settings_of(folder)


def test_a_setting_the_provider_leaves_alone_is_printed_without_failing(hand_made, dbt, folder, capsys):
    dbt.jobs[0]["lifecycle_webhooks"] = True
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and ZERO in out
    assert (
        "jobs.daily-pipeline-production.lifecycle_webhooks = True: lifecycle webhooks are not in the model "
        "(pulumi leaves it as it is)"
    ) in out


def test_a_setup_the_config_model_refuses_is_reported_with_its_problems(hand_made, dbt, folder, capsys):
    # A token pasted into a plain variable by hand: the model refuses it, and it is never written nor printed.
    dbt.set_variable(270542, "DBT_API_KEY", {"Production": TOKEN_LIKE})
    status, out, _ = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 1
    assert "Pulumi.prod.yaml not written: the setup does not validate as a stack" in out
    assert "environmentVariables.DBT_API_KEY.production: looks like a token or private key in plain text" in out
    assert TOKEN_LIKE not in out and not (folder / "Pulumi.prod.yaml").exists()
    status, out, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 1 and out == "" and "Pulumi.prod.yaml not printed" in err


def test_a_repository_without_its_address_is_said_plainly(hand_made, dbt, folder, capsys):
    """`remote_url` is outside dbt Labs' spec (RepositoryV3Response), though the service sends it: if it ever is not
    there, adopt says what to write instead of a bare "is required"."""
    for repository in dbt.repositories:
        repository.pop("remote_url")
    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status != 0 and "holds no remote_url (the address it clones from)" in out + err
    assert not (folder / "Pulumi.prod.yaml").exists()


# -- names -----------------------------------------------------------------------------------------------------


def test_names_with_spaces_and_non_ascii_letters(dbt, databricks, folder, capsys):
    seed_hand_made(dbt, databricks, name="Verkehr Shanghai – Datenlager")
    dbt.connections[0]["name"] = "Databricks: Produktion"
    dbt.environments[1]["name"] = "Produktion München"
    dbt.jobs[0].update(name="Täglicher Lauf – Produktion", description="yes")
    dbt.jobs[1]["name"] = "每日 质量检查"
    dbt.notifications[1]["slack_channel_name"] = "#daten-alarm"
    dbt.set_variable(270542, "DBT_TARGET_CATALOG", {"project": "shanghai_transport", "Produktion München": "zürich"})
    databricks.warehouses[0]["name"] = "dbt Produktion"
    dbt.projects[0]["description"] = "Fahrgastdaten :rocket: täglich"

    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0 and ZERO in out, out + err
    config = config_of(folder)
    jobs = config["dbtcloud-databricks:jobs"]
    assert list(jobs) == ["taglicher-lauf-produktion", "job-678902"]
    assert jobs["taglicher-lauf-produktion"]["name"] == "Täglicher Lauf – Produktion"
    assert jobs["taglicher-lauf-produktion"]["description"] == "yes"  # a YAML boolean word, kept a string
    assert jobs["job-678902"] == {
        "name": "每日 质量检查",
        "environment": "production",
        "steps": ["dbt test --select marts --store-failures"],
        "runAfter": {"job": "taglicher-lauf-produktion", "statuses": ["success"]},
        "threads": 4,
        "timeoutMinutes": 30,
    }
    assert config["dbtcloud-databricks:project"]["name"] == "Verkehr Shanghai – Datenlager"
    assert config["dbtcloud-databricks:connection"]["name"] == "Databricks: Produktion"
    assert config["dbtcloud-databricks:environments"]["production"]["name"] == "Produktion München"
    assert config["dbtcloud-databricks:environmentVariables"]["DBT_TARGET_CATALOG"]["production"] == "zürich"
    assert config["dbtcloud-databricks:warehouse"]["name"] == "dbt Produktion"
    assert config["dbtcloud-databricks:notifications"]["slack-daten-alarm"]["slackChannelName"] == "#daten-alarm"
    text = written(folder)
    assert "Täglicher Lauf – Produktion" in text and "\\u" not in text  # UTF-8 as written, not escaped
    assert "description: 'yes'" in text and "name: 'Databricks: Produktion'" in text
    assert config["dbtcloud-databricks:project"]["description"] == "Fahrgastdaten :rocket: täglich"
    status, out, _ = adopt(capsys, folder, "--project-id", "270542")  # printed as written, no emoji put in
    assert status == 0 and out == text
    assert settings_of(folder).jobs["job-678902"].run_after.job == "taglicher-lauf-produktion"


# -- pagination ------------------------------------------------------------------------------------------------


def test_every_page_of_jobs_and_notifications_is_read(hand_made, dbt, folder, capsys):
    for number in range(118):
        dbt.add_job(
            270542,
            234567,
            f"Hourly Model {number:03d}",
            700000 + number,
            execute_steps=["dbt build"],
            schedule={
                "cron": f"{number % 60} * * * *",
                "date": {"type": "custom_cron", "cron": f"{number % 60} * * * *"},
                "time": {"type": "every_hour", "interval": 1},
            },
        )
    for number in range(150):  # other users' settings, naming no job of this project
        dbt.add_notification(20000 + number, 200000 + number, 1, on_failure=[999999])
    dbt.add_notification(30000, 100003, 4, external_email="on-call@example.com", on_failure=[700117])

    status, out, err = adopt(capsys, folder, "--project-id", "270542", "--write")
    assert status == 0, out + err
    assert "for all 132 adopted resources: 0 differences" in out
    jobs = config_of(folder)["dbtcloud-databricks:jobs"]
    assert len(jobs) == 120 and jobs["hourly-model-117"]["schedule"] == {"cron": "57 * * * *"}
    notifications = config_of(folder)["dbtcloud-databricks:notifications"]
    assert notifications["email-on-call-example-com"] == {
        "type": "externalEmail",
        "userId": 100003,
        "externalEmail": "on-call@example.com",
        "onFailure": ["hourly-model-117"],
    }
    pages = {(path, query["offset"][0]) for _, method, path, query in dbt.requests if "offset" in query}
    assert ("/api/v2/accounts/12345/jobs/", "100") in pages
    assert ("/api/v2/accounts/12345/notifications/", "100") in pages
    assert len(settings_of(folder).jobs) == 120


# -- errors ----------------------------------------------------------------------------------------------------


def test_an_unknown_project_is_a_usage_error_listing_the_projects(hand_made, folder, capsys):
    status, _, err = adopt(capsys, folder, "--project-id", "999")
    assert status == 2
    assert "--project-id 999: no such project in dbt Cloud account 12345" in err
    assert "270542 ('Shanghai Transport DW')" in err


def test_a_warehouse_the_workspace_does_not_have(hand_made, folder, capsys):
    status, _, err = adopt(capsys, folder, "--project-id", "270542", "--warehouse-id", "00000000000000ff")
    assert status == 2 and "SQL warehouse 00000000000000ff not found in" in err
    status, _, err = adopt(capsys, folder, "--project-id", "270542", "--warehouse-id", "not-an-id")
    assert status == 2 and "16 hexadecimal characters" in err


def test_refused_and_unreachable_apis_exit_5(hand_made, dbt, folder, capsys, monkeypatch):
    dbt.fail_next("GET", "/environments/", 403)
    status, _, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 5 and "HTTP 403" in err and "permission" in err
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-revoked")
    status, _, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 5 and "Databricks refused reading warehouse 0123456789abcdef" in err
    assert "Invalid access token" in err and "Config:" not in err and "check DATABRICKS_TOKEN" in err
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", "http://127.0.0.1:9/api")
    status, _, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 5 and "unreachable" in err


def test_usage_errors(folder, capsys, monkeypatch):
    monkeypatch.delenv("DBT_CLOUD_TOKEN", raising=False)
    monkeypatch.setenv("DBT_CLOUD_ACCOUNT_ID", "12345")
    status, _, err = adopt(capsys, folder, "--project-id", "270542")
    assert status == 2 and "DBT_CLOUD_TOKEN is not set" in err
    status, _, err = adopt(capsys, folder, "--project-id", "270542", stack="a/b")
    assert status == 2 and "--stack 'a/b'" in err
    status = main(["adopt", "--stack", "prod", "--project-dir", str(folder / "nowhere"), "--project-id", "1"])
    assert status == 2 and "is not a folder" in capsys.readouterr().err
