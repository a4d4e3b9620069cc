"""dbt Labs' OpenAPI specs as the contract between `ops` and the fake dbt Cloud, checked on every exchange.

Every request the fake receives is validated against `openapi-v2.yaml` or `openapi-v3.yaml` (method and path,
query parameters, headers with the auth scheme, body) with `openapi-core`, and every answer it gives (status and
JSON body against the response schema). The fake answers a request the spec refuses as a request-validating mock
server would (401 for the auth scheme, 415 for a body where the spec declares none, 400 for parameters and
bodies, 404/405 for paths and methods the spec lacks) and records it; the `dbt` fixture fails the test when
anything was recorded, answers included. So every test that talks to the fake checks the contract.

The specs are read from `../shared/reference/dbt-cloud-openapi/` beside the repository (`SPEC_DIR`); where they
are absent the tests that need them skip, saying where they must be (`.ci/run` fails first in CI).

Where the spec and the real service are known to differ, `KNOWN_DIFFERENCES` names each difference and why it is
waived; nothing else is. The endpoints `ops` calls that the specs lack are one such difference, each named with why
and checked against the shape dbt Labs' provider parses (`outside_spec.py`). Deliberately NOT waived: the spec
declares only HTTP bearer auth (`Authorization: Bearer`) while dbt's docs also accept `Token <token>`: `ops` sends
`Bearer`, which both accept, so a `Token` request is
refused (401) like any other the spec refuses (without a contract, as in bench/ops_bench.py, the fake accepts
either, as the service does).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from werkzeug import Request, Response

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "dbt-cloud-openapi"
"""`../shared/reference/dbt-cloud-openapi/` relative to the repository root."""
SPEC_FILES = {"v2": "openapi-v2.yaml", "v3": "openapi-v3.yaml"}
SERVER = "https://cloud.getdbt.com"
"""The spec's first server: requests to the fake are matched as if sent there."""

SPACE_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$")


@dataclass(frozen=True)
class Difference:
    """One known difference between a spec and the service, waived for the reason given."""

    what: str
    why: str


KNOWN_DIFFERENCES: dict[str, Difference] = {}
"""Filled below, next to the code that applies each waiver."""


def spec_paths() -> dict[str, Path]:
    return {version: SPEC_DIR / name for version, name in SPEC_FILES.items()}


def missing_specs() -> list[Path]:
    return [path for path in spec_paths().values() if not path.is_file()]


def skip_reason() -> Optional[str]:
    missing = missing_specs()
    if not missing:
        return None
    return (
        f"dbt Labs' OpenAPI spec not found at {', '.join(str(path) for path in missing)} (the specs live in "
        "../shared/reference/dbt-cloud-openapi/ beside the repository)"
    )


def require_specs() -> None:
    """Skip the calling test, saying where the specs must be, when they are absent."""
    import pytest

    reason = skip_reason()
    if reason:
        pytest.skip(reason)


# -- loading ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def load(version: str) -> Any:
    """The spec of `version` ("v2" or "v3") as an `openapi_core.OpenAPI`, with the known differences applied."""
    from openapi_core import Config, OpenAPI

    document = copy.deepcopy(raw(version))
    _apply_waivers(document, version)
    # The published specs do not validate as OpenAPI themselves (e.g. `default: null` on a non-nullable boolean of
    # the v2 `JobDefinitionTriggers`): what matters here is what requests and answers they accept.
    return OpenAPI.from_dict(
        document,
        config=Config(spec_validator_cls=None, extra_format_validators={"date-time": _date_time}),
    )


@functools.lru_cache(maxsize=None)
def raw(version: str) -> dict[str, Any]:
    """The spec of `version` as published (do not change it: `load` works on a copy)."""
    import yaml

    with open(spec_paths()[version], encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


KNOWN_DIFFERENCES["date-time with a space"] = Difference(
    "timestamps written `2026-11-25 02:00:00.123456+00:00` (a space between date and time) where the spec says "
    "`format: date-time` (RFC 3339 wants a `T`)",
    "the service writes its v2 timestamps so (Python's `str()` of a datetime), and the fake its v3 ones too; ops reads "
    "both forms (`ops.runs.parse_time`)",
)


def _date_time(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    return bool(SPACE_DATE_TIME.match(value))


KNOWN_DIFFERENCES["null where the service has no value"] = Difference(
    "`null` for the properties listed in `NULLABLE`, which the spec types (string, integer, enum) without "
    "`nullable: true`",
    "the specs are generated from the service's serializers, which write `null` for a value not set (a run's "
    "`finished_at` before it ends, a job's `deferring_job_definition_id` without deferral, an unlocked account's "
    "`lock_reason`); the v2 spec marks no property nullable at all, and its own descriptions speak of such nulls "
    "(v3 `ProjectResponse.default_version`: 'null when the project is included as a nested object')",
)

RUN_NULLS = frozenset(
    "status_message dequeued_at started_at finished_at artifact_s3_path owner_thread_id deferring_run_id "
    "last_checked_at last_heartbeat_at should_start_at retrying_run_id retry_not_supported_reason "
    "used_repo_cache".split()
)
NULLABLE: dict[str, dict[str, frozenset[str]]] = {
    "v2": {
        "AccountResponse": frozenset(
            "lock_reason lock_cause unlocked_at run_locked_until copilot_locked_until enterprise_login_slug "
            "starter_repo_url vanity_subdomain trial_end_date".split()
        ),
        "RunResponse": RUN_NULLS,
        "RunTrigger": frozenset("git_branch git_sha schema_override steps_override".split()),
        "RunStepResponse": frozenset("started_at finished_at run_step_command run_step_invocation".split()),
        "HumanReadableJobDefinitionResponse": frozenset(
            "dbt_version deferring_environment_id deferring_job_definition_id lifecycle_webhooks_url".split()
        ),
        "InternalJobDefinition": frozenset("dbt_version deferring_environment_id deferring_job_definition_id".split()),
        "JobNotificationSettingsResponse": frozenset("external_email slack_channel_id slack_channel_name".split()),
        "ProjectResponse": frozenset("connection_id repository_id docs_job_id freshness_job_id".split()),
        "EnvironmentV2Response": frozenset(
            "connection_id credentials_id extended_attributes_id custom_branch deployment_type".split()
        ),
    },
    "v3": {
        "ProjectResponse": frozenset("connection_id repository_id docs_job_id freshness_job_id".split()),
        "EnvironmentV3Response": frozenset(
            "connection_id credentials_id extended_attributes_id custom_branch deployment_type".split()
        ),
        "RepositoryV3Response": frozenset("deploy_key_id github_installation_id".split()),
        "AccountConnectionDetail": frozenset("private_link_endpoint_id oauth_configuration_id".split()),
    },
}
"""Spec version -> schema -> properties the service answers `null` for though the spec does not say `nullable`."""

KNOWN_DIFFERENCES["related objects on request"] = Difference(
    "the properties listed in `RELATED_ONLY` missing from an answer, though the spec lists them as `required`",
    "they are related objects (a job's `project`, an environment's `credentials`, ...) which the service includes "
    "only when asked with `include_related` (the spec's own description of that parameter), or values it fills "
    "only when the resource is fetched alone (v3 `ProjectResponse.default_version`, per the spec)",
)

PROJECT_RELATED = frozenset(
    "connection repository environments group_permissions docs_job freshness_job fusion_readiness "
    "default_version".split()
)
"""A project's related objects (both versions' `ProjectResponse`)."""

RELATED_ONLY: dict[str, dict[str, frozenset[str]]] = {
    "v2": {
        "ProjectResponse": PROJECT_RELATED,
        "EnvironmentV2Response": frozenset("connection repository jobs custom_environment_variables".split()),
        "HumanReadableJobDefinitionResponse": frozenset("account project environment fusion_readiness".split()),
        "JobNotificationSettingsResponse": frozenset(["user"]),
    },
    "v3": {
        "ProjectResponse": PROJECT_RELATED,
        "EnvironmentV3Response": frozenset("project credentials fusion_readiness".split()),
        "RepositoryV3Response": frozenset("deploy_key gitlab git_provider".split()),
    },
}
"""Spec version -> schema -> `required` properties the service includes only on request."""


def _nullable(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """`schema` accepting null too: a referenced enum (`$ref`, or `allOf: [$ref]` with a description) is inlined
    with null among its values, as `$ref` takes no sibling keywords in OpenAPI 3.0."""
    reference = schema.get("$ref") or (schema.get("allOf") or [{}])[0].get("$ref")
    if reference is not None:
        target = schemas[reference.rsplit("/", 1)[-1]]
        rest = {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}
        schema = {**target, **rest}
    if "enum" in schema:
        schema = {**schema, "enum": [*schema["enum"], None]}
    return {**schema, "nullable": True}


def _apply_waivers(document: dict[str, Any], version: str) -> None:
    """The spec as the service answers it: `NULLABLE` properties nullable, `RELATED_ONLY` ones optional. An entry
    that names what the spec lacks is an error (the spec changed: the waiver is stale)."""
    schemas = document.get("components", {}).get("schemas", {})
    for schema_name, properties in NULLABLE[version].items():
        declared = schemas[schema_name].get("properties", {})
        for name in sorted(properties):
            if name not in declared:
                raise KeyError(f"{version} {schema_name}.{name}: not in the spec (a stale NULLABLE entry)")
            declared[name] = _nullable(declared[name], schemas)
    for schema_name, properties in RELATED_ONLY[version].items():
        required = schemas[schema_name].get("required", [])
        stale = sorted(properties - set(required))
        if stale:
            raise KeyError(f"{version} {schema_name}: {', '.join(stale)} not required by the spec (stale RELATED_ONLY)")
        schemas[schema_name]["required"] = [name for name in required if name not in properties]


# -- checking --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """What a request-validating server answers to a request the spec refuses."""

    status: int
    message: str


@dataclass
class Contract:
    """The specs, and what broke them in one test's exchanges."""

    violations: list[str] = field(default_factory=list)
    exchanges: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check_request(self, request: Request) -> Optional[Refusal]:
        """None if the spec accepts the request, else how a validating server refuses it (also recorded)."""
        refusal = _remembered(("request", *_request_key(request)), lambda: _request_refusal(request))
        with self._lock:
            self.exchanges += 1
            if refusal is not None:
                self.violations.append(f"request {request.method} {_shown(request)}: {refusal.message}")
        return refusal

    def check_response(self, request: Request, response: Response) -> None:
        key = ("response", *_request_key(request), response.status_code, response.mimetype, response.get_data())
        problems = _remembered(key, lambda: tuple(_response_problems(request, response)))
        if problems:
            with self._lock:
                self.violations.extend(
                    f"answer HTTP {response.status_code} to {request.method} {_shown(request)}: {problem}"
                    for problem in problems
                )

    def report(self) -> str:
        return "\n".join(f"  - {violation}" for violation in self.violations)


_VERDICTS: dict[tuple, Any] = {}
_VERDICTS_LOCK = threading.Lock()


def _request_key(request: Request) -> tuple:
    """Everything a verdict on the request reads: method, path and query, every header, the body."""
    return (request.method, request.full_path, tuple(request.headers.items()), request.get_data())


def _remembered(key: tuple, verdict: Any) -> Any:
    """The spec's verdict on an exchange, worked out once per session: a verdict depends on nothing but the bytes
    exchanged, and most exchanges repeat (the same poll, the same page), while openapi-core takes milliseconds to
    validate each (1,025 requests, 116 of them different, in a run of the suite)."""
    with _VERDICTS_LOCK:
        if key in _VERDICTS:
            return _VERDICTS[key]
    result = verdict()
    with _VERDICTS_LOCK:
        _VERDICTS[key] = result
    return result


def _shown(request: Request) -> str:
    query = request.query_string.decode()
    return request.path + (f"?{query}" if query else "")


def _version(path: str) -> Optional[str]:
    match = re.match(r"^/api/(v2|v3)/", path)
    return match.group(1) if match else None


class _OpenApiRequest:
    """A werkzeug request as openapi-core reads one, as if sent to the spec's server."""

    def __init__(self, request: Request):
        from openapi_core.datatypes import RequestParameters

        self.host_url = SERVER
        self.path = request.path
        self.method = request.method.lower()
        self.body = request.get_data() or None
        self.content_type = request.mimetype or "application/octet-stream"
        self.parameters = RequestParameters(query=request.args, header=request.headers, cookie=request.cookies)


class _OpenApiResponse:
    def __init__(self, response: Response):
        self.status_code = response.status_code
        self.data = response.get_data()
        self.content_type = response.mimetype or "application/octet-stream"
        self.headers = response.headers


def _operation(version: str, method: str, path: str) -> Any:
    from openapi_core.templating.paths.finders import APICallPathFinder

    return APICallPathFinder(load(version).spec).find(method.lower(), SERVER + path)


KNOWN_DIFFERENCES["endpoints outside the spec"] = Difference(
    "the requests `outside_spec.ENDPOINTS` lists, to paths neither spec declares (v3 model notifications, the "
    "private API's Teams notification settings)",
    "dbt Labs' provider manages those resources through them; each is checked against the shape the provider parses "
    "instead, and no other path outside the specs is taken",
)


KNOWN_DIFFERENCES["properties outside the spec"] = Difference(
    "the properties `BEYOND_SPEC` lists, which ops reads from answers whose schema does not declare them",
    "the service sends them and dbt Labs' provider reads them (terraform-provider-dbtcloud pkg/dbt_cloud/repository.go"
    ":15-27): a repository's address and its clone strategy's ids; `ops adopt` says so plainly when one is missing",
)

BEYOND_SPEC: dict[str, dict[str, frozenset[str]]] = {
    "v3": {
        "RepositoryV3Response": frozenset(
            {
                "remote_url",
                "gitlab_project_id",
                "azure_active_directory_project_id",
                "azure_active_directory_repository_id",
            }
        )
    }
}
"""Properties the service sends beyond a schema of the spec, and ops reads."""


def _request_refusal(request: Request) -> Optional[Refusal]:
    from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
    from openapi_core.validation.request.exceptions import (
        ParameterValidationError,
        RequestBodyValidationError,
        SecurityValidationError,
    )

    from . import outside_spec

    outside = outside_spec.find(request.path)
    if outside is not None:
        refused = outside_spec.request_refusal(outside, request)
        return None if refused is None else Refusal(*refused)
    version = _version(request.path)
    if version is None:
        return Refusal(404, "not a path of the dbt Cloud API (/api/v2/ or /api/v3/)")
    try:
        found = _operation(version, request.method, request.path)
    except OperationNotFound:
        return Refusal(405, f"the {version} spec declares no {request.method} for this path")
    except PathNotFound:
        return Refusal(404, f"the {version} spec has no such path")
    operation, path_item = found.operation, found.path
    body = request.get_data()
    if body and "requestBody" not in operation:
        return Refusal(415, f"a body ({request.mimetype or 'no content type'}) where the spec declares none")
    declared = {
        parameter["name"]
        for parameters in (path_item.get("parameters", []), operation.get("parameters", []))
        for parameter in parameters
        if parameter["in"] == "query"
    }
    undeclared = sorted(set(request.args) - declared)
    if undeclared:
        return Refusal(400, f"query parameters the spec does not declare: {', '.join(undeclared)}")
    for error in load(version).iter_request_errors(_OpenApiRequest(request)):
        detail = _detail(error)
        if isinstance(error, SecurityValidationError):
            return Refusal(401, f"auth: {detail} (the spec declares `Authorization: Bearer <token>`)")
        if isinstance(error, RequestBodyValidationError):
            status = 415 if "MediaType" in type(error.__cause__).__name__ else 400
            return Refusal(status, f"body: {detail}")
        if isinstance(error, ParameterValidationError):
            return Refusal(400, f"parameter: {detail}")
        return Refusal(400, detail)
    return None


KNOWN_DIFFERENCES["error answers"] = Difference(
    "4xx and 5xx answers (400, 401, 403, 404, 429, 500, 502, 503, 504), which the spec does not declare (only 200)",
    'the service answers errors in the same envelope, `{"status": ResponseStatus, "data": null}`: such an '
    "answer is checked against that shape instead",
)


def _response_problems(request: Request, response: Response) -> list[str]:
    from . import outside_spec

    outside = outside_spec.find(request.path)
    version = _version(request.path)
    if version is None and outside is None:
        return [f"an answer outside the API ({request.path})"]
    if response.mimetype != "application/json":
        return [f"content type {response.mimetype!r}, not application/json"]
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return ["not JSON"]
    if response.status_code >= 400:
        return _error_envelope_problems(version or "v2", body, response.status_code)
    if outside is not None:
        return outside_spec.response_problems(outside, response.status_code, body)
    return [
        _detail(error)
        for error in load(version).iter_response_errors(_OpenApiRequest(request), _OpenApiResponse(response))
    ]


def _error_envelope_problems(version: str, body: Any, status: int) -> list[str]:
    from openapi_schema_validator import OAS30Validator

    if not isinstance(body, dict) or set(body) - {"status", "data"} or body.get("data") is not None:
        return [f"not the error envelope {{status, data: null}}: {str(body)[:200]}"]
    schema = raw("v2")["components"]["schemas"]["ResponseStatus"]
    problems = [error.message for error in OAS30Validator(schema).iter_errors(body.get("status"))]
    if body.get("status", {}).get("code") not in (None, status):
        problems.append(f"status.code {body['status']['code']} is not the HTTP status {status}")
    return problems


def _detail(error: Exception) -> str:
    """The schema errors under an openapi-core error, one line each, with where they are."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        return "; ".join(
            f"{'.'.join(str(part) for part in schema_error.absolute_path) or '(the whole)'}: {schema_error.message}"
            for schema_error in _leaves(schema_errors)
        )
    return f"{type(error).__name__}: {cause or error}"


def _leaves(errors: Any) -> list[Any]:
    leaves = []
    for error in errors:
        if error.context:
            leaves.extend(_leaves(error.context))
        else:
            leaves.append(error)
    return leaves
