"""`python -m synth diff` on two refs of a small throw-away git repository."""

from __future__ import annotations

import json

from repo_copy import commit
from stack_config import PROD_SLACK_NOTIFICATION, edit

from synth.__main__ import main
from synth.diff import compare, diff_stack, format_diff, render_tree


def test_no_change_exits_0(repo, capsys):
    assert main(["diff", "prod", "--base", "HEAD", "--project-dir", str(repo)]) == 0
    assert capsys.readouterr().out.strip() == "prod: no changes against HEAD"


def test_a_cron_change_reads_in_words_with_next_runs(repo, capsys):
    edit(repo, "prod", 'cron: "0 2 * * *"', 'cron: "30 5 * * 1-5"')
    assert main(["diff", "prod", "--base", "HEAD", "--project-dir", str(repo)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("prod against HEAD: 0 to add, 1 to change, 0 to replace, 0 to remove")
    assert "schedule: 0 2 * * * (At 02:00 (UTC); next: " in out
    assert "-> 30 5 * * 1-5 (At 05:30, Monday through Friday (UTC); next: " in out
    assert "Stack outputs:" in out and "cost.modelsPerMonth: 487 -> 348" in out  # cost moves with the schedule


def test_an_added_job_shows_its_steps_trigger_and_who_is_notified(repo):
    edit(
        repo,
        "prod",
        "  dbtcloud-databricks:notifications:",
        """    snapshots:
      name: Snapshots - Production
      environment: production
      steps: [dbt snapshot]
      runAfter: {job: daily-pipeline, statuses: [success, error]}
      timeoutMinutes: 20
  dbtcloud-databricks:notifications:""",
    )
    edit(
        repo,
        "prod",
        "onFailure: [daily-pipeline, marts-quality]\n    data-alerts-slack:",
        "onFailure: [daily-pipeline, marts-quality, snapshots]\n    data-alerts-slack:",
    )
    diff = diff_stack("prod", "HEAD", repo)
    text = format_diff(diff)
    assert "  + Job 'Snapshots - Production' (jobs-snapshots)" in text
    assert "      steps: dbt snapshot" in text
    assert "      runs after: Daily Pipeline - Production (success, error)" in text
    assert "      started by: another job" in text
    assert "      notifies: dbt Cloud user 100001 on failure" in text
    assert (
        "onFailures: ['Daily Pipeline - Production', 'Marts Data Quality - Production'] -> "
        "['Daily Pipeline - Production', 'Marts Data Quality - Production', 'Snapshots - Production']"
    ) in text


def test_a_removed_notification_is_listed_with_what_it_sent(repo):
    edit(repo, "prod", PROD_SLACK_NOTIFICATION, "")
    text = format_diff(diff_stack("prod", "HEAD", repo))
    assert "  - PartialNotification notifications-data-alerts-slack" in text
    assert (
        "      Slack #data-alerts: on failure: 'Daily Pipeline - Production', 'Marts Data Quality - Production'; "
        "on cancel: 'Daily Pipeline - Production'"
    ) in text


def test_a_changed_secret_shows_as_changed_never_its_value(repo, capsys):
    edit(
        repo,
        "dev",
        "  dbtcloud-databricks:warehouse:",
        "  dbtcloud-databricks:deploymentToken:\n    secure: v1:AAAA\n  dbtcloud-databricks:warehouse:",
    )
    commit(repo, "token")
    edit(repo, "dev", "secure: v1:AAAA", "secure: v1:BBBB")
    assert main(["diff", "dev", "--base", "HEAD", "--project-dir", str(repo), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    (credential,) = [r for r in document["resources"] if r["type"].endswith("DatabricksCredential")]
    assert credential["changes"] == [{"path": "token", "secret": True}]
    assert "v1:" not in json.dumps(document) and "offline-placeholder" not in json.dumps(document)
    assert "token: secret changed (value not shown)" in format_diff(diff_stack("dev", "HEAD", repo))


def test_replacements_and_protected_deletions_come_first(repo):
    edit(repo, "prod", "    production:\n      name: Production", "    live:\n      name: Production")
    edit(
        repo,
        "prod",
        "environment: production\n      steps:\n        - dbt run",
        "environment: live\n      steps:\n        - dbt run",
    )
    edit(
        repo,
        "prod",
        "environment: production\n      steps:\n        - dbt test --select",
        "environment: live\n      steps:\n        - dbt test --select",
    )
    edit(repo, "prod", "      production: shanghai_transport\n", "      live: shanghai_transport\n")
    # dev's CI job defers to that environment by key: the program refuses a prod that would leave it dangling.
    edit(repo, "dev", "deferTo: production", "deferTo: live")
    text = format_diff(diff_stack("prod", "HEAD", repo))
    attention = text.split("Attention:")[1].split("\n\n")[0]
    assert (
        "! Environment 'Production' (environments-production-environment) will be deleted - it is PROTECTED: "
        "pulumi up will refuse until it is unprotected"
    ) in attention
    assert text.index("Attention:") < text.index("Jobs:")


def test_a_code_change_renders_the_base_with_its_own_code(code_change_render):
    # The base commit has other component code than the working tree, so the base renders in a process of its
    # own (started when the session started, on the other core: see conftest.py).
    repo, base = code_change_render
    diff = compare("prod", "HEAD", base.result(), render_tree("prod", repo))
    assert {(r.name, c.path, c.before, c.after) for r in diff.resources for c in r.changes} == {
        ("jobs-daily-pipeline", "validateExecuteSteps", False, True),
        ("jobs-marts-quality", "validateExecuteSteps", False, True),
    }


def test_a_bad_ref_is_an_error(repo, capsys):
    assert main(["diff", "prod", "--base", "no-such-ref", "--project-dir", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "--base 'no-such-ref' is not a branch, tag or commit" in err and "git fetch" in err


def test_a_replacement_says_which_input_forces_it(repo, capsys):
    """Changing how dbt Cloud clones the repository replaces it (the provider's git_clone_strategy forces
    replacement): the diff says so first, and why."""
    edit(
        repo,
        "prod",
        "      gitCloneStrategy: github_app\n      githubInstallationId: 10000001",
        "      gitCloneStrategy: deploy_token\n      gitlabProjectId: 4242",
    )
    text = format_diff(diff_stack("prod", "HEAD", repo))
    attention = text.split("Attention:")[1].split("\n\n")[0]
    assert "will be deleted and re-created (replaced) because gitCloneStrategy changed" in attention
    assert "PROTECTED" in attention
