"""The endpoints `ops` calls that dbt Labs' OpenAPI specs lack, each named with why it is called and the shape its
answer must have: the shape dbt Labs' provider parses (terraform-provider-dbtcloud v1.12.5, pkg/dbt_cloud/*.go).

`spec.py` checks a request to one of these (and the fake's answer) here instead of refusing it as a path the spec
lacks: the method, the auth scheme the rest of the API takes (`Bearer`), no body, only `limit` and `offset` (whole
numbers) on lists, and the answer's envelope (`status` as the spec's `ResponseStatus`, `data` in the provider's
shape, `extra.pagination` on lists). Nothing else outside the specs is allowed; an entry the spec comes to declare is
stale (`stale()`, held by a test).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

INTEGER = {"type": "integer"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
BOOLEAN = {"type": "boolean"}

MODEL_NOTIFICATIONS = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "created_at": TEXT,
        "updated_at": TEXT,
        "account_id": INTEGER,
        "environment_id": INTEGER,
        **{name: BOOLEAN for name in ("enabled", "on_success", "on_failure", "on_warning", "on_skipped")},
    },
    "required": ["id", "environment_id", "enabled", "on_success", "on_failure", "on_warning", "on_skipped"],
}
"""model_notifications.go `ModelNotifications`: `id` validated `required,ne=0` (`ValidateResponse`), the rest read as
they are."""

NOTIFICATION_SETTING = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "account_id": INTEGER,
        "name": TEXT,
        "description": NULLABLE_TEXT,
        "is_active": BOOLEAN,
        "channels": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": INTEGER,
                    "channel_type": TEXT,
                    "teams_team_id": NULLABLE_TEXT,
                    "teams_channel_id": NULLABLE_TEXT,
                },
                "required": ["channel_type"],
            },
        },
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": INTEGER,
                    "trigger_on": {
                        "type": "string",
                        "enum": ["run_warning", "run_successful", "run_errored", "run_cancelled"],
                    },
                    "job_id": {"type": "integer", "nullable": True},
                    "job_name": NULLABLE_TEXT,
                },
                "required": ["trigger_on"],
            },
        },
    },
    "required": ["id", "name", "is_active", "channels", "rules"],
}
"""notification_setting.go `NotificationSetting`, `NotificationSettingChannel`, `NotificationSettingRule` (a rule's
`job_id` null: every job of the account); `trigger_on` as notification_setting/schema.go:88-98 takes it."""


@dataclass(frozen=True)
class OutsideSpec:
    """One endpoint the specs lack."""

    method: str
    path: str
    """The request path, a regular expression (`/api/...`, the account a number)."""
    why: str
    data: dict[str, Any]
    """The schema of the answer's `data` (of each item, for a list)."""
    is_list: bool = False

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.path, path) is not None


ENDPOINTS = (
    OutsideSpec(
        "GET",
        r"/api/v3/accounts/\d+/environments/\d+/model-notifications/",
        "an environment's model notifications, which the provider reads and writes there (model_notifications.go "
        "GetModelNotifications) though openapi-v3.yaml has no such path",
        MODEL_NOTIFICATIONS,
    ),
    OutsideSpec(
        "GET",
        r"/api/private/accounts/\d+/notification-settings/\d+/",
        "a Teams notification setting, which the provider reads there (notification_setting.go GetNotificationSetting, "
        "APIVersionPrivate: dbt Cloud's unversioned private API, in neither spec)",
        NOTIFICATION_SETTING,
    ),
    OutsideSpec(
        "GET",
        r"/api/private/accounts/\d+/notification-settings/",
        "the account's Teams notification settings, listed from the collection the provider creates them in (POST, "
        "notification_setting.go CreateNotificationSetting); the provider never lists them, so this list and its "
        "paging are a guess `ops adopt` reads defensively",
        NOTIFICATION_SETTING,
        is_list=True,
    ),
)


def find(path: str) -> Optional[OutsideSpec]:
    return next((endpoint for endpoint in ENDPOINTS if endpoint.matches(path)), None)


def request_refusal(endpoint: OutsideSpec, request: Any) -> Optional[tuple[int, str]]:
    """(status, why) as a validating server would refuse the request, or None."""
    if request.method != endpoint.method:
        return 405, f"{endpoint.path} takes {endpoint.method} only (outside the spec)"
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return 401, "auth: not `Authorization: Bearer <token>`, the scheme the rest of the API declares"
    if request.get_data():
        return 415, "a body where none is taken"
    allowed = {"limit", "offset"} if endpoint.is_list else set()
    undeclared = sorted(set(request.args) - allowed)
    if undeclared:
        return 400, f"query parameters the endpoint does not take: {', '.join(undeclared)}"
    for name in allowed & set(request.args):
        if not request.args[name].isdigit():
            return 400, f"parameter: {name} {request.args[name]!r} is not a whole number"
    return None


def response_problems(endpoint: OutsideSpec, status: int, body: Any) -> list[str]:
    """What is wrong with a successful answer's envelope and data."""
    from openapi_schema_validator import OAS30Validator

    from .spec import raw

    data = {"type": "array", "items": endpoint.data} if endpoint.is_list else endpoint.data
    envelope = {
        "type": "object",
        "properties": {
            "status": raw("v2")["components"]["schemas"]["ResponseStatus"],
            "data": data,
            "extra": {
                "type": "object",
                "properties": {
                    "pagination": {
                        "type": "object",
                        "properties": {"count": INTEGER, "total_count": INTEGER},
                        "required": ["count", "total_count"],
                    }
                },
                "required": ["pagination"],
            },
        },
        "required": ["status", "data", *(["extra"] if endpoint.is_list else [])],
    }
    return [
        f"{'.'.join(str(part) for part in error.absolute_path) or '(the whole)'}: {error.message}"
        for error in OAS30Validator(envelope).iter_errors(body)
    ]


def stale(paths: dict[str, set[str]]) -> list[str]:
    """The entries a spec now declares (`paths`: version -> its path templates): each should go."""
    found = []
    for endpoint in ENDPOINTS:
        probe = endpoint.path.replace(r"\d+", "1")
        for version, templates in paths.items():
            for template in templates:
                pattern = "/".join("[^/]+" if part.startswith("{") else re.escape(part) for part in template.split("/"))
                if re.fullmatch(pattern, probe):
                    found.append(
                        f"{endpoint.path} is in openapi-{version}.yaml as {template}: {json.dumps(endpoint.why)}"
                    )
    return found
