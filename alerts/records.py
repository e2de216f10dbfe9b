"""Alert records in Elasticsearch: one per (storyline, development), minor item, repeat
or digest, with the novelty decision and the delivery state."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import bulk_write, wrap_es_error
from storywatch.index.schema import IndexNames

from .features import QuoteItem
from .novelty import FactSource, WhatsNew


class AlertState(StrEnum):
    """Where an alert is in its life: ``sending`` is written just before the SMTP call."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class Suppression(StrEnum):
    """Why a record is not sent on its own (it may still appear in a digest)."""

    REPEAT = "repeat"
    MINOR = "minor"
    THROTTLED = "throttled"
    QUIET_HOURS = "quiet_hours"
    DIGEST = "digest_cadence"
    NO_RECIPIENTS = "no_recipients"


#: States whose alerts are (re)delivered by the next cycle.
UNDELIVERED = (AlertState.PENDING, AlertState.SENDING, AlertState.FAILED)
#: How long a ``sending`` record belongs to the worker that claimed it; after that its
#: sender is taken to have crashed and the alert is delivered again (same Message-ID).
SENDING_LEASE = timedelta(minutes=10)


def alert_id(storyline_id: str, article_id: str) -> str:
    """A deterministic id, so a retried or re-run cycle can never create the alert twice.

    ``article_id`` is the development key: the article that first reported the
    development (a repeat attaches to that alert instead of making its own).
    """
    return hashlib.sha256(f"{storyline_id}\0{article_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class AlsoReported:
    """A copy of the alert's article, published by another outlet."""

    article_id: str
    source: str
    title: str
    url: str
    seen_at: datetime


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
    ingested_at: str | None = None
    suppressed_reason: str | None = None
    repeat_of: str | None = None
    channels: tuple[str, ...] = ("email",)
    delivered: tuple[str, ...] = ()
    cadence: str = "immediate"
    novelty_score: float = 0.0
    reasons: tuple[str, ...] = ()
    whats_new: WhatsNew = field(default_factory=WhatsNew)
    also_reported_by: tuple[AlsoReported, ...] = ()
    period_start: datetime | None = None
    period_end: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    #: How the email presents the article: the feed's title, the topics' names, and the
    #: time zone its dates are shown in (kept in ``payload`` in Elasticsearch).
    source_title: str = ""
    topic_titles: tuple[str, ...] = ()
    timezone: str = "UTC"

    def to_document(self) -> dict[str, Any]:
        """The Elasticsearch source of the record."""
        doc = asdict(self)
        doc["payload"] = {**self.payload, "topics": list(self.topics)}
        for key in _PRESENTATION:
            doc["payload"][key] = doc.pop(key)
        doc["payload"]["topic_titles"] = list(self.topic_titles)
        del doc["topics"]
        doc["also_reported_by"] = [
            {**asdict(a), "seen_at": a.seen_at.isoformat()} for a in self.also_reported_by
        ]
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
        for key in ("created_at", "updated_at", "sent_at", "period_start", "period_end"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        for key in ("recipients", "highlights", "channels", "delivered", "reasons"):
            if key in values:
                values[key] = tuple(values.get(key) or ())
        payload = dict(values.get("payload") or {})
        values["topics"] = tuple(payload.pop("topics", ()))
        values["topic_titles"] = tuple(payload.pop("topic_titles", ()))
        values["source_title"] = payload.pop("source_title", "")
        values["timezone"] = payload.pop("timezone", "UTC")
        values["payload"] = payload
        values["state"] = AlertState(values["state"])
        values["whats_new"] = whats_new_from_document(values.get("whats_new") or {})
        values["also_reported_by"] = tuple(
            AlsoReported(**{**a, "seen_at": datetime.fromisoformat(a["seen_at"])})
            for a in values.get("also_reported_by") or ()
        )
        return cls(**values)


#: Record fields kept in ``payload`` (not indexed: they only serve rendering).
_PRESENTATION = ("source_title", "topic_titles", "timezone")


def whats_new_from_document(src: dict[str, Any]) -> WhatsNew:
    """Rebuild a :class:`WhatsNew` from its stored form."""

    def strings(key: str) -> tuple[str, ...]:
        return tuple(src.get(key) or ())

    return WhatsNew(
        people=strings("people"),
        organizations=strings("organizations"),
        facts=strings("facts"),
        quotes=tuple(QuoteItem(**q) for q in src.get("quotes") or ()),
        key_terms=strings("key_terms"),
        terms=strings("terms"),
        fact_sources=tuple(
            FactSource(
                f.get("sentence") or "",
                tuple(f.get("facts") or ()),
                f.get("speaker"),
                f.get("role"),
            )
            for f in src.get("fact_sources") or ()
        ),
    )


class AlertStore:
    """Creates alert records exactly once and moves them through their states."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names
        # (seq_no, primary_term) of the records undelivered() read, for claim().
        self._versions: dict[str, tuple[int, int]] = {}

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

    def undelivered(
        self,
        now: datetime,
        max_attempts: int | None = None,
        *,
        lease: timedelta = SENDING_LEASE,
        limit: int = 1000,
    ) -> list[AlertRecord]:
        """Alerts still to deliver, oldest first: new or failed ones, and ``sending`` ones
        whose sender has been silent longer than ``lease`` (it crashed mid-delivery).

        A ``sending`` record within its lease belongs to another worker and is left alone.
        Records that used up ``max_attempts`` are left out: they would otherwise fill the
        ``limit`` oldest-first and starve every newer alert. Versions are remembered so
        :meth:`claim` can take records only if unchanged.
        """
        stale = (now - lease).isoformat()
        spent = [] if max_attempts is None else [{"range": {"attempts": {"gte": max_attempts}}}]
        query = {
            "bool": {
                "must_not": spent,
                "should": [
                    {"terms": {"state": [str(AlertState.PENDING), str(AlertState.FAILED)]}},
                    {
                        "bool": {
                            "filter": [
                                {"term": {"state": str(AlertState.SENDING)}},
                                {"range": {"updated_at": {"lt": stale}}},
                            ]
                        }
                    },
                ],
                "minimum_should_match": 1,
            }
        }
        try:
            resp = self.es.search(
                index=self.names.alerts,
                query=query,
                sort=[{"created_at": "asc"}, {"id": "asc"}],
                size=limit,
                seq_no_primary_term=True,
            )
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "listing undelivered alerts") from exc
        records = []
        for hit in resp["hits"]["hits"]:
            self._versions[hit["_id"]] = (hit["_seq_no"], hit["_primary_term"])
            records.append(AlertRecord.from_document(hit["_source"]))
        return records

    def claim(self, records: Sequence[AlertRecord], now: datetime) -> list[AlertRecord]:
        """Mark ``records`` as being sent by this worker, each only if nobody changed it
        since :meth:`undelivered` read it; returns the ``sending`` copies this worker won.

        Two workers delivering at once (a scheduled cycle and a manual run, say) read the
        same pending alert; only one of the two conditional writes succeeds.
        """
        sending = [with_state(r, AlertState.SENDING, now, attempts=r.attempts + 1) for r in records]
        operations: list[dict[str, Any]] = []
        for record in sending:
            action: dict[str, Any] = {"_index": self.names.alerts, "_id": record.id}
            version = self._versions.get(record.id)
            if version is not None:
                action["if_seq_no"], action["if_primary_term"] = version
            operations.append({"update": action})
            operations.append({"doc": _delivery_fields(record)})
        if not operations:
            return []
        try:
            resp = self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "claiming alerts for delivery") from exc
        won = []
        for record, item in zip(sending, resp["items"], strict=True):
            status = item["update"].get("status")
            if status == 200:
                won.append(record)
            elif status != 409:  # 409: another worker claimed it first
                raise wrap_es_error(RuntimeError(item["update"].get("error")), "claiming alerts")
        return won

    def get(self, record_id: str) -> AlertRecord | None:
        """One alert record by id, or None."""
        resp = self.es.options(ignore_status=404).get(index=self.names.alerts, id=record_id)
        return AlertRecord.from_document(resp["_source"]) if resp.get("found") else None

    def latest(
        self,
        *,
        storyline_id: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        size: int = 50,
    ) -> list[AlertRecord]:
        """The newest alert records, optionally of one storyline, kind or state."""
        filters: list[dict[str, Any]] = []
        for key, value in (("storyline_id", storyline_id), ("kind", kind), ("state", state)):
            if value:
                filters.append({"term": {key: value}})
        return self.search(
            {"bool": {"filter": filters}}, size=size, sort=[{"created_at": "desc"}, {"id": "asc"}]
        )

    def search(
        self,
        query: dict[str, Any],
        *,
        size: int = 1000,
        sort: list[dict[str, Any]] | None = None,
    ) -> list[AlertRecord]:
        """Records matching an Elasticsearch ``query`` (oldest first unless ``sort``)."""
        try:
            resp = self.es.search(
                index=self.names.alerts,
                query=query,
                sort=sort or [{"created_at": "asc"}, {"id": "asc"}],
                size=size,
            )
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "searching alert records") from exc
        return [AlertRecord.from_document(h["_source"]) for h in resp["hits"]["hits"]]

    def in_period(
        self, start: datetime, end: datetime, kinds: Sequence[str], storyline_ids: Sequence[str]
    ) -> list[AlertRecord]:
        """Records of ``kinds`` created in [start, end) for the given storylines."""
        if not storyline_ids:
            return []
        return self.search(
            {
                "bool": {
                    "filter": [
                        {"terms": {"kind": list(kinds)}},
                        {"terms": {"storyline_id": list(storyline_ids)}},
                        {
                            "range": {
                                "created_at": {"gte": start.isoformat(), "lt": end.isoformat()}
                            }
                        },
                    ]
                }
            },
            size=10_000,
        )

    def count_immediate(self, storyline_id: str, since: datetime) -> int:
        """Developments of a storyline sent (or on their way) on their own since ``since``."""
        query = {
            "bool": {
                "filter": [
                    {"term": {"storyline_id": storyline_id}},
                    {"term": {"kind": "development"}},
                    {"terms": {"state": [str(s) for s in (*UNDELIVERED, AlertState.SENT)]}},
                    {"range": {"created_at": {"gte": since.isoformat()}}},
                ]
            }
        }
        try:
            return int(self.es.count(index=self.names.alerts, query=query)["count"])
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "counting recent alerts") from exc

    def attach_repeats(self, copies: dict[str, list[AlsoReported]]) -> None:
        """Add copies to the "also reported by" list of their alerts (each copy once)."""
        if not copies:
            return
        try:
            resp = self.es.mget(index=self.names.alerts, ids=list(copies))
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "loading alerts to attach repeats") from exc
        operations: list[dict[str, Any]] = []
        for doc in resp["docs"]:
            if not doc.get("found"):
                continue
            record = AlertRecord.from_document(doc["_source"])
            known = {a.article_id for a in record.also_reported_by}
            added = [c for c in copies[doc["_id"]] if c.article_id not in known]
            if not added:
                continue
            merged = replace(record, also_reported_by=(*record.also_reported_by, *added))
            operations.append(
                {
                    "update": {
                        "_index": self.names.alerts,
                        "_id": doc["_id"],
                        "if_seq_no": doc["_seq_no"],
                        "if_primary_term": doc["_primary_term"],
                    }
                }
            )
            operations.append(
                {"doc": {"also_reported_by": merged.to_document()["also_reported_by"]}}
            )
        bulk_write(self.es, operations, "attaching repeats to alerts")

    def save(self, records: Sequence[AlertRecord]) -> None:
        """Write the records' delivery state (a partial update: repeats attached meanwhile
        by another worker are kept)."""
        operations: list[dict[str, Any]] = []
        for record in records:
            operations.append({"update": {"_index": self.names.alerts, "_id": record.id}})
            operations.append({"doc": _delivery_fields(record)})
        bulk_write(self.es, operations, "saving alert states")


#: The fields delivery changes; everything else of a record is written once, at creation.
DELIVERY_FIELDS = (
    "state",
    "updated_at",
    "sent_at",
    "message_id",
    "attempts",
    "last_error",
    "delivered",
    "suppressed_reason",
)


def _delivery_fields(record: AlertRecord) -> dict[str, Any]:
    doc = record.to_document()
    return {name: doc[name] for name in DELIVERY_FIELDS}


def with_state(
    record: AlertRecord, state: AlertState, now: datetime, **changes: Any
) -> AlertRecord:
    """A copy of ``record`` in ``state`` as of ``now``."""
    return replace(record, state=state, updated_at=now, **changes)
