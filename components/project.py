"""The dbt Cloud project and its git repository: created by one stack, used by the others."""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud
from pulumi.provider.experimental import host

from .fields import NotModelled, Passed, ProviderArguments, as_they_are, camel, passed
from .package import PACKAGE_NAME, InvalidArgument, one_of, type_token
from .rules import GIT_CLONE_STRATEGIES, REPOSITORY_IDS, clone_url_problem, repository_ids_problem

# terraform-provider-dbtcloud pkg/framework/objects/project/schema.go and repository/schema.go (defaults); dbt Labs'
# OpenAPI spec v3 (the API's names).
PROJECT_FIELDS = as_they_are("name", "description", "dbt_project_subdirectory")
"""A `DbtProject`'s arguments handed to the provider as they are."""

PROJECT = ProviderArguments(
    dbtcloud.Project,
    passed=PROJECT_FIELDS,
    not_modelled={"type": NotModelled("the project's type (dbt Cloud's default, a dbt project)", drifts=False)},
)

REPOSITORY_FIELDS = {
    **as_they_are("remote_url"),
    "git_clone_strategy": Passed("git_clone_strategy", "deploy_key", given="deploy_key"),
    **as_they_are(*(argument for arguments in REPOSITORY_IDS.values() for argument in arguments)),
}
"""A `GitRepository`'s arguments handed to the provider as they are."""

REPOSITORY = ProviderArguments(
    dbtcloud.Repository,
    passed=REPOSITORY_FIELDS,
    by_hand={"project_id": "the project made beside it"},
    not_modelled={
        "azure_bypass_webhook_registration_failure": NotModelled("Azure DevOps webhook failures let through", False),
        "fetch_deploy_key": NotModelled("deprecated by the provider (the deploy key is always read)", drifts=False),
        "is_active": NotModelled("false deletes the repository", True, drifts=False),
        "private_link_endpoint_id": NotModelled("a private link to the git host"),
        "pull_request_url_template": NotModelled("a custom pull-request address"),
    },
)

PROJECT_REPOSITORY = ProviderArguments(
    dbtcloud.ProjectRepository,
    by_hand={"project_id": "the project", "repository_id": "the repository made beside it"},
)
PROVIDER_ARGUMENTS = (PROJECT, REPOSITORY, PROJECT_REPOSITORY)


class GitRepository(TypedDict):
    """The project's git repository."""

    remote_url: pulumi.Input[str]
    """Where dbt Cloud clones from: the SSH clone URL (`git@github.com:org/repo.git`) for deploy_key and github_app,
    the project's path (`my-group/my-project`) for GitLab's deploy_token, the repository's URL
    (`https://dev.azure.com/org/project/_git/repo`) for Azure DevOps."""
    git_clone_strategy: NotRequired[str]
    """deploy_key (SSH with a key dbt Cloud makes; no pull-request events, so no CI jobs), github_app (the dbt Cloud
    GitHub app), deploy_token (GitLab) or azure_active_directory_app (Azure DevOps). Changing it replaces the
    repository. Default deploy_key."""
    github_installation_id: NotRequired[pulumi.Input[int]]
    """The GitHub app's installation id on the organisation. Required with github_app, else left out."""
    gitlab_project_id: NotRequired[pulumi.Input[int]]
    """The GitLab project's id. Required with deploy_token, else left out."""
    azure_active_directory_project_id: NotRequired[pulumi.Input[str]]
    """The Azure DevOps project id. Required with azure_active_directory_app, else left out."""
    azure_active_directory_repository_id: NotRequired[pulumi.Input[str]]
    """The Azure DevOps repository id. Required with azure_active_directory_app, else left out."""


class DbtProjectArgs(TypedDict):
    """Arguments of `DbtProject`."""

    name: pulumi.Input[str]
    """Project name shown in dbt Cloud."""
    repository: GitRepository
    """The git repository holding the dbt project."""
    description: NotRequired[pulumi.Input[str]]
    """Project description. Default none."""
    dbt_project_subdirectory: NotRequired[pulumi.Input[str]]
    """Folder of `dbt_project.yml` inside the repository, e.g. `data_warehouse/dbt`. Default: the repository root."""
    project_import_id: NotRequired[str]
    """Number of an existing project to adopt (import) instead of creating one. Default: create one."""
    repository_import_id: NotRequired[str]
    """`<project>:<repository>` of an existing repository to adopt, with its link to the project. Default: create."""


class DbtProject(pulumi.ComponentResource):
    """A dbt Cloud project (`dbtcloud.Project`) with its repository (`dbtcloud.Repository`), linked
    (`dbtcloud.ProjectRepository`) so that the repository shows in dbt Cloud."""

    project_id: pulumi.Output[int]
    """The project's number."""
    repository_id: pulumi.Output[int]
    """The repository's number."""
    deploy_key: Optional[pulumi.Output[str]]
    """With deploy_key cloning: the public key to add to the git repository, with write access (the IDE commits
    through it). Otherwise absent."""

    def __init__(self, name: str, args: DbtProjectArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(DbtProject, "dbtcloud", "Project"), name, None, opts)
        self.project = dbtcloud.Project(
            f"{name}-project",
            **passed(PROJECT_FIELDS, args),
            opts=pulumi.ResourceOptions(parent=self, import_=args.get("project_import_id")),
        )
        # A Project's Pulumi id is its number as text; every dbt Cloud input wants the integer.
        self.project_id = self.project.id.apply(int)
        self.repository = self._repository(name, args["repository"], args.get("repository_import_id"))
        self.repository_id = self.repository.repository_id
        # A repository shows in the project only once linked.
        self.link = dbtcloud.ProjectRepository(
            f"{name}-repository-link",
            project_id=self.project_id,
            repository_id=self.repository_id,
            # The link's id has the repository's shape: "<project>:<repository>".
            opts=pulumi.ResourceOptions(parent=self, import_=args.get("repository_import_id")),
        )
        uses_deploy_key = args["repository"].get("git_clone_strategy", "deploy_key") == "deploy_key"
        self.deploy_key = self.repository.deploy_key if uses_deploy_key else None
        self.register_outputs(
            {"project_id": self.project_id, "repository_id": self.repository_id, "deploy_key": self.deploy_key}
        )

    def environment_id(self, key: str) -> pulumi.Output[int]:
        """An environment of the project that another program owns: none, for the program that creates it."""
        raise ValueError(f"the program that creates the project owns all its environments; unknown: {key!r}")

    @staticmethod
    def _check(name: str, args: DbtProjectArgs) -> None:
        repository = args.get("repository") or {}
        strategy = repository.get("git_clone_strategy", "deploy_key")
        one_of("DbtProject", name, "repository.gitCloneStrategy", strategy, GIT_CLONE_STRATEGIES)
        url = repository.get("remote_url")
        if isinstance(url, str) and clone_url_problem(url, strategy):
            raise InvalidArgument("DbtProject", name, "repository.remoteUrl", url, clone_url_problem(url, strategy))
        problem = repository_ids_problem(strategy, repository)
        if problem:
            argument, why = problem
            raise InvalidArgument("DbtProject", name, f"repository.{camel(argument)}", repository.get(argument), why)

    def _repository(self, name: str, repository: GitRepository, import_id: Optional[str]) -> dbtcloud.Repository:
        return dbtcloud.Repository(
            f"{name}-repository",
            **passed(REPOSITORY_FIELDS, repository),
            project_id=self.project_id,
            opts=pulumi.ResourceOptions(parent=self, import_=import_id),
        )


class ReferencedProjectArgs(TypedDict):
    """Arguments of `ReferencedProject`: `fromStack`, or `projectId` (with `environmentIds`)."""

    from_stack: NotRequired[str]
    """The stack that created the project (`organization/project/stack`); it must export `projectId` and
    `environmentIds` (environment key -> number), as this repository's stacks do. Required without `projectId`."""
    project_id: NotRequired[pulumi.Input[int]]
    """Without `fromStack`: the number of a project made by hand."""
    environment_ids: NotRequired[dict[str, pulumi.Input[int]]]
    """Without `fromStack`: numbers of that project's environments that this program refers to, by key (e.g. the
    production environment a CI job defers to). Default none."""


class ReferencedProject(pulumi.ComponentResource):
    """A project this program uses but does not own: found through the owning stack's outputs (a
    `pulumi.StackReference`), or by number. Creates nothing in dbt Cloud."""

    project_id: pulumi.Output[int]
    """The project's number."""
    environment_ids: pulumi.Output[dict[str, int]]
    """The numbers of the project's environments that this program knows, by key."""
    deploy_key = None
    """The repository, and so its deploy key, belongs to the program that created the project."""

    def __init__(self, name: str, args: ReferencedProjectArgs, opts: Optional[pulumi.ResourceOptions] = None):
        from_stack, project_id = args.get("from_stack"), args.get("project_id")
        if (from_stack is None) == (project_id is None):
            raise InvalidArgument(
                "ReferencedProject",
                name,
                "fromStack/projectId",
                from_stack or project_id,
                "give exactly one: the stack that created the project, or its number",
            )
        # Registered as it always was (this repository's stacks know it as AdoptedProject; a component's type is part
        # of every child's URN), and hosted under its new name with the old one as an alias.
        renamed = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=f"{PACKAGE_NAME}:index:AdoptedProject")])
        super().__init__(
            type_token(ReferencedProject, "dbtcloud", "AdoptedProject"),
            name,
            None,
            pulumi.ResourceOptions.merge(opts, renamed) if host.is_hosting else opts,
        )
        self.owner_stack: Optional[pulumi.StackReference] = None
        if from_stack:
            self.owner_stack = pulumi.StackReference(
                f"{name}-owner", stack_name=from_stack, opts=pulumi.ResourceOptions(parent=self)
            )
            self.project_id = self.owner_stack.require_output("projectId").apply(int)
            ids: pulumi.Output[Any] = self.owner_stack.require_output("environmentIds")
        else:
            self.project_id = pulumi.Output.from_input(project_id)
            ids = pulumi.Output.from_input(dict(args.get("environment_ids") or {}))
        self.environment_ids = ids.apply(lambda known: {key: int(value) for key, value in known.items()})
        self._source = from_stack or "environmentIds"
        self.register_outputs({"project_id": self.project_id, "environment_ids": self.environment_ids})

    def environment_id(self, key: str) -> pulumi.Output[int]:
        """The number of an environment another program owns (e.g. `production`, for a CI job's deferral)."""
        return self.environment_ids.apply(lambda ids: self._lookup(ids, key))

    def _lookup(self, ids: dict, key: str) -> int:
        if key not in ids:
            raise pulumi.RunError(
                f"environment {key!r} is not among the environments of {self._source} ({', '.join(ids) or 'none'})"
            )
        return ids[key]
