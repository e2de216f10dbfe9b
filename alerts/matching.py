"""Match storylines against newly indexed articles: one multi-search per batch.

Every storyline's search inlines the batch's article ids, so the ``_msearch`` body grows
as storylines x ids (1,000 storylines and 10,000 ids make ~350 MB, over Elasticsearch's
100 MB ``http.max_content_length``). :func:`plan_searches` sizes each body before it is
sent and splits the ids and the storylines so every request stays under a byte budget;
a normal batch still fits in one request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import wrap_es_error

from .errors import AlertError
from .storylines import Storyline

#: Markers around highlighted terms; chosen so no article text can contain them, and
#: turned into markup only after the text around them has been escaped.
HIGHLIGHT_PRE = "\x02"
HIGHLIGHT_POST = "\x03"
SEARCH_FIELDS = ("title^2", "description", "text", "subheadings")
#: Default byte budget of one ``_msearch`` body: a tenth of Elasticsearch's default
#: ``http.max_content_length`` (100 MB), leaving room for proxies with lower limits.
MSEARCH_MAX_BYTES = 10 * 1024 * 1024
#: Most ids one search may carry: its ``size`` must stay within ``max_result_window``.
MAX_IDS_PER_SEARCH = 10_000
#: Bytes added to each search's estimate for the digits of its ``size``.
_SIZE_SLACK = 8
#: Per-search statuses of an ``_msearch`` answer that mean "try again later" (not 500: a
#: query that crashes the search every time would hold every batch back for good).
_RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Match:
    """An article that matched a storyline, with the passages that show why."""

    storyline_id: str
    article_id: str
    score: float
    title: str
    url: str
    source: str
    published: str | None
    highlights: tuple[str, ...]
    topics: tuple[str, ...] = ()


#: Entity fields an ``entities`` filter looks in (``entities.<kind>`` keyword fields).
ENTITY_FIELDS = (
    "entities.person",
    "entities.organization",
    "entities.place",
    "entities.system",
    "entities.candidate",
)


def _entity_clause(name: str) -> dict[str, Any]:
    return {
        "bool": {
            "should": [{"term": {field: name}} for field in ENTITY_FIELDS],
            "minimum_should_match": 1,
        }
    }


def storyline_filters(storyline: Storyline) -> list[dict[str, Any]]:
    """The non-scoring conditions of a storyline: topics and entities."""
    filters: list[dict[str, Any]] = []
    if storyline.topics.any:
        filters.append({"terms": {"topic_ids": list(storyline.topics.any)}})
    filters.extend({"term": {"topic_ids": topic}} for topic in storyline.topics.all)
    if storyline.entities.any:
        filters.append(
            {
                "bool": {
                    "should": [_entity_clause(n) for n in storyline.entities.any],
                    "minimum_should_match": 1,
                }
            }
        )
    filters.extend(_entity_clause(name) for name in storyline.entities.all)
    return filters


def storyline_query(
    storyline: Storyline,
    article_ids: Sequence[str] | None,
    *,
    since: datetime | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """The search body that finds ``storyline``'s matches among ``article_ids``.

    With ``article_ids`` None (a backtest), every article ingested since ``since`` is a
    candidate instead.
    """
    filters = storyline_filters(storyline)
    if article_ids is not None:
        filters.insert(0, {"ids": {"values": list(article_ids)}})
    if since is not None:
        filters.append({"range": {"ingested_at": {"gte": since.isoformat()}}})
    must = (
        _query_string(storyline.query)
        if isinstance(storyline.query, str)
        else dict(storyline.query)
    )
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "must": [must],
                "filter": filters,
                "must_not": [_query_string(q) for q in storyline.exclude],
            }
        },
        "size": size if size is not None else len(article_ids or ()),
        "_source": ["title", "url", "source", "published", "topic_ids"],
        "highlight": {
            "pre_tags": [HIGHLIGHT_PRE],
            "post_tags": [HIGHLIGHT_POST],
            "fields": {"text": {"number_of_fragments": 3, "fragment_size": 200}},
        },
    }
    if storyline.min_score is not None:
        body["min_score"] = storyline.min_score
    return body


def _query_string(query: str) -> dict[str, Any]:
    return {
        "query_string": {
            "query": query,
            "fields": list(SEARCH_FIELDS),
            "default_operator": "AND",
        }
    }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matches of a batch, the storylines Elasticsearch could not evaluate, and how
    many ``_msearch`` requests it took."""

    matches: tuple[Match, ...]
    errors: dict[str, str]
    requests: int = 0


@dataclass(frozen=True, slots=True)
class PlannedSearch:
    """One storyline's search over ``article_ids[start:end]``, and its estimated bytes."""

    storyline: Storyline
    start: int
    end: int
    size: int


def ndjson_size(line: Any) -> int:
    """Bytes of ``line`` as one line of an ``_msearch`` body (compact JSON and newline),
    as the Elasticsearch client serializes it."""
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass")) + 1


def _id_chunks(costs: Sequence[int], room: int) -> list[tuple[int, int, int]]:
    """Consecutive ``(start, end, bytes)`` runs of ids whose costs add up to ``room`` at most."""
    chunks: list[tuple[int, int, int]] = []
    start, used = 0, 0
    for i, cost in enumerate(costs):
        if i > start and (used + cost > room or i - start >= MAX_IDS_PER_SEARCH):
            chunks.append((start, i, used))
            start, used = i, 0
        used += cost
    if start < len(costs):
        chunks.append((start, len(costs), used))
    return chunks


def plan_searches(
    index: str,
    storylines: Sequence[Storyline],
    article_ids: Sequence[str],
    max_bytes: int = MSEARCH_MAX_BYTES,
) -> list[list[PlannedSearch]]:
    """The ``_msearch`` requests that cover every (storyline, article id) pair once, each
    body at most ``max_bytes`` (estimated before sending, as an upper bound).

    The ids are cut into chunks that fit next to the largest storyline query, then the
    (chunk, storyline) searches are packed into requests in order. A batch whose single
    request fits the budget is sent as one request, as before.
    """
    if not storylines or not article_ids:
        return []
    header = ndjson_size({"index": index})
    base = [header + ndjson_size(storyline_query(s, [])) + _SIZE_SLACK for s in storylines]
    costs = [ndjson_size(article_id) for article_id in article_ids]  # '"<id>",'
    room = max_bytes - max(base)
    if room < max(costs):
        raise AlertError(
            f"a _msearch budget of {max_bytes} bytes cannot hold one storyline's search "
            f"(needs at least {max(base) + max(costs)})",
            transient=False,
        )
    requests: list[list[PlannedSearch]] = []
    current: list[PlannedSearch] = []
    used = 0
    for start, end, ids_bytes in _id_chunks(costs, room):
        for storyline, fixed in zip(storylines, base, strict=True):
            search = PlannedSearch(storyline, start, end, fixed + ids_bytes)
            if current and used + search.size > max_bytes:
                requests.append(current)
                current, used = [], 0
            current.append(search)
            used += search.size
    requests.append(current)
    return requests


def match_storylines(
    es: Elasticsearch,
    index: str,
    storylines: Sequence[Storyline],
    article_ids: Sequence[str],
    *,
    max_bytes: int = MSEARCH_MAX_BYTES,
) -> MatchResult:
    """Every (storyline, article) match among ``article_ids``, in as few ``_msearch``
    requests as the ``max_bytes`` body budget allows (one for a normal batch).

    A storyline whose query Elasticsearch rejects (bad query syntax, say) is reported in
    ``errors``, contributes no match, and does not stop the others. A search refused for
    overload (429, 503...) raises a transient :class:`AlertError` instead, so the batch stays
    unmatched and is judged again later.
    """
    plan = plan_searches(index, storylines, article_ids, max_bytes)
    found: dict[str, list[Match]] = {}
    errors: dict[str, str] = {}
    for planned in plan:
        searches: list[dict[str, Any]] = []
        for p in planned:
            searches.append({"index": index})
            searches.append(storyline_query(p.storyline, article_ids[p.start : p.end]))
        try:
            resp = es.msearch(searches=searches)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, f"matching {len(planned)} storyline searches") from exc
        for p, result in zip(planned, resp["responses"], strict=True):
            sid = p.storyline.id
            if "error" in result:
                error = result["error"]
                cause = (error.get("root_cause") or [error])[0]
                reason = f"{cause.get('type')}: {cause.get('reason')}"
                status = int(result.get("status") or 0)
                if status in _RETRY_STATUSES:
                    # Overload, not a bad query: reporting it would let the batch be
                    # marked matched and the storyline miss these articles for good.
                    raise AlertError(
                        f"storyline {sid} could not be searched now (HTTP {status}, {reason}); "
                        "the batch is matched again later",
                        transient=True,
                    )
                errors.setdefault(sid, reason)
                continue
            found.setdefault(sid, []).extend(hit_to_match(sid, h) for h in result["hits"]["hits"])
    # A storyline that failed on one chunk of ids is reported, not half-matched.
    matches = tuple(m for s in storylines if s.id not in errors for m in found.get(s.id, ()))
    return MatchResult(matches, errors, len(plan))


def hit_to_match(storyline_id: str, hit: dict[str, Any]) -> Match:
    """A search hit of :func:`storyline_query` as a :class:`Match`."""
    src = hit["_source"]
    return Match(
        storyline_id=storyline_id,
        article_id=hit["_id"],
        score=float(hit.get("_score") or 0.0),
        title=src.get("title", ""),
        url=src.get("url", ""),
        source=src.get("source", ""),
        published=src.get("published"),
        highlights=tuple(hit.get("highlight", {}).get("text", ())),
        topics=tuple(src.get("topic_ids") or ()),
    )
