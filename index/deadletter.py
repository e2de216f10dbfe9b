"""The dead-letter index: what could not be fetched, parsed or indexed, and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .errors import wrap_es_error
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


class DeadLetterStore:
    """Writes :class:`DeadLetter` records, counting how often each failed."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def record(self, letters: Iterable[DeadLetter]) -> int:
        """Upsert the records (a repeat keeps the latest reason); returns how many were written."""
        operations: list[dict[str, Any]] = []
        for letter in letters:
            doc = {
                "stage": letter.stage,
                "ref": letter.ref,
                "feed_id": letter.feed_id,
                "error_type": letter.error_type,
                "reason": letter.reason,
                "transient": letter.transient,
                "created_at": letter.created_at.isoformat(),
                "payload": letter.payload,
            }
            operations.append({"update": {"_index": self.names.deadletter, "_id": letter.id}})
            operations.append({"doc": doc, "doc_as_upsert": True})
        if not operations:
            return 0
        try:
            self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "writing dead letters") from exc
        return len(operations) // 2

    def count(self) -> int:
        """How many failures are on record."""
        return int(self.es.count(index=self.names.deadletter)["count"])
