"""Small helpers for reading recorded registrations in tests."""

from __future__ import annotations

from typing import Any

from synth.mocks import plain  # noqa: F401  (re-exported for the tests)


def is_int(value: Any) -> bool:
    """An integer as it crosses the RPC boundary (a float with no fraction), never a string or bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def only(rendering, type_: str):
    """The single resource of a type."""
    found = rendering.resources(type_)
    assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
    return found[0]


SQL_ENDPOINT = "databricks:index/sqlEndpoint:SqlEndpoint"
CONNECTION = "dbtcloud:index/globalConnection:GlobalConnection"
PROJECT = "dbtcloud:index/project:Project"
REPOSITORY = "dbtcloud:index/repository:Repository"
PROJECT_REPOSITORY = "dbtcloud:index/projectRepository:ProjectRepository"
ENVIRONMENT = "dbtcloud:index/environment:Environment"
CREDENTIAL = "dbtcloud:index/databricksCredential:DatabricksCredential"
JOB = "dbtcloud:index/job:Job"
NOTIFICATION = "dbtcloud:index/partialNotification:PartialNotification"
ENV_VAR = "dbtcloud:index/partialEnvironmentVariable:PartialEnvironmentVariable"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def run_synth(capsys, *argv: str) -> tuple[int, str]:
    """Run `python -m synth ...` in this process; its exit status and everything it printed."""
    from synth.__main__ import main

    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out + out.err
