"""Error handling of the index package without a cluster: bulk item errors, wrapping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from storywatch.index.documents import IngestedArticle
from storywatch.index.errors import ClusterUnavailableError, IndexingError, raise_for_bulk_errors
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.store import ArticleStore
from storywatch.parsers.models import Article, FeedEntry

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class _BulkStub:
    """Answers every bulk request with the given item statuses (no network)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses

    def bulk(self, operations: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        ids = [op["create"]["_id"] for op in operations if "create" in op]
        items = [
            {"create": {"_id": i, "status": s, "error": {"type": "x", "reason": "y"}}}
            for i, s in zip(ids, self.statuses, strict=True)
        ]
        return {"errors": True, "items": items}


def _item(n: int) -> IngestedArticle:
    url = f"https://news.example/{n}"
    return IngestedArticle(Article(url=url, paragraphs=("Body.",)), FeedEntry("w", url, "t"), NOW)


@pytest.mark.parametrize(
    ("status", "transient"), [(429, True), (502, True), (504, True), (400, False)]
)
def test_refused_documents_are_transient_like_every_other_transient_status(
    status: int, transient: bool
) -> None:
    store = ArticleStore(_BulkStub([status]), IndexNames("x"))  # type: ignore[arg-type]
    result = store.bulk_create([_item(1)])
    assert [f.transient for f in result.failed] == [transient]


def test_bulk_item_errors_raise_and_say_whether_transient() -> None:
    ok = {"update": {"_id": "a", "status": 200}}
    busy = {"update": {"_id": "b", "status": 429, "error": {"type": "es_rejected", "reason": "q"}}}
    bad = {"update": {"_id": "c", "status": 400, "error": {"type": "mapper", "reason": "m"}}}
    raise_for_bulk_errors({"errors": False, "items": [ok]}, "doing")
    with pytest.raises(ClusterUnavailableError, match="1 item"):
        raise_for_bulk_errors({"errors": True, "items": [ok, busy]}, "doing")
    with pytest.raises(IndexingError, match="2 item") as info:
        raise_for_bulk_errors({"errors": True, "items": [busy, bad]}, "doing")
    assert not info.value.transient


def test_install_schema_wraps_an_unreachable_cluster() -> None:
    # Port 9 on loopback: the connection is refused at once; nothing is reached.
    es = Elasticsearch("http://127.0.0.1:9", max_retries=0, request_timeout=2)
    with pytest.raises(IndexingError) as info:
        install_schema(es, IndexNames("x"), NOW)
    assert info.value.transient
