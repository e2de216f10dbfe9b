"""Hostile and broken input: a clear skip reason, never an exception."""

from __future__ import annotations

import pytest

from storywatch.parsers.article import MAX_INPUT_BYTES, extract_article

URL = "https://bad.example/page"
PARAGRAPH = (
    "<p>" + "Officials said the harbour plan, long delayed, would now go ahead. " * 5 + "</p>"
)


@pytest.mark.parametrize(
    ("html", "code"),
    [
        ("", "empty"),
        (b"", "empty"),
        ("   \n ", "empty"),
        (
            "<html><head><script>" + "var a=1;" * 5000 + "</script></head><body></body></html>",
            "empty",
        ),
        (b"\x00\x01\x02\x03" * 500, "not-html"),
        ("<html><body><p>Short.</p></body></html>", "no-main-text"),
    ],
)
def test_skip_reasons(html: str | bytes, code: str) -> None:
    article = extract_article(html, URL)
    assert article.skip_reason is not None
    assert article.skip_reason.startswith(code)
    assert not article.is_article


def test_oversized_input_is_refused() -> None:
    article = extract_article(b" " * (MAX_INPUT_BYTES + 1), URL)
    assert article.skip_reason is not None and article.skip_reason.startswith("too-large")


def test_twenty_megabyte_page_parses() -> None:
    filler = "<div class='teaser'><a href='/x'>link</a></div>" * 450_000  # ~21 MB
    html = f"<html><body><article>{PARAGRAPH * 6}</article>{filler}</body></html>"
    assert len(html) > 20_000_000
    article = extract_article(html, URL)
    # Markup past the cap is cut (bounded time and memory) and the cut is recorded.
    assert any("truncated" in problem for problem in article.problems)
    assert article.is_article
    assert "harbour plan" in article.text


def test_deeply_nested_markup() -> None:
    html = "<div>" * 50_000 + PARAGRAPH * 4 + "</div>" * 50_000
    article = extract_article(html, URL)
    assert isinstance(article.paragraphs, tuple)


def test_broken_encoding_is_decoded_with_replacement() -> None:
    raw = (
        b'<html><head><meta charset="utf-8"></head><body><article>'
        + PARAGRAPH.encode() * 4
        + b"<p>Caf\xe9 owners \xff\xfe complained, loudly and at length, about the new tolls.</p>"
        + b"</article></body></html>"
    )
    article = extract_article(raw, URL)
    assert article.is_article
    assert "complained" in article.text


def test_declared_latin1_is_honoured() -> None:
    raw = (
        b'<html><head><meta charset="iso-8859-1"></head><body><article>'
        + PARAGRAPH.encode() * 4
        + b"<p>The caf\xe9 on the quay, which opened in spring, served its first customers.</p>"
        + b"</article></body></html>"
    )
    assert "café on the quay" in extract_article(raw, URL).text


def test_non_string_input() -> None:
    assert extract_article(12345, URL).skip_reason is not None  # type: ignore[arg-type]


@pytest.mark.parametrize("as_bytes", [False, True])
def test_xhtml_with_xml_declaration_parses(as_bytes: bool) -> None:
    # lxml refuses a str with an encoding declaration; bytes are decoded to str first.
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<html><body><article>{PARAGRAPH * 4}</article></body></html>"
    )
    article = extract_article(html.encode() if as_bytes else html, URL)
    assert article.skip_reason is None and "harbour plan" in article.text


@pytest.mark.parametrize("charset", ["punycode", "undefined"])
def test_codec_that_raises_unicode_error_is_not_fatal(charset: str) -> None:
    raw = (
        f'<html><head><meta charset="{charset}"></head>'
        f"<body><article>{PARAGRAPH * 4}</article></body></html>"
    )
    article = extract_article(raw.encode(), URL)
    assert article.is_article and "harbour plan" in article.text


def test_declared_utf16_without_bom_is_read_as_utf8() -> None:
    # The declaration was readable as ASCII, so the page is not UTF-16 (WHATWG sniffing).
    raw = (
        '<html><head><meta charset="utf-16"></head>'
        f"<body><article>{PARAGRAPH * 4}<p>Café society.</p></article></body></html>"
    )
    article = extract_article(raw.encode(), URL)
    assert article.is_article and "Café society" in article.text
