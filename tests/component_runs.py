"""Running a component alone under the provider mocks, for the component tests: what it registers, or the argument
error it refuses with."""

from __future__ import annotations

from sdk_types import type_problems

from components import InvalidArgument
from synth.render import run_under_mocks


def run(program, stack_outputs=None):
    rendering = run_under_mocks(program, "components-test", "test", {}, stack_outputs=stack_outputs)
    for resource in rendering.resources():
        if not resource.type.startswith("pulumi:"):
            assert type_problems(resource.type, resource.inputs) == []
    # Every child is the component's: parented to a component, never to the stack.
    components = {r.urn for r in rendering.components()}
    assert all(r.parent in components for r in rendering.resources())
    return rendering


def refused(program) -> tuple[InvalidArgument, list]:
    """The argument error a program ends with, and everything it registered before (nothing, for these rules)."""
    caught: list[InvalidArgument] = []

    def guarded():
        try:
            program()
        except InvalidArgument as error:
            caught.append(error)

    rendering = run_under_mocks(guarded, "components-test", "test", {})
    assert caught, "the component accepted what it should refuse"
    return caught[0], rendering.registrations
