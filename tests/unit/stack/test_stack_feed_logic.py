from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.flows.stack.feedserver import (
    Forbidden,
    content_type_for,
    http_date,
    is_not_modified,
    make_etag,
    render_body,
    resolve_request_path,
)

MTIME = 1_700_000_000.7  # Tue, 14 Nov 2023 22:13:20 GMT (+0.7 s)


def test_etag_is_strong_and_content_based() -> None:
    etag = make_etag(b"abc")
    assert etag.startswith('"') and etag.endswith('"')
    assert etag == make_etag(b"abc")
    assert etag != make_etag(b"abd")


def test_http_date() -> None:
    assert http_date(1_700_000_000) == "Tue, 14 Nov 2023 22:13:20 GMT"


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        (None, None, False),
        ('"abc"', None, True),
        ('W/"abc"', None, True),  # weak comparison for GET
        ('"x", "abc"', None, True),
        ("*", None, True),
        ('"other"', None, False),
        # If-None-Match wins over a matching If-Modified-Since (RFC 9110 §13.2.2).
        ('"other"', "Tue, 14 Nov 2023 22:13:20 GMT", False),
        (None, "Tue, 14 Nov 2023 22:13:20 GMT", True),  # sub-second mtime ignored
        (None, "Wed, 15 Nov 2023 00:00:00 GMT", True),
        (None, "Tue, 14 Nov 2023 22:13:19 GMT", False),
        (None, "yesterday", False),
    ],
)
def test_is_not_modified(
    if_none_match: str | None, if_modified_since: str | None, expected: bool
) -> None:
    assert (
        is_not_modified(
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
            etag='"abc"',
            mtime=MTIME,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.rss", b"", "application/rss+xml"),
        ("a.atom", b"", "application/atom+xml"),
        ("a.xml", b'<?xml version="1.0"?>\n<rss version="2.0">', "application/rss+xml"),
        ("a.xml", b'<?xml version="1.0"?>\n<feed xmlns="...">', "application/atom+xml"),
        ("a.xml", b"<sitemap/>", "application/xml"),
        ("a.html", b"", "text/html; charset=utf-8"),
        ("a.HTM", b"", "text/html; charset=utf-8"),
        ("a.txt", b"", "text/plain; charset=utf-8"),
        ("a.png", b"", "image/png"),
        ("a.unknownext", b"", "application/octet-stream"),
    ],
)
def test_content_type_for(name: str, head: bytes, expected: str) -> None:
    assert content_type_for(Path(name), head) == expected


def test_render_body_substitutes_only_text_formats() -> None:
    raw = b"<link>{{base_url}}/a.html</link>"
    url = "http://127.0.0.1:1234"
    assert (
        render_body(raw, "application/rss+xml", url) == b"<link>http://127.0.0.1:1234/a.html</link>"
    )
    assert render_body(raw, "text/html; charset=utf-8", url).count(b"1234") == 1
    assert render_body(raw, "image/png", url) == raw


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "feed.rss").write_text("x")
    (site / "sub" / "index.html").write_text("x")
    (site / "with space.txt").write_text("x")
    (tmp_path / "secret.txt").write_text("x")
    return site


def test_resolve_finds_files(root: Path) -> None:
    base = root.resolve()
    assert resolve_request_path(root, "/feed.rss") == base / "feed.rss"
    assert resolve_request_path(root, "/feed.rss?since=1#frag") == base / "feed.rss"
    assert resolve_request_path(root, "/with%20space.txt") == base / "with space.txt"
    assert resolve_request_path(root, "/sub/") == base / "sub" / "index.html"
    assert resolve_request_path(root, "/") is None  # no index.html at the top
    assert resolve_request_path(root, "/missing.rss") is None


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/..%2Fsecret.txt", "/a%00b"],
)
def test_resolve_refuses_traversal(root: Path, path: str) -> None:
    with pytest.raises(Forbidden):
        resolve_request_path(root, path)


def test_resolve_refuses_symlinks_out_of_root(root: Path) -> None:
    (root / "leak").symlink_to(root.parent / "secret.txt")
    with pytest.raises(Forbidden):
        resolve_request_path(root, "/leak")
