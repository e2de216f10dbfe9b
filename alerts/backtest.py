"""Backtest a storyline on the index: what it would have sent, without writing anything."""

from __future__ import annotations

from datetime import UTC, datetime

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import wrap_es_error
from storywatch.index.store import ArticleStore

from .judging import BatchOutcome, judge_batch
from .matching import hit_to_match, storyline_query
from .storylines import Storyline


def backtest_storyline(
    es: Elasticsearch,
    articles: ArticleStore,
    storyline: Storyline,
    *,
    since: datetime | None = None,
    limit: int = 1000,
) -> BatchOutcome:
    """Judge every article the storyline matches (ingested since ``since``) in ingest
    order, starting from an empty memory, as if the storyline had existed all along."""
    body = storyline_query(storyline, None, since=since, size=limit)
    body["sort"] = [
        {"ingested_at": "asc"},
        {"published": {"order": "asc", "missing": "_last"}},
        "_score",
    ]
    body["track_scores"] = True
    try:
        resp = es.search(index=articles.names.articles, **body)
    except (ApiError, TransportError) as exc:
        raise wrap_es_error(exc, f"backtesting storyline {storyline.id}") from exc
    matches = [hit_to_match(storyline.id, hit) for hit in resp["hits"]["hits"]]
    order = [m.article_id for m in matches]
    stored = articles.get_articles(order)
    return judge_batch(matches, stored, {storyline.id: storyline}, {}, order, datetime.now(UTC))
