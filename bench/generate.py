"""A generated stack of N jobs (N may be 0), shaped like the production stack, for the benchmark."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "dbtcloud-databricks"


def write_stack(folder: Path, name: str, jobs: int) -> Path:
    """Write Pulumi.yaml, __main__.py and Pulumi.<name>.yaml with `jobs` jobs into `folder`."""
    for file in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / file, folder / file)
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    config = document["config"]
    generated = {}
    for index in range(jobs):
        job = {
            "name": f"Generated job {index:04d}",
            "environment": "production",
            "steps": [f"dbt build --select tag:group_{index % 50}"],
            "timeoutMinutes": 30,
            "modelsPerRun": 1,
        }
        if index % 10 == 9:
            job["runAfter"] = {"job": f"job-{index - 1:04d}", "statuses": ["success"]}
        else:
            job["schedule"] = {"cron": f"{index % 60} {index % 24} * * {'*' if index % 3 else '1-5'}"}
        generated[f"job-{index:04d}"] = job
    config[f"{NAMESPACE}:jobs"] = generated
    # A notification names at least one job: a stack of no jobs (the benchmark's baseline) has none.
    config[f"{NAMESPACE}:notifications"] = (
        {"data-team-email": {"type": "userEmail", "userId": 100001, "onFailure": list(generated)}} if generated else {}
    )
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
