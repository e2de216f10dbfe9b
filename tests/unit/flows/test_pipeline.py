from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storywatch.flows import pipeline
from storywatch.flows.fetch import Fetched
from storywatch.flows.pipeline import (
    CycleReport,
    FeedPoll,
    in_partition,
    next_state,
    split_due,
    unique_entries,
)
from storywatch.flows.sources import Feed
from storywatch.index.feedstate import FeedState
from storywatch.parsers.enrich import Knowledge
from storywatch.parsers.models import Article, FeedEntry

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FEED = Feed(id="wire", url="https://wire.example/rss", poll_interval="10m")
MAX = timedelta(hours=6)


def test_summary_line_format() -> None:
    report = CycleReport(feeds=3, articles=10, indexed=9, alerts=4, emails=4)
    assert report.summary("storywatch demo") == (
        "storywatch demo: feeds=3 articles=10 indexed=9 alerts=4 emails=4"
    )


def test_feeds_backing_off_are_deferred() -> None:
    other = Feed(id="other", url="https://other.example/rss")
    states = {"wire": FeedState("wire", FEED.url, next_poll_after=NOW + timedelta(minutes=1))}
    due, deferred = split_due([FEED, other], states, NOW)
    assert due == [other] and deferred == [FEED]


def test_success_keeps_validators_and_resets_failures() -> None:
    fetched = Fetched(FEED.url, 200, b"<rss/>", etag='"abc"', last_modified="Sun, 29 Nov 2026")
    entry = FeedEntry("wire", "https://wire.example/a", "A")
    previous = FeedState("wire", FEED.url, consecutive_failures=3)
    state = next_state(FeedPoll(FEED, fetched, (entry,), ()), previous, NOW, MAX)
    assert state.etag == '"abc"' and state.consecutive_failures == 0
    assert state.next_poll_after == NOW + timedelta(minutes=10)
    assert state.last_success == NOW


def test_not_modified_keeps_previous_validators() -> None:
    previous = FeedState("wire", FEED.url, etag='"old"', last_modified="x")
    state = next_state(FeedPoll(FEED, Fetched(FEED.url, 304), (), ()), previous, NOW, MAX)
    assert state.etag == '"old"' and state.last_modified == "x"
    assert state.consecutive_failures == 0


def test_failures_back_off_exponentially_up_to_the_ceiling() -> None:
    failed = FeedPoll(
        FEED, Fetched(FEED.url, 503, error="HTTP 503", transient=True), (), ("HTTP 503",)
    )
    state = None
    pauses = []
    for _ in range(8):
        state = next_state(failed, state, NOW, MAX)
        assert state.next_poll_after is not None
        pauses.append(state.next_poll_after - NOW)
    assert pauses[:3] == [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]
    assert pauses[-1] == MAX
    assert state is not None and state.consecutive_failures == 8 and state.last_error == "HTTP 503"


def test_retry_after_is_honoured() -> None:
    fetched = Fetched(FEED.url, 429, error="HTTP 429", transient=True, retry_after=3600)
    state = next_state(FeedPoll(FEED, fetched, (), ("HTTP 429",)), None, NOW, MAX)
    assert state.next_poll_after == NOW + timedelta(hours=1)


def test_a_feed_parsed_to_nothing_but_problems_counts_as_failure() -> None:
    poll = FeedPoll(FEED, Fetched(FEED.url, 200, b"<html>"), (), ("not an RSS or Atom feed",))
    assert next_state(poll, None, NOW, MAX).consecutive_failures == 1


def test_an_article_listed_by_two_feeds_is_taken_once() -> None:
    a = FeedEntry("wire", "https://x.example/story?utm_source=wire", "A")
    b = FeedEntry("other", "https://x.example/story", "A again")
    c = FeedEntry("other", "https://x.example/else", "C")
    polls = [
        FeedPoll(FEED, Fetched("", 200), (a,), ()),
        FeedPoll(FEED, Fetched("", 200), (b, c), ()),
    ]
    assert unique_entries(polls) == [a, c]


def test_partitions_split_feeds_without_overlap_or_gaps() -> None:
    ids = [f"feed-{n}" for n in range(300)]
    shares = [[i for i in ids if in_partition(i, f"{k}/3")] for k in range(3)]
    assert sorted(i for share in shares for i in share) == sorted(ids)  # each feed once
    assert all(60 < len(share) < 140 for share in shares)  # and roughly even
    assert all(in_partition(i, None) for i in ids)
    # Stable: the same feed lands in the same share every time.
    assert [i for i in ids if in_partition(i, "1/3")] == shares[1]


def test_validators_of_a_feed_s_old_url_are_never_kept_for_its_new_url() -> None:
    previous = FeedState("wire", "https://old.example/rss", etag='"old"', last_modified="x")
    failed = FeedPoll(FEED, Fetched(FEED.url, 503, error="HTTP 503", transient=True), (), ())
    entry = FeedEntry("wire", "https://wire.example/a", "A")
    partial = FeedPoll(FEED, Fetched(FEED.url, 200, b"<rss/>", etag='"new"'), (entry,), ())
    for state in (
        next_state(failed, previous, NOW, MAX),
        next_state(partial, previous, NOW, MAX, complete=False),
    ):
        assert state.url == FEED.url and state.etag is None and state.last_modified is None


def _knowledge() -> Knowledge:
    return Knowledge.from_config_dir(Path(__file__).resolve().parents[3] / "config")


def test_a_lost_body_becomes_a_dead_letter_with_both_lengths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page we skip where the second extractor found a body is kept, never silently skipped."""
    reason = "body-lost: ours 31 characters, trafilatura 2480 characters (non-article: index page)"

    def give_up(html: bytes | str, url: str) -> Article:
        return Article(url=url, paragraphs=("Menu Home News Sport Weather ok",), skip_reason=reason)

    monkeypatch.setattr(pipeline, "extract_article", give_up)
    entry = FeedEntry("wire", "https://wire.example/lost", "Lost")
    page = Fetched(entry.url, 200, b"<html><body>x</body></html>", content_type="text/html")
    outcome = pipeline.parse_pages([entry], [page], _knowledge(), NOW)
    assert outcome.articles == [] and outcome.skipped == []
    (letter,) = outcome.dead
    assert (letter.stage, letter.ref, letter.error_type) == ("parse", entry.url, "BodyLost")
    assert letter.reason == reason and letter.feed_id == "wire"
    assert letter.payload == {"body_chars": 31, "second_opinion_chars": 2480}


def test_an_ordinary_skip_stays_a_skip() -> None:
    entry = FeedEntry("wire", "https://wire.example/empty", "Empty")
    html = b"<html><body><p>Hi.</p></body></html>"
    page = Fetched(entry.url, 200, html, content_type="text/html")
    outcome = pipeline.parse_pages([entry], [page], _knowledge(), NOW)
    assert outcome.dead == [] and outcome.skipped[0][1].startswith("no-main-text")
