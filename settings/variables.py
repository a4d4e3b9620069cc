"""dbt Cloud environment variables: names, reserved words, and values per environment."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo

from components import rules

from .base import references, report_problem


def check_variable(info: ValidationInfo, section: str, name: str, values: dict[str, Any]) -> None:
    path = (section, name)
    if not name.startswith(rules.ENV_VAR_PREFIXES):
        report_problem(info, path, "environment variable names must start with DBT_ (DBT_ENV_SECRET_ for secrets)")
    if name in rules.RESERVED_ENV_VAR_NAMES:
        report_problem(info, path, "is set by dbt Cloud itself on every run and cannot be defined")
    known = references(info)
    if known is None:
        return
    environments = list(known.environment_types)
    for key in values:
        if key == rules.ENV_VAR_PROJECT_DEFAULT:
            if not known.creates_project:
                report_problem(
                    info,
                    path + (key,),
                    "the project-wide default belongs to the stack that creates "
                    "the project; set this stack's environments' values instead",
                )
        elif key not in environments:
            usable = list(environments) + ([rules.ENV_VAR_PROJECT_DEFAULT] if known.creates_project else [])
            report_problem(
                info,
                path + (key,),
                f"{key!r} is not an environment of this stack; "
                + (f"use {', '.join(usable)}" if usable else "it has none (see environments)"),
            )
