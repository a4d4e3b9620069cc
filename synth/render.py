"""Run the real `__main__.py` for a stack under Pulumi mocks and record what it declares.

No credentials, no network, no Pulumi CLI: the program reads the stack file's config exactly as
`pulumi up` would pass it, the mocks answer like the real providers, and every registration is kept
(type, name, parent, options, inputs with their secrets) for printing and for the tests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import hashlib
import json
import logging
import os
import runpy
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Union

import pulumi
from pulumi.provider.experimental import host
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from settings import ConfigError, RawConfig
from settings.config import environ_for_account, project_owner_stack
from settings.files import STACK_FILE_GLOBS, StackFile, StackFileError, load_stack_file, stack_file_path, stack_names

from .contract import ContractViolation
from .mocks import ProviderMocks, RecordingMonitor, Registration, WarningLog
from .sdk_shortcuts import shortcuts

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Rendering:
    """What one stack declares."""

    project: str
    stack: str
    registrations: list[Registration]
    """Every resource and component, in the order the program registered them."""
    outputs: dict[str, Any]
    """Stack outputs, resolved."""
    secret_outputs: set[str] = field(default_factory=set)
    """Names of the stack outputs that are secrets."""
    warnings: list[str] = field(default_factory=list)
    """What the program logged as warnings."""
    placeholders: list[str] = field(default_factory=list)
    """Config keys that read as offline placeholders (secrets the stack file does not hold in clear text)."""
    encrypted: list[str] = field(default_factory=list)
    """Config paths the stack file holds encrypted (`pulumi up` decrypts them)."""
    unset: list[str] = field(default_factory=list)
    """Secret keys the stack needs and its file leaves out (to set before deploying)."""

    def resources(self, type_: Optional[str] = None) -> list[Registration]:
        """Provider resources (not components), optionally of one type token."""
        return [r for r in self.registrations if r.custom and (type_ is None or r.type == type_)]

    def components(self) -> list[Registration]:
        """The component resources."""
        return [r for r in self.registrations if not r.custom]

    def named(self, name: str) -> Registration:
        """The registration with this logical name."""
        for registration in self.registrations:
            if registration.name == name:
                return registration
        raise KeyError(f"{self.stack} declares nothing named {name!r}")

    def by_urn(self) -> dict[str, Registration]:
        """Registrations by URN (to follow parents)."""
        return {r.urn: r for r in self.registrations}


def render(stack: str, root: Path = PROJECT_ROOT, rendered: Optional[dict[str, Rendering]] = None) -> Rendering:
    """Render `stack`; a stack that adopts another's project gets that stack's outputs by rendering it first.

    `rendered` holds the stacks of `root` rendered already, and gets each stack this call renders: a caller that
    renders several stacks of one folder (`synth check`) renders each once, not the owner again for each stack that
    takes its project from it."""
    return _render(stack, root, (), {} if rendered is None else rendered)


def local_stack_name(reference: str, project: str) -> str:
    """`organization/<project>/<stack>` (or `<stack>`) -> the local stack whose file answers for it."""
    parts = reference.split("/")
    if len(parts) == 3 and parts[1] != project:
        raise StackFileError(
            f"stack reference {reference!r} names project {parts[1]!r}, not {project!r}: "
            "the offline runner renders only this project's stacks"
        )
    return parts[-1]


def _render(stack: str, root: Path, chain: tuple[str, ...], rendered: dict[str, Rendering]) -> Rendering:
    if stack in rendered:
        return rendered[stack]
    if stack in chain:
        raise StackFileError(f"stacks reference each other in a circle: {' -> '.join(chain + (stack,))}")
    stack_file = load_stack_file(root, stack)
    stack_outputs: dict[str, dict] = {}
    reference = project_owner_stack(RawConfig(stack_file.config), stack_file.project)
    if reference:
        owner_stack = local_stack_name(reference, stack_file.project)
        if not stack_file_path(root, owner_stack).exists():
            raise StackFileError(
                f"{stack}: project.fromStack {reference!r} names stack {owner_stack!r}, which has no stack file here "
                f"(Pulumi.{owner_stack}.yaml); stacks here: {', '.join(stack_names(root))}"
            )
        owner = _render(owner_stack, root, chain + (stack,), rendered)
        stack_outputs[reference] = owner.outputs
    rendered[stack] = _execute(stack_file, root, stack_outputs)
    return rendered[stack]


def _execute(stack_file: StackFile, root: Path, stack_outputs: dict[str, dict]) -> Rendering:
    # The program imports `settings` and `components` from the project (the current folder, or the tests'
    # sys.path); a project folder holding only Pulumi.yaml and stack files is rendered by this project's code.
    main = root / "__main__.py" if (root / "__main__.py").is_file() else PROJECT_ROOT / "__main__.py"
    key = _inputs_of(main, stack_file, stack_outputs)
    if key in _RENDERED:
        return _replay(_RENDERED[key])

    def program() -> None:
        # Returns nothing: run_path returns the program's globals (its settings among them), which the SDK would keep
        # until the last registration is answered, at the rendering's peak of memory.
        runpy.run_path(str(main), run_name="__main__")

    try:
        rendering = run_under_mocks(
            program,
            stack_file.project,
            stack_file.stack,
            stack_file.config,
            stack_file.secret_keys,
            stack_file.workspace_host,
            stack_outputs,
        )
    except (ConfigError, ContractViolation) as refused:
        _remember(key, _anew(refused))  # without the frames (and the mocks) of the run that raised it
        raise
    rendering.placeholders = list(stack_file.placeholders)
    rendering.encrypted = list(stack_file.encrypted)
    rendering.unset = list(stack_file.unset)
    _remember(key, rendering)
    return _replay(rendering)


_RENDERED: dict[str, Union[Rendering, ConfigError, ContractViolation]] = {}
"""What each stack rendered to in this process (or why it was refused), by a digest of everything its rendering reads:
a process that renders one stack again with the same inputs (`synth check` renders a stack's owner for it, adopt
checks what it wrote, the tests run several commands on one stack) gets the same result without running the program
again."""
_RENDERED_AT_MOST = 256
"""Renderings kept; the oldest go first."""


def _inputs_of(main: Path, stack_file: StackFile, stack_outputs: dict[str, dict]) -> str:
    """A digest of everything a rendering reads beyond the code loaded in this process: the program's folder as the
    program finds it (beside its `__main__.py`, links followed: `Pulumi.yaml` and every stack file, as the rules
    across stacks read them all), the stack's config as handed to the program, the stacks it references, the
    variables the program reads (those the settings fall back to, and the CLI's config, which it merges), whether
    the components are hosted by the package's provider (their type tokens), and the clock to the minute (the mocks
    count a token's rotation from today; a schedule's warning lists its next runs from now). A digest, not the
    values: the key holds no secret."""
    main = main.resolve()
    read = sorted(
        {main, main.parent / "Pulumi.yaml", *(p for glob in STACK_FILE_GLOBS for p in main.parent.glob(glob))}
    )
    parts = (
        *((path.name, _contents(path)) for path in read),  # where the folder is does not change what it declares
        stack_file.project,
        stack_file.stack,
        sorted(stack_file.config.items()),
        sorted(stack_file.secret_keys),
        stack_file.workspace_host,
        stack_file.placeholders,
        stack_file.encrypted,
        stack_file.unset,
        json.dumps(stack_outputs, sort_keys=True, default=repr),
        sorted(environ_for_account().items()),
        [os.environ.get(name) for name in ("PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")],
        host.is_hosting,
        int(time.time() // 60),  # the minute: what schedules and the mocks' day are counted from
    )
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode() + b"\0")
    return digest.hexdigest()


def _contents(path: Path) -> Union[bytes, str]:
    """A file's bytes, or why it cannot be read (a folder, a dangling link: the program says so)."""
    try:
        return path.read_bytes()
    except OSError as error:
        return type(error).__name__


def _anew(error: Union[ConfigError, ContractViolation]) -> Union[ConfigError, ContractViolation]:
    """A new error saying the same: each caller raises, and chains to, an error of its own."""
    if isinstance(error, ContractViolation):
        return ContractViolation(error.violations, error.stack)
    return type(error)(error.problems)


def _remember(key: str, result: Union[Rendering, ConfigError, ContractViolation]) -> None:
    if len(_RENDERED) >= _RENDERED_AT_MOST:
        del _RENDERED[next(iter(_RENDERED))]
    _RENDERED[key] = result


def _replay(result: Union[Rendering, ConfigError, ContractViolation]) -> Rendering:
    """A rendering remembered, as a copy whose lists the caller may change (the registrations themselves are shared:
    read them, do not change them); a refusal raised again, as a new error."""
    if isinstance(result, Exception):
        raise _anew(result)
    return dataclasses.replace(
        result,
        registrations=list(result.registrations),
        outputs=dict(result.outputs),
        secret_outputs=set(result.secret_outputs),
        warnings=list(result.warnings),
        placeholders=list(result.placeholders),
        encrypted=list(result.encrypted),
        unset=list(result.unset),
    )


def run_under_mocks(
    program: Callable[[], Any],
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: Iterable[str] = (),
    workspace_host: str = "dbc-00000000-0000.cloud.databricks.com",
    stack_outputs: Optional[dict[str, dict]] = None,
    now: Optional[datetime] = None,
) -> Rendering:
    """Run any Pulumi program (the stack's, or a single component) under the provider mocks.

    Raises `ContractViolation` (every violation met, each naming the resource, the input, the rule and its
    source) when the program declares what the real providers would refuse, however the SDK reports the
    failed registration to the program. `now` is the mocks' clock (default: today, 00:00 UTC).
    """
    mocks = ProviderMocks(stack, workspace_host, stack_outputs, now)
    monitor = RecordingMonitor(mocks)
    warnings = WarningLog()
    logger = logging.getLogger(f"synth.{stack}")
    logger.propagate = False
    logger.handlers = [warnings]
    # A fresh root stack per rendering: set_mocks keeps an existing one, and with it its outputs.
    pulumi.runtime.settings.set_root_resource(None)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, logger=logger, monitor=monitor)
    pulumi.runtime.set_all_config(dict(config), sorted(secret_keys))
    # The SDK makes many cyclic objects per resource, and the cyclic collector then walks the growing heap
    # over and over: with it paused, a 1,000-job stack renders in half the time. Collect once afterwards.
    loop = asyncio.get_event_loop()
    _quiet_refused_outputs(loop)
    loop.set_default_executor(_MOCKS_THREAD)
    collecting = gc.isenabled()
    gc.disable()
    try:
        with shortcuts():
            _sync_await(run_pulumi_func(program))
            outputs, secret_outputs = _resolve_outputs(pulumi.runtime.get_root_resource().outputs)
    except Exception:
        _settle_after_failure(asyncio.get_event_loop())
        # A refused registration fails every resource and output that depends on it, each error wrapping the
        # one before; the violations themselves say what is wrong.
        if monitor.violations:
            raise ContractViolation(monitor.violations, stack) from None
        raise
    finally:
        if collecting:
            gc.enable()
    if monitor.violations:  # refused, even if the program caught what the SDK raised
        raise ContractViolation(monitor.violations, stack)
    return Rendering(project, stack, monitor.registrations, outputs, secret_outputs, warnings.messages)


_MOCKS_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-mocks")
"""Where the SDK sends its calls to the mock monitor (`run_in_executor`): one thread. The mocks answer in Python, under
the interpreter's lock, so the default six threads only took turns, each with an event loop of its own, and held
more memory (36 MB more for a stack of 5,000 jobs) for no speed."""


def _settle_after_failure(loop: asyncio.AbstractEventLoop, timeout_seconds: float = 10.0) -> None:
    """The SDK stops waiting at the first failed registration: let the rest of that program finish (each of
    its tasks fails or completes; none waits forever, and a bounded wait guards against one that would) so that
    nothing of it runs into the next rendering in this process, then forget its bookkeeping."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if pending:
        _, still_pending = loop.run_until_complete(asyncio.wait(pending, timeout=timeout_seconds))
        for task in still_pending:
            task.cancel()
    for task in pending:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: not reported again when collected
    # The mocks' settings keep the set of outputs the SDK awaits from one run to the next (MockSettings makes a
    # new RPC manager, not a new set): the failed ones would fail the next rendering.
    pulumi.runtime.settings._get_rpc_manager().clear()
    with pulumi.runtime.settings.SETTINGS.lock:
        pulumi.runtime.settings.SETTINGS.outputs.clear()


def _quiet_refused_outputs(loop: asyncio.AbstractEventLoop) -> None:
    """Outputs of a refused registration fail with the violation; those the program never awaited would each
    print it again, with an asyncio traceback, when collected. The violation is reported once, by the rendering."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        error: Optional[BaseException] = context.get("exception")
        while error is not None and not isinstance(error, ContractViolation):
            error = error.__cause__ or error.__context__
        if error is None and "the real providers would refuse" not in str(context.get("exception", "")):
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def _resolve_outputs(exports: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for name, value in exports.items():
        output = pulumi.Output.from_input(value)
        values[name] = _sync_await(output.future())
        if _sync_await(output.is_secret()):
            secret.add(name)
    return values, secret
