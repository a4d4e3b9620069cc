"""Rules across a project's stacks: who creates the project, and what must stay unique between stacks."""

from __future__ import annotations

from pathlib import Path

from components.rules import ci_trigger_problem

from .errors import ConfigError, Problem
from .files import StackFileError, load_stack_file, stack_names
from .load import RawConfig, load_settings
from .model import StackSettings


def cross_stack_problems(
    stacks: dict[str, StackSettings], project_name: str, unchecked: frozenset[str] = frozenset()
) -> list[Problem]:
    """Problems no single stack can see: the project created once, adopted from a stack that creates it,
    pull-request and merge jobs only where the project's repository can trigger them, one development and one
    production environment per project, environment names unique. Stacks in `unchecked` exist but did not
    validate: they are not missing, and rules that need them wait until they are fixed."""
    problems: list[Problem] = []
    creators = sorted(name for name, settings in stacks.items() if settings.project.creates_project)
    if len(creators) > 1:
        problems.append(
            Problem(
                "project",
                f"stacks {', '.join(creators)} all create the project: exactly one "
                "may; the others adopt it with fromStack or id",
            )
        )
    for name, settings in stacks.items():
        reference = settings.project.from_stack
        if not reference:
            continue
        owner = reference.split("/")[-1]
        where = f"{name}: project.fromStack"
        if len(reference.split("/")) == 3 and reference.split("/")[1] != project_name:
            problems.append(Problem(where, f"{reference!r} names another project than {project_name!r}"))
        elif owner in unchecked:
            continue  # that stack has problems of its own (reported with it): nothing to compare against yet
        elif owner not in stacks:
            problems.append(
                Problem(where, f"{reference!r}: there is no stack {owner!r} here (stacks: {', '.join(sorted(stacks))})")
            )
        elif not stacks[owner].project.creates_project:
            problems.append(
                Problem(
                    where,
                    f"{reference!r}: stack {owner!r} does not create the project; "
                    f"adopt it from {', '.join(creators) or 'the stack that does'}",
                )
            )
        else:
            repository = stacks[owner].project.repository
            if repository is not None and not repository.triggers_ci:
                for key in settings.ci_job_keys():
                    problems.append(
                        Problem(
                            f"{name}: jobs.{key}",
                            ci_trigger_problem(repository.git_clone_strategy) + f" (in {owner}'s project.repository)",
                        )
                    )
            owned = set(stacks[owner].environments)
            for key in settings.external_environment_keys():
                if key not in owned:
                    jobs = [job_key for job_key, job in settings.jobs.items() if job.defer_to == key]
                    problems.append(
                        Problem(
                            f"{name}: jobs.{jobs[0]}.deferTo" if len(jobs) == 1 else f"{name}: jobs",
                            f"defer to {key!r}, which stack {owner!r} does not have (it has {', '.join(sorted(owned))})"
                            + ("" if len(jobs) == 1 else f"; jobs {', '.join(jobs)}"),
                        )
                    )
    problems.extend(_unique_across_stacks(stacks))
    return problems


def _unique_across_stacks(stacks: dict[str, StackSettings]) -> list[Problem]:
    problems = []
    seen: dict[tuple, str] = {}
    for name, settings in stacks.items():
        for key, environment in settings.environments.items():
            claims = [("name", environment.name)]
            if environment.type == "development":
                claims.append(("kind", "development"))
            if environment.deployment_type == "production":
                claims.append(("kind", "production"))
            for claim in claims:
                if claim in seen:
                    what = (
                        f"a second {claim[1]} environment"
                        if claim[0] == "kind"
                        else f"the environment name {claim[1]!r} again"
                    )
                    problems.append(
                        Problem(
                            f"{name}: environments.{key}",
                            f"{what} (also in {seen[claim]}); a project has one of each"
                            if claim[0] == "kind"
                            else f"{what} (also in {seen[claim]}): environment variables find environments by name",
                        )
                    )
                seen.setdefault(claim, f"{name}: environments.{key}")
    return problems + _names_unique_across_stacks(stacks)


def _names_unique_across_stacks(stacks: dict[str, StackSettings]) -> list[Problem]:
    """Names the services keep unique across what the stacks share: job names in the one project (two stacks' jobs
    of one name cannot be told apart by name, which `ops` resolves them by), warehouse and service principal names in
    one workspace (Databricks refuses a second warehouse of a name: "SQL warehouse with name ... already exists")."""
    problems: list[Problem] = []
    seen: dict[tuple, str] = {}

    def claim(what: tuple, where: str, message: str) -> None:
        if what in seen:
            problems.append(Problem(where, f"{message} (also in {seen[what]})"))
        seen.setdefault(what, where)

    for name, settings in stacks.items():
        workspace = (settings.databricks_host or "").rstrip("/")
        claim(
            ("warehouse", workspace, settings.warehouse.name),
            f"{name}: warehouse.name",
            f"the warehouse name {settings.warehouse.name!r} again in the same workspace",
        )
        if settings.service_principal is not None:
            display = settings.service_principal.display_name
            claim(
                ("principal", workspace, display),
                f"{name}: servicePrincipal.displayName",
                f"the service principal name {display!r} again in the same workspace",
            )
        for key, job in settings.jobs.items():
            claim(("job", job.name), f"{name}: jobs.{key}.name", f"the job name {job.name!r} again in the project")
    return problems


def problems_joining(
    stack: str, settings: StackSettings, others: dict[str, StackSettings], project_name: str
) -> list[Problem]:
    """The cross-stack problems `stack` brings to the others (not those they already have among themselves): what
    the program checks before `pulumi up` declares anything, reading the other stack files beside it."""
    before = {str(problem) for problem in cross_stack_problems(others, project_name)}
    return [
        problem
        for problem in cross_stack_problems({**others, stack: settings}, project_name)
        if str(problem) not in before
    ]


def valid_stacks(root: Path, leave_out: str = "") -> dict[str, StackSettings]:
    """The settings of every stack file in `root` that validates, but `leave_out` (one that does not validate is its
    own stack's problem, left to its `pulumi up` and to `synth check`)."""
    stacks = {}
    for name in stack_names(root):
        if name == leave_out:
            continue
        try:
            stack_file = load_stack_file(root, name)
            raw = RawConfig(stack_file.config, frozenset(stack_file.secret_keys))
            stacks[name] = load_settings(raw, stack_file.project).settings
        except (ConfigError, StackFileError):
            continue
    return stacks
