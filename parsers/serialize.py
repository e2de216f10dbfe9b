"""An Article as plain JSON-ready data (for the CLI and for debugging; index/ maps its own)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storywatch.parsers.models import Article


def article_to_dict(article: Article) -> dict[str, Any]:
    """JSON-serialisable view of an article; dates as ISO 8601 strings."""
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "authors": list(article.authors),
        "published": _iso(article.published),
        "updated": _iso(article.updated),
        "lang": article.lang,
        "site_name": article.site_name,
        "section": article.section,
        "description": article.description,
        "text": article.text,
        "paragraphs": list(article.paragraphs),
        "subheadings": list(article.subheadings),
        "subheading_positions": list(article.subheading_positions),
        "quotes": [
            {
                "speaker": q.speaker,
                "role": q.role,
                "text": q.text,
                "paragraph": q.paragraph,
                "partial": q.partial,
            }
            for q in article.quotes
        ],
        "entities": {etype: list(names) for etype, names in article.entities.items()},
        "topics": [
            {
                "id": hit.id,
                "score": hit.score,
                "evidence": [
                    {
                        "text": e.text,
                        "start": e.start,
                        "end": e.end,
                        "rule": e.rule,
                        "field": e.field,
                    }
                    for e in hit.evidence
                ],
            }
            for hit in article.topics
        ],
        "facts": {
            "money": list(article.facts.money),
            "dates": list(article.facts.dates),
            "counts": list(article.facts.counts),
        },
        "related": [{"title": r.title, "url": r.url} for r in article.related],
        "fingerprint": article.fingerprint,
        "source_kind": article.source_kind,
        "skip_reason": article.skip_reason,
        "problems": list(article.problems),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
