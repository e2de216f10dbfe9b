"""The local Elasticsearch node: healthy, usable with the 9.x client, idempotent start."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from storywatch.flows.stack.elasticsearch import node_status, start_node

pytestmark = pytest.mark.slow


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=30)
    yield client
    client.close()


def test_cluster_is_healthy(es: Elasticsearch) -> None:
    health = es.cluster.health(wait_for_status="yellow", timeout="30s")
    assert health["status"] in {"yellow", "green"}
    assert health["number_of_nodes"] >= 1


def test_index_and_search_a_document(es: Elasticsearch) -> None:
    index = f"storywatch-test-stack-{uuid.uuid4().hex[:8]}"
    try:
        es.index(
            index=index,
            id="doc-1",
            document={"title": "Harbour strike enters second week", "lang": "en"},
            refresh=True,
        )
        result = es.search(index=index, query={"match": {"title": "strike"}})
        hits = result["hits"]["hits"]
        assert [hit["_id"] for hit in hits] == ["doc-1"]
        assert hits[0]["_source"]["lang"] == "en"
        missing = es.search(index=index, query={"match": {"title": "election"}})
        assert missing["hits"]["total"]["value"] == 0
    finally:
        es.options(ignore_status=404).indices.delete(index=index)


def test_second_start_reuses_the_running_node(es_session) -> None:  # type: ignore[no-untyped-def]
    if es_session.node is None:
        pytest.skip("the session reuses an Elasticsearch node it did not start")
    outcome = start_node(es_session.node, timeout=60)
    assert outcome.reused
    assert outcome.status.running
    assert outcome.status.url == es_session.url


def test_status_describes_the_node_we_started(es_session) -> None:  # type: ignore[no-untyped-def]
    if es_session.node is None:
        pytest.skip("the session reuses an Elasticsearch node it did not start")
    status = node_status(es_session.node)
    assert status.running
    assert status.managed
    assert status.pid is not None
    assert status.version == es_session.node.version
    assert status.health in {"yellow", "green"}
    assert status.log_file is not None and status.log_file.is_file()
