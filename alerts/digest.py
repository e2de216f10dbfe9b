"""Digests: per recipient, a period's developments and minor items grouped by storyline,
with the repeats suppressed and the feeds that were failing. Pure; ``flows/digest.py``
reads the records and sends the result.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from storywatch.index.feedstate import FeedState

from .records import AlertRecord, AlertState
from .storylines import Storyline

Cadence = Literal["hourly", "daily"]
PERIODS: dict[str, timedelta] = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class FailingFeed:
    """A feed that failed during the period, and its last error."""

    feed_id: str
    error: str


def failing_feeds(
    states: Iterable[FeedState], intervals: Mapping[str, timedelta], start: datetime
) -> list[FailingFeed]:
    """Monitored feeds failing now, or without a success since ``start`` allowing one poll
    interval (a feed polled daily is not failing in an hourly digest).

    ``intervals`` maps each feed id of feeds.yaml to its poll interval; states of feeds
    no longer configured are ignored.
    """
    failing = []
    for state in states:
        interval = intervals.get(state.feed_id)
        if interval is None:
            continue  # removed from feeds.yaml: no longer monitored
        stale = state.last_success is None or state.last_success < start - interval
        if state.consecutive_failures > 0 or stale:
            error = state.last_error or f"no successful poll since {state.last_success or 'ever'}"
            failing.append(FailingFeed(state.feed_id, error))
    return sorted(failing, key=lambda f: f.feed_id)


def last_period(cadence: Cadence, now: datetime) -> tuple[datetime, datetime]:
    """The last complete period before ``now`` (UTC hours or days; a naive ``now`` is UTC).

    Cut in UTC whatever zone ``now`` is in, so the period (and the digest id made from
    its start) is the same for every caller.
    """
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    if cadence == "hourly":
        end = now.replace(minute=0, second=0, microsecond=0)
    else:
        end = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return end - PERIODS[cadence], end


def digest_storylines(storylines: Sequence[Storyline], cadence: Cadence) -> list[Storyline]:
    """Storylines a digest of ``cadence`` covers: its own, plus immediate ones daily."""
    wanted = {cadence} | ({"immediate"} if cadence == "daily" else set())
    return [s for s in storylines if s.cadence in wanted]


def digest_id(cadence: str, recipient: str, start: datetime) -> str:
    """Deterministic: one digest per (cadence, recipient, period), however often it runs."""
    key = f"digest\0{cadence}\0{recipient.casefold()}\0{start.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _item(record: AlertRecord) -> dict[str, Any]:
    new = record.whats_new
    parts = [*new.people, *new.facts, *new.organizations]
    held = record.suppressed_reason if record.state is AlertState.SUPPRESSED else None
    return {
        "alert_id": record.id,
        "title": record.title,
        "url": record.article_url,
        "source": record.source_title or record.source,
        "whats_new": "; ".join(parts),
        "held": held if record.kind == "development" else None,
        "also": len(record.also_reported_by),
    }


def build_digests(
    records: Sequence[AlertRecord],
    storylines: Sequence[Storyline],
    cadence: Cadence,
    start: datetime,
    end: datetime,
    failing: Sequence[FailingFeed],
    now: datetime,
) -> list[AlertRecord]:
    """One pending digest record per recipient of the covered storylines.

    A recipient gets a digest even when nothing happened, if feeds were failing: silence
    must not be mistaken for a quiet world.
    """
    covered = {s.id: s for s in digest_storylines(storylines, cadence)}
    by_storyline: dict[str, list[AlertRecord]] = defaultdict(list)
    for record in records:
        if record.storyline_id in covered:
            by_storyline[record.storyline_id].append(record)
    # Keyed like digest_id: two spellings of one address get one digest, not two records
    # with one id of which only the first would be created.
    recipients: dict[str, list[str]] = defaultdict(list)
    spelling: dict[str, str] = {}
    for storyline in covered.values():
        for address in storyline.recipients:
            key = str(address).casefold()
            spelling.setdefault(key, str(address))
            if storyline.id not in recipients[key]:
                recipients[key].append(storyline.id)
    digests = []
    for key, storyline_ids in sorted(recipients.items()):
        recipient = spelling[key]
        groups = _groups(storyline_ids, covered, by_storyline)
        if not groups and not failing:
            continue
        developments = sum(len(g["developments"]) for g in groups)
        title = (
            f"[Storywatch {cadence} digest] {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC: "
            f"{developments} development(s)"
        )
        digests.append(
            AlertRecord(
                id=digest_id(cadence, recipient, start),
                storyline_id=f"digest-{cadence}",
                storyline_title=f"Storywatch {cadence} digest",
                article_id="",
                article_url="",
                title=title,
                source="",
                published=None,
                kind="digest",
                state=AlertState.PENDING,
                recipients=(recipient,),
                created_at=now,
                updated_at=now,
                cadence=cadence,
                period_start=start,
                period_end=end,
                payload={
                    "groups": groups,
                    "failing_feeds": [{"feed_id": f.feed_id, "error": f.error} for f in failing],
                },
            )
        )
    return digests


def _groups(
    storyline_ids: Sequence[str],
    covered: Mapping[str, Storyline],
    by_storyline: Mapping[str, Sequence[AlertRecord]],
) -> list[dict[str, Any]]:
    groups = []
    for sid in storyline_ids:
        items = by_storyline.get(sid, ())
        developments = [_item(r) for r in items if r.kind == "development"]
        minor = [_item(r) for r in items if r.kind == "minor"]
        repeats = sum(r.kind == "repeat" for r in items)
        if developments or minor or repeats:
            groups.append(
                {
                    "storyline_id": sid,
                    "title": covered[sid].title,
                    "developments": developments,
                    "minor": minor,
                    "repeats": repeats,
                }
            )
    return groups
