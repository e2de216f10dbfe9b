"""Matching under a tiny ``_msearch`` byte budget and a tiny page size, on real
Elasticsearch: several requests, the same matches as one request, and a backlog larger
than a page worked off to the last article with the same verdicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from storywatch.alerts.matching import match_storylines, ndjson_size, storyline_query
from storywatch.alerts.memory import MemoryStore
from storywatch.alerts.records import AlertStore
from storywatch.alerts.service import run_alerting
from storywatch.flows.ingest import ingest
from storywatch.flows.runtime import Config
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames
from storywatch.index.store import ArticleStore

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _all_article_ids(es: Elasticsearch, names: IndexNames) -> list[str]:
    hits = es.search(
        index=names.articles,
        query={"match_all": {}},
        sort=[{"ingested_at": "asc"}, {"published": {"order": "asc", "missing": "_last"}}],
        size=1000,
        source=False,
    )
    return [h["_id"] for h in hits["hits"]["hits"]]


def _forget_alerting(es: Elasticsearch, names: IndexNames) -> None:
    """As if matching had never run: no records, no memories, every article unmatched."""
    ops: list[dict[str, Any]] = []
    for index in (names.alerts, names.storylines):
        for hit in es.search(index=index, size=1000, source=False)["hits"]["hits"]:
            ops.append({"delete": {"_index": hit["_index"], "_id": hit["_id"]}})
    for hit in es.search(index=names.articles, size=1000, source=False)["hits"]["hits"]:
        ops += [
            {"update": {"_index": hit["_index"], "_id": hit["_id"]}},
            {"doc": {"matched_at": None, "storylines": [], "developments": []}},
        ]
    assert not es.bulk(operations=ops, refresh=True)["errors"]


def test_tiny_budgets_and_pages_give_the_same_matches_and_verdicts(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    timeline_site_factory: Callable[..., Any],
    es_url: str,
    index_prefix: str,
) -> None:
    site = timeline_site_factory()
    server = feed_server(site.root)
    for n in (1, 2, 3, 4):
        site.serve_cycle(n)
        ingest(str(site.config), {"base": server.base_url}, force=True)
    storylines = Config.load(site.config).storylines
    names = IndexNames(index_prefix)
    es = Elasticsearch(es_url)
    try:
        ids = _all_article_ids(es, names)
        assert len(ids) == 13

        one = match_storylines(es, names.articles, storylines, ids)
        assert one.requests == 1 and one.errors == {} and len(one.matches) == 12
        # Room for the largest storyline search and a handful of ids: many small bodies.
        largest = max(ndjson_size(storyline_query(s, [])) for s in storylines)
        budget = largest + 300
        split = match_storylines(es, names.articles, storylines, ids, max_bytes=budget)
        assert split.requests >= 2 * len(storylines) and split.errors == {}
        assert sorted(split.matches, key=lambda m: (m.storyline_id, m.article_id)) == sorted(
            one.matches, key=lambda m: (m.storyline_id, m.article_id)
        )

        alerts = AlertStore(es, names)
        verdicts = {(r.id, r.kind, r.repeat_of) for r in alerts.latest(size=100)}
        assert len(verdicts) == 12
        _forget_alerting(es, names)
        articles = ArticleStore(es, names)
        memories = MemoryStore(es, names)
        now = datetime.now(UTC)

        # Pages of 4 articles, at most 2 pages a pass: the rest waits for the next pass.
        small = {"batch_size": 4, "max_batches": 2, "max_search_bytes": budget}
        first = run_alerting(es, articles, alerts, memories, storylines, now, **small)
        assert (first.batches, first.articles) == (2, 8)
        assert first.search_requests > first.batches
        assert len(articles.unmatched_ids()) == 5
        rest = run_alerting(es, articles, alerts, memories, storylines, now, **small)
        assert (rest.batches, rest.articles) == (2, 5)
        assert articles.unmatched_ids() == []
        assert first.matches + rest.matches == 12
        assert {(r.id, r.kind, r.repeat_of) for r in alerts.latest(size=100)} == verdicts
        idle = run_alerting(es, articles, alerts, memories, storylines, now, **small)
        assert (idle.batches, idle.articles, idle.search_requests) == (0, 0, 0)
    finally:
        es.close()
