"""dbt Cloud jobs: scheduled, pull-request (CI), merge, manual and chained."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_dbtcloud as dbtcloud

from settings import AccountSettings, JobSettings


@dataclass
class DbtJobsArgs:
    """Arguments of `DbtJobs`."""

    jobs: list[tuple[str, JobSettings]]
    """Jobs by key, each after the job it runs after (`StackSettings.jobs_in_dependency_order`)."""
    threads: Mapping[str, int]
    """Each job's threads, its environment's default already applied."""
    project_id: pulumi.Input[int]
    """The project the jobs belong to."""
    environment_ids: Mapping[str, pulumi.Input[int]]
    """Environment numbers by key: the stack's own, and those it defers to in other stacks."""
    account: AccountSettings
    """The dbt Cloud account, for the jobs' web addresses."""
    import_ids: Mapping[str, str] = field(default_factory=dict)
    """Job key -> existing job to adopt (its number)."""


class DbtJobs(pulumi.ComponentResource):
    """All jobs of one stack. dbt Cloud runs `dbt deps` before every job, so no job has a deps step."""

    job_ids: dict[str, pulumi.Output[int]]
    """Each job's number, by key."""
    summary: pulumi.Output[dict[str, dict]]
    """`{key: {"id": number, "url": page in dbt Cloud}}` for every job."""

    def __init__(self, name: str, args: DbtJobsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:Jobs", name, None, opts)
        self.jobs: dict[str, dbtcloud.Job] = {}
        self.job_ids = {}
        for key, settings in args.jobs:
            job = self._job(f"{name}-{key}", settings, args.threads[key], args, args.import_ids.get(key))
            self.jobs[key] = job
            self.job_ids[key] = job.job_id
        # One output for all jobs, not one per job: each Output costs the SDK a handful of tasks.
        self.summary = pulumi.Output.all(args.project_id, pulumi.Output.all(**self.job_ids)).apply(
            lambda resolved: {key: {"id": job_id, "url": args.account.job_url(resolved[0], job_id)}
                              for key, job_id in resolved[1].items()}
        )
        self.register_outputs({"job_ids": self.job_ids, "summary": self.summary})

    def _job(self, name: str, settings: JobSettings, threads: int, args: DbtJobsArgs,
             import_id: Optional[str]) -> dbtcloud.Job:
        schedule = settings.schedule
        return dbtcloud.Job(
            name,
            name=settings.name,
            description=settings.description,
            project_id=args.project_id,
            environment_id=args.environment_ids[settings.environment],
            execute_steps=settings.dbt_steps(),
            # The provider wants all four flags; a job with all four false runs only when started by hand.
            triggers=dbtcloud.JobTriggersArgs(
                github_webhook=settings.run_on_pull_request,
                git_provider_webhook=settings.run_on_pull_request,
                schedule=schedule is not None,
                on_merge=settings.run_on_merge,
            ),
            schedule_type="custom_cron" if schedule else None,
            schedule_cron=schedule.cron if schedule else None,
            job_type=self._job_type(settings),
            num_threads=threads,
            target_name=settings.target_name,
            generate_docs=settings.generate_docs,
            run_generate_sources=settings.source_freshness,
            execution=self._execution(settings),
            deferring_environment_id=args.environment_ids[settings.defer_to] if settings.defer_to else None,
            job_completion_trigger_conditions=self._run_after(settings, args),
            # Let the provider check the steps at preview time too.
            validate_execute_steps=True,
            opts=pulumi.ResourceOptions(parent=self, import_=import_id),
        )

    @staticmethod
    def _job_type(settings: JobSettings) -> Optional[str]:
        # dbt Cloud infers scheduled/other from the triggers; only ci and merge are worth stating.
        if settings.run_on_pull_request:
            return "ci"
        if settings.run_on_merge:
            return "merge"
        return None

    @staticmethod
    def _execution(settings: JobSettings) -> Optional[dbtcloud.JobExecutionArgs]:
        if settings.timeout_minutes is None:
            return None
        # The top-level `timeout_seconds` is deprecated in favour of `execution.timeout_seconds`.
        return dbtcloud.JobExecutionArgs(timeout_seconds=settings.timeout_minutes * 60)

    def _run_after(self, settings: JobSettings,
                   args: DbtJobsArgs) -> Optional[list[dbtcloud.JobJobCompletionTriggerConditionArgs]]:
        if settings.run_after is None:
            return None
        return [
            dbtcloud.JobJobCompletionTriggerConditionArgs(
                job_id=self.job_ids[settings.run_after.job],
                project_id=args.project_id,
                statuses=list(settings.run_after.statuses),
            )
        ]
