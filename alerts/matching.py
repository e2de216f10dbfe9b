"""Match storylines against newly indexed articles: one multi-search per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import wrap_es_error

from .storylines import Storyline

#: Markers around highlighted terms; chosen so no article text can contain them, and
#: turned into markup only after the text around them has been escaped.
HIGHLIGHT_PRE = "\x02"
HIGHLIGHT_POST = "\x03"
SEARCH_FIELDS = ("title^2", "description", "text", "subheadings")


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
    """The matches of a batch, and the storylines Elasticsearch could not evaluate."""

    matches: tuple[Match, ...]
    errors: dict[str, str]


def match_storylines(
    es: Elasticsearch, index: str, storylines: Sequence[Storyline], article_ids: Sequence[str]
) -> MatchResult:
    """Every (storyline, article) match among ``article_ids``, in one ``_msearch`` request.

    A storyline whose query Elasticsearch rejects (bad query syntax, say) is reported in
    ``errors`` and does not stop the others.
    """
    if not storylines or not article_ids:
        return MatchResult((), {})
    searches: list[dict[str, Any]] = []
    for storyline in storylines:
        searches.append({"index": index})
        searches.append(storyline_query(storyline, article_ids))
    try:
        resp = es.msearch(searches=searches)
    except (ApiError, TransportError) as exc:
        raise wrap_es_error(exc, f"matching {len(storylines)} storylines") from exc
    matches: list[Match] = []
    errors: dict[str, str] = {}
    for storyline, result in zip(storylines, resp["responses"], strict=True):
        if "error" in result:
            error = result["error"]
            cause = (error.get("root_cause") or [error])[0]
            errors[storyline.id] = f"{cause.get('type')}: {cause.get('reason')}"
            continue
        matches.extend(hit_to_match(storyline.id, hit) for hit in result["hits"]["hits"])
    return MatchResult(tuple(matches), errors)


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
