"""dbt Cloud jobs: steps, triggers, schedules, chaining and deferral."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components import rules

from .base import Flag, References, SettingsModel, check_reference
from .schedule import cron_problem


class ScheduleSettings(SettingsModel):
    """When a job runs on its own."""

    cron: str
    """5-field cron in UTC (dbt Cloud does not shift for daylight saving): `0 2 * * *` is 02:00 UTC daily."""

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        problem = cron_problem(value)
        if problem:
            raise ValueError(problem)
        return " ".join(value.split())


class RunAfterSettings(SettingsModel):
    """Run a job when another job of this stack finishes (job chaining)."""

    job: str
    """The other job's key under `jobs`."""
    statuses: list[rules.RunStatus] = Field(default_factory=lambda: ["success"], min_length=1)
    """Which outcomes of the other job start this one: success, error, canceled."""

    @field_validator("job")
    @classmethod
    def _known_job(cls, value: str, info: ValidationInfo) -> str:
        return check_reference(info, lambda known, job: known.job_problem([job]), value)


class JobSettings(SettingsModel):
    """A dbt Cloud job."""

    name: str = Field(min_length=1)
    """Job name shown in dbt Cloud."""
    description: Optional[str] = None
    """Job description."""
    environment: str
    """Key of the deployment environment the job runs in."""
    steps: list[str] = Field(min_length=1)
    """dbt commands, in order (dbt Cloud runs `dbt deps` before them itself)."""
    schedule: Optional[ScheduleSettings] = None
    """Run on a schedule."""
    run_on_pull_request: Flag = False
    """Run on every pull request (a CI job)."""
    run_on_merge: Flag = False
    """Run when a pull request merges (excludes the other triggers)."""
    run_after: Optional[RunAfterSettings] = None
    """Run when another job finishes."""
    defer_to: Optional[str] = None
    """Key of the environment whose state this job defers to (CI jobs: `production`)."""
    threads: Optional[int] = Field(default=None, ge=1, le=rules.MAX_INT64)
    """dbt threads; defaults to the environment's `threads`, then 4."""
    timeout_minutes: Optional[int] = Field(default=None, gt=0, le=rules.MAX_INT32 // 60)
    """Cancel a run after this many minutes (more than 1,440 applies only where the account's run limit was raised:
    dbt Cloud ends every run after 24 hours by default)."""
    generate_docs: Flag = False
    """Generate dbt docs after the run (the docs dbt Cloud serves)."""
    source_freshness: Flag = False
    """Check source freshness before the steps (a failure does not stop them)."""
    target_name: Optional[str] = None
    """The `target.name` dbt sees (default `default`)."""
    compare_changes: Optional[Flag] = None
    """Pull-request jobs: Advanced CI's compare changes, what the change does to the data of the models it builds,
    against the environment it defers to (needs deferTo, and Advanced CI switched on in the account settings)."""
    compare_changes_flags: Optional[str] = Field(default=None, min_length=1)
    """With compareChanges: which models to compare, as dbt selection flags (default `--select state:modified`)."""
    sql_lint: Optional[Flag] = None
    """Pull-request jobs: lint the SQL of the changed files before building (default false)."""
    fail_on_lint_errors: Optional[Flag] = None
    """With sqlLint: fail the run on lint errors (default true; false only reports them)."""
    trigger_on_draft_pull_requests: Optional[Flag] = None
    """Pull-request jobs: run on draft pull requests too (default false)."""
    cost_optimization: Optional[rules.CostOptimization] = None
    """One cost optimization: stateAwareOrchestration (dbt Fusion: builds only what changed; not on pull-request or
    merge jobs), dbtState, or inheritEnvironment (the environment's dbt State setting). Default none."""
    paused: Optional[Flag] = None
    """Turn every trigger off and keep the job, its schedule and its settings as they are: how dbt Cloud deactivates
    a job (default false)."""
    models_per_run: int = Field(default=0, ge=0, le=rules.MAX_INT32)
    """Models (views, tables, incrementals) a run builds, for the cost estimate; tests, seeds, snapshots and
    ephemeral models do not count."""

    @field_validator("environment")
    @classmethod
    def _deployment_environment(cls, value: str, info: ValidationInfo) -> str:
        return check_reference(info, References.environment_problem, value)

    @field_validator("defer_to")
    @classmethod
    def _known_deferral(cls, value: Optional[str], info: ValidationInfo) -> Optional[str]:
        return check_reference(info, References.deferral_problem, value)

    @field_validator("cost_optimization", mode="before")
    @classmethod
    def _one_feature(cls, value: object) -> object:
        if isinstance(value, list):
            raise ValueError(
                "costOptimization takes one feature, not a list: dbt Cloud combines none of them (dbtState and "
                "inheritEnvironment must stand alone); write costOptimization: stateAwareOrchestration, dbtState or "
                "inheritEnvironment"
            )
        return value

    @field_validator("steps")
    @classmethod
    def _steps_are_dbt_commands(cls, steps: list[str]) -> list[str]:
        shell = [step for step in steps if rules.SHELL_SYNTAX.search(step)]
        if shell:
            raise ValueError(
                f"{shell[0]!r} is shell syntax (&&, ;, |, a # comment, a $VARIABLE or a line break): dbt Cloud runs "
                "each step as one dbt command, with no shell; write one step per command (steps: [dbt run, dbt "
                "test]), dbt's own selectors for the rest, and a comment beside the step in YAML"
            )
        bad = [step for step in steps if not rules.DEPS_STEP_PATTERN.match(step) and not rules.STEP_PATTERN.match(step)]
        if bad:
            raise ValueError(
                f"{bad[0]!r} is not a dbt command dbt Cloud runs; each step starts with 'dbt ' and one of: "
                f"{rules.KNOWN_DBT_COMMANDS}"
            )
        return steps

    @model_validator(mode="after")
    def _merge_trigger_stands_alone(self) -> "JobSettings":
        if self.run_on_merge and (self.schedule or self.run_on_pull_request or self.run_after):
            raise ValueError("runOnMerge excludes schedule, runOnPullRequest and runAfter: dbt Cloud refuses both")
        return self

    @model_validator(mode="after")
    def _ci_settings_on_ci_jobs(self) -> "JobSettings":
        found = rules.pull_request_settings_problem(self.model_dump())
        if found:
            raise ValueError(found[1])
        if self.cost_optimization:
            problem = rules.cost_optimization_problem(
                self.cost_optimization, self.run_on_pull_request or self.run_on_merge, None
            )
            if problem:
                raise ValueError(problem)
        return self

    @property
    def triggered(self) -> bool:
        """Something starts the job on its own: a schedule, pull requests, merges or another job."""
        return bool(self.schedule or self.run_on_pull_request or self.run_on_merge or self.run_after)

    def dbt_steps(self) -> list[str]:
        """The steps dbt Cloud should run: a `dbt deps` step is dropped, as dbt Cloud runs it anyway."""
        return [step for step in self.steps if not rules.DEPS_STEP_PATTERN.match(step)]


def find_cycle(jobs: dict[str, JobSettings]) -> list[str]:
    """A list of job keys that run after each other in a circle, or [] when there is none."""
    for start in jobs:
        seen: list[str] = []
        key: Optional[str] = start
        while key is not None and key in jobs:
            if key in seen:
                return seen[seen.index(key) :]
            seen.append(key)
            run_after = jobs[key].run_after
            key = run_after.job if run_after else None
    return []
