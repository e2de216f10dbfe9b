"""Sizing and splitting of the matching ``_msearch`` bodies (no Elasticsearch)."""

from __future__ import annotations

import hashlib
import math

import pytest

from storywatch.alerts.errors import AlertError
from storywatch.alerts.matching import (
    MAX_IDS_PER_SEARCH,
    MSEARCH_MAX_BYTES,
    ndjson_size,
    plan_searches,
    storyline_query,
)
from storywatch.alerts.storylines import Storyline

INDEX = "swtest-articles"


def ids(n: int) -> list[str]:
    """Article ids shaped like the real ones (32 hex digits)."""
    return [hashlib.sha256(str(i).encode()).hexdigest()[:32] for i in range(n)]


def storylines(n: int) -> list[Storyline]:
    return [
        Storyline(
            id=f"story-{i}",
            title=f"Story {i}",
            query=f'("S-400" OR S400) AND (Turkey OR Ankara) AND topic{i}',
            topics={"any": ["s-400"]},
            exclude=["football"],
        )
        for i in range(n)
    ]


def actual_bytes(request: list, article_ids: list[str]) -> int:
    """The body the client really sends for a planned request."""
    return sum(
        ndjson_size({"index": INDEX})
        + ndjson_size(storyline_query(p.storyline, article_ids[p.start : p.end]))
        for p in request
    )


def covered(plan: list, article_ids: list[str]) -> list[tuple[str, str]]:
    return [
        (p.storyline.id, article_id)
        for request in plan
        for p in request
        for article_id in article_ids[p.start : p.end]
    ]


def test_a_normal_batch_is_one_request() -> None:
    batch, lines = ids(500), storylines(20)
    plan = plan_searches(INDEX, lines, batch)
    assert len(plan) == 1 and len(plan[0]) == 20
    assert all((p.start, p.end) == (0, 500) for p in plan[0])
    assert actual_bytes(plan[0], batch) <= MSEARCH_MAX_BYTES


def test_estimates_are_upper_bounds_of_the_real_body() -> None:
    batch, lines = ids(37), storylines(3)
    for request in plan_searches(INDEX, lines, batch, max_bytes=2_000):
        assert 0 < actual_bytes(request, batch) <= sum(p.size for p in request) <= 2_000


@pytest.mark.parametrize("budget", [1_500, 2_000, 5_000, 20_000])
def test_tight_budgets_split_ids_and_storylines_and_cover_every_pair_once(budget: int) -> None:
    batch, lines = ids(101), storylines(7)
    plan = plan_searches(INDEX, lines, batch, max_bytes=budget)
    assert len(plan) > 1
    for request in plan:
        assert actual_bytes(request, batch) <= budget
    pairs = covered(plan, batch)
    assert len(pairs) == len(set(pairs)) == len(lines) * len(batch)


def test_large_backlog_stays_under_elasticsearchs_limit() -> None:
    # The case that failed: 1,000 storylines x a 10,000-id page is ~350 MB in one body.
    batch, lines = ids(10_000), storylines(1_000)
    one_body = len(lines) * (ndjson_size({"index": INDEX}) + sum(ndjson_size(i) for i in batch))
    assert one_body > 100 * 1024 * 1024
    plan = plan_searches(INDEX, lines, batch)
    assert all(sum(p.size for p in request) <= MSEARCH_MAX_BYTES for request in plan)
    # Packing wastes at most one search's bytes per request: close to the minimum count.
    fewest = math.ceil(one_body / MSEARCH_MAX_BYTES)
    assert fewest <= len(plan) <= fewest + 2
    assert sum(len(request) for request in plan) == len(lines)  # ids fit one search


def test_a_search_never_asks_for_more_hits_than_the_result_window() -> None:
    batch = ids(MAX_IDS_PER_SEARCH + 5)
    plan = plan_searches(INDEX, storylines(1), batch, max_bytes=100 * 1024 * 1024)
    spans = [(p.start, p.end) for request in plan for p in request]
    assert spans == [(0, MAX_IDS_PER_SEARCH), (MAX_IDS_PER_SEARCH, len(batch))]


def test_a_budget_below_one_search_is_refused() -> None:
    with pytest.raises(AlertError, match="cannot hold one storyline's search"):
        plan_searches(INDEX, storylines(1), ids(3), max_bytes=200)


def test_nothing_to_match_needs_no_request() -> None:
    assert plan_searches(INDEX, storylines(2), []) == []
    assert plan_searches(INDEX, [], ids(2)) == []
