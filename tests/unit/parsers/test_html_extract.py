"""HTML extraction: body without boilerplate, metadata, non-article pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storywatch.parsers.article import extract_article

URL = "https://ledger.example/2024/06/14/harbour-dredging-plan?utm_source=x"


def _page(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "pages" / name).read_bytes()


def test_body_without_boilerplate(fixtures_dir: Path) -> None:
    article = extract_article(_page(fixtures_dir, "article-template-a.html"), URL)
    assert article.is_article, article.skip_reason
    text = article.text
    assert text.startswith("The port authority of Marlow Bay")
    assert "about €120 million" in text
    for junk in ("cookies", "Share on", "Advertisement", "newsletter", "Port budget", "my family"):
        assert junk not in text
    assert article.subheadings == ("Fishermen object",)
    assert "Fishermen object" not in article.paragraphs


def test_metadata(fixtures_dir: Path) -> None:
    article = extract_article(_page(fixtures_dir, "article-template-a.html"), URL)
    assert article.title == "Harbour dredging plan divides Marlow Bay"
    assert article.authors == ("Ruth Adeyemi", "Ken Salo")
    assert article.published is not None
    assert article.published.astimezone(UTC) == datetime(2024, 6, 14, 7, 30, tzinfo=UTC)
    assert article.updated is not None
    assert article.lang == "en"
    assert article.site_name == "The Coastal Ledger"
    assert article.section == "Local"
    assert article.canonical_url == "https://ledger.example/2024/06/14/harbour-dredging-plan/"
    # The inline "Related" box and the "Read more:" line, in reading order.
    assert [r.url for r in article.related] == [
        "https://ledger.example/2024/05/01/port-budget",
        "https://ledger.example/2024/04/02/ferry",
        "https://ledger.example/2024/03/03/dredging-history",
    ]


def test_meta_tag_and_url_fallbacks() -> None:
    body = "<p>" + "A sentence about the harbour, with a comma, and more words. " * 8 + "</p>"
    html = (
        "<html><head><title>Ferry news – Ledger</title>"
        '<meta name="author" content="By Ana Ruiz"></head><body><article>'
        f"{body}{body}</article></body></html>"
    )
    article = extract_article(html, "https://ledger.example/2023/11/02/ferry")
    assert article.title == "Ferry news"
    assert article.authors == ("Ana Ruiz",)
    assert article.published == datetime(2023, 11, 2, tzinfo=UTC)


def test_homepage_and_video_are_flagged(fixtures_dir: Path) -> None:
    home = extract_article(_page(fixtures_dir, "homepage.html"), "https://ledger.example/")
    assert home.skip_reason is not None and home.skip_reason.startswith("non-article")
    video = extract_article(_page(fixtures_dir, "video.html"), "https://ledger.example/v/1")
    assert video.skip_reason == "non-article: video page"
