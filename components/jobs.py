"""dbt Cloud jobs: scheduled, pull-request (CI), merge, manual and chained."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import NotModelled, Passed, ProviderArguments, passed
from .package import InvalidArgument, entry, one_of, type_token, whole_number
from .rules import (
    CI_CAPABLE_CLONE_STRATEGIES,
    COST_OPTIMIZATION_FEATURES,
    DEFAULT_HOST_URL,
    DEFAULT_THREADS,
    ci_trigger_problem,
    cost_optimization_problem,
    job_url,
    pull_request_settings_problem,
)

COMPONENT = "DbtJobs"
RUN_STATUSES = ("success", "error", "canceled")

# How each argument of `dbtcloud.Job` is made (terraform-provider-dbtcloud pkg/framework/objects/job/schema.go for the
# defaults; the API's names: dbt Labs' OpenAPI spec v2, `JobDefinition`).
JOB_FIELDS = {
    "description": Passed("description", ""),
    "target_name": Passed("target_name", "default", api="settings.target_name"),
    "generate_docs": Passed("generate_docs", False, given=False),
    "source_freshness": Passed("run_generate_sources", False, given=False),
    "compare_changes": Passed("run_compare_changes", False),
    "compare_changes_flags": Passed("compare_changes_flags", "--select state:modified"),
    "sql_lint": Passed("run_lint", False),
    "fail_on_lint_errors": Passed("errors_on_lint_failure", True),
    "trigger_on_draft_pull_requests": Passed("triggers_on_draft_pr", False),
}
"""A `Job`'s arguments handed to the provider as they are."""

JOB = ProviderArguments(
    dbtcloud.Job,
    passed=JOB_FIELDS,
    by_hand={
        "name": "name",
        "project_id": "the component's projectId",
        "environment_id": "environment, a key of environmentIds",
        "execute_steps": "steps",
        "triggers": "scheduleCron, runOnPullRequest and runOnMerge (all four flags, always; all false when paused)",
        "schedule_type": "custom_cron with scheduleCron",
        "schedule_cron": "scheduleCron",
        "job_type": "ci or merge, from the triggers (dbt Cloud infers the others, and those of a paused job)",
        "cost_optimization_features": "costOptimization, as the one feature it names",
        "num_threads": "threads (default 4, dbt Cloud's UI default; the provider's is 1)",
        "execution": "timeoutMinutes, in seconds",
        "deferring_environment_id": "deferTo, a key of environmentIds",
        "job_completion_trigger_conditions": "runAfter (none while paused)",
        "validate_execute_steps": "always true: the provider checks the steps at preview too",
    },
    not_modelled={
        "schedule_days": NotModelled("days of the week: schedules are cron expressions here", drifts=False),
        "schedule_hours": NotModelled("hours of the day: schedules are cron expressions here", drifts=False),
        "schedule_interval": NotModelled("an interval in hours: schedules are cron expressions here", drifts=False),
        "timeout_seconds": NotModelled("deprecated for execution.timeout_seconds (timeoutMinutes)", drifts=False),
        "self_deferring": NotModelled("deferral to the job's own last run (jobs defer to an environment)", False),
        "deferring_job_id": NotModelled(
            "deferral to a job (jobs defer to an environment: deferTo)", api="deferring_job_definition_id"
        ),
        "dbt_version": NotModelled("a job's own dbt version (jobs use their environment's)"),
        "is_active": NotModelled("false deletes the job", True),  # sent: Default true (job/schema.go:505-510)
        "force_node_selection": NotModelled("deprecated for cost_optimization_features", drifts=False),
    },
)
PROVIDER_ARGUMENTS = (JOB,)


class RunAfter(TypedDict):
    """Chaining: run a job when another job of the same component finishes."""

    job: str
    """Key of the job to wait for."""
    statuses: NotRequired[list[str]]
    """Which of its outcomes start this job: success, error, canceled. Default [success]."""


class Job(TypedDict):
    """One dbt Cloud job. It runs on a schedule, on pull requests, on merges, after another job, or only when started
    by hand when none of these is given."""

    name: pulumi.Input[str]
    """Job name shown in dbt Cloud."""
    environment: str
    """Key (in `environmentIds`) of the deployment environment the job runs in."""
    steps: list[pulumi.Input[str]]
    """dbt commands, in order, e.g. `dbt build`. dbt Cloud runs `dbt deps` first by itself."""
    description: NotRequired[pulumi.Input[str]]
    """Job description. Default none."""
    schedule_cron: NotRequired[pulumi.Input[str]]
    """Five-field cron in UTC (no daylight-saving shift), e.g. `0 2 * * *` for 02:00 UTC daily. Default: no schedule."""
    run_on_pull_request: NotRequired[bool]
    """CI job: run on every pull request (needs a native Git integration, see `gitCloneStrategy`). Default false."""
    run_on_merge: NotRequired[bool]
    """Merge job: run when a pull request is merged; excludes every other trigger. Default false."""
    run_after: NotRequired[RunAfter]
    """Run when another job of this component finishes. Default: no chaining."""
    defer_to: NotRequired[str]
    """Key (in `environmentIds`) of the environment whose state a CI job compares against (`state:modified`).
    Default: no deferral."""
    threads: NotRequired[pulumi.Input[int]]
    """dbt threads. Default 4 (dbt Cloud's UI default; the provider's own default is 1)."""
    timeout_minutes: NotRequired[int]
    """Minutes after which dbt Cloud cancels a run. Default: no timeout."""
    generate_docs: NotRequired[pulumi.Input[bool]]
    """Generate the docs after the run. Default false."""
    source_freshness: NotRequired[pulumi.Input[bool]]
    """Check source freshness before the steps. Default false."""
    target_name: NotRequired[pulumi.Input[str]]
    """dbt `target.name` during runs. Default: dbt Cloud's `default`."""
    compare_changes: NotRequired[pulumi.Input[bool]]
    """Pull-request jobs: Advanced CI's compare changes against the environment in `deferTo` (Advanced CI must be
    switched on in the account settings). Default false."""
    compare_changes_flags: NotRequired[pulumi.Input[str]]
    """With `compareChanges`: the models to compare, as dbt selection flags. Default `--select state:modified`."""
    sql_lint: NotRequired[pulumi.Input[bool]]
    """Pull-request jobs: lint the SQL of the changed files. Default false."""
    fail_on_lint_errors: NotRequired[pulumi.Input[bool]]
    """With `sqlLint`: fail the run on lint errors. Default true."""
    trigger_on_draft_pull_requests: NotRequired[pulumi.Input[bool]]
    """Pull-request jobs: run on draft pull requests too. Default false."""
    cost_optimization: NotRequired[str]
    """stateAwareOrchestration (dbt Fusion environments; not on pull-request or merge jobs), dbtState or
    inheritEnvironment. Default none."""
    paused: NotRequired[bool]
    """Turn every trigger off and keep the job as it is (how dbt Cloud deactivates a job). Default false."""
    import_id: NotRequired[str]
    """Number of an existing job to adopt (import) instead of creating one. Default: create one."""


class JobLink(TypedDict):
    """A job's number and its page in dbt Cloud."""

    id: int
    """The job's number."""
    url: str
    """The job's page in dbt Cloud."""
    paused: NotRequired[bool]
    """True when the job is paused (every trigger off). Default: absent, not paused."""


class DbtJobsArgs(TypedDict):
    """Arguments of `DbtJobs`."""

    jobs: dict[str, Job]
    """The jobs, by a key of your choosing (used by `runAfter`, in resource names and in the outputs)."""
    project_id: pulumi.Input[int]
    """The project the jobs belong to."""
    environment_ids: pulumi.Input[dict[str, pulumi.Input[int]]]
    """Environment numbers by key (a `DbtEnvironments`'s `environmentIds`, plus those a CI job defers to)."""
    account_id: int
    """The dbt Cloud account number, for the jobs' web addresses."""
    host_url: NotRequired[str]
    """The dbt Cloud API URL, ending in `/api` (as the provider's `hostUrl`), for the jobs' web addresses. Default
    https://cloud.getdbt.com/api."""
    git_clone_strategy: NotRequired[str]
    """How the project's repository is cloned (its `gitCloneStrategy`). Required when a job runs on pull requests or
    merges, which dbt Cloud triggers only through a native Git integration: github_app, deploy_token or
    azure_active_directory_app. Leave it out only when the repository belongs to another program that checks it."""


class DbtJobs(pulumi.ComponentResource):
    """Jobs of one project (`dbtcloud.Job`), chained on each other's numbers. A job that runs on pull requests or
    merges is refused unless the repository has a native Git integration."""

    job_ids: dict[str, pulumi.Output[int]]
    """Each job's number, by key."""
    summary: pulumi.Output[dict[str, JobLink]]
    """Every job's number and page in dbt Cloud, by key."""

    def __init__(self, name: str, args: DbtJobsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        order = self._check(name, args)
        super().__init__(type_token(DbtJobs, "dbtcloud", "Jobs"), name, None, opts)
        self.jobs: dict[str, dbtcloud.Job] = {}
        self.job_ids = {}
        for key in order:
            job = self._job(name, key, args["jobs"][key], args)
            self.jobs[key] = job
            self.job_ids[key] = job.job_id
        host_url = args.get("host_url", DEFAULT_HOST_URL)
        account_id = int(args["account_id"])
        paused = {key for key, job in args["jobs"].items() if job.get("paused")}  # not the jobs: kept until resolved
        # One output for all jobs, not one per job: each Output costs the SDK a handful of tasks. With no jobs,
        # Output.all() would resolve to a list, not a mapping.
        job_ids = pulumi.Output.all(**self.job_ids) if self.job_ids else pulumi.Output.from_input({})
        self.summary = pulumi.Output.all(args["project_id"], job_ids).apply(
            lambda resolved: {
                key: {
                    "id": job_id,
                    "url": job_url(host_url, account_id, resolved[0], job_id),
                    **({"paused": True} if key in paused else {}),
                }
                for key, job_id in resolved[1].items()
            }
        )
        self.register_outputs({"job_ids": self.job_ids, "summary": self.summary})

    @staticmethod
    def _check(name: str, args: DbtJobsArgs) -> list[str]:
        """Refuse what dbt Cloud would refuse; the job keys in an order where each follows the job it runs after."""
        jobs, environments = args["jobs"], args["environment_ids"]
        strategy = args.get("git_clone_strategy")
        whole_number(COMPONENT, name, "accountId", args.get("account_id"))
        for key, job in jobs.items():
            where = f"jobs.{key}"
            # Known environment keys are checked here when `environmentIds` is a plain map, else when it resolves.
            if isinstance(environments, dict):
                one_of(COMPONENT, name, f"{where}.environment", job.get("environment"), environments)
                if job.get("defer_to") is not None:
                    one_of(COMPONENT, name, f"{where}.deferTo", job["defer_to"], environments)
            if job.get("timeout_minutes") is not None:
                whole_number(COMPONENT, name, f"{where}.timeoutMinutes", job["timeout_minutes"])
            if not job.get("steps"):
                raise InvalidArgument(COMPONENT, name, f"{where}.steps", job.get("steps"), "at least one dbt command")
            if job.get("run_after") is not None:
                after = job["run_after"].get("job")
                # The other jobs are listed for a refusal only: listing them for every chained job is quadratic.
                if not (isinstance(after, str) and after != key and after in jobs):
                    one_of(COMPONENT, name, f"{where}.runAfter.job", after, [other for other in jobs if other != key])
                for status in job["run_after"].get("statuses", ["success"]):
                    one_of(COMPONENT, name, f"{where}.runAfter.statuses", status, RUN_STATUSES)
            if job.get("run_on_merge") and (
                job.get("schedule_cron") or job.get("run_on_pull_request") or job.get("run_after")
            ):
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    f"{where}.runOnMerge",
                    True,
                    "excludes scheduleCron, runOnPullRequest and runAfter: dbt Cloud refuses both",
                )
            found = pull_request_settings_problem(job)
            if found:
                raise InvalidArgument(COMPONENT, name, f"{where}.{found[0]}", True, found[1])
            if job.get("cost_optimization") is not None:
                one_of(
                    COMPONENT, name, f"{where}.costOptimization", job["cost_optimization"], COST_OPTIMIZATION_FEATURES
                )
                problem = cost_optimization_problem(
                    job["cost_optimization"], bool(job.get("run_on_pull_request") or job.get("run_on_merge")), None
                )
                if problem:
                    raise InvalidArgument(
                        COMPONENT, name, f"{where}.costOptimization", job["cost_optimization"], problem
                    )
            if job.get("run_on_pull_request") or job.get("run_on_merge"):
                if strategy is not None and strategy not in CI_CAPABLE_CLONE_STRATEGIES:
                    raise InvalidArgument(
                        COMPONENT, name, "gitCloneStrategy", strategy, f"job {key!r} {ci_trigger_problem(strategy)}"
                    )
        order: list[str] = []
        placed: set[str] = set()  # `order` as a set: looked up once per job

        def visit(key: str, chain: tuple[str, ...]) -> None:
            if key in placed:
                return
            if key in chain:
                raise InvalidArgument(
                    COMPONENT,
                    name,
                    f"jobs.{key}.runAfter",
                    " -> ".join((*chain, key)),
                    "jobs cannot run after each other in a circle",
                )
            after = jobs[key].get("run_after")
            if after is not None:
                visit(after["job"], (*chain, key))
            order.append(key)
            placed.add(key)

        for key in jobs:
            visit(key, ())
        return order

    def _job(self, name: str, key: str, job: Job, args: DbtJobsArgs) -> dbtcloud.Job:
        where = f"jobs.{key}"
        schedule = job.get("schedule_cron")
        pull_request, merge = job.get("run_on_pull_request", False), job.get("run_on_merge", False)
        # Paused: every trigger off, the rest kept (a job with all four triggers false runs only when started by hand).
        on = not job.get("paused", False)
        timeout = job.get("timeout_minutes")
        return dbtcloud.Job(
            f"{name}-{key}",
            **passed(JOB_FIELDS, job),
            name=job["name"],
            project_id=args["project_id"],
            environment_id=entry(COMPONENT, name, f"{where}.environment", args["environment_ids"], job["environment"]),
            execute_steps=list(job["steps"]),
            # The provider wants all four flags; a job with all four false runs only when started by hand.
            triggers=dbtcloud.JobTriggersArgs(
                github_webhook=on and pull_request,
                git_provider_webhook=on and pull_request,
                schedule=on and schedule is not None,
                on_merge=on and merge,
            ),
            schedule_type="custom_cron" if schedule else None,
            schedule_cron=schedule,
            # dbt Cloud infers scheduled/other from the triggers; only ci and merge are worth stating.
            job_type=("ci" if pull_request else "merge" if merge else None) if on else None,
            # Always stated, none as []: the provider keeps the account's features when the plan leaves them unknown
            # (terraform-provider-dbtcloud job/schema.go:482-490, Optional+Computed; resource.go:982-990), so a
            # removed costOptimization would stay on in dbt Cloud.
            cost_optimization_features=[COST_OPTIMIZATION_FEATURES[job["cost_optimization"]]]
            if job.get("cost_optimization")
            else [],
            num_threads=job.get("threads", DEFAULT_THREADS),
            # The top-level `timeout_seconds` is deprecated in favour of `execution.timeout_seconds`.
            execution=dbtcloud.JobExecutionArgs(timeout_seconds=int(timeout) * 60) if timeout is not None else None,
            deferring_environment_id=entry(
                COMPONENT, name, f"{where}.deferTo", args["environment_ids"], job["defer_to"]
            )
            if job.get("defer_to")
            else None,
            # A job-completion trigger is a trigger too: a paused job keeps it in its arguments, not in dbt Cloud.
            job_completion_trigger_conditions=self._run_after(job.get("run_after"), args) if on else None,
            # Let the provider check the steps at preview time too.
            validate_execute_steps=True,
            opts=pulumi.ResourceOptions(parent=self, import_=job.get("import_id")),
        )

    def _run_after(
        self, after: Optional[RunAfter], args: DbtJobsArgs
    ) -> Optional[list[dbtcloud.JobJobCompletionTriggerConditionArgs]]:
        if after is None:
            return None
        return [
            dbtcloud.JobJobCompletionTriggerConditionArgs(
                job_id=self.job_ids[after["job"]],
                project_id=args["project_id"],
                statuses=list(after.get("statuses", ["success"])),
            )
        ]
