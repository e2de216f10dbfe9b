"""Every field a generated Kibana object uses exists in the live mapping with the right
capabilities, asked of a real Elasticsearch node with the field-capabilities API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from storywatch.index.documents import IngestedArticle
from storywatch.index.kibana import CHARTED_ENTITY_KINDS, TopicRef, saved_objects
from storywatch.index.kibana_fields import FieldUse, check_field_caps, field_uses
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.store import ArticleStore
from storywatch.parsers.models import Article, FeedEntry, Quote, TopicHit
from storywatch.parsers.topics import TopicsFile

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url)
    yield client
    client.close()


def _topics() -> list[TopicRef]:
    from storywatch.configfile import load_yaml_model

    topics = load_yaml_model(ROOT / "config" / "topics.yaml", TopicsFile).topics
    return [TopicRef(t.id, t.name) for t in topics]


def _article(n: int, entities: dict[str, tuple[str, ...]]) -> IngestedArticle:
    url = f"https://wire.example/fictional/{n}"
    article = Article(
        url=url,
        title=f"Fictional report {n}",
        paragraphs=(f"Body of fictional report {n}.",),
        quotes=(Quote("We are watching.", speaker="Ada Quill"),),
        entities=entities,
        topics=(TopicHit("s-400", 2.0),),
    )
    return IngestedArticle(article, FeedEntry("wire", url, article.title), NOW - timedelta(hours=n))


def _caps(es: Elasticsearch, uses: list[FieldUse]) -> dict[str, dict[str, Any]]:
    """``_field_caps`` per index or alias a data view names, for the fields it is asked."""
    caps = {}
    for index in {u.index for u in uses}:
        fields = sorted({u.field for u in uses if u.index == index})
        caps[index] = es.field_caps(index=index, fields=fields)["fields"]
    return caps


def test_every_field_of_every_object_fits_the_live_mapping(
    es: Elasticsearch, index_prefix: str
) -> None:
    names = IndexNames(index_prefix)
    install_schema(es, names, NOW)  # as the pipeline does before its first write
    # entities.<kind> fields are mapped dynamically by the first article that has one:
    # write, through the pipeline's own path, articles naming every charted kind.
    entities = {kind: (f"Fictional {kind} {i}",) for i, kind in enumerate(CHARTED_ENTITY_KINDS)}
    result = ArticleStore(es, names).bulk_create([_article(1, entities), _article(2, {})])
    assert not result.failed
    objects = saved_objects(index_prefix, _topics())
    uses = field_uses(objects)
    # Every kind of object contributes fields: the check is not vacuous.
    used_by = {o["type"] for o in objects if any(u.object_id == o["id"] for u in uses)}
    assert used_by == {"index-pattern", "search", "lens", "dashboard"}
    assert {u.use for u in uses} >= {"time", "date_histogram", "aggregate", "sort", "search"}
    assert check_field_caps(uses, _caps(es, uses)) == []


def test_the_check_names_fields_the_live_mapping_lacks(
    es: Elasticsearch, index_prefix: str
) -> None:
    names = IndexNames(index_prefix)
    install_schema(es, names, NOW)  # no article yet: no entities.* field is mapped
    uses = field_uses(saved_objects(index_prefix, []))
    problems = check_field_caps(uses, _caps(es, uses))
    assert problems == [
        f"{index_prefix}-top-entities-{kind}: entities.{kind} in {names.articles}: not mapped"
        for kind in CHARTED_ENTITY_KINDS
    ]
    # A use that needs a capability the field lacks is named too.
    wrong = [
        FieldUse("probe", names.articles, "title", "aggregate"),
        FieldUse("probe", names.articles, "source", "time"),
    ]
    assert check_field_caps(wrong, _caps(es, wrong)) == [
        f"probe: title in {names.articles}: aggregate needs an aggregatable field (text is not)",
        f"probe: source in {names.articles}: time needs a date, mapped as keyword",
    ]


def test_kibana_check_command_reports_then_passes(
    es: Elasticsearch, index_prefix: str, es_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from storywatch.cli import app

    monkeypatch.setenv("STORYWATCH_ES_URL", es_url)
    monkeypatch.setenv("STORYWATCH_INDEX_PREFIX", index_prefix)
    names = IndexNames(index_prefix)
    install_schema(es, names, NOW)
    argv = ["kibana", "check", "--config", str(ROOT / "config")]
    before = CliRunner().invoke(app, argv)
    assert before.exit_code == 1, before.output
    assert [line for line in before.output.splitlines() if line.startswith("problem: ")] == [
        f"problem: {index_prefix}-top-entities-{kind}: entities.{kind} in {names.articles}: "
        "not mapped"
        for kind in CHARTED_ENTITY_KINDS
    ]
    entities = {kind: (f"Fictional {kind}",) for kind in CHARTED_ENTITY_KINDS}
    assert not ArticleStore(es, names).bulk_create([_article(3, entities)]).failed
    after = CliRunner().invoke(app, argv)
    assert after.exit_code == 0, after.output
    assert after.output.strip().endswith(": 0 problem(s)")
