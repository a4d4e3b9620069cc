"""Shared fixtures: each committed stack is rendered once per test session, through the real program."""

from __future__ import annotations

import gc
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Import the SDKs once, up front, and move everything they made out of the garbage collector's sight: the
# collector then no longer walks those hundreds of thousands of objects again after every test.
import pulumi_databricks  # noqa: E402,F401
import pulumi_dbtcloud  # noqa: E402,F401

from synth.render import Rendering, render  # noqa: E402

gc.freeze()

from stack_config import STACKS  # noqa: E402

BACKGROUND: dict = {}
"""Slow work started when the session starts, in another process, so that it overlaps the other tests."""


def pytest_collection_modifyitems(session, config, items):
    # Rendering a stack with other code means a second Python process importing the SDKs (about 3 s):
    # start it now, on the machine's other core, rather than when its test comes.
    if any(item.name == "test_a_code_change_renders_the_base_with_its_own_code" for item in items):
        import tempfile

        from repo_copy import start_code_change_render

        BACKGROUND["folder"] = Path(tempfile.mkdtemp(prefix="diff-code-change-"))
        BACKGROUND["code change"] = start_code_change_render(BACKGROUND["folder"])
    # Likewise the component package's provider, a process of its own as `pulumi package add` runs it.
    if any(item.name == "test_the_packages_provider_serves_the_committed_schema" for item in items):
        from package_provider import start_provider

        BACKGROUND["provider"] = start_provider()


def pytest_sessionfinish(session, exitstatus):
    if "provider" in BACKGROUND:
        from package_provider import stop_provider

        stop_provider(BACKGROUND.pop("provider"))
    if "code change" in BACKGROUND:
        BACKGROUND["code change"][1].exception()  # never leave the process behind (its test reports a failure)
        shutil.rmtree(BACKGROUND["folder"], ignore_errors=True)


@pytest.fixture(scope="session")
def servers():
    """Two HTTP servers on 127.0.0.1 for the whole session (stopping one takes half a second): the fake dbt Cloud
    API and the fake Databricks workspace API of the online commands' tests; each test gets fresh fakes. Each
    request is served in a thread of its own, so that one left hanging (a slow connection) does not hold the rest."""
    from pytest_httpserver import HTTPServer

    started = [HTTPServer(host="127.0.0.1", port=0, threaded=True) for _ in range(2)]
    for server in started:
        server.start()
    yield started
    for server in started:
        server.stop()


class FakeClock:
    """The standard library's `time.monotonic` and `time.sleep` for a test: a sleep returns at once and moves the
    clock on instead, so that polls, retries and `Retry-After` waits take no real time while the clock still
    counts the real time that passes (a request that hangs). `interrupt_after(s)`: the sleep that reaches `s`
    seconds from now raises KeyboardInterrupt, as Ctrl-C during a wait does. Past `LIMIT` fake seconds of sleep a
    test fails (a wait with no bound would otherwise loop for ever on a clock that never makes it wait)."""

    LIMIT = 4 * 3600.0
    """Fake seconds a test may sleep in all: a command that would wait for ever fails its test instead."""

    def __init__(self, real_monotonic):
        self._real = real_monotonic
        self.skipped = 0.0
        self.sleeps: list[float] = []
        self._interrupt_at: float | None = None

    def monotonic(self) -> float:
        return self._real() + self.skipped

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.sleeps.append(seconds)
        self.skipped += seconds
        if self.skipped > self.LIMIT:
            raise AssertionError(f"the test slept {self.skipped:.0f} s of fake time: a wait without a bound?")
        if self._interrupt_at is not None and self.monotonic() >= self._interrupt_at:
            self._interrupt_at = None
            raise KeyboardInterrupt

    def interrupt_after(self, seconds: float) -> None:
        self._interrupt_at = self.monotonic() + seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """A fake clock in place of `time.monotonic` and `time.sleep` (every thread's: the fake servers' too)."""
    import time

    fake = FakeClock(time.monotonic)
    monkeypatch.setattr(time, "monotonic", fake.monotonic)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake


@pytest.fixture
def dbt(servers, monkeypatch, clock):
    """A fake dbt Cloud v2/v3 API, and the environment variables that point `ops` at it, on the fake `clock` (the
    commands' polls, retries and waits take no real time). Every request it receives
    and every answer it gives is checked against dbt Labs' OpenAPI specs (`fakes/spec.py`): the test fails if one
    breaks them (it skips, saying where they must be, where the specs are absent)."""
    from fakes import spec
    from fakes.dbt_cloud import TOKEN, FakeDbtCloud

    spec.require_specs()
    servers[0].clear()
    fake = FakeDbtCloud(servers[0], contract=spec.Contract())
    monkeypatch.setenv("DBT_CLOUD_TOKEN", TOKEN)
    monkeypatch.setenv("DBT_CLOUD_ACCOUNT_ID", str(fake.account_id))
    monkeypatch.setenv("DBT_CLOUD_HOST_URL", fake.host_url)
    yield fake
    fake.release()
    if fake.contract.violations:
        pytest.fail(
            f"{len(fake.contract.violations)} exchanges with the fake dbt Cloud broke dbt Labs' OpenAPI spec:\n"
            + fake.contract.report(),
            pytrace=False,
        )


@pytest.fixture
def databricks(servers, monkeypatch):
    """A fake Databricks workspace API, and the SDK's standard configuration pointed at it (nothing else)."""
    from fakes.databricks import DATABRICKS_TOKEN, FakeDatabricks

    servers[1].clear()
    fake = FakeDatabricks(servers[1])
    for name in (
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_AUTH_TYPE",
        "ARM_CLIENT_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_HOST", fake.host)
    monkeypatch.setenv("DATABRICKS_TOKEN", DATABRICKS_TOKEN)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", "/nonexistent/databrickscfg")
    return fake


@pytest.fixture
def code_change_render():
    """(repository, future rendering of its base) for the test that renders a base with other code: started when
    the session started, in another process, so that it overlaps the other tests."""
    return BACKGROUND["code change"]


@pytest.fixture
def package_provider():
    """The package's provider process, started when the session started (or now)."""
    from package_provider import start_provider

    return BACKGROUND.pop("provider", None) or start_provider()


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's files and committed stacks, whose stack files a test may change (`stack_config.edit`,
    `stack_config.append`)."""
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.prod.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A project folder with no stack files yet (where `ops adopt` writes one)."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def repo(tmp_path) -> Path:
    """A throw-away git repository holding the project, committed once (for `synth diff`)."""
    from repo_copy import project_repo

    return project_repo(tmp_path)


@pytest.fixture(scope="session")
def renderings() -> dict[str, Rendering]:
    """Every committed stack file rendered through `__main__.py` under the provider mocks (each once: dev takes its
    project from prod's rendering)."""
    rendered: dict[str, Rendering] = {}
    return {stack: render(stack, rendered=rendered) for stack in STACKS}


@pytest.fixture(scope="session")
def prod(renderings) -> Rendering:
    return renderings["prod"]


@pytest.fixture(scope="session")
def dev(renderings) -> Rendering:
    return renderings["dev"]
