"""`storywatch stats`: aggregations on the articles alias of a real node, written through
the pipeline's own write path (ArticleStore.bulk_create)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from storywatch.cli import app
from storywatch.index.documents import IngestedArticle
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.stats import coverage_stats
from storywatch.index.store import ArticleStore
from storywatch.parsers.models import Article, FeedEntry, Quote, TopicHit

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
# (hours before NOW, feed, topics, speaker, people): fictional coverage over 10 days.
COVERAGE = [
    (1, "wire", ("s-400",), "Ada Quill", ("Ada Quill",)),
    (2, "wire", ("s-400", "f-35"), "Ada Quill", ("Ada Quill", "Bo Lark")),
    (5, "gazette", ("f-35",), "Bo Lark", ("Bo Lark",)),
    (30, "gazette", ("s-400",), None, ()),
    (50, "[bold]herald[/bold]", ("patriot",), "[red]Cy Moss[/red]", ("Cy Moss",)),
    (75, "wire", (), "Ada Quill", ()),
    (24 * 9, "wire", ("s-400",), "Old Voice", ("Old Voice",)),  # outside a 7-day window
]


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url)
    yield client
    client.close()


def _item(n: int, hours: int, feed: str, topics: tuple[str, ...], speaker: str | None,
          people: tuple[str, ...], now: datetime) -> IngestedArticle:  # fmt: skip
    url = f"https://{n}.news.example/fictional"
    article = Article(
        url=url,
        title=f"Fictional report {n}",
        paragraphs=(f"Body {n}.",),
        quotes=(Quote("A fictional remark.", speaker=speaker),) if speaker else (),
        entities={"person": people, "place": ("Atlantis",)} if people else {},
        topics=tuple(TopicHit(t, 1.0) for t in topics),
    )
    return IngestedArticle(
        article, FeedEntry(feed, url, article.title), now - timedelta(hours=hours)
    )


def _index(es: Elasticsearch, prefix: str, now: datetime) -> IndexNames:
    names = IndexNames(prefix)
    install_schema(es, names, now)
    items = [_item(n, *row, now=now) for n, row in enumerate(COVERAGE)]
    assert not ArticleStore(es, names).bulk_create(items).failed
    return names


def _expected(now: datetime, days: int) -> tuple[dict[str, Counter[str]], list[tuple[str, int]]]:
    """Per day per topic, and sources, computed from COVERAGE (not from Elasticsearch)."""
    per_day: dict[str, Counter[str]] = {}
    start = now - timedelta(days=days)
    day = start
    while day.date() <= now.date():
        per_day[f"{day:%Y-%m-%d}"] = Counter()
        day += timedelta(days=1)
    sources: Counter[str] = Counter()
    for hours, feed, topics, _speaker, _people in COVERAGE:
        when = now - timedelta(hours=hours)
        if when >= start:
            per_day[f"{when:%Y-%m-%d}"].update(topics)
            sources[feed] += 1
    return per_day, sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))


def test_coverage_stats_per_topic_per_day_and_tops(es: Elasticsearch, index_prefix: str) -> None:
    names = _index(es, index_prefix, NOW)
    found = coverage_stats(es, names, since=timedelta(days=7), now=NOW, top=10)
    per_day, sources = _expected(NOW, 7)
    assert found.total == sum(1 for row in COVERAGE if row[0] <= 7 * 24)
    assert found.per_topic_per_day == {d: dict(c) for d, c in per_day.items()}
    assert (
        sorted(((b.key, b.articles) for b in found.top_sources), key=lambda kv: (-kv[1], kv[0]))
        == sources
    )
    speakers = Counter(row[3] for row in COVERAGE if row[3] and row[0] <= 7 * 24)
    assert {b.key: b.articles for b in found.top_speakers} == dict(speakers)
    assert "Old Voice" not in {b.key for b in found.top_entities["person"]}
    assert found.top_entities["place"][0].key == "Atlantis"
    assert "system" not in found.top_entities  # no article names one: unmapped, left out


def test_stats_command_json_and_escaped_tables(
    es: Elasticsearch, index_prefix: str, monkeypatch: pytest.MonkeyPatch, es_url: str
) -> None:
    now = datetime.now(UTC)
    _index(es, index_prefix, now)
    monkeypatch.setenv("STORYWATCH_ES_URL", es_url)
    monkeypatch.setenv("STORYWATCH_INDEX_PREFIX", index_prefix)
    runner = CliRunner()
    as_json = runner.invoke(app, ["stats", "--since", "7d", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["time_field"] == "ingested_at"
    assert data["total"] == sum(1 for row in COVERAGE if row[0] < 7 * 24)
    topics = Counter(t for row in COVERAGE if row[0] < 7 * 24 for t in row[2])
    totals: Counter[str] = Counter()
    for per_topic in data["per_topic_per_day"].values():
        totals.update(per_topic)
    assert totals == topics
    assert {"key": "[bold]herald[/bold]", "articles": 1} in data["top_sources"]

    table = runner.invoke(app, ["stats", "--since", "7d"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    # Outside text is printed as is, never read as Rich markup.
    assert "[bold]herald[/bold]" in table.output
    assert "[red]Cy Moss[/red]" in table.output
    assert "Top quoted speakers" in table.output


def test_stats_rejects_a_bad_period() -> None:
    result = CliRunner().invoke(app, ["stats", "--since", "a week"])
    assert result.exit_code == 2
    assert "is not a duration" in result.output
