"""Polite HTTP fetching of feeds and pages: conditional GET, per-host limits, size caps."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from .robots import RobotsRules
from .settings import FetchSettings

#: robots.txt files are small; RFC 9309 lets crawlers stop reading at 500 KiB.
ROBOTS_MAX_BYTES = 500 * 1024
#: HTTP statuses worth trying again later; anything else 4xx is the feed's problem.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one GET: a body, a 304, or an error that says why."""

    url: str
    status: int | None
    content: bytes = b""
    content_type: str = ""
    final_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    error: str | None = None
    transient: bool = False
    disallowed: bool = False

    @property
    def ok(self) -> bool:
        """True for a 2xx response with a body we kept."""
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304 to our validators."""
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Request:
    """A URL to GET, with the validators of the last copy we have (feeds only)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class HostThrottle:
    """At most N requests in flight per host, and a minimum gap between their starts.

    ``clock`` and ``sleep`` are injectable so the spacing can be tested without waiting.
    """

    def __init__(
        self,
        per_host: int,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._next_start: dict[str, float] = {}

    def slot(self, host: str) -> asyncio.Semaphore:
        """The semaphore bounding requests in flight to ``host``."""
        return self._slots[host]

    async def wait_turn(self, host: str) -> None:
        """Sleep until ``delay`` has passed since the previous request to ``host`` started."""
        async with self._locks[host]:
            wait = self._next_start.get(host, 0.0) - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._next_start[host] = self._clock() + self._delay


async def _get(
    client: httpx.AsyncClient,
    request: Request,
    throttle: HostThrottle,
    limit: asyncio.Semaphore,
    max_bytes: int,
    robots: RobotsRules | None = None,
) -> Fetched:
    try:
        # An unusable URL (from the config or a feed) is this request's error, never the
        # whole batch's: httpx and urlsplit would raise out of gather() otherwise.
        httpx.URL(request.url)
        host = urlsplit(request.url).netloc.lower()
    except (httpx.InvalidURL, ValueError) as exc:
        return Fetched(request.url, None, error=f"invalid URL: {exc}")
    if robots is not None:
        verdict = await robots.verdict(request.url)
        if not verdict.allowed:
            return Fetched(
                request.url,
                None,
                error=verdict.reason,
                transient=verdict.transient,
                disallowed=not verdict.transient,
            )
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    # Host slot first, global slot second: a request queued behind its host's slot must
    # not hold one of the global connections meanwhile, or (pages arrive grouped by feed,
    # so by host) every other host waits for the first host's queue to drain. The turn
    # is taken last, with both slots held, so the gap between starts stays exact.
    async with throttle.slot(host), limit:
        await throttle.wait_turn(host)
        try:
            async with client.stream("GET", request.url, headers=headers) as resp:
                declared = int(resp.headers.get("content-length") or 0)
                if declared > max_bytes:
                    return Fetched(
                        request.url,
                        resp.status_code,
                        error=f"response of {declared} bytes exceeds {max_bytes}",
                    )
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return Fetched(
                            request.url,
                            resp.status_code,
                            error=f"response exceeds {max_bytes} bytes",
                        )
                    chunks.append(chunk)
        except httpx.TimeoutException as exc:
            return Fetched(request.url, None, error=f"timed out: {exc!r}", transient=True)
        except httpx.UnsupportedProtocol as exc:
            return Fetched(request.url, None, error=f"{type(exc).__name__}: {exc}")
        except httpx.HTTPError as exc:
            return Fetched(request.url, None, error=f"{type(exc).__name__}: {exc}", transient=True)
    status = resp.status_code
    content_type = resp.headers.get("content-type", "")
    etag = resp.headers.get("etag")
    last_modified = resp.headers.get("last-modified")
    retry_after = _retry_after(resp.headers.get("retry-after"))
    if status == 304 or 200 <= status < 300:
        return Fetched(
            request.url,
            status,
            b"".join(chunks),
            content_type,
            str(resp.url),
            etag,
            last_modified,
            retry_after,
        )
    return Fetched(
        request.url,
        status,
        content_type=content_type,
        final_url=str(resp.url),
        retry_after=retry_after,
        error=f"HTTP {status} {resp.reason_phrase}".strip(),
        transient=status in TRANSIENT_STATUSES,
    )


def build_http_client(settings: FetchSettings) -> httpx.AsyncClient:
    """The shared async client: our User-Agent, timeouts, redirects, pooled connections."""
    return httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=settings.http_timeout,
        follow_redirects=True,
        max_redirects=5,
        limits=httpx.Limits(max_connections=settings.max_connections),
    )


async def fetch_all(
    requests: Sequence[Request],
    settings: FetchSettings,
    *,
    max_bytes: int,
    client: httpx.AsyncClient | None = None,
    obey_robots: bool = False,
) -> list[Fetched]:
    """GET every request concurrently within the politeness limits; results in input order.

    With ``obey_robots`` each host's robots.txt is read first (once) and URLs it
    disallows come back as errors without being requested.
    """
    throttle = HostThrottle(settings.per_host_connections, settings.per_host_delay)
    limit = asyncio.Semaphore(settings.max_connections)
    own = client is None
    http = client or build_http_client(settings)

    async def load_robots(url: str) -> tuple[int | None, bytes]:
        got = await _get(http, Request(url), throttle, limit, ROBOTS_MAX_BYTES)
        return (None if got.transient else got.status), got.content

    robots = RobotsRules(load_robots) if obey_robots else None
    try:
        return list(
            await asyncio.gather(
                *(_get(http, r, throttle, limit, max_bytes, robots) for r in requests)
            )
        )
    finally:
        if own:
            await http.aclose()


def fetch_sync(
    requests: Sequence[Request],
    settings: FetchSettings,
    *,
    max_bytes: int,
    obey_robots: bool = False,
) -> list[Fetched]:
    """:func:`fetch_all` for synchronous callers (each call runs its own event loop)."""
    return asyncio.run(fetch_all(requests, settings, max_bytes=max_bytes, obey_robots=obey_robots))
