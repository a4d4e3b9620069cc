"""Pulumi mocks that answer like the real providers: ids and computed outputs of the right shape.

dbt Cloud gives most resources a composite Pulumi id (`"<project>:<environment>"`) and the number
dbt Cloud inputs want in a separate output (`environment_id`); the mocks do the same, so a program that
passes `env.id` where an integer belongs fails offline as it would in a real `pulumi up`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

import pulumi
from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

STACK_REFERENCE = "pulumi:pulumi:StackReference"

MOCK_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
"""The mocks' clock: fixed, so that renderings (and offline diffs) do not change from one day to the next."""


def fake_number(stack: str, type_: str, name: str) -> int:
    """A stable 6-digit number for a resource: the same resource gets the same id in every rendering."""
    return 100000 + int(hashlib.sha256(f"{stack}::{type_}::{name}".encode()).hexdigest(), 16) % 900000


def _uuid(number: int) -> str:
    digest = hashlib.sha256(str(number).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def plain(value: Any) -> Any:
    """Inputs as the provider reads them: secret wrappers removed, integers (which cross the RPC
    boundary as floats) as integers."""
    if rpc.is_rpc_secret(value):
        return plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ProviderMocks(pulumi.runtime.Mocks):
    """New resources get ids and outputs shaped like the real dbt Cloud and Databricks providers'."""

    def __init__(self, stack: str, workspace_host: str, stack_outputs: Optional[dict[str, dict]] = None,
                 clock: Callable[[], datetime] = lambda: MOCK_NOW):
        self.stack = stack
        self.clock = clock
        self.workspace_host = workspace_host
        self.stack_outputs = stack_outputs or {}
        self._handlers: dict[str, Callable[[dict, int], tuple[str, dict]]] = {
            "databricks:index/sqlEndpoint:SqlEndpoint": self._sql_endpoint,
            "dbtcloud:index/environment:Environment": lambda inputs, n: self._in_project(inputs, n, "environmentId"),
            "dbtcloud:index/databricksCredential:DatabricksCredential":
                lambda inputs, n: self._in_project(inputs, n, "credentialId"),
            "dbtcloud:index/repository:Repository": self._repository,
            "dbtcloud:index/job:Job": lambda inputs, n: (str(n), {"jobId": n}),
            "databricks:index/servicePrincipal:ServicePrincipal":
                lambda inputs, n: (str(n), {"applicationId": inputs.get("applicationId") or _uuid(n)}),
            "databricks:index/oboToken:OboToken": lambda inputs, n: (str(n), {"tokenValue": f"dapi-offline-{n}"}),
            "databricks:index/token:Token": lambda inputs, n: (str(n), {"tokenValue": f"dapi-offline-{n}"}),
            "dbtcloud:index/partialEnvironmentVariable:PartialEnvironmentVariable":
                lambda inputs, n: (f"{inputs.get('projectId')}:{inputs.get('name')}", {}),
            "time:index/rotating:Rotating": self._rotating,
            STACK_REFERENCE: self._stack_reference,
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        inputs = plain(args.inputs)
        number = fake_number(self.stack, args.typ, args.name)
        if args.resource_id and args.resource_id.split(":")[-1].isdigit():
            number = int(args.resource_id.split(":")[-1])  # an imported resource keeps its number
        handler = self._handlers.get(args.typ)
        # Resources with no handler (Project, GlobalConnection, ...) have their number as id, like the real ones.
        resource_id, computed = handler(inputs, number) if handler else (str(number), {})
        return args.resource_id or resource_id, {**inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == "databricks:index/getGroup:getGroup":
            # A group looked up by name: its SCIM id, as the real data source returns it.
            name = plain(args.args).get("displayName", "")
            return {"id": str(fake_number(self.stack, args.token, name)), "displayName": name}
        return {}

    def _sql_endpoint(self, inputs: dict, number: int) -> tuple[str, dict]:
        warehouse_id = hashlib.sha256(str(number).encode()).hexdigest()[:16]
        path = f"/sql/1.0/warehouses/{warehouse_id}"
        return warehouse_id, {
            "odbcParams": {"hostname": self.workspace_host, "path": path, "port": 443, "protocol": "https"},
            "jdbcUrl": f"jdbc:databricks://{self.workspace_host}:443/default;transportMode=http;httpPath={path}",
        }

    def _rotating(self, inputs: dict, number: int) -> tuple[str, dict]:
        """pulumiverse-time `Rotating`: id and `rfc3339` are its creation time, `rotationRfc3339` when it expires."""
        created = self.clock()
        due = created + timedelta(days=inputs.get("rotationDays", 0), hours=inputs.get("rotationHours", 0),
                                  minutes=inputs.get("rotationMinutes", 0))
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        return stamp, {"rfc3339": stamp, "rotationRfc3339": due.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "unix": int(created.timestamp()), "year": created.year, "month": created.month,
                       "day": created.day, "hour": created.hour, "minute": created.minute, "second": created.second}

    @staticmethod
    def _in_project(inputs: dict, number: int, number_output: str) -> tuple[str, dict]:
        """Resources inside a project: id `"<project>:<number>"`, the number in its own output."""
        return f"{inputs.get('projectId')}:{number}", {number_output: number}

    def _repository(self, inputs: dict, number: int) -> tuple[str, dict]:
        resource_id, computed = self._in_project(inputs, number, "repositoryId")
        if inputs.get("gitCloneStrategy", "deploy_key") == "deploy_key":
            computed["deployKey"] = f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{number} dbt-cloud-deploy-key"
        return resource_id, computed

    def _stack_reference(self, inputs: dict, number: int) -> tuple[str, dict]:
        name = inputs.get("name", "")
        if name not in self.stack_outputs:
            raise KeyError(f"the offline runner has no outputs for stack {name!r}")
        return name, {"outputs": self.stack_outputs[name], "secretOutputNames": []}


@dataclass
class Registration:
    """One resource as the program registered it: what a real engine would be asked to create."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    protect: bool
    inputs: dict
    """Inputs as the provider would get them: camelCase, integers as floats, secrets still wrapped."""
    dependencies: list[str]
    id: str = ""
    import_id: str = ""
    """The id of an existing resource the program adopts (`import_`), or empty."""
    replace_on_changes: list[str] = field(default_factory=list)
    """Inputs whose change replaces the resource (`replace_on_changes`)."""
    provider: str = ""
    """The explicit provider reference, when the resource has one."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Input name -> URNs of the resources its value came from."""
    replacement_trigger: Any = None
    """The value whose change replaces the resource (`replacement_trigger`), as the engine would compare it."""
    delete_before_replace: bool = False
    """Whether a replacement deletes the old resource before creating the new one."""
    outputs: dict = field(default_factory=dict)


class RecordingMonitor(MockMonitor):
    """A mock monitor that also records every registration, components included, with its options."""

    def __init__(self, mocks: ProviderMocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self._record(request, response.urn, response.id, request.object, request.custom,
                         bool(request.protect), list(request.dependencies))
        return response

    def ReadResource(self, request):
        # Resources read rather than created: StackReferences.
        response = super().ReadResource(request)
        self._record(request, response.urn, request.id, request.properties, True, False, [])
        return response

    def _record(self, request, urn: str, id_: str, properties, custom: bool, protect: bool,
                dependencies: list[str]) -> None:
        registration = Registration(
            type=request.type, name=request.name, urn=urn, parent=request.parent, custom=custom, protect=protect,
            inputs=rpc.deserialize_properties(properties, keep_unknowns=True), dependencies=dependencies, id=id_,
            import_id=getattr(request, "importId", ""),
            replace_on_changes=list(getattr(request, "replaceOnChanges", [])),
            provider=getattr(request, "provider", ""),
            property_dependencies={key: list(value.urns)
                                   for key, value in getattr(request, "propertyDependencies", {}).items()},
            replacement_trigger=(json_format.MessageToDict(request.replacement_trigger)
                                 if request.HasField("replacement_trigger") else None)
            if hasattr(request, "replacement_trigger") else None,
            delete_before_replace=bool(getattr(request, "deleteBeforeReplace", False)),
        )
        if custom:
            registration.outputs = self.resources[urn].state
        self.registrations.append(registration)


class WarningLog(logging.Handler):
    """Collects what the program logs at warning level and above (`pulumi.log.warn`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
