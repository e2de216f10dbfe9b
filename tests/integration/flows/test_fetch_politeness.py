"""Fetching against a real HTTP server on loopback: robots.txt and conditional GET."""

import asyncio
from collections.abc import Callable
from pathlib import Path

from storywatch.flows.fetch import Request, fetch_all
from storywatch.flows.settings import FetchSettings
from storywatch.flows.stack.feedserver import FeedServer

SETTINGS = FetchSettings(per_host_delay=0)


def site(tmp_path: Path, robots: str | None) -> Path:
    (tmp_path / "news").mkdir()
    (tmp_path / "private").mkdir()
    (tmp_path / "news" / "a.html").write_text("<html><body><p>Open story.</p></body></html>")
    (tmp_path / "private" / "b.html").write_text("<html><body><p>Closed.</p></body></html>")
    if robots is not None:
        (tmp_path / "robots.txt").write_text(robots)
    return tmp_path


def test_disallowed_pages_are_never_requested(
    tmp_path: Path, feed_server: Callable[[Path], FeedServer]
) -> None:
    server = feed_server(site(tmp_path, "User-agent: *\nDisallow: /private/\n"))
    urls = [server.url("/news/a.html"), server.url("/private/b.html")]
    opened, closed = asyncio.run(
        fetch_all([Request(u) for u in urls], SETTINGS, max_bytes=10_000, obey_robots=True)
    )
    assert opened.ok and b"Open story" in opened.content
    assert closed.disallowed and not closed.transient and closed.error == "disallowed by robots.txt"
    paths = [r.path for r in server.requests]
    assert paths.count("/robots.txt") == 1 and "/private/b.html" not in paths


def test_a_site_without_robots_txt_is_fetched(
    tmp_path: Path, feed_server: Callable[[Path], FeedServer]
) -> None:
    server = feed_server(site(tmp_path, None))
    urls = [server.url("/news/a.html"), server.url("/private/b.html")]
    results = asyncio.run(
        fetch_all([Request(u) for u in urls], SETTINGS, max_bytes=10_000, obey_robots=True)
    )
    assert all(r.ok for r in results)


def test_conditional_get_round_trip(
    tmp_path: Path, feed_server: Callable[[Path], FeedServer]
) -> None:
    server = feed_server(site(tmp_path, None))
    url = server.url("/news/a.html")
    (first,) = asyncio.run(fetch_all([Request(url)], SETTINGS, max_bytes=10_000))
    again = Request(url, etag=first.etag, last_modified=first.last_modified)
    (second,) = asyncio.run(fetch_all([again], SETTINGS, max_bytes=10_000))
    assert first.ok and first.etag and second.not_modified and second.content == b""
