"""Rules across stacks: what one stack's pulumi up refuses because of the stack files beside it."""

from __future__ import annotations

from program import declare
from rule_cases import OWNER_OUTPUTS, settings_of, values_of
from stack_config import changed, raw_config, setting

from settings import PROJECT_NAME
from settings.across import cross_stack_problems


def test_cross_stack_the_committed_stacks_agree():
    assert cross_stack_problems({"prod": settings_of("prod"), "dev": settings_of("dev")}, PROJECT_NAME) == []


def test_cross_stack_the_project_is_created_by_exactly_one_stack():
    def create(values):
        values["project"] = values_of("prod")["project"]
        del values["jobs"]["pull-requests"]["deferTo"]

    dev_creates = settings_of("dev", create)
    problems = [str(p) for p in cross_stack_problems({"prod": settings_of("prod"), "dev": dev_creates}, PROJECT_NAME)]
    assert (
        "project: stacks dev, prod all create the project: exactly one may; the others use it through "
        "fromStack or id" in problems
    )


def test_cross_stack_an_adopting_stack_names_the_creator():
    stacks = {
        "dev": settings_of("dev", setting("project.fromStack", "organization/dbtcloud-databricks/qa")),
        "prod": settings_of("prod"),
    }
    assert [str(p) for p in cross_stack_problems(stacks, PROJECT_NAME)] == [
        "dev: project.fromStack: 'organization/dbtcloud-databricks/qa': there is no stack 'qa' here (stacks: dev, prod)"
    ]


def test_cross_stack_a_ci_job_needs_the_creators_repository_to_trigger_it():
    """docs.getdbt.com, "CI jobs", prerequisites: a deploy-key repository sends no pull-request events."""
    stacks = {
        "dev": settings_of("dev"),
        "prod": settings_of(
            "prod",
            setting("project.repository", {"remoteUrl": "git@github.com:o/r.git", "gitCloneStrategy": "deploy_key"}),
        ),
    }
    assert [str(p) for p in cross_stack_problems(stacks, PROJECT_NAME)] == [
        "dev: jobs.pull-requests: runs on pull requests or merges, but the project's repository is cloned with "
        'deploy_key, which gets no pull-request events (docs.getdbt.com, "CI jobs", prerequisites): connect it '
        "through the dbt Cloud GitHub app (gitCloneStrategy: github_app with githubInstallationId), GitLab "
        "(deploy_token) or Azure DevOps (azure_active_directory_app) (in prod's project.repository)"
    ]


def test_cross_stack_environment_names_and_kinds_are_unique():
    def clash(values):
        values["environments"]["staging"].update(name="Production", deploymentType="production")

    problems = [
        str(p)
        for p in cross_stack_problems({"prod": settings_of("prod"), "dev": settings_of("dev", clash)}, PROJECT_NAME)
    ]
    assert problems == [
        "dev: environments.staging: the environment name 'Production' again (also in prod: environments.production): "
        "environment variables find environments by name",
        "dev: environments.staging: a second production environment (also in prod: environments.production); "
        "a project has one of each",
    ]


def test_the_program_holds_a_copied_stack_to_the_stack_files_beside_it():
    """Issue 12: `pulumi up` on a stack copied from prod (a second creator of the project) is refused by the program
    itself, as `synth check` refuses it, before anything is declared."""
    error, declared = declare(raw_config(values_of("prod")), stack="qa")
    assert declared == []
    assert [str(problem) for problem in error.problems] == [
        "project: stacks prod, qa all create the project: exactly one may; the others use it through fromStack or id",
        "qa: environments.production: the environment name 'Production' again (also in prod: "
        "environments.production): environment variables find environments by name",
        "qa: environments.production: a second production environment (also in prod: environments.production); "
        "a project has one of each",
        # Names Databricks and dbt Cloud keep unique across the workspace and the project.
        "qa: warehouse.name: the warehouse name 'dbt-production' again in the same workspace (also in prod: "
        "warehouse.name)",
        "qa: servicePrincipal.displayName: the service principal name 'dbt Cloud - Production' again in the same "
        "workspace (also in prod: servicePrincipal.displayName)",
        "qa: jobs.daily-pipeline.name: the job name 'Daily Pipeline - Production' again in the project (also in "
        "prod: jobs.daily-pipeline.name)",
        "qa: jobs.marts-quality.name: the job name 'Marts Data Quality - Production' again in the project (also in "
        "prod: jobs.marts-quality.name)",
    ]


def test_the_program_refuses_a_deferral_the_owner_stack_lacks():
    def defer_to_live(values):
        values["jobs"]["pull-requests"]["deferTo"] = "live"

    error, declared = declare(raw_config(changed("dev", defer_to_live)), OWNER_OUTPUTS)
    assert declared == []
    assert [str(problem) for problem in error.problems] == [
        "dev: jobs.pull-requests.deferTo: defer to 'live', which stack 'prod' does not have (it has production)"
    ]


def test_cross_stack_a_second_development_environment_is_refused():
    """dbt Cloud allows one development environment per project: a third stack with its own IDE environment clashes
    with dev's, whatever it is called."""

    def ide(values):
        values["environments"]["development"]["name"] = "Development (QA)"
        values["environments"]["staging"]["name"] = "QA"
        values["warehouse"]["name"] = "dbt-qa"
        for job in values["jobs"].values():
            job["name"] = f"QA - {job['name']}"

    problems = [
        str(p)
        for p in cross_stack_problems(
            {"prod": settings_of("prod"), "dev": settings_of("dev"), "qa": settings_of("dev", ide)}, PROJECT_NAME
        )
    ]
    assert problems == [
        "qa: environments.development: a second development environment (also in dev: "
        "environments.development); a project has one of each"
    ]


def test_cross_stack_a_warehouse_name_is_unique_in_its_workspace():
    """Databricks refuses a second warehouse of a name ("SQL warehouse with name ... already exists")."""
    problems = [
        str(p)
        for p in cross_stack_problems(
            {"prod": settings_of("prod"), "dev": settings_of("dev", setting("warehouse.name", "dbt-production"))},
            PROJECT_NAME,
        )
    ]
    assert problems == [
        "dev: warehouse.name: the warehouse name 'dbt-production' again in the same workspace (also in prod: "
        "warehouse.name)"
    ]
    other_workspace = settings_of("dev", setting("warehouse.name", "dbt-production"))
    other_workspace = other_workspace.model_copy(update={"databricks_host": "https://dbc-other.cloud.databricks.com"})
    assert cross_stack_problems({"prod": settings_of("prod"), "dev": other_workspace}, PROJECT_NAME) == []
