"""Digest periods and recipients (pure, no services)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storywatch.alerts.digest import build_digests, failing_feeds, last_period
from storywatch.alerts.judging import build_record
from storywatch.alerts.matching import Match
from storywatch.alerts.novelty import Decision, Kind
from storywatch.alerts.storylines import Storyline
from storywatch.index.documents import StoredArticle
from storywatch.index.feedstate import FeedState

NOW = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


def test_periods_are_cut_in_utc_whatever_the_zone_of_now() -> None:
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))  # 01:30 local, 00:30 UTC
    expected = (datetime(2026, 11, 29, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    assert last_period("daily", berlin) == expected
    assert last_period("daily", NOW) == expected
    assert last_period("daily", NOW.replace(tzinfo=None)) == expected
    # The digest id is made from the start: it must not depend on the caller's zone.
    assert last_period("daily", berlin)[0].isoformat() == expected[0].isoformat()


def test_two_spellings_of_one_address_get_one_digest_with_both_storylines() -> None:
    stories = [
        Storyline(id="s1", title="S1", query="x", cadence="daily", recipients=("Ana@example.org",)),
        Storyline(id="s2", title="S2", query="x", cadence="daily", recipients=("ana@example.org",)),
    ]
    article = StoredArticle("art-1", "http://x/1", "wire", "Title", "Body")
    records = [
        build_record(
            Match(s.id, "art-1", 1.0, "Title", "http://x/1", "wire", None, ()),
            article,
            s,
            Decision(Kind.DEVELOPMENT, 5.0),
            NOW,
        )
        for s in stories
    ]
    start, end = last_period("daily", NOW)
    (digest,) = build_digests(records, stories, "daily", start, end, [], NOW)
    assert [g["storyline_id"] for g in digest.payload["groups"]] == ["s1", "s2"]


def test_failing_feeds_are_the_monitored_ones_failing_or_silent_too_long() -> None:
    start = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
    states = [
        FeedState("ok", "u", last_success=start + timedelta(hours=3)),
        FeedState(
            "erroring", "u", last_success=start, consecutive_failures=2, last_error="HTTP 503"
        ),
        FeedState("daily", "u", last_success=start - timedelta(hours=20)),  # polled once a day
        FeedState("silent", "u", last_success=start - timedelta(hours=2)),
        FeedState("never", "u"),
        FeedState("removed", "u", consecutive_failures=9, last_error="gone"),
    ]
    intervals = {
        "ok": timedelta(minutes=15),
        "erroring": timedelta(minutes=15),
        "daily": timedelta(days=1),
        "silent": timedelta(minutes=15),
        "never": timedelta(minutes=15),
    }
    found = {f.feed_id: f.error for f in failing_feeds(states, intervals, start)}
    assert set(found) == {"erroring", "silent", "never"}
    assert found["erroring"] == "HTTP 503" and found["never"] == "no successful poll since ever"
