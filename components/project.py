"""The dbt Cloud project and its git repository: created by one stack, adopted by the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings import ProjectSettings


@dataclass
class DbtProjectArgs:
    """Arguments of `DbtProject`."""

    settings: ProjectSettings
    """Name, description, subdirectory and repository of the project this stack creates."""
    project_import_id: Optional[str] = None
    """Adopt this existing project (its number) instead of creating one."""
    repository_import_id: Optional[str] = None
    """Adopt this existing repository (`<project>:<repository>`), and its link to the project."""


class DbtProject(pulumi.ComponentResource):
    """A dbt Cloud project with its repository, linked so that it shows in dbt Cloud."""

    project_id: pulumi.Output[int]
    """The project's number."""
    repository_id: pulumi.Output[int]
    """The repository's number."""
    deploy_key: Optional[pulumi.Output[str]]
    """With `deploy_key` cloning: the public key to add to the git repository, with write access (the IDE commits through it)."""

    def __init__(self, name: str, args: DbtProjectArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:Project", name, None, opts)
        settings = args.settings
        self.project = dbtcloud.Project(
            f"{name}-project",
            name=settings.name,
            description=settings.description,
            dbt_project_subdirectory=settings.dbt_project_subdirectory,
            opts=pulumi.ResourceOptions(parent=self, import_=args.project_import_id),
        )
        # A Project's Pulumi id is its number as text; every dbt Cloud input wants the integer.
        self.project_id = self.project.id.apply(int)
        self.repository = self._repository(name, settings, args.repository_import_id)
        self.repository_id = self.repository.repository_id
        # A repository shows in the project only once linked.
        self.link = dbtcloud.ProjectRepository(
            f"{name}-repository-link",
            project_id=self.project_id,
            repository_id=self.repository_id,
            # The link's id has the repository's shape: "<project>:<repository>".
            opts=pulumi.ResourceOptions(parent=self, import_=args.repository_import_id),
        )
        uses_deploy_key = settings.repository.git_clone_strategy == "deploy_key"
        self.deploy_key = self.repository.deploy_key if uses_deploy_key else None
        self.register_outputs(
            {"project_id": self.project_id, "repository_id": self.repository_id, "deploy_key": self.deploy_key}
        )

    def environment_ids(self, keys: Iterable[str]) -> dict[str, pulumi.Output[int]]:
        """Environments of the project that other stacks own: none, for the stack that creates it."""
        keys = list(keys)
        if keys:
            raise ValueError(f"the stack that creates the project owns all its environments; unknown: {keys}")
        return {}

    def _repository(self, name: str, settings: ProjectSettings, import_id: Optional[str]) -> dbtcloud.Repository:
        repository = settings.repository
        return dbtcloud.Repository(
            f"{name}-repository",
            project_id=self.project_id,
            remote_url=repository.remote_url,
            git_clone_strategy=repository.git_clone_strategy,
            github_installation_id=repository.github_installation_id,
            gitlab_project_id=repository.gitlab_project_id,
            azure_active_directory_project_id=repository.azure_active_directory_project_id,
            azure_active_directory_repository_id=repository.azure_active_directory_repository_id,
            opts=pulumi.ResourceOptions(parent=self, import_=import_id),
        )


@dataclass
class AdoptedProjectArgs:
    """Arguments of `AdoptedProject`."""

    settings: ProjectSettings
    """`fromStack` (the stack that created the project) or `id` (a project made by hand)."""


class AdoptedProject(pulumi.ComponentResource):
    """A project this stack uses but does not own: found through the owning stack's outputs, or by id."""

    project_id: pulumi.Output[int]
    """The project's number."""
    deploy_key = None
    """The repository, and so its deploy key, belongs to the stack that created the project."""

    def __init__(self, name: str, args: AdoptedProjectArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:AdoptedProject", name, None, opts)
        settings = args.settings
        self.owner_stack: Optional[pulumi.StackReference] = None
        if settings.from_stack:
            self.owner_stack = pulumi.StackReference(
                f"{name}-owner", stack_name=settings.from_stack, opts=pulumi.ResourceOptions(parent=self)
            )
            self.project_id = self.owner_stack.require_output("projectId").apply(int)
            self._environment_ids: pulumi.Output[Any] = self.owner_stack.require_output("environmentIds")
        else:
            self.project_id = pulumi.Output.from_input(settings.id)
            self._environment_ids = pulumi.Output.from_input(dict(settings.environment_ids))
        self._source = settings.from_stack or "project.environmentIds"
        self.register_outputs({"project_id": self.project_id})

    def environment_ids(self, keys: Iterable[str]) -> dict[str, pulumi.Output[int]]:
        """Ids of environments other stacks own (e.g. `production`, for a CI job's deferral), by key."""
        return {key: self._environment_ids.apply(lambda ids, key=key: self._lookup(ids, key)) for key in keys}

    def _lookup(self, ids: dict, key: str) -> int:
        if key not in ids:
            raise pulumi.RunError(
                f"environment {key!r} is not among the environments of {self._source} ({', '.join(ids) or 'none'})"
            )
        return int(ids[key])
