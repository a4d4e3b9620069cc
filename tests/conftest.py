"""Shared fixtures: each committed stack is rendered once per test session, through the real program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth.render import Rendering, render  # noqa: E402

STACKS = ("prod", "dev")


@pytest.fixture(scope="session")
def renderings() -> dict[str, Rendering]:
    """Every committed stack file rendered through `__main__.py` under the provider mocks."""
    return {stack: render(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def prod(renderings) -> Rendering:
    return renderings["prod"]


@pytest.fixture(scope="session")
def dev(renderings) -> Rendering:
    return renderings["dev"]
