"""The ingest write path on a real node: Storywatch's bulk path vs one request per document.

    uv run python bench/indexing.py [--docs 5000] [--es http://127.0.0.1:9200]

Needs a running node (``uv run storywatch stack up``). Builds ``--docs`` distinct parsed
and enriched articles from the bundled ``samples/articles/*.html`` (each page parsed and
enriched once with ``{{base_url}}`` filled in, then copied with its own URL and a changed
first paragraph and title), and writes them into throwaway index prefixes:

(a) Storywatch's path, as the ingest flow runs it: ``ArticleStore.existing_ids`` for the
    whole batch, then ``bulk_create`` of the rest (500 per ``_bulk`` request, one refresh);
(b) the baseline: one ``index`` request per document (what a naive pipeline does), then
    one refresh, into its own prefix;
(c) (a) again on the same articles: the dedupe must create nothing; then ``bulk_create``
    of all of them without the ``existing_ids`` filter, to time the ``create`` guard alone.

Requests are counted at the client. Counts are checked in Elasticsearch (``N`` documents,
no ``id`` twice). A small warm-up of both paths runs first, in its own prefix. Every prefix
is deleted at the end. Preparing the articles is not timed; serialising them is.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from storywatch.index.documents import IngestedArticle, to_document
from storywatch.index.schema import TEMPLATE_NAMES, IndexNames, install_schema
from storywatch.index.store import BULK_CHUNK, ArticleStore
from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article, FeedEntry

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "http://127.0.0.1:8765"
REQUESTS = {"count": 0}


class CountingElasticsearch(Elasticsearch):
    """A client that counts every HTTP request it makes (``options()`` copies share it)."""

    def perform_request(self, *args: Any, **kwargs: Any) -> Any:
        REQUESTS["count"] += 1
        return super().perform_request(*args, **kwargs)


def sample_articles() -> list[tuple[str, Article]]:
    """The bundled pages, parsed and enriched with the shipped config: (slug, article)."""
    knowledge = Knowledge.from_config_dir(REPO / "config")
    out = []
    for path in sorted((REPO / "samples" / "articles").glob("*.html")):
        url = f"{BASE_URL}/articles/{path.name}"
        html = path.read_bytes().replace(b"{{base_url}}", BASE_URL.encode())
        article = enrich_article(extract_article(html, url), knowledge)
        if not article.is_article:
            raise SystemExit(f"{path.name} no longer parses as an article: {article.skip_reason}")
        out.append((path.stem, article))
    return out


def make_items(
    samples: list[tuple[str, Article]], count: int, now: datetime
) -> list[IngestedArticle]:
    """``count`` distinct articles: each sample copied with its own URL, title and text."""
    items = []
    for n in range(count):
        slug, base = samples[n % len(samples)]
        url = f"{BASE_URL}/articles/{slug}-{n}.html"
        first, *rest = base.paragraphs
        article = replace(
            base,
            url=url,
            canonical_url=url,
            title=f"{base.title} (update {n})",
            paragraphs=(f"{first} Update {n} adds a detail of its own.", *rest),
        )
        entry = FeedEntry(f"bench-feed-{n % 3}", url, article.title, base.description)
        items.append(IngestedArticle(article, entry, now))
    return items


def storywatch_path(store: ArticleStore, items: list[IngestedArticle]) -> tuple[int, int, int]:
    """The flow's write path: drop known ids, bulk-create the rest; (created, existing, failed)."""
    known = store.existing_ids([item.id for item in items])
    result = store.bulk_create(item for item in items if item.id not in known)
    return len(result.created), len(known) + len(result.existing), len(result.failed)


def create_only(store: ArticleStore, items: list[IngestedArticle]) -> tuple[int, int, int]:
    """``bulk_create`` of everything, no ``existing_ids`` filter: the ``create`` guard alone."""
    result = store.bulk_create(items)
    return len(result.created), len(result.existing), len(result.failed)


def naive_path(
    es: Elasticsearch, names: IndexNames, items: list[IngestedArticle]
) -> tuple[int, int, int]:
    """One ``index`` request per document, then one refresh; (created, existing, failed)."""
    created = 0
    for item in items:
        resp = es.index(
            index=names.articles_for(item.ingested_at), id=item.id, document=to_document(item)
        )
        created += resp["result"] == "created"
    es.indices.refresh(index=names.articles)
    return created, len(items) - created, 0


def timed(run: Callable[[], tuple[int, int, int]]) -> tuple[float, int, tuple[int, int, int]]:
    """(seconds, requests, outcome) of one call."""
    before, start = REQUESTS["count"], time.perf_counter()
    outcome = run()
    return time.perf_counter() - start, REQUESTS["count"] - before, outcome


def check_counts(es: Elasticsearch, names: IndexNames, expected: int) -> str:
    """Documents under the alias and ids stored twice (one shard, so the terms agg is exact)."""
    count = es.count(index=names.articles)["count"]
    resp = es.search(
        index=names.articles,
        size=0,
        aggs={"twice": {"terms": {"field": "id", "min_doc_count": 2, "size": 10}}},
    )
    twice = len(resp["aggregations"]["twice"]["buckets"])
    if count != expected or twice:
        raise SystemExit(f"{names.prefix}: {count} documents, {twice} duplicate ids")
    return f"{count} docs, 0 duplicate ids"


def cleanup(es: Elasticsearch, prefix: str, all_names: list[IndexNames]) -> None:
    """Delete every index and template the benchmark created."""
    # Wildcard deletes are refused by default (destructive_requires_name): name them.
    created = es.indices.get(index=f"{prefix}-*", expand_wildcards="all")
    if created.body:
        es.indices.delete(index=",".join(created.body))
    for names in all_names:
        for name in TEMPLATE_NAMES:
            es.options(ignore_status=404).indices.delete_index_template(name=names.template(name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--es", default="http://127.0.0.1:9200")
    args = parser.parse_args()

    es = CountingElasticsearch(args.es, request_timeout=120)
    prefix = f"bench-indexing-{uuid.uuid4().hex[:8]}"
    warm, ours, naive = (IndexNames(f"{prefix}-{p}") for p in ("warm", "ours", "naive"))
    now = datetime.now(UTC)
    samples = sample_articles()
    items = make_items(samples, args.docs, now)
    size = sum(len(json.dumps(to_document(i))) for i in items[: len(samples)])
    print(
        f"{args.docs} articles from {len(samples)} sample pages, "
        f"{size / len(samples) / 1024:.1f} KiB of JSON each, {BULK_CHUNK} per bulk request"
    )
    try:
        for names in (warm, ours, naive):
            install_schema(es, names, now)
        warm_items = make_items(samples, args.warmup, now)
        storywatch_path(ArticleStore(es, warm), warm_items)
        naive_path(es, warm, warm_items[: args.warmup // 2])

        store = ArticleStore(es, ours)
        rows = [
            ("(a) existing_ids + bulk_create", timed(lambda: storywatch_path(store, items))),
            ("(b) one index request per doc", timed(lambda: naive_path(es, naive, items))),
        ]
        checks = [check_counts(es, ours, args.docs), check_counts(es, naive, args.docs)]
        rows += [
            ("(c) (a) again, same articles", timed(lambda: storywatch_path(store, items))),
            ("(c') bulk_create alone, same", timed(lambda: create_only(store, items))),
        ]
        checks.append(check_counts(es, ours, args.docs))
        print(
            f"{'path':32} {'seconds':>8} {'docs/s':>9} {'requests':>9} "
            f"{'created':>8} {'existing':>9} {'failed':>7}"
        )
        for label, (seconds, requests, (created, existing, failed)) in rows:
            print(
                f"{label:32} {seconds:8.2f} {args.docs / seconds:9.0f} {requests:9d} "
                f"{created:8d} {existing:9d} {failed:7d}"
            )
        (a_s, a_r, _), (b_s, b_r, _) = rows[0][1], rows[1][1]
        c_s, c2_s = rows[2][1][0], rows[3][1][0]
        print(
            f"ratio (b)/(a): {b_r / a_r:.0f}x fewer requests, {b_s / a_s:.1f}x less time\n"
            f"dedupe: re-run (c) takes {c_s / a_s:.3f} of (a)'s time "
            f"({a_s / c_s:.0f}x faster); bulk_create alone (c') {c2_s / a_s:.2f} of (a)\n"
            f"checked in Elasticsearch: ours after (a) {checks[0]}; naive {checks[1]}; "
            f"ours after (c) and (c') {checks[2]}"
        )
    finally:
        cleanup(es, prefix, [warm, ours, naive])
        es.close()


if __name__ == "__main__":
    main()
