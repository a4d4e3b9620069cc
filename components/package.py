"""The components as one Pulumi package: its name, version, type tokens and argument errors.

Type tokens. `pulumi.provider.experimental` puts every hosted component in the module `index`: the schema it infers
names each one `<package>:index:<ClassName>` (`schema.generate_schema`), and its `construct` refuses any other module
(`ComponentProvider.validate_resource_type`: "expected index or empty string"). This repository's stacks have always
registered `dbtplatform:<databricks|dbtcloud>:<Type>`, and a component's type token is part of every child's URN, so
changing it would re-address every resource of a deployed stack. Hence two tokens, one per way of using a component:

- in this repository's program (imported as Python classes): the historical `dbtplatform:<module>:<Type>`, unchanged;
- hosted by the provider (`components/__main__.py`, for `pulumi package add`): `dbtplatform:index:<ClassName>`, the
  token the generated SDKs ask the engine for, so that a component's URN agrees with the schema it came from.

Both are the same package, `dbtplatform`. If this repository ever consumed the package through a generated SDK
instead, its stacks would give each component `aliases=[pulumi.Alias(type_="dbtplatform:<module>:<Type>")]`.
"""

from __future__ import annotations

from typing import Any, Collection, Optional

import pulumi
from pulumi.provider.experimental import host

from .fields import camel  # noqa: F401  (re-exported: messages name arguments as the schema does)

PACKAGE_NAME = "dbtplatform"
PACKAGE_VERSION = "0.1.0"


def type_token(component: type, module: str, type_name: Optional[str] = None) -> str:
    """The token `component` registers under: `index` when the package's provider hosts it, else this repository's."""
    if host.is_hosting:
        return f"{PACKAGE_NAME}:index:{component.__name__}"
    return f"{PACKAGE_NAME}:{module}:{type_name or component.__name__}"


class InvalidArgument(pulumi.RunError, ValueError):
    """An argument a component refuses, raised before it declares anything: names the key, the value, what is allowed.

    A `RunError`, so that `pulumi up` prints the message without a Python traceback.
    """

    def __init__(self, component: str, name: str, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{component} {name!r}: {key} = {value!r}: {allowed}")


def one_of(component: str, name: str, key: str, value: Any, allowed: Collection[Any]) -> None:
    """Refuse `value` unless it is one of `allowed` (a mapping: one of its keys). Looked up in `allowed` itself, not in
    a copy: a notification naming each of 5,000 jobs would copy the 5,000 keys for each."""
    try:
        known = value in allowed
    except TypeError:  # unhashable (a list), so no key of a mapping
        known = False
    if not known:
        raise InvalidArgument(component, name, key, value, f"must be one of {', '.join(map(str, allowed))}")


def entry(component: str, name: str, key: str, mapping: pulumi.Input[dict], item: str) -> Any:
    """`mapping[item]`, where `mapping` is a plain dict (checked before anything is declared) or an Output (as another
    component's output arrives in other languages): then looked up, and refused with the same message, at deploy
    time."""
    if isinstance(mapping, dict):
        one_of(component, name, key, item, mapping)
        return mapping[item]

    def look_up(known: dict) -> Any:
        one_of(component, name, key, item, known)
        return known[item]

    return pulumi.Output.from_input(mapping).apply(look_up)


def whole_number(component: str, name: str, key: str, value: Any) -> int:
    """`value` as an int. Numbers cross the RPC boundary as floats, and the hosting provider hands them on so
    (`ComponentProvider.map_input_properties` converts integers, then overwrites the result with the float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise InvalidArgument(component, name, key, value, "must be a whole number")
    return int(value)
