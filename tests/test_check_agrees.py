"""`synth check` refuses what the program refuses: a corpus of mistakes, one or more per family of the providers'
rules (synth/contract), each run through `synth check STACK` and `synth STACK` (the program under the contract mocks)
in a copy of the project, with the same verdict from both."""

from __future__ import annotations

import shutil

import pytest
from helpers import run_synth

from synth.render import PROJECT_ROOT

P, D = "prod", "dev"

MISTAKES = [
    # (why, stack, text in the stack file, replaced by)
    ("connection name required", P, "name: Databricks - Production", 'name: ""'),
    ("project name required", P, "name: Shanghai Transport DW", 'name: ""'),
    ("clone strategy one of", P, "gitCloneStrategy: github_app", "gitCloneStrategy: https"),
    ("github_app needs its installation id", P, "      githubInstallationId: 10000001       #", "      #"),
    (
        "a GitLab id beside github_app",
        P,
        "githubInstallationId: 10000001",
        "githubInstallationId: 10000001\n      gitlabProjectId: 5",
    ),
    ("deploy_token needs a GitLab id", P, "gitCloneStrategy: github_app", "gitCloneStrategy: deploy_token"),
    (
        "CI job on a deploy-key repository",
        P,
        "gitCloneStrategy: github_app\n      githubInstallationId: 10000001",
        "gitCloneStrategy: deploy_key\n      #",
    ),
    ("environment type one of", D, "type: development\n      dbtVersion", "type: ide\n      dbtVersion"),
    ("deployment type one of", D, "deploymentType: staging", "deploymentType: qa"),
    (
        "deployment type on a development environment",
        D,
        "type: development\n",
        "type: development\n      deploymentType: staging\n",
    ),
    (
        "dbt version pattern",
        D,
        "      deploymentType: staging\n      dbtVersion: latest",
        "      deploymentType: staging\n      dbtVersion: '1.7'",
    ),
    (
        "custom branch a git branch",
        D,
        "      deploymentType: staging\n",
        "      deploymentType: staging\n      customBranch: 'a b'\n",
    ),
    (
        "one development environment",
        D,
        "    staging:\n      name: Staging\n      type: deployment",
        "    staging:\n      name: Staging\n      type: development",
    ),
    ("one production environment", D, "deploymentType: staging", "deploymentType: production"),
    ("credential schema characters", D, "schema: dbt_staging", "schema: dbt-staging"),
    (
        "a deployment environment needs a credential",
        P,
        "      credential:\n        catalog: shanghai_transport\n        schema: analytics\n",
        "      credential:\n",
    ),
    (
        "steps at least one",
        D,
        "      steps:\n        - dbt build\n      timeoutMinutes: 30\n      modelsPerRun",
        "      steps: []\n      timeoutMinutes: 30\n      modelsPerRun",
    ),
    (
        "steps are dbt commands",
        D,
        "- dbt build\n      timeoutMinutes: 30\n      modelsPerRun",
        "- rm -rf target\n      timeoutMinutes: 30\n      modelsPerRun",
    ),
    (
        "merge trigger alone",
        P,
        'cron: "0 2 * * *"      # 02:00 UTC every day',
        'cron: "0 2 * * *"\n      runOnMerge: true',
    ),
    ("completion statuses", P, "statuses: [success]", "statuses: [done]"),
    ("cron five fields", P, 'cron: "0 2 * * *"', 'cron: "0 2 * *"'),
    (
        "threads at least one",
        P,
        "      threads: 8\n      timeoutMinutes: 60",
        "      threads: 0\n      timeoutMinutes: 60",
    ),
    ("notification type one of", P, "type: userEmail", "type: email"),
    (
        "Slack needs a channel id",
        P,
        "      slackChannelId: C0000000000        # PLACEHOLDER: channel id (Slack: channel details, bottom)\n",
        "",
    ),
    (
        "user id required",
        D,
        "      userId: 100001                     # PLACEHOLDER: dbt Cloud user id of the recipient\n",
        "",
    ),
    ("variable names start with DBT_", D, "DBT_TARGET_CATALOG:", "TARGET_CATALOG:"),
    ("variable name reserved", D, "DBT_TARGET_CATALOG:", "DBT_CLOUD_RUN_ID:"),
    ("cluster size one of", D, "size: 2X-Small", "size: Tiny"),
    ("warehouse name fewer than 100 characters", D, "name: dbt-development", "name: " + "w" * 300),
    ("auto-stop 0 or at least 10", D, "autoStopMinutes: 10", "autoStopMinutes: 5"),
    ("at most 40 clusters", P, "maxClusters: 2", "maxClusters: 41"),
    ("min clusters at most max", P, "minClusters: 1", "minClusters: 3"),
    ("serverless needs PRO", D, "warehouseType: PRO", "warehouseType: CLASSIC"),
    ("fewer than 45 tags", D, "      managed-by: pulumi\n", "".join(f"      t{i}: v\n" for i in range(45))),
    ("principal display name", P, "displayName: dbt Cloud - Production", 'displayName: ""'),
    ("token lifetime at least a day", P, "credentialLifetimeDays: 90", "credentialLifetimeDays: 0"),
    ("warehouse permission level one of", P, "group:data-engineers: CAN_USE", "group:data-engineers: CAN_READ"),
    ("admins cannot be listed", P, "group:data-engineers: CAN_USE", "group:admins: CAN_USE"),
    ("a warehouse has one owner, never a group", P, "group:data-engineers: CAN_USE", "group:data-engineers: IS_OWNER"),
    ("no CREATE_VIEW privilege", P, "CREATE_TABLE, SELECT, MODIFY]", "CREATE_TABLE, CREATE_VIEW, SELECT, MODIFY]"),
    (
        "privileges of a schema",
        P,
        "    tokenPermissions:",
        "    schemaGrants:\n      shanghai_transport.raw: [USE_CATALOG]\n    tokenPermissions:",
    ),
    ("token usage through a group one can join", P, "viaGroup: dbt-service-principals", "viaGroup: users"),
    ("rotation at least a day", P, "rotateAfterDays: 60", "rotateAfterDays: 0"),
    ("a project created by two stacks", D, "fromStack: organization/dbtcloud-databricks/prod", "name: Another"),
]
FINE = 2
"""The last two of the corpus are no mistakes: both accept them."""
MISTAKES += [
    ("a new description", P, "description: Builds and tests every model", "description: Rebuilds every model"),
    ("a bigger warehouse", P, "size: Small", "size: Medium"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agree")
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_ROOT / name, folder / name)
    return folder


def verdicts(capsys, folder, stack, old, new) -> tuple[int, int, str]:
    path = folder / f"Pulumi.{stack}.yaml"
    original = (PROJECT_ROOT / path.name).read_text()
    assert original.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(original.replace(old, new))
    try:
        checked, check_printed = run_synth(capsys, "check", stack, "--project-dir", str(folder))
        shown, show_printed = run_synth(capsys, stack, "--project-dir", str(folder))
    finally:
        path.write_text(original)
    return checked, shown, check_printed + show_printed


@pytest.mark.parametrize("why, stack, old, new", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_check_and_the_program_agree(capsys, folder, why, stack, old, new):
    checked, shown, printed = verdicts(capsys, folder, stack, old, new)
    expected = 0 if (why, stack, old, new) in MISTAKES[-FINE:] else 1
    assert (checked, shown) == (expected, expected), printed
    assert "Traceback" not in printed and "internal error" not in printed


def test_the_corpus_covers_every_family_of_the_contract():
    """At least one mistake per resource type the contract has rules for (but the stack reference, which the program
    names itself), and 30 in all."""
    assert len(MISTAKES) - FINE >= 30
