"""RSS and Atom feeds to :class:`FeedEntry` objects (feedparser does the format work)."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup

from .models import FeedEntry, ParsedFeed
from .urls import canonicalize_url


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value is None:
            continue
        try:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        except (ValueError, OverflowError, OSError):
            continue  # year 0 or 10000 once shifted to UTC: not a date worth keeping
    return None


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


def _plain(markup: str) -> str:
    """Feed titles and summaries are often HTML: keep the text, one space between words."""
    text = BeautifulSoup(markup, "lxml").get_text(" ") if "<" in markup or "&" in markup else markup
    # get_text(" ") also puts a space where an inline tag closed before punctuation.
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))


def _authors(entry: Any) -> tuple[str, ...]:
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if not names and entry.get("author"):
        names = [str(entry["author"]).strip()]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_feed(raw: bytes, feed_id: str, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a feed document; what is wrong with it is reported in ``problems``, not raised.

    ``url`` resolves relative links; ``content_type`` (the HTTP header) helps feedparser
    pick the encoding. Entries without a usable http(s) link are dropped with a problem
    each; an entry whose canonical URL repeats an earlier one is dropped silently.
    """
    # Without a content type feedparser flags even a valid feed as malformed.
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(raw, response_headers=headers)
    problems: list[str] = []
    bozo = parsed.get("bozo_exception")
    # An encoding declared one way and detected another is recovered from, not an error.
    if parsed.get("bozo") and not isinstance(bozo, feedparser.CharacterEncodingOverride):
        problems.append(f"malformed feed: {bozo}")
    if not parsed.get("version") and not parsed.entries:
        reason = "empty document" if not raw.strip() else "not an RSS or Atom feed"
        return ParsedFeed(feed_id, "", (), (*problems, reason))
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for position, entry in enumerate(parsed.entries, start=1):
        title = _plain(str(entry.get("title", "")))
        link = str(entry.get("link", "")).strip()
        if link and url:
            link = urljoin(url, link)
        if urlsplit(link).scheme not in ("http", "https"):
            problems.append(f"entry {position} ({title or 'untitled'!r}) has no http(s) link")
            continue
        key = canonicalize_url(link)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            FeedEntry(
                feed_id=feed_id,
                url=link,
                title=title,
                summary=_plain(str(entry.get("summary", ""))),
                published=_when(entry),
                guid=str(entry.get("id", "")) or link,
                authors=_authors(entry),
            )
        )
    return ParsedFeed(feed_id, str(parsed.feed.get("title", "")), tuple(entries), tuple(problems))
