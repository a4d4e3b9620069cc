"""Reference for the benchmark: N bare dbtcloud.Job resources under the offline runner's mocks, in a process run as
`python -m synth` runs (the garbage collector paused, the heap frozen before exit), so that the two differ by their
resources only."""

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi_dbtcloud as dbtcloud  # noqa: E402

from synth.render import run_under_mocks  # noqa: E402


def program(count: int) -> None:
    for index in range(count):
        dbtcloud.Job(
            f"job-{index}",
            name=f"Job {index}",
            project_id=1,
            environment_id=2,
            execute_steps=["dbt build"],
            triggers=dbtcloud.JobTriggersArgs(
                github_webhook=False, git_provider_webhook=False, schedule=True, on_merge=False
            ),
            schedule_type="custom_cron",
            schedule_cron="0 2 * * *",
            num_threads=8,
            execution=dbtcloud.JobExecutionArgs(timeout_seconds=1800),
        )


if __name__ == "__main__":
    gc.disable()
    run_under_mocks(lambda: program(int(sys.argv[1])), "bench", "bare", {})
    gc.freeze()
