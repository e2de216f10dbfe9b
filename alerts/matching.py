"""Match storylines against newly indexed articles: one multi-search per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


def storyline_query(storyline: Storyline, article_ids: Sequence[str]) -> dict[str, Any]:
    """The search body that finds ``storyline``'s matches among ``article_ids``."""
    filters: list[dict[str, Any]] = [{"ids": {"values": list(article_ids)}}]
    if storyline.topics.any:
        filters.append({"terms": {"topic_ids": list(storyline.topics.any)}})
    filters.extend({"term": {"topic_ids": topic}} for topic in storyline.topics.all)
    must_not: list[dict[str, Any]] = []
    if storyline.exclude:
        must_not.append(_query_string(storyline.exclude))
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "must": [_query_string(storyline.query)],
                "filter": filters,
                "must_not": must_not,
            }
        },
        "size": len(article_ids),
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
        for hit in result["hits"]["hits"]:
            src = hit["_source"]
            matches.append(
                Match(
                    storyline_id=storyline.id,
                    article_id=hit["_id"],
                    score=float(hit.get("_score") or 0.0),
                    title=src.get("title", ""),
                    url=src.get("url", ""),
                    source=src.get("source", ""),
                    published=src.get("published"),
                    highlights=tuple(hit.get("highlight", {}).get("text", ())),
                    topics=tuple(src.get("topic_ids") or ()),
                )
            )
    return MatchResult(tuple(matches), errors)
