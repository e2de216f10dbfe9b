"""Article storage: which ids exist, idempotent bulk writes, search for people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .documents import STORED_FIELDS, IngestedArticle, StoredArticle, from_document, to_document
from .errors import TRANSIENT_STATUSES, raise_for_bulk_errors, wrap_es_error
from .schema import IndexNames

#: Documents per bulk request; articles are a few KB each, so this stays well under 10 MB.
BULK_CHUNK = 500
#: Ids per lookup by id. Elasticsearch refuses an ``ids`` query with more values than
#: ``index.max_result_window`` (10,000 by default), so longer id lists go in chunks.
IDS_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class BulkFailure:
    """One document Elasticsearch refused, and why."""

    doc_id: str
    reason: str
    transient: bool


@dataclass(slots=True)
class BulkResult:
    """What a bulk write did: created ids, ids already present, refused documents."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article found by :meth:`ArticleStore.search`."""

    id: str
    title: str
    source: str
    url: str
    published: str | None
    topics: tuple[str, ...]
    score: float
    highlights: tuple[str, ...] = ()


class ArticleStore:
    """Reads and writes articles through the ``<prefix>-articles`` alias."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` already stored in any monthly index."""
        return {hit["_id"] for hit in self._hits_by_id(ids, [], "looking up article ids")}

    def _hits_by_id(
        self, ids: Sequence[str], fields: list[str], doing: str
    ) -> Iterator[dict[str, Any]]:
        """The hits of the stored articles among ``ids`` (with ``fields`` of their source)."""
        for start in range(0, len(ids), IDS_CHUNK):
            chunk = list(ids[start : start + IDS_CHUNK])
            source: dict[str, Any] = {"source_includes": fields} if fields else {"source": False}
            try:
                resp = self.es.search(
                    index=self.names.articles,
                    query={"ids": {"values": chunk}},
                    size=len(chunk),
                    **source,
                )
            except (ApiError, TransportError) as exc:
                raise wrap_es_error(exc, f"{doing} ({len(chunk)} ids)") from exc
            yield from resp["hits"]["hits"]

    def bulk_create(self, items: Iterable[IngestedArticle]) -> BulkResult:
        """Create each article unless its id exists; never overwrites, so retries are harmless.

        Callers first drop ids that :meth:`existing_ids` found (an article first seen last
        month lives in last month's index); ``create`` then guards the current index
        against a concurrent writer.
        """
        result = BulkResult()
        batch: list[IngestedArticle] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BULK_CHUNK:
                self._flush(batch, result)
                batch = []
        if batch:
            self._flush(batch, result)
        if result.created:
            self.refresh()
        return result

    def _flush(self, batch: list[IngestedArticle], result: BulkResult) -> None:
        operations: list[dict[str, Any]] = []
        for item in batch:
            index = self.names.articles_for(item.ingested_at)
            operations.append({"create": {"_index": index, "_id": item.id}})
            operations.append(to_document(item))
        try:
            resp = self.es.bulk(operations=operations)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, f"bulk-writing {len(batch)} articles") from exc
        for entry in resp["items"]:
            outcome = entry["create"]
            status = outcome.get("status", 500)
            if status in (200, 201):
                result.created.append(outcome["_id"])
            elif status == 409:
                result.existing.append(outcome["_id"])
            else:
                error = outcome.get("error", {})
                reason = f"{error.get('type', status)}: {error.get('reason', '')}"
                transient = status in TRANSIENT_STATUSES
                result.failed.append(BulkFailure(outcome["_id"], reason, transient))

    def refresh(self) -> None:
        """Make recent writes visible to search (matching runs right after indexing)."""
        try:
            self.es.indices.refresh(index=self.names.articles)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "refreshing the articles") from exc

    def unmatched_ids(self, limit: int = 10_000) -> list[str]:
        """Articles not yet matched against the storylines, oldest ingest first.

        Matching marks what it has done (:meth:`mark_matched`); an article indexed by a run
        that crashed before matching is picked up by the next run instead of being lost.
        """
        try:
            resp = self.es.search(
                index=self.names.articles,
                query={"bool": {"must_not": [{"exists": {"field": "matched_at"}}]}},
                # First seen first, then first published: within one batch the original
                # report is judged before its syndicated copies.
                sort=[{"ingested_at": "asc"}, {"published": {"order": "asc", "missing": "_last"}}],
                size=limit,
                source=False,
            )
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "listing unmatched articles") from exc
        return [hit["_id"] for hit in resp["hits"]["hits"]]

    def get_articles(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The alerting view of each article among ``ids`` that exists, by id."""
        hits = self._hits_by_id(ids, list(STORED_FIELDS), "reading articles")
        return {h["_id"]: from_document(h["_id"], h["_source"]) for h in hits}

    def mark_matched(
        self,
        ids: Sequence[str],
        matches: dict[str, set[str]],
        when: datetime,
        developments: dict[str, set[str]] | None = None,
    ) -> None:
        """Record that ``ids`` were matched, the storylines each matched (if any), and
        those it was a development of. Ids no longer stored are left out."""
        developments = developments or {}
        operations: list[dict[str, Any]] = []
        fields = ["storylines", "developments"]
        for hit in self._hits_by_id(ids, fields, "reading articles to mark matched"):
            known = set(hit["_source"].get("storylines") or [])
            merged = sorted(known | matches.get(hit["_id"], set()))
            devs = set(hit["_source"].get("developments") or []) | developments.get(
                hit["_id"], set()
            )
            operations.append({"update": {"_index": hit["_index"], "_id": hit["_id"]}})
            operations.append(
                {
                    "doc": {
                        "storylines": merged,
                        "developments": sorted(devs),
                        "matched_at": when.isoformat(),
                    }
                }
            )
        if not operations:
            return  # Elasticsearch refuses an empty bulk request
        for start in range(0, len(operations), 2 * BULK_CHUNK):
            doing = f"marking {len(ids)} articles matched"
            try:
                result = self.es.bulk(operations=operations[start : start + 2 * BULK_CHUNK])
            except (ApiError, TransportError) as exc:
                raise wrap_es_error(exc, doing) from exc
            raise_for_bulk_errors(result.body, doing)
        self.refresh()

    def search(self, text: str, *, topic: str | None = None, size: int = 10) -> list[SearchHit]:
        """Articles matching a query-string ``text`` (optionally within a topic), best first."""
        must: list[dict[str, Any]] = [
            {
                "query_string": {
                    "query": text,
                    "fields": ["title^3", "description^2", "text", "subheadings"],
                    "default_operator": "AND",
                    "lenient": True,
                }
            }
        ]
        filters: list[dict[str, Any]] = [{"term": {"topic_ids": topic}}] if topic else []
        try:
            resp = self.es.search(
                index=self.names.articles,
                query={"bool": {"must": must, "filter": filters}},
                size=size,
                source_includes=["title", "source", "url", "published", "topic_ids"],
                highlight={"fields": {"text": {"number_of_fragments": 1, "fragment_size": 160}}},
            )
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, f"searching for {text!r}") from exc
        hits = []
        for hit in resp["hits"]["hits"]:
            src = hit["_source"]
            hits.append(
                SearchHit(
                    id=hit["_id"],
                    title=src.get("title", ""),
                    source=src.get("source", ""),
                    url=src.get("url", ""),
                    published=src.get("published"),
                    topics=tuple(src.get("topic_ids") or ()),
                    score=float(hit.get("_score") or 0.0),
                    highlights=tuple(hit.get("highlight", {}).get("text", ())),
                )
            )
        return hits
