"""Two workers delivering at once: conditional claims on a real Elasticsearch node."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch

from storywatch.alerts.records import (
    SENDING_LEASE,
    AlertRecord,
    AlertState,
    AlertStore,
    AlsoReported,
    alert_id,
    with_state,
)
from storywatch.index.schema import IndexNames, install_schema

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


def record(storyline: str) -> AlertRecord:
    return AlertRecord(
        id=alert_id(storyline, "art-1"),
        storyline_id=storyline,
        storyline_title=storyline.title(),
        article_id="art-1",
        article_url="https://news.example/a/1",
        title="Ankara confirms the deal",
        source="wire",
        published=None,
        kind="development",
        state=AlertState.PENDING,
        recipients=("analyst@example.org",),
        created_at=NOW,
        updated_at=NOW,
    )


def test_only_one_of_two_workers_claims_an_alert(es: Elasticsearch, names: IndexNames) -> None:
    first, second = AlertStore(es, names), AlertStore(es, names)
    first.create([record("s1"), record("s2")])
    read_by_first = first.undelivered(NOW)
    read_by_second = second.undelivered(NOW)
    assert len(read_by_first) == len(read_by_second) == 2

    won = second.claim(read_by_second, NOW)
    lost = first.claim(read_by_first, NOW)

    assert sorted(r.id for r in won) == sorted(r.id for r in read_by_first) and lost == []
    stored = first.get(won[0].id)
    assert stored is not None and stored.state is AlertState.SENDING and stored.attempts == 1


def test_a_claim_is_left_alone_until_its_lease_runs_out(
    es: Elasticsearch, names: IndexNames
) -> None:
    store = AlertStore(es, names)
    store.create([record("s1")])
    store.claim(store.undelivered(NOW), NOW)
    assert store.undelivered(NOW + timedelta(minutes=1)) == []
    (stale,) = store.undelivered(NOW + SENDING_LEASE + timedelta(seconds=1))
    assert stale.state is AlertState.SENDING and stale.attempts == 1


def test_saving_a_delivery_state_keeps_repeats_attached_meanwhile(
    es: Elasticsearch, names: IndexNames
) -> None:
    store = AlertStore(es, names)
    store.create([record("s1")])
    (claimed,) = store.claim(store.undelivered(NOW), NOW)
    copy = AlsoReported(
        "art-2", "other-wire", "Ankara confirms the deal (copy)", "https://other.example/a/2", NOW
    )
    store.attach_repeats({claimed.id: [copy]})
    store.save([with_state(claimed, AlertState.SENT, NOW, sent_at=NOW)])
    final = store.get(claimed.id)
    assert final is not None and final.state is AlertState.SENT
    assert [c.article_id for c in final.also_reported_by] == ["art-2"]


def test_alerts_that_used_up_their_attempts_do_not_starve_newer_ones(
    es: Elasticsearch, names: IndexNames
) -> None:
    store = AlertStore(es, names)
    spent = with_state(record("s1"), AlertState.FAILED, NOW, attempts=5, last_error="refused")
    newer = replace(record("s2"), created_at=NOW + timedelta(minutes=1))
    store.create([spent, newer])
    # Oldest first and one at a time: the spent record must not take the only place.
    (due,) = store.undelivered(NOW + timedelta(minutes=2), 5, limit=1)
    assert due.id == newer.id
