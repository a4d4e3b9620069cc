"""`ops docs`: where a stack's dbt documentation is served, the job that generates it, and whether its last run did.

dbt Cloud serves a project's docs in dbt Catalog (formerly dbt Explorer) from what deployment runs with
`generate_docs` (or a `dbt docs generate` step) produced; the API says per run whether it did (`has_docs_generated`,
spec `RunResponse`). The Catalog address `<web>/explore/<account>/projects/<project>` is the one dbt Cloud's UI
links to (not part of the API spec: easy to change here if dbt moves it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from components.rules import job_url

from . import account, endpoints
from .client import DbtCloudClient
from .errors import Exit
from .runs import parse_time

if TYPE_CHECKING:
    from settings import StackSettings


def catalog_url(web_url: str, account_id: int, project_id: int) -> str:
    return f"{web_url}/explore/{account_id}/projects/{project_id}"


def docs_job_keys(stack_settings: "StackSettings") -> list[str]:
    """Jobs of the stack that generate docs: `generateDocs`, or a `dbt docs generate` step."""
    return [
        key
        for key, job in stack_settings.jobs.items()
        if job.generate_docs or any("docs generate" in " ".join(step.split()) for step in job.steps)
    ]


def show_docs(
    client: DbtCloudClient, stack_settings: "StackSettings", stack_name: str, root: Path, console: Console
) -> Exit:
    project = account.find_project(client, stack_settings, root)
    project_id = int(project["id"])
    console.print(f"project {project.get('name')!r} ({project_id})")
    console.print(f"docs (dbt Catalog): {catalog_url(client.web_url, client.account_id, project_id)}")
    keys = docs_job_keys(stack_settings)
    if not keys:
        console.print(
            f"no job of stack {stack_name!r} generates docs: set generateDocs: true on the production "
            "job (jobs.<key>.generateDocs), then pulumi up"
        )
        return Exit.FAILED
    api_jobs = {job.get("name"): job for job in endpoints.jobs(client, project_id)}
    ok = True
    for key in keys:
        name = stack_settings.jobs[key].name
        job = api_jobs.get(name)
        if job is None:
            console.print(f"docs job {key!r} ({name!r}): not found in the project; deploy the stack (pulumi up)")
            ok = False
            continue
        job_id = int(job["id"])
        console.print(
            f"docs job {key!r}: {name!r} ({job_id}) {job_url(client.host_url, client.account_id, project_id, job_id)}"
        )
        finished = [run for run in endpoints.job_runs(client, job_id, limit=10) if run.finished]
        if not finished:
            console.print(
                "  no finished run yet: the docs appear after its first run (python -m ops run "
                f"{stack_name} {key} --wait)"
            )
            ok = False
            continue
        last = finished[0]
        when = parse_time(last.finished_at)
        stamp = when.strftime("%Y-%m-%d %H:%M UTC") if when else "?"
        if last.has_docs_generated:
            console.print(f"  last {last.label} ({last.word}, {stamp}) generated docs")
        else:
            console.print(
                f"  last {last.label} ({last.word}, {stamp}) did NOT generate docs"
                + ("; it failed before the docs step" if last.status == 20 else "")
            )
            older = next((run for run in finished if run.has_docs_generated), None)
            if older is not None:
                when = parse_time(older.finished_at)
                console.print(
                    f"  the Catalog shows the docs of {older.label} "
                    f"({when.strftime('%Y-%m-%d %H:%M UTC') if when else '?'})"
                )
            else:
                console.print("  none of its last 10 finished runs generated docs")
            ok = False
    return Exit.OK if ok else Exit.FAILED
