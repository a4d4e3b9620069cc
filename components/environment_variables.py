"""dbt Cloud environment variables, each program setting only its own environments' values."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_dbtcloud as dbtcloud

from .fields import ProviderArguments
from .package import InvalidArgument, entry, one_of, type_token
from .rules import ENV_VAR_PROJECT_DEFAULT, RESERVED_ENV_VAR_NAMES, SECRET_ENV_VAR_PREFIX

COMPONENT = "EnvironmentVariables"

PROVIDER_ARGUMENTS = (
    ProviderArguments(
        dbtcloud.PartialEnvironmentVariable,
        by_hand={
            "name": "a key of variables or secretVariables",
            "project_id": "the component's projectId",
            "environment_values": "its values, by environment name (a Pulumi secret for secret variables)",
        },
    ),
)


class EnvironmentVariablesArgs(TypedDict):
    """Arguments of `EnvironmentVariables`. Pass the environments in the component's `dependsOn`: a value can only be
    set once its environment exists."""

    project_id: pulumi.Input[int]
    """The project the variables belong to."""
    environment_names: pulumi.Input[dict[str, str]]
    """Environment names by key (a `DbtEnvironments`'s `environmentNames`): dbt Cloud addresses values by name."""
    variables: NotRequired[dict[str, dict[str, pulumi.Input[str]]]]
    """Plain variables: name (starting with `DBT_`) -> {environment key, or `project` for the project-wide default:
    value}. Default none."""
    secret_variables: NotRequired[dict[str, dict[str, pulumi.Input[str]]]]
    """Secret variables, named `DBT_ENV_SECRET_...` (dbt Cloud scrubs them from logs), same shape; their values are
    kept Pulumi secrets. Default none."""


class EnvironmentVariables(pulumi.ComponentResource):
    """One `dbtcloud.PartialEnvironmentVariable` per variable, holding this program's environments' values only, so
    that several stacks can set the same variable for their own environments.

    The provider does not mark environment values secret, so secret variables' values are wrapped as Pulumi secrets
    here, from the arguments to the state.
    """

    def __init__(self, name: str, args: EnvironmentVariablesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        self._check(name, args)
        super().__init__(type_token(EnvironmentVariables, "dbtcloud"), name, None, opts)
        # Each value waits for the environments the component depends on (dbt Cloud matches values by name).
        depends_on = (opts.depends_on if opts else None) or []
        depends_on = list(depends_on) if isinstance(depends_on, (list, tuple)) else [depends_on]
        self.variables: dict[str, dbtcloud.PartialEnvironmentVariable] = {}
        for variable, values in (args.get("variables") or {}).items():
            self._variable(name, variable, self._by_name(name, variable, values, args), args, depends_on)
        for variable, values in (args.get("secret_variables") or {}).items():
            self._variable(
                name, variable, pulumi.Output.secret(self._by_name(name, variable, values, args)), args, depends_on
            )
        self.register_outputs({})

    @staticmethod
    def _check(name: str, args: EnvironmentVariablesArgs) -> None:
        names = args["environment_names"]
        for field, secret in (("variables", False), ("secret_variables", True)):
            camel = "secretVariables" if secret else "variables"
            for variable, values in (args.get(field) or {}).items():
                if not variable.startswith("DBT_") or variable in RESERVED_ENV_VAR_NAMES:
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        camel,
                        variable,
                        "names start with DBT_ and are not one "
                        "that dbt Cloud sets itself (DBT_ENV, DBT_CLOUD_RUN_ID, ...)",
                    )
                if secret != variable.startswith(SECRET_ENV_VAR_PREFIX):
                    raise InvalidArgument(
                        COMPONENT,
                        name,
                        camel,
                        variable,
                        f"secret variables, and only they, are "
                        f"named {SECRET_ENV_VAR_PREFIX}... (dbt Cloud scrubs those from logs)",
                    )
                if isinstance(names, dict):  # else checked as the names resolve
                    for key in values:
                        one_of(COMPONENT, name, f"{camel}.{variable}", key, [ENV_VAR_PROJECT_DEFAULT, *names])

    @staticmethod
    def _by_name(
        name: str, variable: str, values: dict[str, pulumi.Input[str]], args: EnvironmentVariablesArgs
    ) -> pulumi.Input[dict]:
        """Environment keys -> environment names; the project-wide default keeps its `project` key."""

        def named(names: dict[str, str]) -> dict:
            return {
                key if key == ENV_VAR_PROJECT_DEFAULT else entry(COMPONENT, name, variable, names, key): value
                for key, value in values.items()
            }

        names = args["environment_names"]
        return named(names) if isinstance(names, dict) else pulumi.Output.from_input(names).apply(named)

    def _variable(
        self, name: str, variable: str, values: pulumi.Input[dict], args: EnvironmentVariablesArgs, depends_on: list
    ) -> None:
        self.variables[variable] = dbtcloud.PartialEnvironmentVariable(
            f"{name}-{variable.lower().replace('_', '-')}",
            name=variable,
            project_id=args["project_id"],
            environment_values=values,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )
