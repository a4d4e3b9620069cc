"""The GitHub workflows do what the README says (their syntax and security are checked by .ci/run)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def load(name: str) -> dict:
    # PyYAML reads the `on:` key as True (YAML 1.1); GitHub reads it as "on".
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True)
    return document


def pulumi_steps(document: dict) -> list[dict]:
    return [
        step
        for job in document["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("pulumi/actions@")
    ]


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml", "drift.yml"])
def test_every_pulumi_run_uses_the_team_backend_and_pinned_actions(name):
    document = load(name)
    steps = pulumi_steps(document)
    assert steps
    for step in steps:
        # backend.url in Pulumi.yaml outranks a login: only PULUMI_BACKEND_URL points the CLI at the bucket.
        assert step["env"]["PULUMI_BACKEND_URL"] == "${{ secrets.PULUMI_BACKEND_URL }}"
        assert step["with"]["secrets-provider"] == "passphrase"
    for job in document["jobs"].values():
        for step in job["steps"]:
            uses = step.get("uses")
            if uses and not uses.startswith("./"):
                assert len(uses.split("@")[1]) == 40, f"{uses} is not pinned to a commit"
    assert document["permissions"] == {"contents": "read"}


def test_preview_runs_per_stack_and_comments_once_per_stack():
    preview = load("preview.yml")["jobs"]["preview"]
    assert preview["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    assert "${{ matrix.stack }}" in preview["concurrency"]["group"]
    (pulumi,) = pulumi_steps({"jobs": {"preview": preview}})
    assert pulumi["with"]["command"] == "preview"
    assert (pulumi["with"]["comment-on-pr"], pulumi["with"]["edit-pr-comment"]) == (True, True)
    offline = next(step for step in preview["steps"] if step.get("name") == "Offline diff")
    assert 'synth diff "$STACK" --base "origin/$BASE_REF"' in offline["run"]


def test_prod_deploys_after_dev_through_its_environment():
    jobs = load("deploy.yml")["jobs"]
    assert jobs["prod"]["needs"] == "dev" and jobs["prod"]["environment"] == "production"
    assert "workflow_dispatch" in jobs["prod"]["if"] and "'push'" in jobs["prod"]["if"]
    # Not on the schedule: prod's scheduled refresh is a job of its own (below), so it never runs twice.
    assert "schedule" not in jobs["prod"]["if"]
    assert load("deploy.yml")["on"]["push"]["branches"] == ["main"]


def test_prods_scheduled_refresh_waits_for_neither_the_tests_nor_dev():
    """Item 34: a dev deploy (or a test) broken for weeks must not let prod's token expire."""
    jobs = load("deploy.yml")["jobs"]
    rotation = jobs["prod-rotation"]
    assert rotation["if"] == "github.event_name == 'schedule'"
    assert "needs" not in rotation
    assert rotation["environment"] == "production"
    assert rotation["concurrency"]["group"] == jobs["prod"]["concurrency"]["group"]  # never beside a prod deploy
    (step,) = pulumi_steps({"jobs": {"prod-rotation": rotation}})
    assert step["with"]["stack-name"] == "prod"
    assert (step["with"]["command"], step["with"]["refresh"]) == ("up", True)
    # The schedule refreshes dev too, after the tests, as before; only prod runs on its own.
    assert "schedule" not in jobs["dev"].get("if", "") and jobs["dev"]["needs"] == "test"


def test_drift_expects_no_changes_after_a_refresh():
    (step,) = pulumi_steps(load("drift.yml"))
    assert (step["with"]["refresh"], step["with"]["expect-no-changes"]) == (True, True)
    assert load("drift.yml")["jobs"]["drift"]["permissions"]["issues"] == "write"


def test_the_schedule_refreshes_often_enough_to_rotate_the_token():
    """settings.rotation assumes a `pulumi up --refresh` at least every SCHEDULED_DEPLOY_EVERY_DAYS days: the
    time:Rotating resource is recreated only by a refresh (terraform-provider-time runs its check in Read)."""
    from croniter import croniter

    from components.rotation import SCHEDULED_DEPLOY_EVERY_DAYS

    document = load("deploy.yml")
    (entry,) = document["on"]["schedule"]
    runs = croniter(entry["cron"], datetime(2026, 1, 1, tzinfo=timezone.utc))
    times = [runs.get_next(datetime) for _ in range(60)]
    longest_gap = max(b - a for a, b in zip(times, times[1:], strict=False))
    assert longest_gap <= timedelta(days=SCHEDULED_DEPLOY_EVERY_DAYS)
    assert "schedule" in document["jobs"]["prod-rotation"]["if"]
    for step in pulumi_steps(document):
        assert step["with"]["command"] == "up" and step["with"]["refresh"] is True
