import asyncio

import httpx

from storywatch.flows.fetch import Fetched, HostThrottle, Request, fetch_all, fetch_sync
from storywatch.flows.settings import FetchSettings

SETTINGS = FetchSettings(per_host_delay=0.0)


def run(requests: list[Request], handler, max_bytes: int = 1000):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await fetch_all(requests, SETTINGS, max_bytes=max_bytes, client=client)

    return asyncio.run(go())


def test_sends_validators_and_reports_304() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=b"<rss/>", headers={"etag": '"v1"'})

    first, second = run(
        [Request("http://a.test/f"), Request("http://a.test/f", etag='"v1"')], handler
    )
    assert first.ok and first.etag == '"v1"' and first.content == b"<rss/>"
    assert second.not_modified and not second.ok and second.error is None
    assert "if-none-match" not in seen[0]


def test_oversized_bodies_are_refused() -> None:
    result = run([Request("http://a.test/big")], lambda r: httpx.Response(200, content=b"x" * 5000))
    assert not result[0].ok and "exceeds 1000" in (result[0].error or "")


def test_statuses_are_classified() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        status = int(request.url.path.strip("/"))
        return httpx.Response(status, headers={"retry-after": "120"})

    r503, r404 = run([Request("http://a.test/503"), Request("http://a.test/404")], handler)
    assert (
        r503.transient and r503.retry_after == 120 and r503.error == "HTTP 503 Service Unavailable"
    )
    assert not r404.transient and r404.error is not None


def test_network_errors_are_transient_results_not_exceptions() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    (result,) = run([Request("http://down.test/")], handler)
    assert result.transient and "ConnectError" in (result.error or "")


def test_throttle_spaces_requests_to_one_host() -> None:
    now = [100.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    throttle = HostThrottle(per_host=4, delay=0.5, clock=lambda: now[0], sleep=fake_sleep)

    async def go() -> None:
        for name in ("a.test", "a.test", "b.test", "a.test"):
            await throttle.wait_turn(name)
            now[0] += 0.1  # the request itself takes a while

    asyncio.run(go())
    # The 2nd a.test request waits 0.4 s; b.test is another host and never waits; the
    # last a.test request comes 0.2 s after the 2nd started, so it waits 0.3 s.
    assert slept == [0.4, 0.3]


def test_a_busy_host_does_not_hold_connection_slots_other_hosts_could_use() -> None:
    # Pages come grouped by feed, so by host. Tasks queued for a busy host's per-host
    # slot must not sit on the global limit meanwhile, or every other host waits behind it.
    started: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        started.append(request.url.host)
        await asyncio.sleep(0.01)  # the response takes a while; others may start meanwhile
        return httpx.Response(200, content=b"page")

    settings = FetchSettings(max_connections=2, per_host_connections=1, per_host_delay=0.0)
    requests = [Request(f"http://a.test/{i}") for i in range(4)] + [Request("http://b.test/")]

    async def go() -> list[Fetched]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await fetch_all(requests, settings, max_bytes=1000, client=client)

    results = asyncio.run(go())
    assert all(r.ok for r in results)
    assert started[:2] == ["a.test", "b.test"]


def test_an_unusable_url_is_that_request_s_error_not_the_batch_s() -> None:
    bad = ["http://[::1/feed", "http://a.test/" + "x" * 70_000]
    results = run(
        [*(Request(url) for url in bad), Request("http://a.test/ok")],
        lambda r: httpx.Response(200, content=b"<rss/>"),
    )
    assert [r.ok for r in results] == [False, False, True]
    assert all(r.error and not r.transient for r in results[:2])


def test_an_unsupported_scheme_is_not_retried() -> None:
    # The real transport refuses the scheme before any connection is made.
    (result,) = fetch_sync([Request("ftp://a.test/feed")], SETTINGS, max_bytes=1000)
    assert not result.ok and "UnsupportedProtocol" in (result.error or "")
    assert not result.transient
