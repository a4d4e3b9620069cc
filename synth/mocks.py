"""Pulumi mocks that answer like the real providers and refuse what they refuse.

dbt Cloud gives most resources a composite Pulumi id (`"<project>:<environment>"`) and the number
dbt Cloud inputs want in a separate output (`environment_id`); the mocks do the same, so a program that
passes `env.id` where an integer belongs fails offline as it would in a real `pulumi up`. Every registration
is held to the providers' contract (`synth.contract`): a declaration the real provider or API would refuse
fails the rendering with `ContractViolation`, naming the resource, the input, the rule and its source.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

import pulumi
from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from . import contract, type_tokens as types
from .contract import ContractViolation, Known, Subject, World, plain  # noqa: F401  (plain: re-exported)

STACK_REFERENCE = types.STACK_REFERENCE


def fake_number(stack: str, type_: str, name: str) -> int:
    """A stable 6-digit number for a resource: the same resource gets the same id in every rendering."""
    return 100000 + int(hashlib.sha256(f"{stack}::{type_}::{name}".encode()).hexdigest(), 16) % 900000


def _uuid(number: int) -> str:
    digest = hashlib.sha256(str(number).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def start_of_today() -> datetime:
    """The mocks' default clock: today at 00:00 UTC, so that renderings made on the same day agree."""
    now = datetime.now(timezone.utc)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_months(moment: datetime, months: int) -> datetime:
    """Go's `AddDate(0, months, 0)`: an overflowing day rolls into the next month (Jan 31 + 1 month = Mar 3)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    overflow = moment.day - calendar.monthrange(year, month)[1]
    anchor = moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
    return anchor + timedelta(days=max(overflow, 0))


class ProviderMocks(pulumi.runtime.Mocks):
    """New resources get ids and outputs shaped like the real dbt Cloud and Databricks providers', after
    their inputs pass the providers' contract (`synth.contract.CONTRACT`)."""

    def __init__(
        self,
        stack: str,
        workspace_host: str,
        stack_outputs: Optional[dict[str, dict]] = None,
        now: Optional[datetime] = None,
    ):
        self.stack = stack
        self.workspace_host = workspace_host
        self.stack_outputs = stack_outputs or {}
        self.now = now or start_of_today()
        """The clock of time-based resources (`time.Rotating`): a fresh create happens now."""
        self._handlers: dict[str, Callable[[dict, int], tuple[str, dict]]] = {
            types.SQL_ENDPOINT: self._sql_endpoint,
            # Project and GlobalConnection: the number as text (`.id.apply(int)` gives dbt Cloud its integer).
            types.PROJECT: lambda inputs, n: (str(n), {}),
            types.GLOBAL_CONNECTION: lambda inputs, n: (
                str(n),
                {"adapterVersion": "databricks_v0", "isSshTunnelEnabled": False},
            ),
            types.ENVIRONMENT: self._environment,
            types.CREDENTIAL: lambda inputs, n: self._in_project(inputs, n, "credentialId"),
            types.REPOSITORY: self._repository,
            # The link's id has the repository's shape (project_repository/resource.go: "<project>:<repository>").
            types.PROJECT_REPOSITORY: lambda inputs, n: (
                f"{inputs.get('projectId')}:{inputs.get('repositoryId')}",
                {},
            ),
            types.JOB: lambda inputs, n: (str(n), {"jobId": n}),
            types.NOTIFICATION: lambda inputs, n: (
                str(n),
                {"notificationType": inputs.get("notificationType", 1), "state": inputs.get("state", 1)},
            ),
            types.ENV_VAR: lambda inputs, n: (f"{inputs.get('projectId')}:{inputs.get('name')}", {}),
            types.SERVICE_PRINCIPAL: self._service_principal,
            types.OBO_TOKEN: self._token,
            types.TOKEN: self._token,
            types.PERMISSIONS: self._permissions,
            types.GRANT: self._grant,
            types.GROUP_MEMBER: lambda inputs, n: (f"{inputs.get('groupId')}|{inputs.get('memberId')}", {}),
            types.ROTATING: self._rotating,
            types.NOTIFICATION_SETTING: lambda inputs, n: (str(n), {}),
            # webhook/schema.go: the id is `wsu_...`; the signing secret (`hmac_secret`) comes back on create only.
            types.WEBHOOK: lambda inputs, n: (
                f"wsu_{hashlib.sha256(str(n).encode()).hexdigest()[:10]}",
                {
                    "hmacSecret": hashlib.sha256(f"hmac-{n}".encode()).hexdigest()[:40],
                    "accountIdentifier": f"act_{n}",
                    "httpStatusCode": "0",
                    "active": inputs.get("active", True),
                },
            ),
            types.MODEL_NOTIFICATIONS: lambda inputs, n: (str(n), {"enabled": inputs.get("enabled", True)}),
            STACK_REFERENCE: self._stack_reference,
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        inputs = plain(args.inputs)
        # Refuse what the real provider refuses, before answering like it.
        violations = contract.check(args.typ, args.name, inputs)
        if violations:
            raise ContractViolation(violations)
        number = fake_number(self.stack, args.typ, args.name)
        if args.resource_id and args.resource_id.split(":")[-1].isdigit():
            number = int(args.resource_id.split(":")[-1])  # an imported resource keeps its number
        handler = self._handlers.get(args.typ)
        # Resources with no handler (providers, ...) have their number as id.
        resource_id, computed = handler(inputs, number) if handler else (str(number), {})
        if args.typ == types.SQL_ENDPOINT and args.resource_id:
            # An adopted warehouse keeps its id, and with it its HTTP path (`/sql/1.0/warehouses/<id>`).
            resource_id, computed = self._sql_endpoint(inputs, number, args.resource_id)
        return args.resource_id or resource_id, {**inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == types.GET_GROUP:
            # A group looked up by name (the provider's data source answers with its SCIM id).
            name = plain(args.args).get("displayName", "")
            return {"id": str(fake_number(self.stack, args.token, name)), "displayName": name}
        return {}

    def _sql_endpoint(self, inputs: dict, number: int, warehouse_id: str = "") -> tuple[str, dict]:
        warehouse_id = warehouse_id or hashlib.sha256(str(number).encode()).hexdigest()[:16]
        path = f"/sql/1.0/warehouses/{warehouse_id}"
        return warehouse_id, {
            "odbcParams": {"hostname": self.workspace_host, "path": path, "port": 443, "protocol": "https"},
            "jdbcUrl": f"jdbc:databricks://{self.workspace_host}:443/default;transportMode=http;httpPath={path}",
            # The provider's defaults (sql/resource_sql_endpoint.go:61,72,80).
            "autoStopMins": inputs.get("autoStopMins", 120),
            "maxNumClusters": inputs.get("maxNumClusters", 1),
            "minNumClusters": inputs.get("minNumClusters", 1),
        }

    @staticmethod
    def _in_project(inputs: dict, number: int, number_output: str) -> tuple[str, dict]:
        """Resources inside a project: id `"<project>:<number>"`, the number in its own output."""
        return f"{inputs.get('projectId')}:{number}", {number_output: number}

    def _environment(self, inputs: dict, number: int) -> tuple[str, dict]:
        resource_id, computed = self._in_project(inputs, number, "environmentId")
        # environment/schema.go:217 and :236: the provider's defaults.
        computed.update(
            dbtVersion=inputs.get("dbtVersion", "latest"), useCustomBranch=inputs.get("useCustomBranch", False)
        )
        return resource_id, computed

    def _repository(self, inputs: dict, number: int) -> tuple[str, dict]:
        resource_id, computed = self._in_project(inputs, number, "repositoryId")
        computed["gitCloneStrategy"] = inputs.get("gitCloneStrategy", "deploy_key")  # repository/schema.go:52
        if computed["gitCloneStrategy"] == "deploy_key":
            computed["deployKey"] = f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{number} dbt-cloud-deploy-key"
        return resource_id, computed

    @staticmethod
    def _service_principal(inputs: dict, number: int) -> tuple[str, dict]:
        # The id is the SCIM id (a number as text); Databricks generates the application id unless Azure names it.
        application_id = inputs.get("applicationId") or _uuid(number)
        return str(number), {
            "applicationId": application_id,
            "aclPrincipalId": f"servicePrincipals/{application_id}",
            "home": f"/Users/{application_id}",
        }

    @staticmethod
    def _token(inputs: dict, number: int) -> tuple[str, dict]:
        # The id is the token id (hex); the value is a secret the SDK marks as such.
        return hashlib.sha256(f"token-{number}".encode()).hexdigest(), {"tokenValue": f"dapi-offline-{number}"}

    @staticmethod
    def _permissions(inputs: dict, number: int) -> tuple[str, dict]:
        # docs/resources/permissions.md: id "/<object type>/<object id>"; permission_definitions.go for the types.
        if inputs.get("sqlEndpointId"):
            return f"/sql/warehouses/{inputs['sqlEndpointId']}", {"objectType": "warehouses"}
        if inputs.get("authorization"):
            return f"/authorization/{inputs['authorization']}", {"objectType": inputs["authorization"]}
        field_, value = next(((k, v) for k, v in inputs.items() if k != "accessControls"), ("object", number))
        return f"/{field_}/{value}", {}

    @staticmethod
    def _grant(inputs: dict, number: int) -> tuple[str, dict]:
        # catalog/resource_grant.go:122-125: "<securable type>/<securable name>/<principal>".
        securable = contract.grant_securable(inputs) or "unknown"
        return f"{securable}/{inputs.get(securable)}/{inputs.get('principal')}", {}

    def _rotating(self, inputs: dict, number: int) -> tuple[str, dict]:
        """time:internal/provider/resource_time_rotating.go:355-386 (Create) and :481-523 (setRotationValues): the
        base is `rfc3339` or now; the last rotation input in the provider's order wins; year..second and unix are
        those of the rotation timestamp; the id is the base."""
        base = datetime.fromisoformat(inputs["rfc3339"].replace("Z", "+00:00")) if inputs.get("rfc3339") else self.now
        rotation = base
        if inputs.get("rotationDays"):
            rotation = base + timedelta(days=inputs["rotationDays"])
        if inputs.get("rotationHours"):
            rotation = base + timedelta(hours=inputs["rotationHours"])
        if inputs.get("rotationMinutes"):
            rotation = base + timedelta(minutes=inputs["rotationMinutes"])
        if inputs.get("rotationMonths"):
            rotation = _add_months(base, inputs["rotationMonths"])
        if inputs.get("rotationRfc3339"):
            rotation = datetime.fromisoformat(inputs["rotationRfc3339"].replace("Z", "+00:00"))
        if inputs.get("rotationYears"):
            rotation = _add_months(base, 12 * inputs["rotationYears"])
        rotation = rotation.astimezone(timezone.utc)
        return rfc3339(base), {
            "rfc3339": rfc3339(base),
            "rotationRfc3339": rfc3339(rotation),
            "unix": int(rotation.timestamp()),
            "year": rotation.year,
            "month": rotation.month,
            "day": rotation.day,
            "hour": rotation.hour,
            "minute": rotation.minute,
            "second": rotation.second,
        }

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
    """The value whose change replaces the resource (`replacement_trigger`), as the engine compares it."""
    delete_before_replace: bool = False
    """Whether a replacement deletes the old resource before creating the new one."""
    retain_on_delete: bool = False
    """Whether deleting it from the stack leaves the real resource as it is."""
    outputs: dict = field(default_factory=dict)


class RecordingMonitor(MockMonitor):
    """A mock monitor that records every registration, components included, with its options, and holds each
    one to the rules that need what was registered before it (`synth.contract.CONTEXT_RULES`: a token after
    its principal's token usage, a CI job and its project's repository, ...)."""

    def __init__(self, mocks: ProviderMocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.world = World()
        self._world_lock = threading.Lock()  # registrations arrive on several threads: check and add as one step
        self.violations: list[contract.Violation] = []
        """Every contract violation met, in order: what the rendering fails with."""

    def RegisterResource(self, request):
        try:
            response = super().RegisterResource(request)
        except ContractViolation as violation:
            self.violations.extend(violation.violations)
            raise
        if request.type != "pulumi:pulumi:Stack":
            registration = self._record(
                request,
                response.urn,
                response.id,
                request.object,
                request.custom,
                bool(request.protect),
                list(request.dependencies),
            )
            self._check_in_context(registration)
        return response

    def ReadResource(self, request):
        # Resources read rather than created: StackReferences.
        try:
            response = super().ReadResource(request)
        except ContractViolation as violation:
            self.violations.extend(violation.violations)
            raise
        self._check_in_context(self._record(request, response.urn, request.id, request.properties, True, False, []))
        return response

    def _check_in_context(self, registration: Registration) -> None:
        """Check the registration against what came before it, then add it to what the next ones see."""
        waits_for = set(registration.dependencies)
        waits_for.update(urn for urns in registration.property_dependencies.values() for urn in urns)
        if registration.provider:
            waits_for.add(contract.provider_urn(registration.provider))
        with self._world_lock:
            if registration.type in contract.CONTEXT_RULES:
                subject = Subject(
                    registration.type,
                    registration.name,
                    registration.urn,
                    plain(registration.inputs),
                    waits_for,
                    registration.provider,
                )
                violations = contract.check_in_context(subject, self.world)
                if violations:
                    self.violations.extend(violations)
                    raise ContractViolation(violations)
            self.world.add(
                Known(
                    registration.type,
                    registration.name,
                    registration.urn,
                    registration.id,
                    registration.custom,
                    functools.partial(plain, registration.inputs),
                    registration.outputs,  # plain already (the mocks' own answer): not copied for each resource
                    waits_for,
                ),
                parent=registration.parent,
            )

    def _record(
        self, request, urn: str, id_: str, properties, custom: bool, protect: bool, dependencies: list[str]
    ) -> Registration:
        registration = Registration(
            type=request.type,
            name=request.name,
            urn=urn,
            parent=request.parent,
            custom=custom,
            protect=protect,
            inputs=rpc.deserialize_properties(properties, keep_unknowns=True),
            dependencies=dependencies,
            id=id_,
            import_id=getattr(request, "importId", ""),
            replace_on_changes=list(getattr(request, "replaceOnChanges", [])),
            provider=getattr(request, "provider", ""),
            property_dependencies={
                key: list(value.urns) for key, value in getattr(request, "propertyDependencies", {}).items()
            },
            replacement_trigger=_replacement_trigger(request),
            delete_before_replace=bool(getattr(request, "deleteBeforeReplace", False)),
            retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
        )
        if custom:
            registration.outputs = self.resources[urn].state
        self.registrations.append(registration)
        return registration


def _replacement_trigger(request) -> Any:
    """The `replacement_trigger` option of a registration (a protobuf value), as plain data."""
    if (
        hasattr(request, "HasField")
        and "replacement_trigger" in request.DESCRIPTOR.fields_by_name
        and request.HasField("replacement_trigger")
    ):
        return json_format.MessageToDict(request.replacement_trigger)
    return None


class WarningLog(logging.Handler):
    """Collects what the program logs at warning level and above (`pulumi.log.warn`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
