"""Run the real `__main__.py` for a stack under Pulumi mocks and record what it declares.

No credentials, no network, no Pulumi CLI: the program reads the stack file's config exactly as
`pulumi up` would pass it, the mocks answer like the real providers, and every registration is kept
(type, name, parent, options, inputs with their secrets) for printing and for the tests.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import runpy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

import pulumi
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from settings import RawConfig
from settings.config import project_owner_stack
from settings.files import StackFile, StackFileError, load_stack_file, stack_file_path, stack_names

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
    main = str(root / "__main__.py" if (root / "__main__.py").is_file() else PROJECT_ROOT / "__main__.py")

    def program() -> None:
        # Returns nothing: run_path returns the program's globals (its settings among them), which the SDK would keep
        # until the last registration is answered, at the rendering's peak of memory.
        runpy.run_path(main, run_name="__main__")

    rendering = run_under_mocks(
        program,
        stack_file.project,
        stack_file.stack,
        stack_file.config,
        stack_file.secret_keys,
        stack_file.workspace_host,
        stack_outputs,
    )
    rendering.placeholders = list(stack_file.placeholders)
    rendering.encrypted = list(stack_file.encrypted)
    rendering.unset = list(stack_file.unset)
    return rendering


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
