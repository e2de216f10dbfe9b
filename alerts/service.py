"""Alerting as one call per batch: record new matches, then deliver what is undelivered."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from jinja2 import Environment

from .email import message_id, render_email
from .matching import Match
from .notifiers import Notifier
from .records import AlertRecord, AlertState, AlertStore, alert_id, with_state
from .settings import AlertSettings
from .storylines import Storyline

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def build_records(
    matches: Sequence[Match],
    storylines: Mapping[str, Storyline],
    now: datetime,
) -> list[AlertRecord]:
    """One pending alert record per match."""
    records = []
    for match in matches:
        storyline = storylines[match.storyline_id]
        records.append(
            AlertRecord(
                id=alert_id(match.storyline_id, match.article_id),
                storyline_id=storyline.id,
                storyline_title=storyline.title,
                article_id=match.article_id,
                article_url=match.url,
                title=match.title,
                source=match.source,
                published=match.published,
                kind="development",
                state=AlertState.PENDING,
                recipients=tuple(storyline.recipients),
                created_at=now,
                updated_at=now,
                score=match.score,
                highlights=match.highlights,
                topics=match.topics,
            )
        )
    return records


def deliver_pending(
    store: AlertStore,
    notifier: Notifier,
    settings: AlertSettings,
    env: Environment,
    now: datetime,
) -> DeliveryReport:
    """Send every undelivered alert once; record sent or failed with the reason.

    The record is written as ``sending`` (attempt counted) before the SMTP call and as
    ``sent`` after it. A crash between the server accepting a message and the ``sent``
    write leaves ``sending``: the next pass sends again with the same Message-ID, which
    mail clients collapse. That window is one SMTP round trip wide.
    """
    report = DeliveryReport()
    due: list[AlertRecord] = []
    for record in store.undelivered():
        if record.attempts >= settings.max_attempts:
            report.skipped[record.id] = f"gave up after {record.attempts} attempts"
        elif not record.recipients:
            store.save([with_state(record, AlertState.SUPPRESSED, now, last_error="no recipients")])
            report.skipped[record.id] = "no recipients"
        else:
            due.append(with_state(record, AlertState.SENDING, now, attempts=record.attempts + 1))
    if not due:
        return report
    store.save(due)
    messages = [render_email(record, settings, env) for record in due]
    outcomes = notifier.send(messages)
    finished: list[AlertRecord] = []
    for record, error in zip(due, outcomes, strict=True):
        if error is None:
            mid = message_id(record, settings.message_id_domain)
            finished.append(
                with_state(
                    record, AlertState.SENT, now, sent_at=now, message_id=mid, last_error=None
                )
            )
            report.sent.append(record.id)
            log.info(
                "alert %s sent for storyline %s: %s",
                record.id,
                record.storyline_id,
                record.article_url,
            )
        else:
            attempts = record.attempts if error.transient else settings.max_attempts
            finished.append(
                with_state(record, AlertState.FAILED, now, last_error=str(error), attempts=attempts)
            )
            report.failed[record.id] = str(error)
            log.warning(
                "alert %s for storyline %s not sent: %s", record.id, record.storyline_id, error
            )
    store.save(finished)
    return report
