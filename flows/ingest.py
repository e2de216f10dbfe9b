"""The ingest flow: Prefect composes the plain steps of ``pipeline`` and adds retries.

Order matters for "nothing is lost": feed validators (ETag, Last-Modified) are saved
only after the articles they led to are indexed, and articles are marked matched only
after their alert records exist. A crash anywhere makes the next run redo the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from storywatch.alerts.errors import AlertError
from storywatch.alerts.service import deliver_pending, run_alerting
from storywatch.index.deadletter import ARTICLE_STAGES, DeadLetter
from storywatch.index.documents import article_id
from storywatch.index.errors import is_transient
from storywatch.index.feedstate import FeedState
from storywatch.parsers.models import FeedEntry

from . import pipeline
from .fetch import Fetched
from .pipeline import CycleReport, FeedPoll, ParseOutcome
from .runtime import Config, Runtime


def _transient_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only when its exception says a retry may help (network, overload)."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:
        return False
    if isinstance(exc, AlertError):
        return exc.transient
    return isinstance(exc, BaseException) and is_transient(exc)


_retrying: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [2, 10, 30],
    "retry_condition_fn": _transient_failure,
    "cache_policy": NO_CACHE,
}


@task(name="poll-feeds", cache_policy=NO_CACHE)
def poll_feeds(
    rt: Runtime, now: datetime, force: bool
) -> tuple[list[FeedPoll], dict[str, FeedState], int]:
    """Conditional GET and parse of every due feed; returns polls, prior states, deferred."""
    feeds = [f for f in rt.config.feeds if pipeline.in_partition(f.id, rt.fetch.partition)]
    states = rt.feed_states.load([f.id for f in feeds])
    due, deferred = pipeline.split_due(feeds, states, now, force=force)
    for feed in deferred:
        get_run_logger().info("feed %s not due until %s", feed.id, states[feed.id].next_poll_after)
    return pipeline.poll_feeds(due, states, rt.fetch), states, len(deferred)


@task(name="select-new", **_retrying)
def select_new(rt: Runtime, polls: list[FeedPoll]) -> tuple[list[FeedEntry], int]:
    """Entries whose article is not indexed yet, and how many entries were seen."""
    entries = pipeline.unique_entries(polls)
    known = rt.articles.existing_ids([article_id(e.url) for e in entries])
    return [e for e in entries if article_id(e.url) not in known], len(entries)


@task(name="fetch-pages", cache_policy=NO_CACHE)
def fetch_pages(rt: Runtime, entries: list[FeedEntry]) -> list[Fetched]:
    """Fetch the new articles' pages within the politeness limits."""
    return pipeline.fetch_pages(entries, rt.fetch)


@task(name="parse-pages", cache_policy=NO_CACHE)
def parse_pages(
    rt: Runtime, entries: list[FeedEntry], pages: list[Fetched], now: datetime
) -> ParseOutcome:
    """Parse and enrich the pages in one batch."""
    return pipeline.parse_pages(entries, pages, rt.config.knowledge, now)


@task(name="index-articles", **_retrying)
def index_articles(
    rt: Runtime, outcome: ParseOutcome, now: datetime
) -> tuple[int, int, list[DeadLetter]]:
    """Create the new articles; returns created, already present, and refusals."""
    result = rt.articles.bulk_create(outcome.articles)
    by_id = {item.id: item for item in outcome.articles}
    refused = []
    for failure in result.failed:
        entry = by_id[failure.doc_id].entry
        get_run_logger().error(
            "article %s (feed %s) refused by Elasticsearch: %s",
            entry.url,
            entry.feed_id,
            failure.reason,
        )
        refused.append(
            DeadLetter(
                "index",
                entry.url,
                failure.reason,
                "IndexingError",
                now,
                entry.feed_id,
                failure.transient,
            )
        )
    return len(result.created), len(result.existing), refused


@task(name="match-storylines", **_retrying)
def match(rt: Runtime, now: datetime) -> tuple[int, int]:
    """Match and judge every not-yet-matched article; returns matches, developments."""
    logger = get_run_logger()
    report = run_alerting(
        rt.es,
        rt.articles,
        rt.alerts,
        rt.memories,
        rt.config.storylines,
        now,
        max_search_bytes=rt.alert.msearch_max_bytes,
    )
    for storyline_id, reason in report.errors.items():
        logger.error("storyline %s could not be evaluated: %s", storyline_id, reason)
    logger.info(
        "%d article(s), %d match(es): %d development(s) (%d held for the digest), "
        "%d minor, %d repeat(s)",
        report.articles,
        report.matches,
        report.developments,
        report.held,
        report.minor,
        report.repeats,
    )
    return report.matches, report.developments


@task(name="deliver-alerts", **_retrying)
def deliver(rt: Runtime, now: datetime) -> tuple[int, int]:
    """Send every undelivered alert on its channels; returns emails sent, alerts failed."""
    report = deliver_pending(
        rt.alerts, rt.notifier, rt.alert, rt.templates, now, webhooks=rt.webhooks
    )
    return report.emails, len(report.failed)


@task(name="record-outcomes", **_retrying)
def record_outcomes(
    rt: Runtime,
    polls: list[FeedPoll],
    states: dict[str, FeedState],
    dead: list[DeadLetter],
    done: list[str],
    now: datetime,
) -> None:
    """Save dead letters, clear those that succeeded since (``done``: article URLs
    indexed or skipped this cycle, and the feeds polled cleanly), then save feed states
    (validators, backoff); all after indexing succeeded.

    In that order: dead letters are upserts and deletes keyed by (stage, ref), so doing
    them twice after a crash is harmless, while feed states written first could let a
    crash lose them.
    """
    letters = list(dead)
    for poll in polls:
        if poll.problems:
            letters.append(
                DeadLetter(
                    "feed",
                    poll.feed.url,
                    "; ".join(poll.problems),
                    "FeedError",
                    now,
                    poll.feed.id,
                    poll.fetched.transient,
                )
            )
    rt.dead_letters.record(letters)
    cleared = [(stage, url) for url in done for stage in ARTICLE_STAGES]
    cleared += [("feed", p.feed.url) for p in polls if not p.problems]
    rt.dead_letters.resolve(cleared)
    max_backoff = timedelta(minutes=rt.fetch.max_backoff_minutes)
    incomplete = {d.feed_id for d in dead}
    rt.feed_states.save(
        pipeline.next_state(
            p, states.get(p.feed.id), now, max_backoff, complete=p.feed.id not in incomplete
        )
        for p in polls
    )


@flow(name="storywatch-ingest", log_prints=True)
def ingest(
    config_dir: str = "config",
    placeholders: dict[str, str] | None = None,
    force: bool = False,
) -> CycleReport:
    """One cycle: poll feeds, index new articles, match storylines, send alerts.

    Settings come from ``STORYWATCH_*`` environment variables; ``placeholders`` fill
    ``{{name}}`` in feed URLs (the demo's sample server); ``force`` polls feeds whose
    interval has not elapsed (or that are backing off) too.
    """
    rt = Runtime.build(Config.load(Path(config_dir), placeholders))
    try:
        return run_cycle(rt, force=force)
    finally:
        rt.close()


def run_cycle(rt: Runtime, *, force: bool = False) -> CycleReport:
    """The steps of one cycle, each a task (call inside a flow)."""
    now = datetime.now(UTC)
    report = CycleReport()
    for problem in rt.config.problems:
        get_run_logger().error("skipped a configuration entry: %s", problem)
    polls, states, report.feeds_deferred = poll_feeds(rt, now, force)
    report.feeds = len(polls)
    report.feeds_not_modified = sum(p.fetched.not_modified for p in polls)
    report.feeds_failed = sum(bool(p.problems) and not p.entries for p in polls)
    new, report.entries = select_new(rt, polls)
    report.new_entries = len(new)
    outcome = parse_pages(rt, new, fetch_pages(rt, new), now) if new else ParseOutcome()
    report.articles = len(outcome.articles)
    report.skipped = len(outcome.skipped)
    report.indexed, report.already_indexed, refused = index_articles(rt, outcome, now)
    report.index_failed = len(refused)
    dead = outcome.dead + refused
    refused_urls = {d.ref for d in refused}
    done = [a.entry.url for a in outcome.articles if a.entry.url not in refused_urls]
    done += [entry.url for entry, _ in outcome.skipped]
    record_outcomes(rt, polls, states, dead, done, now)
    # Alert records carry the time they are matched, not the cycle's start, so a record
    # written after a period ended is never stamped inside it (see flows/digest.py).
    report.matches, report.alerts = match(rt, datetime.now(UTC))
    report.emails, report.alerts_failed = deliver(rt, now)
    report.problems = [f"config: {problem}" for problem in rt.config.problems]
    report.problems += [f"{p.feed.id}: {problem}" for p in polls for problem in p.problems]
    report.problems += [f"{d.ref}: {d.reason}" for d in dead]
    create_markdown_artifact(
        key="ingest-summary",
        markdown=_summary_markdown(report),
        description="Storywatch ingest cycle",
    )
    return report


def _summary_markdown(report: CycleReport) -> str:
    rows = [
        ("feeds polled", report.feeds),
        ("feeds not modified", report.feeds_not_modified),
        ("feeds failed", report.feeds_failed),
        ("feeds backing off", report.feeds_deferred),
        ("entries seen", report.entries),
        ("new entries", report.new_entries),
        ("articles parsed", report.articles),
        ("pages skipped", report.skipped),
        ("indexed", report.indexed),
        ("matches", report.matches),
        ("alerts", report.alerts),
        ("emails sent", report.emails),
        ("alerts not fully delivered", report.alerts_failed),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    problems = "\n".join(f"- {p}" for p in report.problems) or "none"
    return f"| step | count |\n|---|---|\n{table}\n\n**Problems**\n\n{problems}\n"
