"""When a development is sent on its own: cadence, quiet hours and throttling. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from .records import AlertRecord, AlertState, Suppression
from .storylines import QuietHours, Storyline

#: ``recent(storyline_id, since)``: immediate alerts of a storyline created since ``since``.
RecentCount = Callable[[str, datetime], int]


def in_quiet_hours(quiet: QuietHours, now: datetime) -> bool:
    """True when ``now`` falls in the daily quiet window (which may span midnight)."""
    local = now.astimezone(ZoneInfo(quiet.timezone)).time().replace(tzinfo=None)
    if quiet.start <= quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def hold_reason(
    storyline: Storyline, now: datetime, recent: RecentCount, batch_count: int
) -> Suppression | None:
    """Why a development of ``storyline`` waits for the digest now, or None to send it."""
    if storyline.cadence != "immediate":
        return Suppression.DIGEST
    if storyline.quiet_hours is not None and in_quiet_hours(storyline.quiet_hours, now):
        return Suppression.QUIET_HOURS
    if storyline.throttle is not None:
        sent = recent(storyline.id, now - storyline.throttle.window) + batch_count
        if sent >= storyline.throttle.max_alerts:
            return Suppression.THROTTLED
    return None


def apply_policy(
    records: Sequence[AlertRecord],
    storylines: Mapping[str, Storyline],
    now: datetime,
    recent: RecentCount,
) -> list[AlertRecord]:
    """The records with developments held back (suppressed, for the digest) where the
    storyline's cadence, quiet hours or throttle say so."""
    in_batch: Counter[str] = Counter()
    out = []
    for record in records:
        if record.kind == "development" and record.state is AlertState.PENDING:
            storyline = storylines[record.storyline_id]
            reason = hold_reason(storyline, now, recent, in_batch[storyline.id])
            if reason is None:
                in_batch[storyline.id] += 1
            else:
                record = replace(record, state=AlertState.SUPPRESSED, suppressed_reason=str(reason))
        out.append(record)
    return out
