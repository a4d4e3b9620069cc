"""What every answer of the fake dbt Cloud shares: the token, the account, the envelope and pagination.

The envelope (spec `ResponseStatus`, `Extra`, `CustomPagination`): `{"status": {"code", "is_success",
"user_message", "developer_message"}, "data": ..., "extra": {"filters", "order_by", "pagination": {"count",
"total_count"}}}`; lists take `limit` (1 to 100) and `offset`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from werkzeug import Response

TOKEN = "dbtc" + "_FAKE_token_0123456789abcdef"  # built, so that no token-shaped text is committed
"""The one token the fake accepts; tests assert it never appears in any output."""
ACCOUNT_ID = 12345
BASE_TIME = datetime(2026, 11, 25, 2, 0, 0, tzinfo=timezone.utc)


def iso(moment: Optional[datetime]) -> Optional[str]:
    """A timestamp as the v2 and v3 APIs write it (`2026-11-25 02:00:00.000000+00:00`)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f+00:00") if moment else None


def matches(item: dict[str, Any], query: dict[str, list[str]], key: str) -> bool:
    return key not in query or str(item.get(key)) == query[key][0]


def related(query: dict[str, list[str]]) -> set[str]:
    """`include_related` as a JSON list (`["run_steps","job"]`) or comma-separated."""
    text = query.get("include_related", [""])[0]
    try:
        value = json.loads(text)
        return set(value) if isinstance(value, list) else {str(value)}
    except ValueError:
        return {part.strip() for part in text.split(",") if part.strip()}


class Envelope:
    """Answers in the API's envelope, for the fake's parts (runs and jobs, projects and the rest)."""

    account_id: int
    lock: Any
    list_quirks: set[str]
    """How lists misbehave, for the tests of a client that must not trust them: `ignore_offset` (every page is the
    first), `ignore_limit` (100 items a page whatever `limit` asks), `total_count_1e9` (a total of 10**9)."""
    pages_served: int

    def _list(self, items_for: Callable[[dict[str, list[str]]], list[Any]]):
        def handler(query, request) -> Response:
            items = items_for(query)
            return self._page(items, query)

        return handler

    def _page(
        self,
        items: list[Any],
        query: dict[str, list[str]],
        order_by: str = "id",
        render=lambda item: item,
        numbered_filters: bool = False,
    ) -> Response:
        """One page of `items`; `numbered_filters`: `extra.filters` holds `limit` and `offset` (as v3's
        `PaginationExtra` requires)."""
        limit = int(query.get("limit", ["100"])[0])
        offset = int(query.get("offset", ["0"])[0])
        if limit > 100 or limit < 1 or offset < 0:
            return self._status(400, "limit must be between 1 and 100, offset 0 or more.")
        if "ignore_offset" in self.list_quirks:
            offset = 0
            self.pages_served += 1
            if self.pages_served > 50:  # a client that never stops: fail its test rather than loop for ever
                return self._status(400, "The test's fake gave up: more than 50 pages asked of a list that repeats.")
        if "ignore_limit" in self.list_quirks:
            limit = 100
        page = [render(item) for item in items[offset : offset + limit]]
        total = 10**9 if "total_count_1e9" in self.list_quirks else len(items)
        filters: dict[str, Any] = {k: v[0] for k, v in query.items() if k not in ("limit", "offset")}
        if numbered_filters:
            filters.update(limit=limit, offset=offset)
        return self._ok(
            page,
            extra={
                "filters": filters,
                "order_by": order_by,
                "pagination": {"count": len(page), "total_count": total},
            },
        )

    def _ok(self, data: Any, extra: Optional[dict[str, Any]] = None) -> Response:
        body: dict[str, Any] = {
            "status": {"code": 200, "is_success": True, "user_message": "Success!", "developer_message": ""},
            "data": data,
        }
        if extra is not None:
            body["extra"] = extra
        return Response(json.dumps(body), status=200, content_type="application/json")

    def _status(self, code: int, message: str, headers: Optional[dict[str, str]] = None) -> Response:
        body = {
            "status": {"code": code, "is_success": False, "user_message": message, "developer_message": ""},
            "data": None,
        }
        return Response(json.dumps(body), status=code, content_type="application/json", headers=headers or {})
