"""Running `python -m ops` whole in the tests (`ops.cli.main`, nothing patched), against the fake servers."""

from __future__ import annotations

import socket

from fakes.databricks import DATABRICKS_TOKEN
from fakes.dbt_cloud import TOKEN

from ops.cli import main

QUICK = ["--retry-backoff", "0.01"]
"""Quick retries, for commands that make requests without polling."""
FAST = ["--poll", "0.01", "--max-poll", "0.05", *QUICK]
"""Quick polls too, for the commands that follow runs."""


def ops(capsys, *argv: str) -> tuple[int, str, str]:
    """The command's exit status, stdout and stderr; neither token ever appears in them."""
    status = main([*argv])
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert TOKEN not in text and DATABRICKS_TOKEN not in text
    return status, captured.out, captured.err


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lines_with(text: str, word: str) -> list[str]:
    return [line for line in text.splitlines() if word in line]
