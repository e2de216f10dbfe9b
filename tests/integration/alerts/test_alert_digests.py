"""The daily digest through the real flows and the ``storywatch digest`` command: the
timeline's four cycles (developments, a minor item, repeats) plus a feed that answers 404,
then one digest email per recipient, grouped by storyline, sent once per period.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from storywatch.alerts.digest import digest_id
from storywatch.cli import app
from storywatch.flows.ingest import ingest
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames
from storywatch.paths import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("prefect_harness")
SPEC = yaml.safe_load((PROJECT_ROOT / "tests/fixtures/timeline/timeline.yaml").read_text())
STORYLINES = yaml.safe_load((PROJECT_ROOT / "config/storylines.yaml").read_text())["storylines"]
TITLES = {s["id"]: s["title"] for s in STORYLINES}
_GROUP = re.compile(r"^(.+) \((\d+) development\(s\), (\d+) minor, (\d+) repeat\(s\) suppressed\)$")


def expected_groups() -> dict[str, dict[str, Any]]:
    """Per storyline title: development and minor titles, and the number of repeats."""
    groups: dict[str, dict[str, Any]] = {}
    for cycle in SPEC["cycles"]:
        for article in cycle["articles"]:
            for m in article["expect"]["matches"]:
                group = groups.setdefault(
                    TITLES[m["storyline"]], {"development": [], "minor": [], "repeat": 0}
                )
                if m["kind"] == "repeat":
                    group["repeat"] += 1
                else:
                    group[m["kind"]].append(article["title"])
    for group in groups.values():
        group["development"].sort()
    return groups


def read_digest(mail: EmailMessage) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The digest's groups (as :func:`expected_groups`) and its failing-feed lines."""
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    groups: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in text.splitlines():
        header = _GROUP.match(line)
        if header:
            current = {"development": [], "minor": [], "repeat": int(header.group(4))}
            groups[header.group(1)] = current
            current["counts"] = (int(header.group(2)), int(header.group(3)))
        elif current is not None and line.startswith("  * "):
            current["development"].append(line[4:].split(" (")[0])
        elif current is not None and line.startswith("  - minor: "):
            current["minor"].append(line[len("  - minor: ") :].split(" (")[0])
        elif not line.strip():
            current = None
    for group in groups.values():
        assert group.pop("counts") == (len(group["development"]), len(group["minor"]))
        group["development"].sort()
    failing = [line.strip() for line in text.splitlines() if line.startswith("  ! ")]
    return groups, failing


@pytest.fixture
def restore_prefect_logging() -> Iterator[None]:
    """The CLI quiets Prefect's logger for its last line; put it back for later tests."""
    logger = logging.getLogger("prefect")
    level = logger.level
    yield
    logger.setLevel(level)


def test_daily_digest_groups_the_period_per_recipient_once(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    timeline_site_factory: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    restore_prefect_logging: None,
    tmp_path: Path,
    es_url: str,
    index_prefix: str,
) -> None:
    gone = {"id": "gone-wire", "title": "Gone Wire", "url": "{{base}}/live/gone-wire.rss"}
    site = timeline_site_factory(extra_feeds=[gone])
    server = feed_server(site.root)
    for cycle in SPEC["cycles"]:
        site.serve_cycle(cycle["cycle"])
        report = ingest(str(site.config), {"base": server.base_url}, force=True)
        assert report.feeds_failed == 1 and any("gone-wire" in p for p in report.problems)
    alerts_sent = len(SPEC["summary"]["developments"])
    assert len(pipeline_env.wait_for_messages(alerts_sent)) == alerts_sent

    # The ingest stamps records with the wall clock; pin them inside one known day so the
    # digest period is fixed whatever time the test runs at.
    day = (datetime.now(UTC) - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    es = Elasticsearch(es_url)
    try:
        index = IndexNames(index_prefix).alerts
        hits = es.search(index=index, query={"match_all": {}}, size=100, source=False)
        pinned = (day + timedelta(hours=12)).isoformat()
        ops: list[dict[str, Any]] = []
        for hit in hits["hits"]["hits"]:
            ops += [
                {"update": {"_index": hit["_index"], "_id": hit["_id"]}},
                {"doc": {"created_at": pinned}},
            ]
        assert not es.bulk(operations=ops, refresh=True)["errors"]
    finally:
        es.close()

    for name, value in (
        ("PREFECT_HOME", str(tmp_path / "prefect-home")),
        ("PREFECT_LOGGING_EXTRA_LOGGERS", "storywatch"),
        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        ("DO_NOT_TRACK", "1"),
    ):
        monkeypatch.setenv(name, value)  # what the CLI would set for good, undone after
    at = (day + timedelta(days=1, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S")
    args = ["digest", "--cadence", "daily", "--at", at, "--config", str(site.config)]
    runner = CliRunner()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "storywatch digest: created=4 sent=4"

    digests = pipeline_env.wait_for_messages(alerts_sent + 4)[alerts_sent:]
    by_recipient = {m["To"]: m for m in digests}
    recipients = {str(r) for s in STORYLINES for r in s["recipients"]}
    assert len(digests) == 4 and set(by_recipient) == recipients
    expected = expected_groups()
    for recipient, mail in by_recipient.items():
        assert mail["X-Envelope-To"] == recipient
        assert mail["X-Storywatch-Alert"] == digest_id("daily", recipient, day)
        assert mail["Message-ID"] == f"<{digest_id('daily', recipient, day)}@storywatch.local>"
        assert mail["Subject"].startswith(f"[Storywatch daily digest] {day:%Y-%m-%d} 00:00 to ")
        groups, failing = read_digest(mail)
        mine = {TITLES[s["id"]] for s in STORYLINES if recipient in s["recipients"]}
        assert groups == {title: expected[title] for title in mine}, recipient
        assert len(failing) == 1 and failing[0].startswith("! gone-wire: ")
        assert "404" in failing[0]
    analyst = read_digest(by_recipient["analyst@example.org"])[0]
    assert sum(g["repeat"] for g in analyst.values()) == SPEC["summary"]["repeats"]
    assert analyst[TITLES["turkey-s400-purchase"]]["minor"] == [
        "Opinion: Ankara's S-400 purchase is a bet on time"
    ]
    html = by_recipient["analyst@example.org"].get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "gone-wire" in html and TITLES["patriot-offer-turkey"] in html

    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert again.output.strip().splitlines()[-1] == "storywatch digest: created=0 sent=0"
    assert len(pipeline_env.messages()) == alerts_sent + 4
