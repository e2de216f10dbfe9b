"""ArticleStore, feed state and dead letters against a real Elasticsearch node."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch

from storywatch.index.deadletter import DeadLetter, DeadLetterStore
from storywatch.index.documents import IngestedArticle
from storywatch.index.errors import IndexingError
from storywatch.index.feedstate import FeedState, FeedStateStore
from storywatch.index.schema import IndexNames, install_schema, load_template
from storywatch.index.store import ArticleStore
from storywatch.parsers.models import Article, FeedEntry, TopicHit

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url)
    yield client
    client.close()


@pytest.fixture
def names(es: Elasticsearch, index_prefix: str) -> IndexNames:
    names = IndexNames(index_prefix)
    install_schema(es, names, NOW)
    return names


def item(
    n: int, *, topics: tuple[str, ...] = (), when: datetime = NOW, text: str = ""
) -> IngestedArticle:
    url = f"https://news.example/story/{n}"
    article = Article(
        url=url,
        title=f"Story number {n}",
        paragraphs=(text or f"Body of story {n} about air defence.",),
        topics=tuple(TopicHit(t, 1.0) for t in topics),
    )
    return IngestedArticle(article, FeedEntry("wire", url, f"Story number {n}"), when)


def test_schema_install_is_idempotent(es: Elasticsearch, names: IndexNames) -> None:
    install_schema(es, names, NOW)
    assert es.indices.exists_alias(name=names.articles)
    assert es.indices.exists(index=names.articles_for(NOW))


def test_create_is_idempotent(es: Elasticsearch, names: IndexNames) -> None:
    store = ArticleStore(es, names)
    batch = [item(1), item(2), item(3)]
    first = store.bulk_create(batch)
    assert sorted(first.created) == sorted(i.id for i in batch) and not first.failed
    second = store.bulk_create(batch)
    assert second.created == [] and sorted(second.existing) == sorted(first.created)
    assert es.count(index=names.articles)["count"] == 3
    assert store.existing_ids([i.id for i in batch] + ["nope"]) == set(first.created)


def test_an_article_from_last_month_is_found_across_monthly_indices(
    es: Elasticsearch, names: IndexNames
) -> None:
    store = ArticleStore(es, names)
    old = item(7, when=NOW - timedelta(days=40))
    store.bulk_create([old])
    assert es.indices.exists(index=names.articles_for(NOW - timedelta(days=40)))
    assert store.existing_ids([old.id]) == {old.id}


def test_existing_ids_takes_more_ids_than_one_search_may_return(
    es: Elasticsearch, names: IndexNames
) -> None:
    # Many feeds polled in one cycle can list over 10,000 entries; an ``ids`` query with
    # more values than max_result_window (10,000) is refused with a 400.
    store = ArticleStore(es, names)
    stored = [item(1), item(2)]
    store.bulk_create(stored)
    ids = [f"unknown-{n}" for n in range(10_500)] + [i.id for i in stored]
    assert store.existing_ids(ids) == {i.id for i in stored}


def test_refused_documents_are_reported_not_dropped(es: Elasticsearch, index_prefix: str) -> None:
    names = IndexNames(index_prefix)
    # A monthly index created by hand with a clashing mapping refuses our documents.
    es.indices.create(
        index=names.articles_for(NOW), mappings={"properties": {"text": {"type": "long"}}}
    )
    install_schema(es, names, NOW)
    result = ArticleStore(es, names).bulk_create([item(1)])
    assert result.created == [] and len(result.failed) == 1
    failure = result.failed[0]
    assert failure.doc_id == item(1).id and "parsing_exception" in failure.reason


def test_search_and_topic_filter(es: Elasticsearch, names: IndexNames) -> None:
    store = ArticleStore(es, names)
    store.bulk_create(
        [
            item(1, topics=("s-400",), text="Ankara takes the S-400 batteries."),
            item(2, topics=("patriot",), text="Ankara weighs a Patriot offer."),
        ]
    )
    assert {h.title for h in store.search("Ankara")} == {"Story number 1", "Story number 2"}
    hits = store.search("Ankara", topic="patriot")
    assert [h.title for h in hits] == ["Story number 2"] and hits[0].topics == ("patriot",)


def test_unmatched_until_marked(es: Elasticsearch, names: IndexNames) -> None:
    store = ArticleStore(es, names)
    a, b = item(1), item(2)
    store.bulk_create([a, b])
    assert set(store.unmatched_ids()) == {a.id, b.id}
    store.mark_matched([a.id, b.id], {a.id: {"story-x"}}, NOW)
    assert store.unmatched_ids() == []
    hits = es.search(index=names.articles, query={"ids": {"values": [a.id]}})["hits"]["hits"]
    doc = hits[0]["_source"]
    assert doc["storylines"] == ["story-x"] and doc["matched_at"]


def test_feed_state_round_trip(es: Elasticsearch, names: IndexNames) -> None:
    store = FeedStateStore(es, names)
    state = FeedState(
        "wire",
        "https://w.example/rss",
        etag='"e1"',
        last_polled=NOW,
        consecutive_failures=2,
        next_poll_after=NOW + timedelta(minutes=20),
    )
    store.save([state])
    assert store.load(["wire", "other"]) == {"wire": state}


def test_dead_letters_upsert_per_stage_and_ref(es: Elasticsearch, names: IndexNames) -> None:
    store = DeadLetterStore(es, names)
    letter = DeadLetter("fetch", "https://x.example/a", "HTTP 500", "FetchError", NOW, "wire", True)
    store.record([letter])
    store.record([DeadLetter("fetch", "https://x.example/a", "HTTP 502", "FetchError", NOW)])
    assert store.count() == 1
    src = es.get(index=names.deadletter, id=letter.id)["_source"]
    assert src["reason"] == "HTTP 502"


def test_refused_dead_letters_raise_instead_of_counting_as_written(
    es: Elasticsearch, index_prefix: str
) -> None:
    names = IndexNames(index_prefix)
    # A dead-letter index created by hand with a clashing mapping refuses the records.
    es.indices.create(index=names.deadletter, mappings={"properties": {"reason": {"type": "long"}}})
    install_schema(es, names, NOW)
    letter = DeadLetter("fetch", "https://x.example/a", "HTTP 500", "FetchError", NOW)
    with pytest.raises(IndexingError, match="1 item"):
        DeadLetterStore(es, names).record([letter])


def test_all_feed_states_are_listed_past_ten_thousand(es: Elasticsearch, names: IndexNames) -> None:
    store = FeedStateStore(es, names)
    store.save(FeedState(f"feed-{n:05d}", f"https://f.example/{n}") for n in range(10_050))
    states = store.all()
    assert len(states) == 10_050
    assert len({s.feed_id for s in states}) == 10_050


def test_reading_and_marking_more_ids_than_one_search_may_return(
    es: Elasticsearch, names: IndexNames
) -> None:
    store = ArticleStore(es, names)
    stored = [item(1), item(2)]
    store.bulk_create(stored)
    ids = [f"unknown-{n}" for n in range(10_500)] + [i.id for i in stored]
    assert set(store.get_articles(ids)) == {i.id for i in stored}
    store.mark_matched(ids, {stored[0].id: {"story-x"}}, NOW)
    assert store.unmatched_ids() == []


def test_marking_only_vanished_articles_is_not_an_error(
    es: Elasticsearch, names: IndexNames
) -> None:
    # Retention may delete an article between listing it and marking it matched.
    ArticleStore(es, names).mark_matched(["gone-1", "gone-2"], {}, NOW)


def test_a_newer_template_is_not_downgraded(es: Elasticsearch, names: IndexNames) -> None:
    body = load_template("feeds", names.prefix)
    newer = {**body, "version": body["version"] + 10}
    es.indices.put_index_template(name=names.template("feeds"), **newer)
    install_schema(es, names, NOW)
    installed = es.indices.get_index_template(name=names.template("feeds"))
    assert installed["index_templates"][0]["index_template"]["version"] == newer["version"]
