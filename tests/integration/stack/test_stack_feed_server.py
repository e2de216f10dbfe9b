"""The sample-feed server: conditional GET, templating, content types, no traversal."""

from __future__ import annotations

import http.client
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from storywatch.flows.stack.feedserver import FeedServer, http_date

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour news</title>
<item><title>Strike</title><link>{{base_url}}/articles/strike.html</link></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title></feed>
"""
PAGE = "<html><body><p>Dockworkers walked out — day 8.</p></body></html>\n"

ServerFactory = Callable[[Path], FeedServer]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "articles").mkdir(parents=True)
    (root / "feed.rss").write_text(RSS, encoding="utf-8")
    (root / "atom.xml").write_text(ATOM, encoding="utf-8")
    (root / "articles" / "strike.html").write_text(PAGE, encoding="utf-8")
    (root / "notes.txt").write_text("plain text\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP-SECRET\n", encoding="utf-8")
    return root


def test_etag_conditional_get(feed_server: ServerFactory, site: Path) -> None:
    server = feed_server(site)
    first = httpx.get(server.url("feed.rss"))
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")

    second = httpx.get(server.url("feed.rss"), headers={"If-None-Match": etag})
    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["etag"] == etag

    stale = httpx.get(server.url("feed.rss"), headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200
    assert server.requests == [
        ("GET", "/feed.rss", 200),
        ("GET", "/feed.rss", 304),
        ("GET", "/feed.rss", 200),
    ]


def test_last_modified_conditional_get(feed_server: ServerFactory, site: Path) -> None:
    feed = site / "feed.rss"
    os.utime(feed, (1_700_000_000, 1_700_000_000))
    server = feed_server(site)
    first = httpx.get(server.url("feed.rss"))
    assert first.headers["last-modified"] == http_date(1_700_000_000)

    same = httpx.get(
        server.url("feed.rss"), headers={"If-Modified-Since": http_date(1_700_000_000)}
    )
    assert same.status_code == 304
    older = httpx.get(
        server.url("feed.rss"), headers={"If-Modified-Since": http_date(1_600_000_000)}
    )
    assert older.status_code == 200
    assert older.content == first.content


def test_changed_file_gets_a_new_etag(feed_server: ServerFactory, site: Path) -> None:
    server = feed_server(site)
    etag = httpx.get(server.url("notes.txt")).headers["etag"]
    (site / "notes.txt").write_text("changed\n", encoding="utf-8")
    again = httpx.get(server.url("notes.txt"), headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.text == "changed\n"
    assert again.headers["etag"] != etag


def test_base_url_is_substituted_and_links_resolve(feed_server: ServerFactory, site: Path) -> None:
    server = feed_server(site)
    body = httpx.get(server.url("feed.rss")).text
    assert "{{base_url}}" not in body
    link = f"{server.base_url}/articles/strike.html"
    assert f"<link>{link}</link>" in body
    page = httpx.get(link)
    assert page.status_code == 200
    assert "day 8" in page.text
    assert (site / "feed.rss").read_text(encoding="utf-8") == RSS  # file untouched


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("feed.rss", "application/rss+xml"),
        ("atom.xml", "application/atom+xml"),
        ("articles/strike.html", "text/html; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(
    feed_server: ServerFactory, site: Path, path: str, content_type: str
) -> None:
    response = httpx.get(feed_server(site).url(path))
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert int(response.headers["content-length"]) == len(response.content)


def test_head_sends_headers_without_body(feed_server: ServerFactory, site: Path) -> None:
    server = feed_server(site)
    response = httpx.head(server.url("feed.rss"))
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"] == httpx.get(server.url("feed.rss")).headers["etag"]


def test_missing_file_is_404(feed_server: ServerFactory, site: Path) -> None:
    server = feed_server(site)
    assert httpx.get(server.url("nope.rss")).status_code == 404
    assert httpx.get(server.url("articles/")).status_code == 404  # no listings
    assert server.requests[-1] == ("GET", "/articles/", 404)


@pytest.mark.parametrize(
    "raw_path",
    ["/../secret.txt", "/articles/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"],
)
def test_traversal_is_refused(feed_server: ServerFactory, site: Path, raw_path: str) -> None:
    server = feed_server(site)
    # http.client sends the path verbatim; httpx would normalise the dots away.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 403
    assert b"TOP-SECRET" not in body


def test_symlink_out_of_the_root_is_refused(
    feed_server: ServerFactory, site: Path, tmp_path: Path
) -> None:
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    response = httpx.get(feed_server(site).url("leak.txt"))
    assert response.status_code == 403
    assert "TOP-SECRET" not in response.text
