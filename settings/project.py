"""The dbt Cloud project and its git repository: created by one stack, adopted by the others."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from components import rules

from .backend import stack_reference_problem
from .base import SettingsModel


class RepositorySettings(SettingsModel):
    """The git repository holding the dbt project."""

    remote_url: str = Field(min_length=1)
    """Where dbt Cloud clones from: the SSH clone URL (`git@github.com:org/repo.git`) for `deploy_key` and
    `github_app`, the project's path (`my-group/my-project`) for GitLab's `deploy_token`, the repository's URL
    (`https://dev.azure.com/org/project/_git/repo`) for Azure DevOps."""
    git_clone_strategy: rules.GitCloneStrategy = "deploy_key"
    """`deploy_key` (any host; add the exported public key to the repository), `github_app`,
    `deploy_token` (GitLab) or `azure_active_directory_app` (Azure DevOps)."""
    github_installation_id: Optional[int] = Field(default=None, gt=0, le=rules.MAX_INT64)
    """The dbt Cloud GitHub app's installation id (github_app)."""
    gitlab_project_id: Optional[int] = Field(default=None, gt=0, le=rules.MAX_INT64)
    """The GitLab project's numeric id (deploy_token)."""
    azure_active_directory_project_id: Optional[str] = None
    """The Azure DevOps project id (azure_active_directory_app)."""
    azure_active_directory_repository_id: Optional[str] = None
    """The Azure DevOps repository id (azure_active_directory_app)."""

    @property
    def triggers_ci(self) -> bool:
        """dbt Cloud gets pull-request and merge events only through a native Git integration (GitHub app, GitLab,
        Azure DevOps); a repository cloned with a deploy key gets none (docs.getdbt.com, "CI jobs", prerequisites)."""
        return self.git_clone_strategy in rules.CI_CAPABLE_CLONE_STRATEGIES

    @model_validator(mode="after")
    def _strategy_has_its_ids(self) -> "RepositorySettings":
        problem = rules.repository_ids_problem(self.git_clone_strategy, self.model_dump())
        if problem:
            argument, why = problem
            raise ValueError(f"{to_camel(argument)} {why}")
        problem = rules.clone_url_problem(self.remote_url, self.git_clone_strategy)
        if problem:
            raise ValueError(f"remoteUrl: {problem}")
        return self


class ProjectSettings(SettingsModel):
    """The dbt Cloud project: created by exactly one stack, adopted by the others.

    Create it with `name` (and `repository`); adopt it with `fromStack` (the stack that created it) or
    `id` (a project first made by hand in the dbt Cloud UI).
    """

    name: Optional[str] = None
    """Project name (creates the project in this stack)."""
    description: Optional[str] = None
    """Project description."""
    dbt_project_subdirectory: Optional[str] = None
    """Folder of `dbt_project.yml` inside the repository, e.g. `data_warehouse/dbt`."""

    repository: Optional[RepositorySettings] = None
    """The git repository (required when this stack creates the project)."""
    from_stack: Optional[str] = None
    """Adopt the project of this stack (`organization/<project>/<stack>`), through a StackReference."""
    id: Optional[int] = Field(default=None, gt=0, le=rules.MAX_INT64)
    """Adopt a project made by hand: its number in dbt Cloud URLs (`.../projects/<id>`)."""
    environment_ids: dict[str, Annotated[int, Field(gt=0, le=rules.MAX_INT64)]] = Field(default_factory=dict)
    """With `id`: ids of environments this stack does not own but names (e.g. `production` for deferral)."""

    @field_validator("dbt_project_subdirectory")
    @classmethod
    def _a_folder(cls, folder: Optional[str]) -> Optional[str]:
        if folder is not None and folder.rstrip("/").endswith((".yml", ".yaml")):
            parent = folder.rstrip("/").rsplit("/", 1)[0] if "/" in folder.rstrip("/") else ""
            raise ValueError(
                f"is the folder that holds dbt_project.yml, not the file: write {parent!r}"
                if parent
                else "is the folder that holds dbt_project.yml, not the file: leave it out when that is the top"
            )
        return folder

    @field_validator("from_stack")
    @classmethod
    def _backend_accepts_reference(cls, value: Optional[str]) -> Optional[str]:
        problem = value and stack_reference_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _one_way_to_get_the_project(self) -> "ProjectSettings":
        ways = [key for key, value in (("name", self.name), ("fromStack", self.from_stack), ("id", self.id)) if value]
        if len(ways) != 1:
            raise ValueError(
                "give exactly one of name (this stack creates the project), fromStack (adopt it from the stack "
                f"that created it) or id (adopt a project made by hand); got {', '.join(ways) or 'none'}"
            )
        creating = self.name is not None
        if creating and self.repository is None:
            raise ValueError("a project this stack creates needs a repository")
        if not creating and (self.repository or self.description or self.dbt_project_subdirectory):
            raise ValueError(
                "repository, description and dbtProjectSubdirectory belong to the stack that creates the project"
            )
        if self.environment_ids and self.id is None:
            raise ValueError("environmentIds goes with id; with fromStack the ids come from that stack")
        return self

    @property
    def creates_project(self) -> bool:
        """True when this stack creates (and owns) the project and its repository."""
        return self.name is not None
