"""How per-search errors of a matching ``_msearch`` answer are treated (no Elasticsearch)."""

from __future__ import annotations

from typing import Any

import pytest

from storywatch.alerts.errors import AlertError
from storywatch.alerts.matching import match_storylines
from storywatch.alerts.storylines import Storyline

STORYLINES = [Storyline(id="s1", title="S1", query="a"), Storyline(id="s2", title="S2", query="b")]


class AnsweringEs:
    """Answers every ``_msearch`` with the given per-search results, in order."""

    def __init__(self, *results: dict[str, Any]) -> None:
        self.results = list(results)

    def msearch(self, searches: list[dict[str, Any]]) -> dict[str, Any]:
        return {"responses": self.results}


def hit(article_id: str) -> dict[str, Any]:
    return {"_id": article_id, "_score": 1.0, "_source": {"title": "t", "url": "http://x/1"}}


def error(status: int, kind: str) -> dict[str, Any]:
    return {"status": status, "error": {"root_cause": [{"type": kind, "reason": "no"}]}}


def test_a_rejected_query_is_reported_and_the_others_still_match() -> None:
    es = AnsweringEs(error(400, "query_shard_exception"), {"hits": {"hits": [hit("a1")]}})
    result = match_storylines(es, "idx", STORYLINES, ["a1"])  # type: ignore[arg-type]
    assert [m.storyline_id for m in result.matches] == ["s2"]
    assert result.errors == {"s1": "query_shard_exception: no"}


@pytest.mark.parametrize("status", [429, 503])
def test_an_overloaded_search_keeps_the_batch_for_later(status: int) -> None:
    # Reporting it would let the batch be marked matched: s1 would never see a1.
    es = AnsweringEs(error(status, "es_rejected_execution_exception"), {"hits": {"hits": []}})
    with pytest.raises(AlertError) as raised:
        match_storylines(es, "idx", STORYLINES, ["a1"])  # type: ignore[arg-type]
    assert raised.value.transient and "s1" in str(raised.value)


def test_a_search_failing_with_500_is_reported_like_a_bad_query() -> None:
    # A query that crashes the search would fail every time: it must not hold the batch.
    es = AnsweringEs(error(500, "null_pointer_exception"), {"hits": {"hits": [hit("a1")]}})
    result = match_storylines(es, "idx", STORYLINES, ["a1"])  # type: ignore[arg-type]
    assert list(result.errors) == ["s1"] and [m.storyline_id for m in result.matches] == ["s2"]
