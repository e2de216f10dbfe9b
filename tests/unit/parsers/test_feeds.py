from datetime import UTC
from pathlib import Path

import pytest

from storywatch.parsers.feeds import parse_feed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
FEED_URL = "https://news.example/feeds/main.rss"


def parse(name: str, content_type: str = "application/rss+xml"):  # type: ignore[no-untyped-def]
    return parse_feed((FIXTURES / name).read_bytes(), "main", FEED_URL, content_type)


def test_valid_rss() -> None:
    feed = parse("valid-rss2.rss")
    assert feed.problems == ()
    assert len(feed.entries) == 3
    first = feed.entries[0]
    assert first.feed_id == "main" and first.url.startswith("https://")
    assert first.title and first.summary and first.guid
    assert first.published is not None and first.published.tzinfo == UTC
    assert any("Ingrid Solberg" in e.authors for e in feed.entries)


def test_valid_atom_keeps_both_authors_and_strips_html() -> None:
    feed = parse("valid-atom.atom", "application/atom+xml")
    assert feed.problems == ()
    assert len(feed.entries) == 2
    assert any(len(e.authors) == 2 for e in feed.entries)
    assert all("<" not in e.title and "<" not in e.summary for e in feed.entries)
    assert any(e.title == "Lira slips as sanctions talk unsettles investors" for e in feed.entries)


def test_relative_links_resolved_and_summaries_plain() -> None:
    feed = parse("relative-links-html.rss")
    assert [e.url for e in feed.entries][:2] == [
        "https://news.example/opinion/20261105-s400-bet-on-time.html",
        "https://news.example/feeds/sport/20261110-patriots-sign-defender.html?ref=rss",
    ]
    assert all("<" not in e.summary and "script" not in e.summary.lower() for e in feed.entries)
    assert all("  " not in e.title for e in feed.entries)
    assert any(
        "Emir Taşkın joins on loan & could start on Saturday." in e.summary for e in feed.entries
    )


def test_item_without_link_is_a_problem_not_an_exception() -> None:
    feed = parse("missing-link.rss")
    assert len(feed.entries) == 2
    assert len(feed.problems) == 1 and "no http(s) link" in feed.problems[0]


def test_truncated_feed_keeps_complete_items() -> None:
    feed = parse("truncated.rss")
    assert len(feed.entries) == 2
    assert any("malformed feed" in p for p in feed.problems)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("not-a-feed.html", "not an RSS or Atom feed"), ("empty.xml", "empty document")],
)
def test_non_feeds_are_reported(name: str, reason: str) -> None:
    feed = parse(name, "text/html")
    assert feed.entries == () and reason in feed.problems


def test_tracking_duplicates_collapse() -> None:
    feed = parse("duplicates.rss")
    urls = [e.url for e in feed.entries]
    assert len(urls) == 2 and not any("utm_" in u for u in urls)


def test_latin1_names_decode() -> None:
    feed = parse("latin1.rss", "application/rss+xml")
    text = " ".join(e.title + " " + e.summary + " " + " ".join(e.authors) for e in feed.entries)
    assert "Müller" in text or "Lefèvre" in text
    assert "Ã" not in text


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"])
def test_date_outside_datetime_range_is_dropped_not_raised(when: str) -> None:
    raw = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f'<entry><title>a</title><link href="https://x.example/a"/><updated>{when}</updated>'
        "</entry></feed>"
    ).encode()
    parsed = parse_feed(raw, "f")
    assert [(e.url, e.published) for e in parsed.entries] == [("https://x.example/a", None)]
