"""The dead-letter index: what could not be fetched, parsed or indexed, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .errors import bulk_write, wrap_es_error
from .schema import IndexNames


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One failure worth keeping for a person or a replay."""

    stage: str
    ref: str
    reason: str
    error_type: str
    created_at: datetime
    feed_id: str | None = None
    transient: bool = False
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """One record per (stage, ref): a failure seen again updates it instead of piling up."""
        return dead_letter_id(self.stage, self.ref)

    @classmethod
    def from_document(cls, src: dict[str, Any]) -> DeadLetter:
        """Rebuild a record from its stored source."""
        return cls(
            stage=src["stage"],
            ref=src["ref"],
            reason=src.get("reason") or "",
            error_type=src.get("error_type") or "",
            created_at=datetime.fromisoformat(src["created_at"]),
            feed_id=src.get("feed_id"),
            transient=bool(src.get("transient")),
            payload=src.get("payload") or {},
        )

    def to_document(self) -> dict[str, Any]:
        """The Elasticsearch source of this record."""
        return {
            "stage": self.stage,
            "ref": self.ref,
            "feed_id": self.feed_id,
            "error_type": self.error_type,
            "reason": self.reason,
            "transient": self.transient,
            "created_at": self.created_at.isoformat(),
            "payload": self.payload,
        }


def dead_letter_id(stage: str, ref: str) -> str:
    """The id of the record of ``ref`` failing at ``stage``."""
    return hashlib.sha256(f"{stage}\0{ref}".encode()).hexdigest()[:32]


#: The stages an article page goes through; its success clears failures at any of them.
ARTICLE_STAGES = ("fetch", "parse", "index")


class DeadLetterStore:
    """Writes, lists and clears :class:`DeadLetter` records (one per stage and ref)."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def record(self, letters: Iterable[DeadLetter]) -> int:
        """Upsert the records (a repeat keeps the latest reason); returns how many were written.

        Raises :class:`IndexingError` when Elasticsearch refuses any of them.
        """
        operations: list[dict[str, Any]] = []
        for letter in letters:
            operations.append({"update": {"_index": self.names.deadletter, "_id": letter.id}})
            operations.append({"doc": letter.to_document(), "doc_as_upsert": True})
        bulk_write(self.es, operations, "writing dead letters")
        return len(operations) // 2

    def resolve(self, stage_refs: Iterable[tuple[str, str]]) -> None:
        """Delete the records of (stage, ref) pairs that have since succeeded, so the index
        holds only what is still failing (deleting one that never failed is a no-op)."""
        operations: list[dict[str, Any]] = [
            {"delete": {"_index": self.names.deadletter, "_id": dead_letter_id(stage, ref)}}
            for stage, ref in stage_refs
        ]
        bulk_write(self.es, operations, "clearing resolved dead letters")

    def latest(
        self, *, stage: str | None = None, feed_id: str | None = None, size: int = 50
    ) -> list[DeadLetter]:
        """The newest records, optionally of one stage or feed."""
        filters: list[dict[str, Any]] = []
        for key, value in (("stage", stage), ("feed_id", feed_id)):
            if value:
                filters.append({"term": {key: value}})
        try:
            resp = self.es.search(
                index=self.names.deadletter,
                query={"bool": {"filter": filters}},
                sort=[{"created_at": "desc"}],
                size=size,
            )
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "listing dead letters") from exc
        return [DeadLetter.from_document(hit["_source"]) for hit in resp["hits"]["hits"]]

    def count(self) -> int:
        """How many failures are on record."""
        try:
            return int(self.es.count(index=self.names.deadletter)["count"])
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "counting dead letters") from exc
