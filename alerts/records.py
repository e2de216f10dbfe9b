"""Alert records in Elasticsearch: one per (storyline, article), with a delivery state."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import wrap_es_error
from storywatch.index.schema import IndexNames


class AlertState(StrEnum):
    """Where an alert is in its life: ``sending`` is written just before the SMTP call."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


#: States whose alerts are (re)delivered by the next cycle.
UNDELIVERED = (AlertState.PENDING, AlertState.SENDING, AlertState.FAILED)


def alert_id(storyline_id: str, article_id: str) -> str:
    """A deterministic id, so a retried or re-run cycle can never create the alert twice."""
    return hashlib.sha256(f"{storyline_id}\0{article_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert and everything needed to render it again (``resend`` needs no article)."""

    id: str
    storyline_id: str
    storyline_title: str
    article_id: str
    article_url: str
    title: str
    source: str
    published: str | None
    kind: str
    state: AlertState
    recipients: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    score: float = 0.0
    highlights: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    message_id: str | None = None
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        """The Elasticsearch source of the record."""
        doc = asdict(self)
        doc["payload"] = {**self.payload, "topics": list(self.topics)}
        del doc["topics"]
        for key, value in doc.items():
            if isinstance(value, datetime):
                doc[key] = value.isoformat()
            elif isinstance(value, tuple):
                doc[key] = list(value)
        doc["state"] = str(self.state)
        return doc

    @classmethod
    def from_document(cls, src: dict[str, Any]) -> AlertRecord:
        """Rebuild a record from its stored source."""
        values = {k: v for k, v in src.items() if k in cls.__dataclass_fields__}
        for key in ("created_at", "updated_at", "sent_at"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        for key in ("recipients", "highlights"):
            values[key] = tuple(values.get(key) or ())
        payload = dict(values.get("payload") or {})
        values["topics"] = tuple(payload.pop("topics", ()))
        values["payload"] = payload
        values["state"] = AlertState(values["state"])
        return cls(**values)


class AlertStore:
    """Creates alert records exactly once and moves them through their states."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def create(self, records: Iterable[AlertRecord]) -> list[str]:
        """Create the records that do not exist yet; returns the ids actually created."""
        operations: list[dict[str, Any]] = []
        for record in records:
            operations.append({"create": {"_index": self.names.alerts, "_id": record.id}})
            operations.append(record.to_document())
        if not operations:
            return []
        try:
            resp = self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "creating alert records") from exc
        created: list[str] = []
        for item in resp["items"]:
            outcome = item["create"]
            if outcome.get("status") in (200, 201):
                created.append(outcome["_id"])
            elif outcome.get("status") != 409:
                raise wrap_es_error(RuntimeError(outcome.get("error")), "creating alert records")
        return created

    def undelivered(self, limit: int = 1000) -> list[AlertRecord]:
        """Alerts still to deliver (new, interrupted or failed), oldest first."""
        resp = self.es.search(
            index=self.names.alerts,
            query={"terms": {"state": [str(s) for s in UNDELIVERED]}},
            sort=[{"created_at": "asc"}],
            size=limit,
        )
        return [AlertRecord.from_document(h["_source"]) for h in resp["hits"]["hits"]]

    def get(self, record_id: str) -> AlertRecord | None:
        """One alert record by id, or None."""
        resp = self.es.options(ignore_status=404).get(index=self.names.alerts, id=record_id)
        return AlertRecord.from_document(resp["_source"]) if resp.get("found") else None

    def list(self, *, storyline_id: str | None = None, size: int = 50) -> list[AlertRecord]:
        """The newest alert records, optionally of one storyline."""
        query: dict[str, Any] = (
            {"term": {"storyline_id": storyline_id}} if storyline_id else {"match_all": {}}
        )
        resp = self.es.search(
            index=self.names.alerts, query=query, sort=[{"created_at": "desc"}], size=size
        )
        return [AlertRecord.from_document(h["_source"]) for h in resp["hits"]["hits"]]

    def save(self, records: Sequence[AlertRecord]) -> None:
        """Write the records' current state (they exist already; last write wins)."""
        operations: list[dict[str, Any]] = []
        for record in records:
            operations.append({"index": {"_index": self.names.alerts, "_id": record.id}})
            operations.append(record.to_document())
        if not operations:
            return
        try:
            self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "saving alert states") from exc


def with_state(
    record: AlertRecord, state: AlertState, now: datetime, **changes: Any
) -> AlertRecord:
    """A copy of ``record`` in ``state`` as of ``now``."""
    return replace(record, state=state, updated_at=now, **changes)
