"""The ingest flow end to end: real feed server, Elasticsearch, Prefect and SMTP sink."""

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from storywatch.cli import app
from storywatch.flows.ingest import ingest
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.deadletter import DeadLetterStore
from storywatch.index.schema import IndexNames
from storywatch.paths import PROJECT_ROOT, SAMPLES_DIR

CONFIG = PROJECT_ROOT / "config"
pytestmark = pytest.mark.usefixtures("prefect_harness")


def sample_links() -> set[str]:
    """Article paths the bundled feeds link to (what the flow must index)."""
    links: set[str] = set()
    for feed in (SAMPLES_DIR / "feeds").iterdir():
        links |= set(re.findall(r"\{\{base_url\}\}(/articles/[\w.-]+\.html)", feed.read_text()))
    return links


def test_demo_cycle_indexes_alerts_and_is_idempotent(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    es_url: str,
    index_prefix: str,
) -> None:
    server = feed_server(SAMPLES_DIR)
    placeholders = {"samples": server.base_url}

    first = ingest(str(CONFIG), placeholders)

    expected = sample_links()
    assert first.feeds == 3 and first.feeds_failed == 0 and first.problems == []
    assert first.indexed == first.articles == len(expected)
    es = Elasticsearch(es_url)
    try:
        hits = es.search(index=f"{index_prefix}-articles", size=100, query={"match_all": {}})
        docs = [h["_source"] for h in hits["hits"]["hits"]]
    finally:
        es.close()
    assert {d["url"].removeprefix(server.base_url) for d in docs} == expected
    by_slug = {d["url"].rsplit("/", 1)[-1]: d for d in docs}
    assert "s-400" in by_slug["ankara-confirms-s400-deal-batteries-2027.html"]["topic_ids"]
    football = by_slug["patriots-late-winner-against-rovers.html"]
    assert football["storylines"] == [] and "patriot" not in football["topic_ids"]
    assert by_slug["house-panel-splits-patriot-act-renewal.html"]["storylines"] == []
    assert "patriot-offer-turkey" in by_slug["us-floats-patriot-package-turkey.html"]["storylines"]
    assert all(d["matched_at"] for d in docs)

    assert first.alerts > 0 and first.emails == first.alerts
    mails = pipeline_env.wait_for_messages(first.emails)
    assert len(mails) == first.emails
    titles = {
        "[Turkey's S-400 purchase]",
        "[Turkey and the F-35 programme]",
        "[CAATSA sanctions on Turkey]",
        "[Patriot offer to Turkey]",
    }
    assert {m["Subject"].split("] ")[0] + "]" for m in mails} == titles
    assert len({m["Message-ID"] for m in mails}) == len(mails)

    # Right away, no feed is due: a scheduled cycle polls nothing.
    server.clear_requests()
    idle = ingest(str(CONFIG), placeholders)
    assert (idle.feeds, idle.feeds_deferred, server.requests) == (0, 3, [])

    # Forced, the feeds answer 304 to our validators; nothing new is indexed or sent.
    second = ingest(str(CONFIG), placeholders, force=True)
    assert (second.indexed, second.alerts, second.emails) == (0, 0, 0)
    assert second.feeds_not_modified == 3
    assert {r.status for r in server.requests if r.path.startswith("/feeds/")} == {304}
    assert len(pipeline_env.messages()) == first.emails


def failures(es_url: str, prefix: str) -> set[tuple[str, str]]:
    """(stage, feed id or page file name) of every dead letter on record."""
    es = Elasticsearch(es_url)
    try:
        letters = DeadLetterStore(es, IndexNames(prefix)).latest(size=100)
    finally:
        es.close()
    return {
        (d.stage, d.feed_id if d.stage == "feed" else d.ref.rsplit("/", 1)[-1]) for d in letters
    }


def test_broken_sources_are_reported_and_nothing_is_lost(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    tmp_path: Path,
    es_url: str,
    index_prefix: str,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SAMPLES_DIR, site)
    missing_page = site / "articles" / "us-floats-patriot-package-turkey.html"
    kept = missing_page.read_bytes()
    missing_page.unlink()  # the feed links to a page that is not there (404) yet
    (site / "feeds" / "broken.rss").write_text("<rss><channel><item><title>cut off")
    (site / "feeds" / "page.rss").write_text("<html><body>Not a feed</body></html>")
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    feeds_yaml = (config / "feeds.yaml").read_text()
    (config / "feeds.yaml").write_text(
        feeds_yaml.replace(
            "feeds:\n",
            "feeds:\n"
            '  - {id: broken, url: "{{samples}}/feeds/broken.rss"}\n'
            '  - {id: html-page, url: "{{samples}}/feeds/page.rss"}\n'
            '  - {id: gone, url: "{{samples}}/feeds/no-such-feed.rss"}\n',
            1,
        )
    )
    server = feed_server(site)
    placeholders = {"samples": server.base_url}

    first = ingest(str(config), placeholders)
    total = len(sample_links())
    assert first.feeds == 6 and first.feeds_failed == 3
    assert first.indexed == total - 1
    problems = "\n".join(first.problems)
    assert "broken:" in problems and "html-page: " in problems and "gone: HTTP 404" in problems
    assert "us-floats-patriot-package-turkey.html: HTTP 404" in problems

    letters = failures(es_url, index_prefix)
    assert letters == {
        ("feed", "broken"),
        ("feed", "html-page"),
        ("feed", "gone"),
        ("fetch", "us-floats-patriot-package-turkey.html"),
    }
    listing = CliRunner().invoke(app, ["deadletters", "--stage", "fetch"])
    assert listing.exit_code == 0 and "HTTP 404" in listing.output

    # The page appears: the next cycle gets the whole feed again (its validators were not
    # saved while an article was missing) and indexes the article that failed before;
    # its failure is cleared, the broken feeds' stay.
    missing_page.write_bytes(kept)
    second = ingest(str(config), placeholders, force=True)
    assert second.indexed == 1
    assert failures(es_url, index_prefix) == letters - {
        ("fetch", "us-floats-patriot-package-turkey.html")
    }
    third = ingest(str(config), placeholders, force=True)
    assert third.indexed == 0 and third.emails == 0
