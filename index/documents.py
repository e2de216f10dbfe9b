"""Turn parsed articles into Elasticsearch documents; the only place that knows the shape."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storywatch.parsers.models import Article, FeedEntry
from storywatch.parsers.urls import canonicalize_url


def article_id(url: str) -> str:
    """The document id of an article: a hash of its canonical URL, so re-ingesting upserts."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class IngestedArticle:
    """An article with where it came from and when Storywatch first saw it."""

    article: Article
    entry: FeedEntry
    ingested_at: datetime

    @property
    def id(self) -> str:
        """Document id, from the feed entry's link (the URL every feed agrees on)."""
        return article_id(self.entry.url)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_document(item: IngestedArticle) -> dict[str, Any]:
    """The Elasticsearch source of an ingested article."""
    a, entry = item.article, item.entry
    return {
        "id": item.id,
        "url": entry.url,
        "canonical_url": canonicalize_url(a.canonical_url or entry.url),
        "source": entry.feed_id,
        "site_name": a.site_name,
        "section": a.section,
        "lang": a.lang,
        "title": a.title or entry.title,
        "description": a.description or entry.summary,
        "text": a.text,
        "subheadings": list(a.subheadings),
        "authors": list(a.authors or entry.authors),
        "published": _iso(a.published or entry.published),
        "updated": _iso(a.updated),
        "ingested_at": item.ingested_at.isoformat(),
        "topics": [
            {
                "id": hit.id,
                "score": hit.score,
                "evidence": [
                    {"text": e.text, "start": e.start, "end": e.end, "rule": e.rule}
                    for e in hit.evidence
                ],
            }
            for hit in a.topics
        ],
        "topic_ids": list(a.topic_ids),
        "entities": {kind: list(names) for kind, names in a.entities.items() if names},
        "quotes": [{"speaker": q.speaker, "role": q.role, "text": q.text} for q in a.quotes],
        "facts": {
            "money": list(a.facts.money),
            "dates": list(a.facts.dates),
            "counts": list(a.facts.counts),
        },
        "related": [{"title": r.title, "url": r.url} for r in a.related],
        "fingerprint": a.fingerprint,
        "storylines": [],
        "matched_at": None,
        "paragraph_count": len(a.paragraphs),
        "word_count": sum(len(p.split()) for p in a.paragraphs),
    }
