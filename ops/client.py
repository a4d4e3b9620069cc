"""The HTTP client for dbt Cloud's Administrative API (v2, and v3 where dbt Labs' provider reads a resource through
it): timeouts, retries, pagination, readable errors.

Envelope (spec `ResponseStatus`, `Extra`, `CustomPagination`): `{"status": {"code", "is_success", "user_message",
"developer_message"}, "data": ..., "extra": {"pagination": {"count", "total_count"}}}`. Auth header
`Authorization: Bearer <token>`, the spec's scheme (`BearerAuthentication`; dbt's docs accept `Token <token>` too).
Lists take `limit` (at most 100) and `offset`. The API answers 429 with `Retry-After` past 5,000 requests a minute
per account; the dbt Cloud provider retries 429, 500, 502, 503 and 504, as we do.

A deadline (`limit`, from `--timeout`) bounds everything a client does: each request's connect and read timeouts
are cut to what remains of it, and a retry whose wait would pass it is not made (`DeadlineExceeded`, exit 4).
"""

from __future__ import annotations

import email.utils
import functools
import math
import random
import ssl
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

import httpx

from components.rules import web_url

from .errors import ApiError, DeadlineExceeded

RETRIABLE = frozenset({429, 500, 502, 503, 504})
PAGE_LIMIT = 100
"""The most items a list request may ask for (spec: "Can be an integer up to 100")."""
MAX_PAGES = 10_000
"""A list longer than this many pages is not read further (a server that never ends a list)."""

HINTS = {
    401: "check DBT_CLOUD_TOKEN: a valid, unexpired personal access token (Account settings -> API tokens), "
    "sent to the right region (DBT_CLOUD_HOST_URL / dbtcloud:hostUrl)",
    403: "check that the token's user (or service token) has permission for this in account {account}, and "
    "that the plan has API access (Starter or Enterprise; the Developer plan has none)",
    404: "check the account id ({account}: DBT_CLOUD_ACCOUNT_ID / dbtcloud:accountId), the region "
    "(DBT_CLOUD_HOST_URL) and the id in the request",
}


def _monotonic() -> float:
    return time.monotonic()  # looked up at each call: the tests replace the standard library's clock


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


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
    on_warning: Optional[Callable[[str], None]] = None
    """Told when an answer is odd but usable (a list that repeats itself, a page longer than asked)."""


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """httpx's own default TLS context (its CA bundle, SSL_CERT_FILE and SSL_CERT_DIR honoured), made once per process:
    loading the certificates takes tens of milliseconds, for every client otherwise."""
    return httpx.create_ssl_context()


class DbtCloudClient:
    """One account's API (paths under `/v2/accounts/{id}` by default, `/v3/accounts/{id}` with `api="v3"`,
    `/private/accounts/{id}` with `api="private"`). The token
    lives only in the request headers: never in messages or `repr`."""

    def __init__(
        self,
        host_url: str,
        account_id: int,
        token: str,
        options: Optional[ClientOptions] = None,
        sleep: Optional[Callable[[float], None]] = None,
        clock: Optional[Callable[[], float]] = None,
    ):
        options = options or ClientOptions()
        self.host_url = host_url.rstrip("/")
        self.account_id = account_id
        self.options = options
        self._token = token
        self.sleep = sleep or _sleep
        self.clock = clock or _monotonic
        self.deadline: Optional[float] = None
        """A `clock()` time by which every request, retry and wait ends (`limit`); None: no deadline."""
        self.requests_made = 0
        self._http = httpx.Client(
            base_url=self.host_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "dbtcloud-databricks-ops",
            },
            timeout=httpx.Timeout(options.read_timeout, connect=options.connect_timeout),
            verify=_tls_context(),
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

    # -- the deadline ------------------------------------------------------------------------------------------

    def remaining(self) -> Optional[float]:
        """Seconds left before the deadline (0 or less: passed), or None without one."""
        return None if self.deadline is None else self.deadline - self.clock()

    @contextmanager
    def limit(self, seconds: Optional[float], replace: bool = False) -> Iterator[None]:
        """Within the block, everything ends within `seconds` (and by the deadline already set, unless `replace`:
        a cancel after `--timeout` passed gets a grace of its own). None: no new bound."""
        before = self.deadline
        if seconds is not None:
            deadline = self.clock() + seconds
            self.deadline = deadline if replace or before is None else min(before, deadline)
        try:
            yield
        finally:
            self.deadline = before

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
        """Every item of a list, page by page (`limit`/`offset`), at most `limit` items if given.

        It stops at an empty page, a page shorter than asked, or one that repeats the previous page (a server that
        ignores `offset`); `total_count` only ever ends the reading early, never prolongs it (a server may say
        10**9). A page longer than asked is cut to what `limit` leaves."""
        offset, seen, pages = 0, 0, 0
        page_size = min(page_size, PAGE_LIMIT)
        previous: Optional[list[Any]] = None
        where = self._path_in(path, api)
        while True:
            want = page_size if limit is None else min(page_size, limit - seen)
            if want <= 0:
                return
            page = self._envelope(
                self._request("GET", where, params={**(params or {}), "limit": want, "offset": offset}, idempotent=True)
            )
            items = page.get("data")
            if items is None:
                items = []
            if not isinstance(items, list):
                raise ApiError(
                    f"unexpected answer to GET {urlsplit(where).path} (offset {offset}): 'data' is a "
                    f"{type(items).__name__}, not a list",
                    200,
                )
            keys = [_key(item) for item in items]
            if items and previous is not None and keys == previous:
                self._warn(
                    f"dbt Cloud answered GET {urlsplit(where).path} at offset {offset} with the same {len(items)} "
                    f"items as at offset {offset - len(items)} (it seems to ignore offset): read no further"
                )
                return
            kept = items if limit is None else items[: limit - seen]
            if len(items) > want:
                self._warn(
                    f"dbt Cloud answered GET {urlsplit(where).path} with {len(items)} items where {want} were asked"
                    + (f"; kept {len(kept)}" if len(kept) < len(items) else "")
                )
            yield from kept
            seen += len(kept)
            offset += len(items)
            pages += 1
            total = ((page.get("extra") or {}).get("pagination") or {}).get("total_count")
            if not items or len(items) < want:
                return
            if isinstance(total, int) and not isinstance(total, bool) and offset >= total:
                return
            if pages >= MAX_PAGES:
                self._warn(f"GET {urlsplit(where).path}: read no further than {pages} pages ({offset} items)")
                return
            previous = keys

    # -- machinery ---------------------------------------------------------------------------------------------

    def _path_in(self, path: str, api: str) -> str:
        """`/runs/` -> `/v2/accounts/{id}/runs/` (relative to the API base, which ends in `/api`). `private` is the
        unversioned API dbt Labs' provider reads Teams notification settings through (`/private/accounts/{id}/...`,
        terraform-provider-dbtcloud pkg/dbt_cloud/notification_setting.go), absent from dbt Labs' OpenAPI specs."""
        if api not in ("v2", "v3", "private"):
            raise ValueError(f"unknown dbt Cloud API version {api!r}")
        return f"{self.host_url}/{api}/accounts/{self.account_id}{path}"

    def _timeout(self, method: str, path: str) -> tuple[httpx.Timeout, bool]:
        """This request's timeouts, cut to what remains of the deadline (and whether they were cut)."""
        read, connect = self.options.read_timeout, self.options.connect_timeout
        remaining = self.remaining()
        if remaining is None:
            return httpx.Timeout(read, connect=connect), False
        if remaining <= 0:
            raise DeadlineExceeded(f"--timeout passed before {method} {urlsplit(path).path} could be sent")
        return httpx.Timeout(min(read, remaining), connect=min(connect, remaining)), remaining < max(read, connect)

    def _request(self, method: str, path: str, idempotent: bool, **kwargs: Any) -> httpx.Response:
        attempt = 0
        shown = urlsplit(path).path
        while True:
            attempt += 1
            timeout, cut = self._timeout(method, path)
            try:
                self.requests_made += 1
                response = self._http.request(method, path, timeout=timeout, **kwargs)
            except httpx.TransportError as error:
                # A refused connection never reached the server: safe to retry any method.
                reached = not isinstance(error, httpx.ConnectError)
                maybe_done = reached and not idempotent
                if cut and isinstance(error, httpx.TimeoutException):
                    raise DeadlineExceeded(
                        f"--timeout passed waiting for dbt Cloud to answer {method} {shown} "
                        f"({type(error).__name__} after the {timeout.read:.1f} s that were left)",
                        maybe_done=maybe_done,
                    ) from None
                if (idempotent or not reached) and attempt <= self.options.max_retries:
                    # The cause in the error's own words (a name that does not resolve, a refused connection):
                    # when --timeout ends the retries, this is what the user reads.
                    detail = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
                    why = f"{type(error).__name__} ({detail}) from {self.host_url}"
                    self._wait(self._backoff(attempt), why, attempt, method, shown)
                    continue
                raise ApiError(
                    self._redact(
                        f"dbt Cloud API unreachable at {self.host_url} "
                        f"({type(error).__name__}: {error or 'no answer'}"
                        + (f", after {attempt - 1} retries" if attempt > 1 else "")
                        + "); check DBT_CLOUD_HOST_URL / dbtcloud:hostUrl and your network"
                    ),
                    maybe_done=maybe_done,
                ) from None
            status = response.status_code
            if status in RETRIABLE and attempt <= self.options.max_retries and (idempotent or status == 429):
                wait, note = self._wait_for(response, attempt)
                self._wait(wait, f"HTTP {status} for {method} {shown}{note}", attempt, method, shown)
                continue
            if response.is_success:
                return response
            raise self._error(method, path, response, attempt - 1, idempotent)

    def _wait(self, wait: float, why: str, attempt: int, method: str, shown: str) -> None:
        """Announce and make a wait before retry `attempt`; when it would pass the deadline, stop instead."""
        remaining = self.remaining()
        if remaining is not None and wait >= remaining:
            raise DeadlineExceeded(
                self._redact(
                    f"{why}: the retry would come after --timeout passes ({wait:.1f} s to wait, "
                    f"{max(remaining, 0):.1f} s left); not retried"
                )
            )
        self._tell(why, wait, attempt)
        self.sleep(wait)

    def _tell(self, what: str, wait: float, attempt: int) -> None:
        if self.options.on_retry is not None:
            self.options.on_retry(
                self._redact(f"dbt Cloud API: {what}; retry {attempt} of {self.options.max_retries} in {wait:.1f} s")
            )

    def _warn(self, text: str) -> None:
        if self.options.on_warning is not None:
            self.options.on_warning(self._redact(f"dbt Cloud API: {text}"))

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
        except ValueError:
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

    def _error(self, method: str, path: str, response: httpx.Response, retries: int, idempotent: bool) -> ApiError:
        message = ""
        try:
            body = response.json()
            status = body.get("status") if isinstance(body, dict) else None
            if isinstance(status, dict):
                message = str(status.get("user_message") or status.get("developer_message") or "")
        except ValueError:
            message = response.text[:200].strip()
        code = response.status_code
        hint = HINTS.get(code, "")
        text = f"dbt Cloud refused {method} {self._path(response)}: HTTP {code}"
        text += f" {response.reason_phrase}" if response.reason_phrase else ""
        if message:
            text += f": {message}"
        maybe_done = False
        if code in RETRIABLE:
            if retries:
                text += f" (gave up after {retries} retries)"
            elif not idempotent and code != 429:
                # A 5xx to a POST that is not retried: the server may have done it before failing to answer.
                maybe_done = True
                text += " (not retried: the server may have carried the request out before failing to answer)"
        if hint:
            text += f"\n  {hint.format(account=self.account_id)}"
        return ApiError(self._redact(text), code, maybe_done=maybe_done)

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


def _key(item: Any) -> Any:
    """What tells list items apart: their id, or the whole item."""
    return item.get("id", item) if isinstance(item, dict) else item
