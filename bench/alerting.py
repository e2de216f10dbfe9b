"""Scale benchmark of storyline alerting (issue #4): our batch approach vs the naive one.

    uv run python bench/alerting.py [--docs 100000] [--storylines 1000] [--batch 1000]
                                    [--naive-sample 10] [--es http://127.0.0.1:9200]

Bulk-indexes ``--docs`` synthetic articles into a throwaway prefix on a running node
(``storywatch stack up``), adds two batches of ``--batch`` new articles, and runs the
real alerting pass (``alerts.service.run_alerting``: one ``_msearch`` for the batch, one
read of the matched articles, one memory load, bulk writes) on each. The naive approach
(one search per storyline per article, as a rule-based alerter does) is timed on
``--naive-sample`` articles of the batch against every storyline and extrapolated to the
whole batch, clearly labelled. Requests are counted at the client. The prefix is deleted
at the end.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from storywatch.alerts.matching import storyline_query
from storywatch.alerts.memory import MemoryStore
from storywatch.alerts.records import AlertStore
from storywatch.alerts.service import run_alerting
from storywatch.alerts.storylines import Storyline
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.store import ArticleStore
from storywatch.parsers.fingerprint import simhash

REQUESTS = {"count": 0}
CLUSTERS = 500
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "vo",
    "zi",
    "pe",
    "sa",
    "do",
    "ri",
    "mu",
    "ke",
    "la",
    "no",
    "be",
    "fi",
    "go",
    "hu",
)


class CountingElasticsearch(Elasticsearch):
    """A client that counts every HTTP request it makes (``options()`` copies share it)."""

    def perform_request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        REQUESTS["count"] += 1
        return super().perform_request(*args, **kwargs)


def word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


class Corpus:
    """Synthetic articles: each belongs to a story cluster with its own words and people."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.common = [word(self.rng, 3) for _ in range(3000)]
        self.signature = [[word(self.rng, 4) for _ in range(5)] for _ in range(CLUSTERS)]
        self.people = [
            [f"{word(self.rng, 2).title()} {word(self.rng, 3).title()}" for _ in range(8)]
            for _ in range(CLUSTERS)
        ]
        self.texts: dict[int, list[str]] = {}

    def article(self, n: int, ingested: datetime, *, fingerprint: bool) -> dict[str, Any]:
        rng = self.rng
        cluster = rng.randrange(CLUSTERS)
        earlier = self.texts.get(cluster)
        if earlier and rng.random() < 0.2:  # a syndicated copy with one word changed
            words = list(earlier)
            words[rng.randrange(len(words))] = rng.choice(self.common)
        else:
            words = [rng.choice(self.common) for _ in range(120)]
            for sig in rng.sample(self.signature[cluster], 3):
                words.insert(rng.randrange(len(words)), sig)
            self.texts[cluster] = words
        text = " ".join(words)
        people = rng.sample(self.people[cluster], 2)
        return {
            "id": f"doc-{n}",
            "url": f"http://bench.invalid/{n}",
            "source": f"feed-{n % 50}",
            "title": " ".join(words[:8]),
            "text": text,
            "published": (ingested - timedelta(hours=rng.randrange(72))).isoformat(),
            "ingested_at": ingested.isoformat(),
            "topic_ids": [f"t{cluster % 20}"],
            "entities": {"person": people},
            "quotes": [{"speaker": people[0], "text": " ".join(words[10:20])}],
            "facts": {"money": [f"${rng.randrange(1, 99)} million"], "dates": [], "counts": []},
            "fingerprint": simhash(text) if fingerprint else None,
            "storylines": [],
            "developments": [],
        }

    def storylines(self, count: int) -> list[Storyline]:
        out = []
        for i in range(count):
            sig = self.signature[i % CLUSTERS]
            a, b = sig[i // CLUSTERS % 5], sig[(i // CLUSTERS + 1) % 5]
            out.append(
                Storyline(
                    id=f"s{i}",
                    title=f"Storyline {i}",
                    query=f"{a} AND {b}",
                    recipients=("analyst@example.org",),
                )
            )
        return out


def bulk(es: Elasticsearch, index: str, docs: Iterator[dict[str, Any]], matched: bool) -> None:
    ops: list[dict[str, Any]] = []
    for doc in docs:
        if matched:
            doc["matched_at"] = doc["ingested_at"]
        ops += [{"create": {"_index": index, "_id": doc["id"]}}, doc]
        if len(ops) >= 10_000:
            es.bulk(operations=ops)
            ops = []
    if ops:
        es.bulk(operations=ops)
    es.indices.refresh(index=index)


def naive_sample(
    es: Elasticsearch, names: IndexNames, storylines: list[Storyline], ids: list[str]
) -> tuple[float, int]:
    """Time and requests of one search per storyline per article, on ``ids``."""
    before, start = REQUESTS["count"], time.perf_counter()
    for article_id in ids:
        for storyline in storylines:
            es.search(index=names.articles, **storyline_query(storyline, [article_id]))
    return time.perf_counter() - start, REQUESTS["count"] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--storylines", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=10)
    parser.add_argument("--es", default="http://127.0.0.1:9200")
    args = parser.parse_args()

    es = CountingElasticsearch(args.es, request_timeout=300)
    names = IndexNames(f"bench-alerting-{uuid.uuid4().hex[:8]}")
    now = datetime.now(UTC)
    install_schema(es, names, now)
    index = names.articles_for(now)
    corpus = Corpus()
    storylines = corpus.storylines(args.storylines)
    try:
        t0 = time.perf_counter()
        background = (
            corpus.article(n, now - timedelta(days=1), fingerprint=False) for n in range(args.docs)
        )
        bulk(es, index, background, matched=True)
        print(f"indexed {args.docs} background articles in {time.perf_counter() - t0:.1f} s")
        stores = (ArticleStore(es, names), AlertStore(es, names), MemoryStore(es, names))
        for batch in range(2):
            first = args.docs + batch * args.batch
            docs = (
                corpus.article(n, datetime.now(UTC), fingerprint=True)
                for n in range(first, first + args.batch)
            )
            bulk(es, index, docs, matched=False)
            before, start = REQUESTS["count"], time.perf_counter()
            report = run_alerting(es, *stores, storylines, datetime.now(UTC))
            ours, requests = time.perf_counter() - start, REQUESTS["count"] - before
            sample = [f"doc-{n}" for n in range(first, first + args.naive_sample)]
            naive_time, naive_requests = naive_sample(es, names, storylines, sample)
            scale = args.batch / len(sample)
            naive_total, naive_req_total = naive_time * scale, naive_requests * scale
            print(
                f"batch {batch + 1}: {args.batch} new articles x {args.storylines} storylines "
                f"on {args.docs + (batch + 1) * args.batch} docs\n"
                f"  ours : {ours:8.2f} s/batch  {ours / args.batch * 1000:7.2f} ms/article  "
                f"{requests:>9} ES requests  ({report.matches} matches: "
                f"{report.developments} developments, {report.minor} minor, "
                f"{report.repeats} repeats)\n"
                f"  naive: {naive_total:8.2f} s/batch  {naive_total / args.batch * 1000:7.2f} "
                f"ms/article  {naive_req_total:>9.0f} ES requests  (matching only; "
                f"EXTRAPOLATED from {len(sample)} articles x {args.storylines} storylines = "
                f"{naive_requests} searches in {naive_time:.1f} s)\n"
                f"  ratio: {naive_req_total / requests:,.0f}x fewer requests, "
                f"{naive_total / ours:,.1f}x less time"
            )
    finally:
        # Wildcard deletes are refused by default (destructive_requires_name): name them.
        created = es.indices.get(index=f"{names.prefix}-*", expand_wildcards="all")
        if created.body:
            es.indices.delete(index=",".join(created.body))
        for name in ("articles", "feeds", "alerts", "deadletter", "storylines"):
            es.options(ignore_status=404).indices.delete_index_template(name=names.template(name))
        es.close()


if __name__ == "__main__":
    main()
