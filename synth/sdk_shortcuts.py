"""Two shortcuts the offline runner takes through the Pulumi SDK while the mocks answer, both undone afterwards.

The SDK is pinned (requirements.txt); each shortcut replaces one module-level function the SDK looks up at each call,
and `tests/test_synth.py` holds both to the SDK's own behaviour and to being undone.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from pulumi.runtime import known_types, resource as sdk_resource, rpc
from pulumi.runtime.proto import source_pb2


@contextlib.contextmanager
def shortcuts() -> Iterator[None]:
    """While the mocks answer:

    - no stack trace per resource: the SDK walks the whole Python stack for every resource, turning each frame's file
      into a URI, to tell the engine where the program made it; the mocks never read it, and under pytest (sixty
      frames deep) it was a third of a rendering's time;
    - `contains_unknowns` without a reference cycle: the SDK's calls a closure that calls itself, a cycle the garbage
      collector must free, tens of thousands per stack of 1,000 jobs; the renderings run with the collector paused,
      and a stack of 5,000 jobs peaked 21 MB higher with them.
    """
    stack_trace, unknowns = sdk_resource._get_stack_trace, rpc.contains_unknowns
    sdk_resource._get_stack_trace, rpc.contains_unknowns = source_pb2.StackTrace, contains_unknowns
    try:
        yield
    finally:
        sdk_resource._get_stack_trace, rpc.contains_unknowns = stack_trace, unknowns


def contains_unknowns(value: Any) -> bool:
    """`pulumi.runtime.rpc.contains_unknowns` as a loop: whether an unknown is in `value` or in the dictionaries' values
    and lists' items it holds, each looked into once."""
    seen: set[int] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if known_types.is_unknown(item):
            return True
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
