"""Latency of the Storyline monitor's queries and of `search` with highlights.

    uv run python bench/dashboards.py [--docs 100000] [--alerts 10000] [--repeat 50]
                                      [--es http://127.0.0.1:9200]

Writes ``--docs`` generated articles (3-8 KiB of text each, 12 topics, people,
organisations, places, systems, quotes; ingest times spread over 60 days) through the
project's write path (``ArticleStore.bulk_create``) into a throwaway prefix, and
``--alerts`` alert records. Then, for every chart of the generated dashboard, it sends the
request Kibana would send for it over the dashboard's default range (last 30 days): the
Lens columns of the saved object translated to the same aggregations (terms ordered by
count, the date histogram at the 12h interval Kibana picks for 30 days), size 0, the range
filter on the data view's time field; plus the topic control's options request and
``ArticleStore.search`` (query string, highlighted snippet) for a few queries. Each runs
``--repeat`` times after 3 warm-ups, with the shard request cache off (every run computes),
and the median and 95th percentile are printed, client-side (loopback HTTP included) and
as Elasticsearch's ``took``. The prefix is deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from storywatch.index.documents import IngestedArticle
from storywatch.index.kibana import ARTICLE_TIME_FIELD, TopicRef, saved_objects
from storywatch.index.schema import TEMPLATE_NAMES, IndexNames, install_schema
from storywatch.index.store import ArticleStore
from storywatch.parsers.models import Article, FeedEntry, Quote, TopicHit

TOPICS = [f"topic-{n:02d}" for n in range(12)]
_NEWS_WORDS = (
    "missile defence system delivery contract ministry officials said talks sanctions "
    "battery radar deployment agreement government minister spokesman report according "
    "statement fighter jets programme purchase deal weeks months analysts warned capital "
    "security alliance members summit pressure decision parliament vote budget billion "
    "dollars army navy air force base training exercise border region tensions response "
    "officials confirmed denied earlier week announcement plans production factory supply "
    "components engines partners export licence court ruling investigation inquiry"
)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class Corpus:
    """Deterministic fictional articles and alert records."""

    def __init__(self, seed: int = 12) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.people = [f"{rng.choice('ABCDEFGHJKLMNPRSTV')}. Person{n}" for n in range(400)]
        self.orgs = [f"Organisation {n}" for n in range(150)]
        self.places = [f"Place {n}" for n in range(120)]
        self.systems = [f"System-{n}" for n in range(40)]
        self.feeds = [f"feed-{n:02d}" for n in range(40)]
        self.feed_weights = [1 / (n + 1) for n in range(40)]
        # News-like vocabulary: the topical words plus 8,000 made-up ones, Zipf-weighted
        # (word n of the ranking is used about 1/n as often as the first).
        syllables = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sa", "do", "ri")
        made_up = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(9000)}
        self.vocabulary = _NEWS_WORDS.split() + sorted(made_up)[:8000]
        rng.shuffle(self.vocabulary)
        total = 0.0
        self.cum_weights = []
        for rank in range(len(self.vocabulary)):
            total += 1 / (rank + 1)
            self.cum_weights.append(total)
        self.paragraphs = [self._paragraph() for _ in range(4000)]

    def _paragraph(self) -> str:
        words = self.rng.choices(
            self.vocabulary, cum_weights=self.cum_weights, k=self.rng.randint(60, 110)
        )
        return " ".join(words).capitalize() + "."

    def article(self, n: int, now: datetime) -> IngestedArticle:
        rng = self.rng
        url = f"https://{n % 97}.news.example/fictional/{n}"
        text: list[str] = []
        target = rng.randint(3 * 1024, 8 * 1024)
        while sum(len(p) for p in text) < target:
            text.append(rng.choice(self.paragraphs))
        people = tuple(rng.sample(self.people, rng.randint(0, 4)))
        quotes = tuple(
            Quote(rng.choice(self.paragraphs)[:160], speaker=speaker)
            for speaker in people[: rng.randint(0, 3)]
        )
        topics = rng.sample(TOPICS, rng.choice((0, 1, 1, 1, 2)))
        article = Article(
            url=url,
            title=" ".join(rng.choices(_NEWS_WORDS.split(), k=9)).capitalize(),
            paragraphs=tuple(text),
            quotes=quotes,
            entities={
                "person": people,
                "organization": tuple(rng.sample(self.orgs, rng.randint(0, 3))),
                "place": tuple(rng.sample(self.places, rng.randint(0, 3))),
                "system": tuple(rng.sample(self.systems, rng.randint(0, 2))),
            },
            topics=tuple(TopicHit(t, 2.0) for t in topics),
        )
        feed = rng.choices(self.feeds, self.feed_weights)[0]
        ingested = now - timedelta(seconds=rng.randint(0, 60 * 86400))
        entry = FeedEntry(feed, url, article.title, published=ingested - timedelta(hours=3))
        return IngestedArticle(article, entry, ingested)

    def alert(self, n: int, now: datetime) -> dict[str, Any]:
        created = now - timedelta(seconds=self.rng.randint(0, 60 * 86400))
        return {
            "id": f"alert-{n}",
            "storyline_id": f"storyline-{self.rng.randint(0, 49):02d}",
            "kind": self.rng.choice(("development", "development", "minor", "repeat")),
            "state": "sent",
            "created_at": created.isoformat(),
        }


def lens_request(obj: dict[str, Any], time_field: str, start: datetime, end: datetime) -> Any:
    """The aggregation request Kibana sends for one Lens chart (by column order, nested)."""
    layer = next(
        iter(obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].values())
    )
    aggs: dict[str, Any] = {}
    inner = aggs
    for column_id in layer["columnOrder"]:
        column = layer["columns"][column_id]
        if not column["isBucketed"]:
            continue
        if column["operationType"] == "terms":
            spec = {
                "terms": {
                    "field": column["sourceField"],
                    "size": column["params"]["size"],
                    "order": {"_count": column["params"]["orderDirection"]},
                }
            }
        else:
            spec = {
                "date_histogram": {
                    "field": column["sourceField"],
                    "fixed_interval": "12h",
                    "time_zone": "UTC",
                    "min_doc_count": 0,
                    "extended_bounds": {"min": start.isoformat(), "max": end.isoformat()},
                }
            }
        inner[column_id] = spec
        inner = spec.setdefault("aggs", {})
    spec.pop("aggs", None)
    query = {"range": {time_field: {"gte": start.isoformat(), "lte": end.isoformat()}}}
    return {"query": query, "aggs": aggs}


def measure(run: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], str]:
    """(client ms, Elasticsearch took, hits) of ``repeat`` runs after 3 warm-ups."""
    for _ in range(3):
        run()
    wall, took = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        resp = run()
        wall.append((time.perf_counter() - start) * 1000)
        took.append(float(resp["took"]))
    total = resp["hits"]["total"]
    # Like Kibana, the requests do not count hits past 10,000: "10000+" is at least that.
    return wall, took, f"{total['value']}{'+' if total['relation'] == 'gte' else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--es", default="http://127.0.0.1:9200")
    args = parser.parse_args()

    es = Elasticsearch(args.es, request_timeout=300)
    prefix = f"bench-dash-{uuid.uuid4().hex[:8]}"
    names = IndexNames(prefix)
    now = datetime.now(UTC)
    corpus = Corpus()
    try:
        install_schema(es, names, now)
        store = ArticleStore(es, names)
        start = time.perf_counter()
        written, chunk = 0, 5000
        while written < args.docs:
            batch = [
                corpus.article(n, now) for n in range(written, min(args.docs, written + chunk))
            ]
            result = store.bulk_create(batch)
            if result.failed:
                raise SystemExit(f"{len(result.failed)} refused: {result.failed[0].reason}")
            written += len(batch)
        load_s = time.perf_counter() - start
        helpers.bulk(
            es,
            (
                {"_index": names.alerts, "_id": f"a{n}", "_source": corpus.alert(n, now)}
                for n in range(args.alerts)
            ),
            refresh=True,
        )
        es.indices.forcemerge(index=names.articles, max_num_segments=1)
        stats = es.indices.stats(index=names.articles, metric="store,docs")["_all"]["primaries"]
        count = stats["docs"]["count"]
        size = stats["store"]["size_in_bytes"]
        print(
            f"{count} articles written through ArticleStore.bulk_create in {load_s:.1f} s "
            f"({count / load_s:.0f} docs/s, generation included); {args.alerts} alerts; "
            f"index size after force-merge {size / 2**20:.0f} MiB, "
            f"{size / count * 1000 / 2**20:.1f} MiB per 1,000 articles"
        )
        objects = saved_objects(prefix, [TopicRef(t, t) for t in TOPICS])
        views = {o["id"]: o["attributes"] for o in objects if o["type"] == "index-pattern"}
        end, begin = now, now - timedelta(days=30)
        runs: list[tuple[str, Callable[[], Any]]] = []
        for obj in (o for o in objects if o["type"] == "lens"):
            view = views[obj["references"][0]["id"]]
            body = lens_request(obj, view["timeFieldName"], begin, end)
            index = view["title"]
            runs.append(
                (
                    obj["id"].removeprefix(prefix + "-"),
                    lambda body=body, index=index: es.search(
                        index=index, size=0, request_cache=False, **body
                    ),
                )
            )
        control = {
            "aggs": {"options": {"terms": {"field": "topic_ids", "size": 10}}},
            "query": {"range": {ARTICLE_TIME_FIELD: {"gte": begin.isoformat()}}},
        }
        runs.append(
            (
                "topic-control-options",
                lambda: es.search(index=names.articles, size=0, request_cache=False, **control),
            )
        )
        for text in ("missile AND radar", "sanctions", '"air force" AND budget'):
            body = {
                "query": {
                    "query_string": {
                        "query": text,
                        "fields": ["title^3", "description^2", "text", "subheadings"],
                        "default_operator": "AND",
                        "lenient": True,
                    }
                },
                "highlight": {"fields": {"text": {"number_of_fragments": 1, "fragment_size": 160}}},
                "source_includes": ["title", "source", "url", "published", "topic_ids"],
            }
            runs.append(
                (
                    f"search+highlight {text}",
                    lambda body=body: es.search(
                        index=names.articles, size=10, request_cache=False, **body
                    ),
                )
            )
        print(
            f"{args.repeat} runs each after 3 warm-ups, request cache off, last 30 days of 60; "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        print(
            f"{'query':44} {'median ms':>10} {'p95 ms':>8} {'took med':>9} {'took p95':>9}"
            f" {'hits':>7}"
        )
        for name, run in runs:
            wall, took, hits = measure(run, args.repeat)
            print(
                f"{name:44} {statistics.median(wall):10.1f} {percentile(wall, 0.95):8.1f} "
                f"{statistics.median(took):9.0f} {percentile(took, 0.95):9.0f} {hits:>7}"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    finally:
        created = es.indices.get(index=f"{prefix}-*", expand_wildcards="all")
        if created.body:
            es.indices.delete(index=",".join(created.body))
        for name in TEMPLATE_NAMES:
            es.options(ignore_status=404).indices.delete_index_template(name=names.template(name))
        es.close()


if __name__ == "__main__":
    main()
