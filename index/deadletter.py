"""The dead-letter index: what could not be fetched, parsed or indexed, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .errors import raise_for_bulk_errors, wrap_es_error
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
        return hashlib.sha256(f"{self.stage}\0{self.ref}".encode()).hexdigest()[:32]

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


class DeadLetterStore:
    """Writes :class:`DeadLetter` records, counting how often each failed."""

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
        if not operations:
            return 0
        try:
            resp = self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "writing dead letters") from exc
        raise_for_bulk_errors(resp.body, "writing dead letters")
        return len(operations) // 2

    def count(self) -> int:
        """How many failures are on record."""
        try:
            return int(self.es.count(index=self.names.deadletter)["count"])
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "counting dead letters") from exc
