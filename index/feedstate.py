"""Per-feed polling state kept in Elasticsearch, so any worker can poll any feed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .errors import bulk_write, wrap_es_error
from .schema import IndexNames

#: Feed states per search page in :meth:`FeedStateStore.all`.
PAGE_SIZE = 1_000


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the last poll of a feed left behind: validators, outcome, backoff."""

    feed_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: datetime | None = None
    last_success: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    next_poll_after: datetime | None = None
    entries_seen: int = 0

    def to_document(self) -> dict[str, Any]:
        """The Elasticsearch source of this state."""
        doc = asdict(self)
        for key, value in doc.items():
            if isinstance(value, datetime):
                doc[key] = value.isoformat()
        return doc

    @classmethod
    def from_document(cls, src: dict[str, Any]) -> FeedState:
        """Rebuild a state from its stored source."""
        values = dict(src)
        for key in ("last_polled", "last_success", "next_poll_after"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


class FeedStateStore:
    """Loads and saves :class:`FeedState` documents, one per feed id."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def load(self, feed_ids: Sequence[str]) -> dict[str, FeedState]:
        """The stored state of each known feed among ``feed_ids``."""
        if not feed_ids:
            return {}
        try:
            resp = self.es.mget(index=self.names.feeds, ids=list(feed_ids))
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "loading feed state") from exc
        return {
            doc["_id"]: FeedState.from_document(doc["_source"])
            for doc in resp["docs"]
            if doc.get("found")
        }

    def save(self, states: Iterable[FeedState]) -> None:
        """Write the states in one bulk request (last write wins: one worker owns a feed)."""
        operations: list[dict[str, Any]] = []
        for state in states:
            operations.append({"index": {"_index": self.names.feeds, "_id": state.feed_id}})
            operations.append(state.to_document())
        bulk_write(self.es, operations, "saving feed state")

    def all(self) -> list[FeedState]:
        """Every stored feed state (for status reports and digests), by feed id."""
        states: list[FeedState] = []
        after: list[Any] | None = None
        while True:
            # Paged by feed id: one search may not return more than 10,000 hits.
            page: dict[str, Any] = {"search_after": after} if after is not None else {}
            try:
                resp = self.es.search(
                    index=self.names.feeds,
                    size=PAGE_SIZE,
                    query={"match_all": {}},
                    sort=[{"feed_id": "asc"}],
                    **page,
                )
            except (ApiError, TransportError) as exc:
                raise wrap_es_error(exc, "listing feed states") from exc
            hits = resp["hits"]["hits"]
            states.extend(FeedState.from_document(h["_source"]) for h in hits)
            if len(hits) < PAGE_SIZE:
                return states
            after = hits[-1]["sort"]
