"""The HTTP client for dbt Cloud's Administrative API (v2, and v3 where dbt Labs' provider reads a resource through
it): timeouts, retries, pagination, readable errors.

Envelope (spec `ResponseStatus`, `Extra`, `CustomPagination`): `{"status": {"code", "is_success", "user_message",
"developer_message"}, "data": ..., "extra": {"pagination": {"count", "total_count"}}}`. Auth header
`Authorization: Bearer <token>`, the spec's scheme (`BearerAuthentication`; dbt's docs accept `Token <token>` too).
Lists take `limit` (at most 100) and `offset`. The API answers 429 with `Retry-After` past 5,000 requests a minute
per account; the dbt Cloud provider retries 429, 500, 502, 503 and 504, as we do.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

import httpx

from components.rules import web_url

from .errors import ApiError

RETRIABLE = frozenset({429, 500, 502, 503, 504})
PAGE_LIMIT = 100
"""The most items a list request may ask for (spec: "Can be an integer up to 100")."""

HINTS = {
    401: "check DBT_CLOUD_TOKEN: a valid, unexpired personal access token (Account settings -> API tokens), "
    "sent to the right region (DBT_CLOUD_HOST_URL / dbtcloud:hostUrl)",
    403: "check that the token's user (or service token) has permission for this in account {account}, and "
    "that the plan has API access (Starter or Enterprise; the Developer plan has none)",
    404: "check the account id ({account}: DBT_CLOUD_ACCOUNT_ID / dbtcloud:accountId), the region "
    "(DBT_CLOUD_HOST_URL) and the id in the request",
}


@dataclass(frozen=True)
class ClientOptions:
    """Knobs of the client; the defaults suit the real API, the tests shrink the waits."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 1.0
    """First wait before a retry without `Retry-After`, doubled each time (with jitter)."""
    max_wait: float = 60.0
    """Cap on any single wait, `Retry-After` included."""
    on_retry: Optional[Callable[[str], None]] = None
    """Told why and how long before each retry (the CLI prints it, so that a wait is never silent)."""


class DbtCloudClient:
    """One account's API (paths under `/v2/accounts/{id}` by default, `/v3/accounts/{id}` with `api="v3"`). The token
    lives only in the request headers: never in messages or `repr`."""

    def __init__(
        self,
        host_url: str,
        account_id: int,
        token: str,
        options: Optional[ClientOptions] = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        options = options or ClientOptions()
        self.host_url = host_url.rstrip("/")
        self.account_id = account_id
        self.options = options
        self._token = token
        self._sleep = sleep
        self.requests_made = 0
        self._http = httpx.Client(
            base_url=self.host_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "dbtcloud-databricks-ops",
            },
            timeout=httpx.Timeout(options.read_timeout, connect=options.connect_timeout),
        )

    def __repr__(self) -> str:
        return f"DbtCloudClient({self.host_url!r}, account {self.account_id})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "DbtCloudClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def web_url(self) -> str:
        """The dbt Cloud web address (the API URL without `/api`)."""
        return web_url(self.host_url)

    # -- requests ----------------------------------------------------------------------------------------------

    def get(self, path: str, params: Optional[dict[str, Any]] = None, api: str = "v2") -> Any:
        """`data` of a GET, retried on 429/5xx and on network errors."""
        return self._envelope(self._request("GET", self._path_in(path, api), params=params, idempotent=True))["data"]

    def post(self, path: str, body: Optional[dict[str, Any]] = None, idempotent: bool = False) -> Any:
        """`data` of a POST, with `body` as JSON, or no body at all when None (the spec declares none for cancel and
        retry: a request-validating server refuses one with 415). Unless `idempotent`, a 5xx is not retried: the
        request may have been carried out (a trigger retried after a gateway timeout could start a second run); a
        429 or a refused connection is."""
        content = {} if body is None else {"json": body}
        return self._envelope(self._request("POST", self._path_in(path, "v2"), idempotent=idempotent, **content))[
            "data"
        ]

    def paginate(
        self,
        path: str,
        params: Optional[dict[str, Any]] = None,
        limit: Optional[int] = None,
        page_size: int = PAGE_LIMIT,
        api: str = "v2",
    ) -> Iterator[Any]:
        """Every item of a list, page by page (`limit`/`offset`), stopping at `limit` items if given."""
        offset, seen = 0, 0
        page_size = min(page_size, PAGE_LIMIT)
        while True:
            want = page_size if limit is None else min(page_size, limit - seen)
            if want <= 0:
                return
            page = self._envelope(
                self._request(
                    "GET",
                    self._path_in(path, api),
                    params={**(params or {}), "limit": want, "offset": offset},
                    idempotent=True,
                )
            )
            items = page.get("data") or []
            yield from items
            seen += len(items)
            offset += len(items)
            total = ((page.get("extra") or {}).get("pagination") or {}).get("total_count")
            if not items or len(items) < want or (total is not None and offset >= total):
                return

    # -- machinery ---------------------------------------------------------------------------------------------

    def _path_in(self, path: str, api: str) -> str:
        """`/runs/` -> `/v2/accounts/{id}/runs/` (relative to the API base, which ends in `/api`)."""
        if api not in ("v2", "v3"):
            raise ValueError(f"unknown dbt Cloud API version {api!r}")
        return f"{self.host_url}/{api}/accounts/{self.account_id}{path}"

    def _request(self, method: str, path: str, idempotent: bool, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                self.requests_made += 1
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as error:
                # A refused connection never reached the server: safe to retry any method.
                retriable = idempotent or isinstance(error, httpx.ConnectError)
                if retriable and attempt <= self.options.max_retries:
                    wait = self._backoff(attempt)
                    self._tell(f"{type(error).__name__} from {self.host_url}", wait, attempt)
                    self._sleep(wait)
                    continue
                raise ApiError(
                    self._redact(
                        f"dbt Cloud API unreachable at {self.host_url} "
                        f"({type(error).__name__}: {error or 'no answer'}); "
                        "check DBT_CLOUD_HOST_URL / dbtcloud:hostUrl and your network"
                    )
                ) from None
            if (
                response.status_code in RETRIABLE
                and attempt <= self.options.max_retries
                and (idempotent or response.status_code == 429)
            ):
                wait, note = self._wait_for(response, attempt)
                self._tell(f"HTTP {response.status_code} for {method} {self._path(response)}{note}", wait, attempt)
                self._sleep(wait)
                continue
            if response.is_success:
                return response
            raise self._error(method, path, response)

    def _tell(self, what: str, wait: float, attempt: int) -> None:
        if self.options.on_retry is not None:
            self.options.on_retry(
                self._redact(f"dbt Cloud API: {what}; retry {attempt} of {self.options.max_retries} in {wait:.1f} s")
            )

    def _wait_for(self, response: httpx.Response, attempt: int) -> tuple[float, str]:
        """`Retry-After` (seconds or an HTTP date) when given and readable, else exponential backoff; capped. The
        second value says why when a `Retry-After` was not used."""
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header) if header else None
        note = ""
        if header and wait is None:
            note = f" (Retry-After {header[:40]!r} is neither seconds nor an HTTP date: backing off instead)"
        if wait is None:
            wait = self._backoff(attempt)
        return max(0.0, min(wait, self.options.max_wait)), note

    def _backoff(self, attempt: int) -> float:
        base = self.options.backoff * 2 ** (attempt - 1)
        return min(base * (0.8 + 0.4 * random.random()), self.options.max_wait)

    def _envelope(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(
                f"dbt Cloud answered {response.request.method} {self._path(response)} with "
                f"HTTP {response.status_code} but not JSON; is DBT_CLOUD_HOST_URL the API (ending in /api)?",
                response.status_code,
            ) from None
        if not isinstance(body, dict) or "data" not in body:
            raise ApiError(
                f"unexpected answer to {self._path(response)}: no 'data' in the envelope", response.status_code
            )
        return body

    def _error(self, method: str, path: str, response: httpx.Response) -> ApiError:
        message = ""
        try:
            status = (response.json() or {}).get("status") or {}
            message = status.get("user_message") or status.get("developer_message") or ""
        except (ValueError, AttributeError):
            message = response.text[:200].strip()
        hint = HINTS.get(response.status_code, "")
        text = f"dbt Cloud refused {method} {self._path(response)}: HTTP {response.status_code}"
        text += f" {response.reason_phrase}" if response.reason_phrase else ""
        if message:
            text += f": {message}"
        if response.status_code in RETRIABLE:
            text += f" (gave up after {self.options.max_retries} retries)"
        if hint:
            text += f"\n  {hint.format(account=self.account_id)}"
        return ApiError(self._redact(text), response.status_code)

    def _path(self, response: httpx.Response) -> str:
        return urlsplit(str(response.request.url)).path

    def _redact(self, text: str) -> str:
        """Remove the token from a message, should a server or library ever echo it."""
        return text.replace(self._token, "***") if self._token else text


def retry_after_seconds(header: str, now: Callable[[], float] = lambda: time.time()) -> Optional[float]:
    """Seconds a `Retry-After` header asks to wait (a number of seconds, or an HTTP date), or None when it is
    neither (`soon`, `inf`, a date that does not parse)."""
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now())
