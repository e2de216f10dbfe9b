"""Coverage statistics for analysts: the dashboard's figures from one aggregation request.

Periods are on ``ingested_at``, the same time field as the Kibana data view, so
``storywatch stats --since 7d`` and the dashboard over the last 7 days agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.parsers.entities import ENTITY_TYPES

from .errors import wrap_es_error
from .kibana import ARTICLE_TIME_FIELD
from .schema import IndexNames

#: At most this many topics per day (more than any configuration has).
_MAX_TOPICS = 500


@dataclass(frozen=True, slots=True)
class Bucket:
    """A value and the number of articles that have it."""

    key: str
    articles: int


@dataclass(slots=True)
class CoverageStats:
    """Articles ingested in ``[since, until)``: per topic per day and the top values."""

    since: datetime
    until: datetime
    total: int
    #: day (``YYYY-MM-DD``, UTC) -> topic id -> articles; every day of the period is present.
    per_topic_per_day: dict[str, dict[str, int]] = field(default_factory=dict)
    top_sources: list[Bucket] = field(default_factory=list)
    top_speakers: list[Bucket] = field(default_factory=list)
    #: entity kind -> its most frequent names.
    top_entities: dict[str, list[Bucket]] = field(default_factory=dict)

    def topics(self) -> list[str]:
        """Topic ids seen in the period, most articles first."""
        totals: dict[str, int] = {}
        for per_topic in self.per_topic_per_day.values():
            for topic, count in per_topic.items():
                totals[topic] = totals.get(topic, 0) + count
        return sorted(totals, key=lambda t: (-totals[t], t))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (``--json``)."""

        def buckets(items: list[Bucket]) -> list[dict[str, Any]]:
            return [{"key": b.key, "articles": b.articles} for b in items]

        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "time_field": ARTICLE_TIME_FIELD,
            "total": self.total,
            "per_topic_per_day": self.per_topic_per_day,
            "top_sources": buckets(self.top_sources),
            "top_speakers": buckets(self.top_speakers),
            "top_entities": {kind: buckets(v) for kind, v in self.top_entities.items()},
        }


def _terms(field_name: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field_name, "size": size}}


def coverage_stats(
    es: Elasticsearch, names: IndexNames, *, since: timedelta, now: datetime, top: int = 10
) -> CoverageStats:
    """Aggregate the articles ingested in the ``since`` window ending at ``now``."""
    start = now - since
    aggs: dict[str, Any] = {
        "per_day": {
            "date_histogram": {
                "field": ARTICLE_TIME_FIELD,
                "calendar_interval": "day",
                "time_zone": "UTC",
                "format": "yyyy-MM-dd",
                "min_doc_count": 0,
                # Every day of the period gets a row, articles or not.
                "extended_bounds": {"min": f"{start:%Y-%m-%d}", "max": f"{now:%Y-%m-%d}"},
            },
            "aggs": {"topics": _terms("topic_ids", _MAX_TOPICS)},
        },
        "sources": _terms("source", top),
        "speakers": _terms("quotes.speaker", top),
    }
    for kind in ENTITY_TYPES:
        # An entity kind no article has yet is unmapped: its aggregation is just empty.
        aggs[f"entities_{kind}"] = _terms(f"entities.{kind}", top)
    query = {"range": {ARTICLE_TIME_FIELD: {"gte": start.isoformat(), "lt": now.isoformat()}}}
    try:
        resp = es.search(
            index=names.articles, query=query, aggs=aggs, size=0, track_total_hits=True
        )
    except (ApiError, TransportError) as exc:
        raise wrap_es_error(exc, f"aggregating coverage statistics on {names.articles}") from exc
    result = resp["aggregations"]

    def buckets(name: str) -> list[Bucket]:
        return [Bucket(str(b["key"]), int(b["doc_count"])) for b in result[name]["buckets"]]

    per_day = {
        str(day["key_as_string"]): {
            str(t["key"]): int(t["doc_count"]) for t in day["topics"]["buckets"]
        }
        for day in result["per_day"]["buckets"]
    }
    return CoverageStats(
        since=start,
        until=now,
        total=int(resp["hits"]["total"]["value"]),
        per_topic_per_day=per_day,
        top_sources=buckets("sources"),
        top_speakers=buckets("speakers"),
        top_entities={
            kind: found for kind in ENTITY_TYPES if (found := buckets(f"entities_{kind}"))
        },
    )
