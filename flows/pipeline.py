"""One ingest cycle as plain functions: poll, parse, index, match, alert.

Nothing here knows Prefect; ``flows/ingest.py`` wraps these steps in tasks. Each step
takes batches and returns typed results, and reports failures per feed or per page
instead of raising, so one broken source never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from storywatch.index.deadletter import DeadLetter
from storywatch.index.documents import IngestedArticle, article_id
from storywatch.index.feedstate import FeedState
from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.feeds import parse_feed
from storywatch.parsers.models import FeedEntry
from storywatch.parsers.second_opinion import lost_body_lengths
from storywatch.parsers.text import parse_text

from .fetch import Fetched, Request, fetch_sync
from .settings import FetchSettings
from .sources import Feed

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CycleReport:
    """Counts of one ingest cycle; ``summary`` is what the CLI prints last."""

    feeds: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    feeds_deferred: int = 0
    entries: int = 0
    new_entries: int = 0
    articles: int = 0
    skipped: int = 0
    indexed: int = 0
    already_indexed: int = 0
    index_failed: int = 0
    matches: int = 0
    alerts: int = 0
    emails: int = 0
    alerts_failed: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self, prefix: str = "storywatch run") -> str:
        """The one-line summary: feeds, articles, indexed, alerts, emails."""
        return (
            f"{prefix}: feeds={self.feeds} articles={self.articles} indexed={self.indexed} "
            f"alerts={self.alerts} emails={self.emails}"
        )


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """A feed, what its poll returned, and the entries parsed from it."""

    feed: Feed
    fetched: Fetched
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...]


def in_partition(feed_id: str, partition: str | None) -> bool:
    """Whether this worker polls ``feed_id``, given its ``I/N`` share (None: every feed).

    The hash is stable across processes and machines (unlike ``hash()``), so each feed
    belongs to exactly one of the N workers.
    """
    if partition is None:
        return True
    share, count = (int(part) for part in partition.split("/"))
    if not 0 <= share < count:
        raise ValueError(f"partition {partition!r}: I must be in 0..N-1")
    digest = hashlib.blake2b(feed_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count == share


def split_due(
    feeds: Sequence[Feed], states: dict[str, FeedState], now: datetime, *, force: bool = False
) -> tuple[list[Feed], list[Feed]]:
    """Feeds to poll now, and feeds not due yet (poll interval or failure backoff).

    ``force`` polls every feed regardless, as a person asking for a refresh expects.
    """
    due, deferred = [], []
    for feed in feeds:
        state = states.get(feed.id)
        if not force and state and state.next_poll_after and state.next_poll_after > now:
            deferred.append(feed)
        else:
            due.append(feed)
    return due, deferred


def poll_feeds(
    feeds: Sequence[Feed], states: dict[str, FeedState], settings: FetchSettings
) -> list[FeedPoll]:
    """Conditional GET of every feed, then parse those that changed."""
    requests = []
    for feed in feeds:
        state = states.get(feed.id)
        same_url = state is not None and state.url == feed.url
        requests.append(
            Request(
                feed.url,
                etag=state.etag if same_url and state else None,
                last_modified=state.last_modified if same_url and state else None,
            )
        )
    polls = []
    for feed, fetched in zip(
        feeds, fetch_sync(requests, settings, max_bytes=settings.max_feed_bytes), strict=True
    ):
        if not fetched.ok:
            if fetched.error:
                log.warning("feed %s (%s) failed: %s", feed.id, feed.url, fetched.error)
            polls.append(FeedPoll(feed, fetched, (), (fetched.error,) if fetched.error else ()))
            continue
        parsed = parse_feed(
            fetched.content, feed.id, fetched.final_url or feed.url, fetched.content_type
        )
        for problem in parsed.problems:
            log.warning("feed %s (%s): %s", feed.id, feed.url, problem)
        # Alerts show the feed's title as the source, not its id.
        title = feed.title or parsed.title
        entries = tuple(replace(e, feed_title=title) for e in parsed.entries)
        polls.append(FeedPoll(feed, fetched, entries, parsed.problems))
    return polls


def next_state(
    poll: FeedPoll,
    previous: FeedState | None,
    now: datetime,
    max_backoff: timedelta,
    *,
    complete: bool = True,
) -> FeedState:
    """The feed's state after this poll: new validators on success, backoff on failure.

    ``complete`` is False when some of the feed's new articles could not be fetched,
    parsed or indexed: the old validators are kept so the next poll gets the whole feed
    again (not a 304) and retries them.
    """
    fetched, feed = poll.fetched, poll.feed
    # Validators of the feed's old URL mean nothing at a new one: sent there, a stale
    # If-Modified-Since could earn a 304 and hide the new feed's entries.
    if previous is not None and previous.url != feed.url:
        previous = replace(previous, etag=None, last_modified=None)
    failed = fetched.error is not None or (fetched.ok and not poll.entries and bool(poll.problems))
    if not failed:
        fresh = fetched.ok and complete
        return FeedState(
            feed_id=feed.id,
            url=feed.url,
            etag=fetched.etag if fresh else (previous.etag if previous else None),
            last_modified=fetched.last_modified
            if fresh
            else (previous.last_modified if previous else None),
            last_polled=now,
            last_success=now,
            last_status=fetched.status,
            consecutive_failures=0,
            next_poll_after=now + feed.interval,
            entries_seen=len(poll.entries),
        )
    failures = (previous.consecutive_failures if previous else 0) + 1
    pause = min(feed.interval * (2 ** (failures - 1)), max_backoff)
    if fetched.retry_after:
        pause = max(pause, timedelta(seconds=fetched.retry_after))
    return FeedState(
        feed_id=feed.id,
        url=feed.url,
        etag=previous.etag if previous else None,
        last_modified=previous.last_modified if previous else None,
        last_polled=now,
        last_success=previous.last_success if previous else None,
        last_status=fetched.status,
        last_error="; ".join(poll.problems) or fetched.error,
        consecutive_failures=failures,
        next_poll_after=now + pause,
        entries_seen=0,
    )


def unique_entries(polls: Sequence[FeedPoll]) -> list[FeedEntry]:
    """Entries of all feeds, each article once (the first feed to list it wins)."""
    seen: set[str] = set()
    entries = []
    for poll in polls:
        for entry in poll.entries:
            key = article_id(entry.url)
            if key not in seen:
                seen.add(key)
                entries.append(entry)
    return entries


def fetch_pages(entries: Sequence[FeedEntry], settings: FetchSettings) -> list[Fetched]:
    """Fetch the article page of every entry, politely; results in entry order."""
    requests = [Request(entry.url) for entry in entries]
    return fetch_sync(
        requests, settings, max_bytes=settings.max_page_bytes, obey_robots=settings.obey_robots
    )


@dataclass(slots=True)
class ParseOutcome:
    """Articles ready to index, pages that are not articles, and pages that failed."""

    articles: list[IngestedArticle] = field(default_factory=list)
    skipped: list[tuple[FeedEntry, str]] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)


def parse_pages(
    entries: Sequence[FeedEntry],
    pages: Sequence[Fetched],
    knowledge: Knowledge,
    now: datetime,
) -> ParseOutcome:
    """Parse and enrich each fetched page; a failure is a dead letter, not an exception."""
    outcome = ParseOutcome()
    for entry, page in zip(entries, pages, strict=True):
        if page.disallowed:
            log.info("skipped %s (feed %s): %s", entry.url, entry.feed_id, page.error)
            outcome.skipped.append((entry, page.error or "disallowed"))
            continue
        if not page.ok:
            outcome.dead.append(
                DeadLetter(
                    "fetch",
                    entry.url,
                    page.error or f"HTTP {page.status}",
                    "FetchError",
                    now,
                    entry.feed_id,
                    page.transient,
                )
            )
            continue
        try:
            if page.content_type.startswith("text/plain"):
                article = parse_text(page.content.decode("utf-8", "replace"), entry.url)
            else:
                article = extract_article(page.content, page.final_url or entry.url)
            article = enrich_article(article, knowledge)
        except Exception as exc:  # one bad page must not stop the batch; it is kept for replay
            log.exception("parsing %s (feed %s) failed", entry.url, entry.feed_id)
            outcome.dead.append(
                DeadLetter(
                    "parse",
                    entry.url,
                    f"{type(exc).__name__}: {exc}",
                    type(exc).__name__,
                    now,
                    entry.feed_id,
                )
            )
            continue
        lost = lost_body_lengths(article.skip_reason)
        if lost is not None:
            # A second extractor found a body we could not use: kept for a person, not skipped.
            log.warning("body lost %s (feed %s): %s", entry.url, entry.feed_id, article.skip_reason)
            outcome.dead.append(
                DeadLetter(
                    "parse",
                    entry.url,
                    article.skip_reason or "body-lost",
                    "BodyLost",
                    now,
                    entry.feed_id,
                    payload={"body_chars": lost[0], "second_opinion_chars": lost[1]},
                )
            )
            continue
        if not article.is_article:
            reason = article.skip_reason or "no body text"
            log.info("skipped %s (feed %s): %s", entry.url, entry.feed_id, reason)
            outcome.skipped.append((entry, reason))
            continue
        outcome.articles.append(IngestedArticle(article, entry, now))
    return outcome
