"""Field tables: how each component's arguments reach its provider, declared once.

A component names, for every provider resource it creates, where each of the provider's arguments comes from:
- `Passed`: one of the component's arguments, handed over as it is under the provider's name (the field table);
- `by_hand`: an argument the component works out itself (a trigger from a cron, ids from other resources);
- `NotModelled`: an argument this project leaves to the provider, with the reason and the provider's default.

The component spreads its table into the provider call (`passed`); the settings are mapped onto it by name
(`stack_args.py`); `ops adopt` reads it backwards, from the API's answer to the stack file, and its self-check
compares through it; and a test holds every table to the pinned SDK's arguments, so that a provider upgrade that adds
an argument fails until someone decides where it goes. A leaf module: no SDK, no pydantic.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()
"""No value: the component declares nothing when its caller says nothing."""


def camel(argument: str) -> str:
    """An argument as the package's schema, the stack files and the engine name it: `slack_channel_id` ->
    `slackChannelId`."""
    first, *rest = argument.split("_")
    return first + "".join(word.capitalize() for word in rest)


@dataclass(frozen=True)
class Passed:
    """A component argument handed to the provider as it is, under the provider's name."""

    provider: str
    """The provider's argument (snake_case, as in the SDK)."""
    default: Any = None
    """What the provider uses when the argument is left out (its schema's default): what `ops adopt` and its
    self-check compare an account's value with."""
    given: Any = ABSENT
    """What the component declares when its caller leaves the argument out (ABSENT: nothing, the provider's default
    applies)."""
    api: str = ""
    """Where the API's answer holds the value, dotted, when not under the provider's name (`settings.target_name`)."""

    @property
    def silent(self) -> Any:
        """What the provider ends up with when the stack file says nothing."""
        return self.default if self.given is ABSENT else self.given


@dataclass(frozen=True)
class NotModelled:
    """A provider argument the project does not set: the provider's default applies."""

    why: str
    """Why the model leaves it out, in a user's words (`ops adopt` prints it beside an account's other value)."""
    default: Any = None
    """The provider's default: an account whose value differs cannot be held by a stack file as it is."""
    api: str = ""
    """Where the API's answer holds the value, when not under the provider's name."""
    drifts: bool = True
    """Whether the provider sends its default when left out (so a different value in the account would change at the
    first preview); False for arguments the provider leaves as they are."""


def as_they_are(*arguments: str) -> dict[str, Passed]:
    """Table entries for arguments a component takes under the provider's own names, with no default of its own."""
    return {argument: Passed(argument) for argument in arguments}


def left_alone(why: str, *arguments: str) -> dict[str, NotModelled]:
    """Arguments left to the provider for one reason, which the provider does not send when left out."""
    return {argument: NotModelled(why, drifts=False) for argument in arguments}


@dataclass(frozen=True)
class ProviderArguments:
    """Every argument of one provider resource, and where each comes from."""

    resource: type
    """The SDK's resource class (`pulumi_dbtcloud.Job`)."""
    passed: Mapping[str, Passed] = field(default_factory=dict)
    """The field table: component argument -> the provider argument it becomes."""
    by_hand: Mapping[str, str] = field(default_factory=dict)
    """Provider argument -> what the component makes it from."""
    not_modelled: Mapping[str, NotModelled] = field(default_factory=dict)
    """Provider argument -> why the project leaves it to the provider."""
    others: Optional[NotModelled] = None
    """For a provider resource (not a cloud resource), whose dozens of settings are configuration: why every argument
    not named above is left out. A cloud resource names each argument, so that an SDK upgrade forces a decision."""

    def sdk_arguments(self) -> set[str]:
        """The pinned SDK's arguments of the resource (its constructor's keyword arguments)."""
        skip = {"self", "__self__", "resource_name", "opts", "__props__"}
        return set(inspect.signature(self.resource._internal_init).parameters) - skip

    def covered(self) -> dict[str, str]:
        """Provider argument -> how it is covered: `passed`, `by hand` or `not modelled` (a provider argument covered
        twice is listed under each, and a test refuses it)."""
        found: dict[str, list[str]] = {}
        for passed in self.passed.values():
            found.setdefault(passed.provider, []).append("passed")
        for argument in self.by_hand:
            found.setdefault(argument, []).append("by hand")
        for argument in self.not_modelled:
            found.setdefault(argument, []).append("not modelled")
        if self.others is not None:
            for argument in self.sdk_arguments() - set(found):
                found[argument] = ["not modelled"]
        return {argument: ", ".join(ways) for argument, ways in found.items()}


def passed(table: Mapping[str, Passed], args: Mapping[str, Any]) -> dict[str, Any]:
    """The provider's keyword arguments for the table's fields: the caller's value, else what the component gives."""
    return {
        entry.provider: args[key] if key in args else entry.given
        for key, entry in table.items()
        if key in args or entry.given is not ABSENT
    }


def api_value(answer: Mapping[str, Any], provider: str, api: str = "", missing: Any = None) -> Any:
    """The value an API answer holds for a provider argument (`api`, dotted, or the argument's own name); `missing`
    when the answer has no such field."""
    value: Any = answer
    for part in (api or provider).split("."):
        if not isinstance(value, Mapping) or part not in value:
            return missing
        value = value[part]
    return value


def same(a: Any, b: Any) -> bool:
    """Equal as a provider compares: nothing, `""` and `[]` are one."""
    if a in (None, "", []) and b in (None, "", []):
        return True
    return a == b


def read_back(table: Mapping[str, Passed], answer: Mapping[str, Any]) -> dict[str, Any]:
    """The table's fields of an API answer as a stack file writes them (camelCase keys), leaving out each value that
    a silent stack file would declare anyway."""
    found = {}
    for key, entry in table.items():
        value = api_value(answer, entry.provider, entry.api)
        if value is not None and not same(value, entry.silent):
            found[camel(key)] = value
    return found


def left_to_provider(arguments: ProviderArguments, answer: Mapping[str, Any]) -> list[tuple[str, Any, NotModelled]]:
    """(argument, value, why) of every argument the project does not model whose value in an API answer is not the
    provider's default: what a stack file cannot hold. Computed from the SDK: an argument no table covers and
    `not_modelled` does not explain is reported too, as unexplained."""
    covered = set(arguments.covered())
    found = []
    for argument in sorted(arguments.sdk_arguments()):
        entry: Optional[NotModelled] = arguments.not_modelled.get(argument)
        if argument in covered and entry is None:
            continue
        entry = entry or NotModelled("not in the model (the provider added it after this project's tables)")
        value = api_value(answer, argument, entry.api)
        if value is not None and not same(value, entry.default):
            found.append((argument, value, entry))
    return found


def expected_inputs(arguments: ProviderArguments, answer: Mapping[str, Any]) -> dict[str, Any]:
    """What a program must declare, as the engine names inputs (camelCase), to match an API answer on the arguments
    the tables know: the passed ones the answer holds, and those left to the provider that it sends and the answer
    holds a value for."""
    places = {entry.provider: entry.api for entry in arguments.passed.values()}
    places.update({argument: entry.api for argument, entry in arguments.not_modelled.items() if entry.drifts})
    expected = {}
    for argument, api in places.items():
        value = api_value(answer, argument, api, missing=ABSENT)
        if value is not ABSENT and not (value is None and argument in arguments.not_modelled):
            expected[camel(argument)] = value
    return expected


def provider_defaults(arguments: ProviderArguments) -> dict[str, Any]:
    """What the provider uses for each argument the tables know when a program leaves it out (camelCase)."""
    defaults = {camel(entry.provider): entry.default for entry in arguments.passed.values()}
    defaults.update({camel(argument): entry.default for argument, entry in arguments.not_modelled.items()})
    return defaults
