"""The digest flow: per recipient, the last hour's or day's developments in one email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from storywatch.alerts.digest import (
    Cadence,
    build_digests,
    digest_storylines,
    failing_feeds,
    last_period,
)
from storywatch.alerts.service import deliver_pending

from .runtime import Config, Runtime

#: How long after a period ends its digest is built (see :func:`digest`).
DIGEST_GRACE = timedelta(minutes=10)


@task(name="build-digests", cache_policy=NO_CACHE)
def create_digests(rt: Runtime, cadence: Cadence, now: datetime, at: datetime) -> int:
    """Create the digest records of the last complete period before ``at`` (once per
    recipient and period)."""
    start, end = last_period(cadence, at)
    ids = [s.id for s in digest_storylines(rt.config.storylines, cadence)]
    records = rt.alerts.in_period(start, end, ("development", "minor", "repeat"), ids)
    digests = build_digests(
        records,
        rt.config.storylines,
        cadence,
        start,
        end,
        failing_feeds(
            rt.feed_states.all(), {f.id: f.interval for f in rt.config.configured_feeds}, start
        ),
        now,
    )
    created = rt.alerts.create(digests)
    get_run_logger().info(
        "%s digest %s to %s: %d record(s), %d new digest(s)",
        cadence,
        start,
        end,
        len(records),
        len(created),
    )
    return len(created)


@flow(name="storywatch-digest", log_prints=True)
def digest(
    config_dir: str = "config", cadence: Cadence = "daily", at: datetime | None = None
) -> tuple[int, int]:
    """Build the digests of the last complete period before ``at`` and send them; returns
    created, sent. Each (cadence, recipient, period) is sent once however often this runs.

    Without ``at``, the period must have ended :data:`DIGEST_GRACE` ago: alert records
    are written a moment after the time they carry, and a digest built in between would
    miss them for good (it is created once per period).
    """
    rt = Runtime.build(Config.load(Path(config_dir)))
    try:
        now = datetime.now(UTC)
        created = create_digests(rt, cadence, now, at or now - DIGEST_GRACE)
        report = deliver_pending(
            rt.alerts, rt.notifier, rt.alert, rt.templates, now, webhooks=rt.webhooks
        )
        return created, len(report.sent)
    finally:
        rt.close()
