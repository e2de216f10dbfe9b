"""Alerting as two calls per cycle: judge the new matches, then deliver what is undelivered."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from elasticsearch import Elasticsearch
from jinja2 import Environment, TemplateError

from storywatch.index.store import ArticleStore

from .email import message_id, render_message
from .errors import DeliveryError
from .judging import BatchOutcome, judge_batch
from .matching import MSEARCH_MAX_BYTES, match_storylines
from .memory import MemoryStore
from .notifiers import Notifier
from .policy import apply_policy
from .records import AlertRecord, AlertState, AlertStore, Suppression, with_state
from .settings import AlertSettings
from .storylines import Storyline
from .webhook import WebhookNotifier

log = logging.getLogger(__name__)


@dataclass(slots=True)
class AlertingReport:
    """What one matching pass did."""

    articles: int = 0
    matches: int = 0
    developments: int = 0
    minor: int = 0
    repeats: int = 0
    held: int = 0
    created: int = 0
    batches: int = 0
    search_requests: int = 0
    errors: dict[str, str] = field(default_factory=dict)


#: Unmatched articles judged per batch (Elasticsearch returns at most 10,000 per page).
BATCH_SIZE = 10_000
#: Batches per pass; a larger backlog is left to the next cycle, oldest first.
MAX_BATCHES = 10


def run_alerting(
    es: Elasticsearch,
    articles: ArticleStore,
    alerts: AlertStore,
    memories: MemoryStore,
    storylines: Sequence[Storyline],
    now: datetime,
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    max_search_bytes: int = MSEARCH_MAX_BYTES,
) -> AlertingReport:
    """Match the articles not matched yet, batch after batch (oldest first), judge each
    match and record the verdicts.

    A backlog larger than ``max_batches`` batches is worked off over several passes: each
    batch is marked matched before the next is read, so no article waits forever. The
    pass stops early if a batch could not be marked (the same ids come back), rather
    than judging them again in a loop.
    """
    report = AlertingReport()
    previous: list[str] = []
    while report.batches < max_batches:
        ids = articles.unmatched_ids(batch_size)
        if not ids or ids == previous:
            break
        _run_batch(es, articles, alerts, memories, storylines, now, ids, report, max_search_bytes)
        previous = ids
        if len(ids) < batch_size:
            break
    if report.batches:
        log.info(
            "matched %d article(s) in %d batch(es), %d _msearch request(s)",
            report.articles,
            report.batches,
            report.search_requests,
        )
    return report


def _run_batch(
    es: Elasticsearch,
    articles: ArticleStore,
    alerts: AlertStore,
    memories: MemoryStore,
    storylines: Sequence[Storyline],
    now: datetime,
    ids: list[str],
    report: AlertingReport,
    max_search_bytes: int,
) -> None:
    """Match, judge and record one batch of unmatched articles.

    Writes go in this order: alert records (create-only, deterministic ids), repeats
    attached to their alerts, storyline memories, and last the articles' ``matched_at``.
    A crash anywhere leaves the articles unmatched, and the next run judges them again
    against the same memory, reaching the same ids: nothing is created or sent twice.
    """
    report.batches += 1
    report.articles += len(ids)
    result = match_storylines(
        es, articles.names.articles, storylines, ids, max_bytes=max_search_bytes
    )
    report.search_requests += result.requests
    report.errors.update(result.errors)
    report.matches += len(result.matches)
    by_id = {s.id: s for s in storylines}
    stored = articles.get_articles(sorted({m.article_id for m in result.matches}))
    loaded = memories.load(sorted({m.storyline_id for m in result.matches}))
    outcome = judge_batch(
        result.matches, stored, by_id, {k: v.memory for k, v in loaded.items()}, ids, now
    )
    records = apply_policy(outcome.records, by_id, now, alerts.count_immediate)
    report.created += len(alerts.create(records))
    alerts.attach_repeats(outcome.repeats)
    memories.save({sid: (loaded[sid], memory) for sid, memory in outcome.memories.items()}, now)
    articles.mark_matched(ids, outcome.matched, now, outcome.developments)
    _count(report, outcome, records)


def _count(report: AlertingReport, outcome: BatchOutcome, records: Sequence[AlertRecord]) -> None:
    for verdict in outcome.verdicts:
        log.info(
            "%s for storyline %s: %s (%s)",
            verdict.decision.kind,
            verdict.match.storyline_id,
            verdict.match.url,
            "; ".join(verdict.decision.reasons),
        )
    report.developments += sum(r.kind == "development" for r in records)
    report.minor += sum(r.kind == "minor" for r in records)
    report.repeats += sum(r.kind == "repeat" for r in records)
    report.held += sum(
        r.kind == "development" and r.state is AlertState.SUPPRESSED for r in records
    )


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    emails: int = 0


class DeliveryStore(Protocol):
    """Where delivery finds undelivered records, claims them, and writes their states."""

    def undelivered(self, now: datetime, max_attempts: int) -> list[AlertRecord]:
        """Records to (re)deliver, leaving out those that used up ``max_attempts``."""
        ...

    def claim(self, records: Sequence[AlertRecord], now: datetime) -> list[AlertRecord]:
        """Mark records ``sending`` if no other worker did first; returns those won."""
        ...

    def save(self, records: Sequence[AlertRecord]) -> None:
        """Write the records' delivery states."""
        ...


def _needs(record: AlertRecord, channel: str) -> bool:
    if channel in record.delivered:
        return False
    return bool(record.recipients) if channel == "email" else True


def deliver_pending(
    store: DeliveryStore,
    notifier: Notifier,
    settings: AlertSettings,
    env: Environment,
    now: datetime,
    webhooks: Mapping[str, WebhookNotifier] | None = None,
) -> DeliveryReport:
    """Send every undelivered alert once on each of its channels; record the outcome.

    Each record is claimed (written as ``sending``, attempt counted, only if no other
    worker changed it since it was read) before any channel is used, and written as
    ``sent`` after: two workers delivering at once never both send an alert. A crash
    between a server accepting the message and the ``sent`` write leaves ``sending``;
    once that claim's lease has run out the next pass sends again with the same
    Message-ID (mail clients collapse it) and the same ``X-Storywatch-Delivery`` webhook
    header. That window is one SMTP round trip wide; channels already done are
    remembered in ``delivered`` and never repeated by a retry.
    """
    webhooks = webhooks or {}
    report = DeliveryReport()
    candidates: list[AlertRecord] = []
    for record in store.undelivered(now, settings.max_attempts):
        if record.attempts >= settings.max_attempts:
            report.skipped[record.id] = f"gave up after {record.attempts} attempts"
        elif not any(_needs(record, c) for c in record.channels):
            reason = str(Suppression.NO_RECIPIENTS)
            store.save([with_state(record, AlertState.SUPPRESSED, now, suppressed_reason=reason)])
            report.skipped[record.id] = "no recipients"
        else:
            candidates.append(record)
    due = store.claim(candidates, now) if candidates else []
    if not due:
        return report
    errors: dict[str, list[str]] = {r.id: [] for r in due}
    permanent: set[str] = set()
    done: dict[str, list[str]] = {r.id: list(r.delivered) for r in due}
    mailed: list[AlertRecord] = []
    messages: list[EmailMessage] = []
    for record in (r for r in due if "email" in r.channels and _needs(r, "email")):
        try:
            messages.append(render_message(record, settings, env))
        except (TemplateError, TypeError, ValueError) as exc:
            # One record a (user) template cannot render must not leave the whole claimed
            # batch in "sending": it fails on its own, with the reason, and can be resent.
            reason = f"cannot render the email: {type(exc).__name__}: {exc}"
            _note(record, "email", DeliveryError(reason, transient=False), done, errors, permanent)
            continue
        mailed.append(record)
    outcomes = notifier.send(messages)
    for record, error in zip(mailed, outcomes, strict=True):
        _note(record, "email", error, done, errors, permanent)
    report.emails = sum(error is None for error in outcomes)
    for record in due:
        for channel in record.channels:
            if channel.startswith("webhook:") and _needs(record, channel):
                hook = webhooks.get(channel.removeprefix("webhook:"))
                error = (
                    hook.send(record)
                    if hook
                    else DeliveryError(f"{channel} is not configured", transient=False)
                )
                _note(record, channel, error, done, errors, permanent)
    store.save(
        [
            _finish(r, done[r.id], errors[r.id], r.id in permanent, settings, now, report)
            for r in due
        ]
    )
    return report


def _note(
    record: AlertRecord,
    channel: str,
    error: DeliveryError | None,
    done: dict[str, list[str]],
    errors: dict[str, list[str]],
    permanent: set[str],
) -> None:
    if error is None:
        done[record.id].append(channel)
        return
    errors[record.id].append(f"{channel}: {error}")
    if not error.transient:
        permanent.add(record.id)


def _finish(
    record: AlertRecord,
    delivered: list[str],
    errors: list[str],
    permanent: bool,
    settings: AlertSettings,
    now: datetime,
    report: DeliveryReport,
) -> AlertRecord:
    if not errors:
        report.sent.append(record.id)
        log.info("alert %s sent for storyline %s", record.id, record.storyline_id)
        mid = message_id(record, settings.message_id_domain)
        return with_state(
            record,
            AlertState.SENT,
            now,
            sent_at=now,
            message_id=mid,
            last_error=None,
            delivered=tuple(delivered),
        )
    message = "; ".join(errors)
    report.failed[record.id] = message
    log.warning("alert %s for storyline %s not sent: %s", record.id, record.storyline_id, message)
    attempts = settings.max_attempts if permanent else record.attempts
    return with_state(
        record,
        AlertState.FAILED,
        now,
        last_error=message,
        attempts=attempts,
        delivered=tuple(delivered),
    )
