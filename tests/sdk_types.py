"""Check recorded resource inputs against the types the installed provider SDK declares.

Mocks accept anything; a real `pulumi up` does not ("Expected a Number"). The SDK's `*Args` classes
carry the provider schema's types as annotations, so every recorded input is checked against them:
integers where the schema says integer, nested objects against their own `*Args` classes, and no input
the SDK does not know.
"""

from __future__ import annotations

import collections.abc
import importlib
import re
import typing
from functools import lru_cache
from typing import Any

import pulumi
from pulumi.runtime import rpc

_PACKAGES = {"dbtcloud": "pulumi_dbtcloud", "databricks": "pulumi_databricks", "time": "pulumiverse_time"}


def snake(name: str) -> str:
    """`dbtProjectSubdirectory` -> `dbt_project_subdirectory`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def args_class(type_token: str) -> type:
    """`dbtcloud:index/job:Job` -> `pulumi_dbtcloud.job.JobArgs`."""
    package, module_path, type_name = type_token.split(":")
    module = importlib.import_module(f"{_PACKAGES[package]}.{snake(module_path.split('/')[-1])}")
    return getattr(module, f"{type_name}Args")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    module = importlib.import_module(cls.__module__)
    return typing.get_type_hints(cls.__init__, globalns=vars(module))


def type_problems(type_token: str, inputs: dict) -> list[str]:
    """Every input of a resource whose value does not fit the SDK's declared type."""
    return _check_object(args_class(type_token), inputs, type_token)


def _check_object(cls: type, values: dict, path: str) -> list[str]:
    hints = _hints(cls)
    problems = []
    for key, value in values.items():
        parameter = snake(key)
        if parameter not in hints:
            problems.append(f"{path}.{key}: not an input of {cls.__name__}")
            continue
        problems.extend(_check(hints[parameter], value, f"{path}.{key}"))
    return problems


def _check(annotation: Any, value: Any, path: str) -> list[str]:
    if rpc.is_rpc_secret(value):
        value = rpc.unwrap_rpc_secret(value)
    annotation = _strip_input(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        results = [_check(option, value, path) for option in options]
        return [] if any(not r for r in results) else results[0]
    if annotation is int:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
        return [] if ok else [f"{path}: {value!r} is not an integer"]
    if annotation is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: not a number"]
    if annotation is bool:
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not a boolean"]
    if annotation is str:
        return [] if isinstance(value, str) else [f"{path}: {value!r} is not a string"]
    if origin in (collections.abc.Sequence, list):
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        (item,) = typing.get_args(annotation)
        return [problem for index, element in enumerate(value) for problem in _check(item, element, f"{path}[{index}]")]
    if origin in (collections.abc.Mapping, dict):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not a map"]
        item = typing.get_args(annotation)[-1]
        return [problem for key, element in value.items() for problem in _check(item, element, f"{path}.{key}")]
    if isinstance(annotation, type) and hasattr(annotation, "__init__") and annotation.__name__.endswith("Args"):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not an object ({annotation.__name__})"]
        return _check_object(annotation, value, path)
    return [f"{path}: cannot check against {annotation!r}"]


def _strip_input(annotation: Any) -> Any:
    """`pulumi.Input[T]` (T | Awaitable[T] | Output[T]) -> T; TypedDict alternatives are dropped."""
    if typing.get_origin(annotation) is typing.Union:
        options = [
            a
            for a in typing.get_args(annotation)
            if typing.get_origin(a) not in (collections.abc.Awaitable, pulumi.Output)
            and a is not pulumi.Output
            and not _is_typed_dict(a)
        ]
        if len(options) == 1:
            return _strip_input(options[0])
        return typing.Union[tuple(_strip_input(o) for o in options)]
    return annotation


def _is_typed_dict(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, dict) and hasattr(annotation, "__total__")
