"""Turn parsed articles into Elasticsearch documents; the only place that knows the shape."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storywatch.parsers.models import Article, Facts, FeedEntry, Quote
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
        "feed_title": entry.feed_title or None,
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
        "topic_names": [hit.name or hit.id for hit in a.topics],
        "entities": {kind: list(names) for kind, names in a.entities.items() if names},
        "quotes": [
            {"speaker": q.speaker, "role": q.role, "text": q.text, "partial": q.partial}
            for q in a.quotes
        ],
        "statements": [
            {"speaker": q.speaker, "role": q.role, "text": q.text} for q in a.statements
        ],
        "facts": {
            "money": list(a.facts.money),
            "dates": list(a.facts.dates),
            "counts": list(a.facts.counts),
            "sentences": [{"fact": f, "sentence": s} for f, s in a.facts.sentences],
        },
        "related": [{"title": r.title, "url": r.url} for r in a.related],
        "fingerprint": a.fingerprint,
        "storylines": [],
        "developments": [],
        "matched_at": None,
        "paragraph_count": len(a.paragraphs),
        "word_count": sum(len(p.split()) for p in a.paragraphs),
    }


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """The parts of an indexed article that alerting reads back (novelty, rendering)."""

    id: str
    url: str
    source: str
    title: str
    text: str
    feed_title: str | None = None
    site_name: str | None = None
    published: str | None = None
    ingested_at: str | None = None
    authors: tuple[str, ...] = ()
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()
    facts: Facts = field(default_factory=Facts)
    fingerprint: int | None = None
    topic_ids: tuple[str, ...] = ()
    topic_names: tuple[str, ...] = ()
    statements: tuple[Quote, ...] = ()


#: The source fields :func:`from_document` reads.
STORED_FIELDS = (
    "url",
    "source",
    "title",
    "text",
    "site_name",
    "published",
    "ingested_at",
    "authors",
    "entities",
    "quotes",
    "facts",
    "fingerprint",
    "topic_ids",
    "feed_title",
    "topic_names",
    "statements",
)


def from_document(doc_id: str, src: dict[str, Any]) -> StoredArticle:
    """Rebuild the alerting view of an article from its Elasticsearch source."""
    facts = src.get("facts") or {}
    return StoredArticle(
        id=doc_id,
        url=src.get("url") or "",
        source=src.get("source") or "",
        title=src.get("title") or "",
        text=src.get("text") or "",
        feed_title=src.get("feed_title"),
        site_name=src.get("site_name"),
        published=src.get("published"),
        ingested_at=src.get("ingested_at"),
        authors=tuple(src.get("authors") or ()),
        entities={k: tuple(v) for k, v in (src.get("entities") or {}).items()},
        quotes=tuple(
            Quote(
                text=q.get("text") or "",
                speaker=q.get("speaker"),
                role=q.get("role"),
                partial=bool(q.get("partial")),
            )
            for q in src.get("quotes") or ()
        ),
        facts=Facts(
            money=tuple(facts.get("money") or ()),
            dates=tuple(facts.get("dates") or ()),
            counts=tuple(facts.get("counts") or ()),
            sentences=tuple(
                (f["fact"], f["sentence"]) for f in facts.get("sentences") or () if f.get("fact")
            ),
        ),
        fingerprint=src.get("fingerprint"),
        topic_ids=tuple(src.get("topic_ids") or ()),
        topic_names=tuple(src.get("topic_names") or ()),
        statements=tuple(
            Quote(
                text=q.get("text") or "",
                speaker=q.get("speaker"),
                role=q.get("role"),
                indirect=True,
            )
            for q in src.get("statements") or ()
        ),
    )
