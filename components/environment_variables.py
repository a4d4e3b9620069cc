"""dbt Cloud environment variables, each stack setting only its own environments' values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_dbtcloud as dbtcloud
from pydantic import SecretStr

from settings.rules import ENV_VAR_PROJECT_DEFAULT

from .secrets import as_secret_mapping


@dataclass
class EnvironmentVariablesArgs:
    """Arguments of `EnvironmentVariables`."""

    project_id: pulumi.Input[int]
    """The project the variables belong to."""
    environment_names: Mapping[str, str]
    """Environment names by key: dbt Cloud addresses an environment's value by its name."""
    variables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Plain variables: name -> {environment key or `project`: value}."""
    secret_variables: Mapping[str, Mapping[str, SecretStr]] = field(default_factory=dict)
    """`DBT_ENV_SECRET_` variables, same shape; their values stay Pulumi secrets."""
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    """The environments: a value can only be set once its environment exists."""


class EnvironmentVariables(pulumi.ComponentResource):
    """One `PartialEnvironmentVariable` per variable, holding this stack's values only.

    The provider does not mark environment values secret, so secret variables' values are wrapped as
    Pulumi secrets here, from the settings to the state.
    """

    def __init__(self, name: str, args: EnvironmentVariablesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("dbtplatform:dbtcloud:EnvironmentVariables", name, None, opts)
        self.variables: dict[str, dbtcloud.PartialEnvironmentVariable] = {}
        for variable, values in args.variables.items():
            self._variable(name, variable, self._by_name(values, args), args)
        for variable, values in args.secret_variables.items():
            self._variable(name, variable, as_secret_mapping(self._by_name(values, args)), args)
        self.register_outputs({})

    @staticmethod
    def _by_name(values: Mapping[str, object], args: EnvironmentVariablesArgs) -> dict:
        """Environment keys -> environment names; the project-wide default keeps its `project` key."""
        return {
            key if key == ENV_VAR_PROJECT_DEFAULT else args.environment_names[key]: value
            for key, value in values.items()
        }

    def _variable(self, name: str, variable: str, values: pulumi.Input[Mapping[str, str]],
                  args: EnvironmentVariablesArgs) -> None:
        self.variables[variable] = dbtcloud.PartialEnvironmentVariable(
            f"{name}-{variable.lower().replace('_', '-')}",
            name=variable,
            project_id=args.project_id,
            environment_values=values,
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.depends_on),
        )
