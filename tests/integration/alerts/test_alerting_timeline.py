"""Acceptance scenario of issue #4: the timeline fixture through the real ingest flow.

Real feed server (conditional GET), real Elasticsearch, real SMTP sink, real Prefect flow.
Four ingest cycles; the test checks the exact emails sent after each, what they name as
new, the repeats attached to earlier alerts, and that replaying everything sends nothing.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from elasticsearch import Elasticsearch

from storywatch.alerts.records import AlertStore
from storywatch.flows.ingest import ingest
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames
from storywatch.paths import PROJECT_ROOT

TIMELINE = PROJECT_ROOT / "tests" / "fixtures" / "timeline"
SPEC = yaml.safe_load((TIMELINE / "timeline.yaml").read_text())
TITLES = {
    "turkey-s400-purchase": "Turkey's S-400 purchase",
    "turkey-f35-programme": "Turkey and the F-35 programme",
    "caatsa-sanctions-turkey": "CAATSA sanctions on Turkey",
    "patriot-offer-turkey": "Patriot offer to Turkey",
}
#: Facts of timeline.yaml the parser cannot extract as such (decisions, not figures);
#: every other expected fact must be named as new.
NOT_EXTRACTED = {
    "contract signed",
    "CAATSA",  # named, but as a key term (a law's name), not a figure
    "suspension from the F-35 programme",
    "more than 900 F-35 parts",  # extracted as "900 F-35 parts"
    "four Patriot batteries",
}
pytestmark = pytest.mark.usefixtures("prefect_harness")


def _expected_emails(cycle: dict[str, Any]) -> set[str]:
    return {
        f"[{TITLES[m['storyline']]}] {a['title']}"
        for a in cycle["articles"]
        for m in a["expect"]["matches"]
        if m["kind"] == "development"
    }


def _section(text: str, label: str) -> list[str]:
    found = re.search(rf"^  - {label}: (.*)$", text, re.MULTILINE)
    return found.group(1).split("; ") if found else []


def _people(text: str) -> list[str]:
    """New people's names: each shown as "Name, role (said below)"."""
    return [p.split(",")[0].removesuffix(" (said below)") for p in _section(text, "People")]


def _facts(text: str) -> list[str]:
    """New facts: one line per sentence under "Facts:", the facts before the sentence."""
    block = re.search(r"^  - Facts:\n((?:      .*\n)*)", text, re.MULTILINE)
    lines = block.group(1).splitlines() if block else []
    return [f for line in lines for f in line.strip().split(': "', 1)[0].split("; ")]


def _check_whats_new(mail: EmailMessage, expect: dict[str, Any]) -> None:
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    people = _people(text)
    facts = _facts(text)
    key_terms = _section(text, "Key terms")
    assert sorted(people) == sorted(expect["whats_new"]["people"]), mail["Subject"]
    for fact in expect["whats_new"]["facts"]:
        if fact in NOT_EXTRACTED:
            continue
        assert fact in facts, (mail["Subject"], fact, facts)
    for old in expect.get("not_new", ()):
        assert old not in people + facts + key_terms, (mail["Subject"], old)
    assert "new term:" not in text and "Why: " not in text  # scoring stays in `alerts show`
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<mark>" in html and 'class="whats-new"' in html
    assert html.count("<mark>") == html.count("</mark>")


def _serve_cycle(live: Path, n: int) -> None:
    for feed in (TIMELINE / "feeds" / f"cycle-{n}").iterdir():
        shutil.copyfile(feed, live / feed.name)


@pytest.fixture
def timeline_site(tmp_path: Path) -> tuple[Path, Path]:
    """A served folder (articles + one stable feed path per outlet) and a config folder."""
    root = tmp_path / "site"
    shutil.copytree(TIMELINE / "articles", root / "timeline" / "articles")
    (root / "live").mkdir()
    config = tmp_path / "config"
    config.mkdir()
    for name in ("storylines.yaml", "topics.yaml", "entities.yaml"):
        shutil.copyfile(PROJECT_ROOT / "config" / name, config / name)
    feeds = [
        {"id": f["id"], "title": f["title"], "url": f"{{{{base}}}}/live/{f['id']}.rss"}
        for f in SPEC["feeds"]
    ]
    (config / "feeds.yaml").write_text(yaml.safe_dump({"feeds": feeds}))
    return root, config


def test_timeline_alerts_on_developments_once(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    timeline_site: tuple[Path, Path],
    es_url: str,
    index_prefix: str,
) -> None:
    root, config = timeline_site
    server = feed_server(root)
    placeholders = {"base": server.base_url}
    sent: list[EmailMessage] = []
    for cycle in SPEC["cycles"]:
        _serve_cycle(root / "live", cycle["cycle"])
        report = ingest(str(config), placeholders, force=True)
        assert report.indexed == len(cycle["articles"]), report.problems
        expected = _expected_emails(cycle)
        mails = pipeline_env.wait_for_messages(len(sent) + len(expected))[len(sent) :]
        assert {m["Subject"] for m in mails} == expected, f"cycle {cycle['cycle']}"
        assert report.emails == len(expected)
        by_subject = {m["Subject"]: m for m in mails}
        for article in cycle["articles"]:
            for m in article["expect"]["matches"]:
                if m["kind"] == "development":
                    subject = f"[{TITLES[m['storyline']]}] {article['title']}"
                    _check_whats_new(by_subject[subject], m)
        sent += mails

    es = Elasticsearch(es_url)
    try:
        _check_records_and_articles(es, index_prefix, server.base_url)
        # Replay: every cycle's feeds again, then a crash-recovery replay with every
        # article unmarked (as if each run had died before marking its batch matched).
        for cycle in SPEC["cycles"]:
            _serve_cycle(root / "live", cycle["cycle"])
            again = ingest(str(config), placeholders, force=True)
            assert (again.indexed, again.alerts, again.emails) == (0, 0, 0)
        _unmark_all(es, index_prefix)
        replay = ingest(str(config), placeholders, force=True)
        assert replay.emails == 0 and replay.matches == 12
        _check_records_and_articles(es, index_prefix, server.base_url)
    finally:
        es.close()
    assert len(pipeline_env.messages()) == len(sent) == len(SPEC["summary"]["developments"])
    assert len({m["Message-ID"] for m in sent}) == len(sent)


def _check_records_and_articles(es: Elasticsearch, prefix: str, base_url: str) -> None:
    store = AlertStore(es, IndexNames(prefix))
    records = store.latest(size=100)
    slug = {r.id: r.article_url.rsplit("/", 1)[-1].removesuffix(".html") for r in records}
    by_key = {(r.storyline_id, slug[r.id]): r for r in records}
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for cycle in SPEC["cycles"]:
        for article in cycle["articles"]:
            for m in article["expect"]["matches"]:
                expected[(m["storyline"], article["slug"])] = m
    assert set(by_key) == set(expected)
    for key, m in expected.items():
        record = by_key[key]
        assert record.kind == m["kind"], (key, record.reasons)
        assert record.reasons, key
        if m["kind"] == "development":
            assert record.state == "sent" and record.attempts == 1
        else:
            assert record.state == "suppressed" and record.suppressed_reason == m["kind"]
        if m["kind"] == "repeat":
            original = by_key[(m["storyline"], m["repeat_of"])]
            assert record.repeat_of == original.id
            copies = {a.url.rsplit("/", 1)[-1] for a in original.also_reported_by}
            assert f"{key[1]}.html" in copies
    # Every copy is attached exactly once, and to the right alert.
    attached = sum(len(r.also_reported_by) for r in records)
    assert attached == SPEC["summary"]["repeats"]

    hits = es.search(index=f"{prefix}-articles", size=100, query={"match_all": {}})
    docs = {h["_source"]["url"].removeprefix(base_url): h["_source"] for h in hits["hits"]["hits"]}
    for cycle in SPEC["cycles"]:
        for article in cycle["articles"]:
            doc = docs[f"/timeline/articles/{article['slug']}.html"]
            matches = article["expect"]["matches"]
            assert sorted(doc["storylines"]) == sorted(m["storyline"] for m in matches)
            devs = [m["storyline"] for m in matches if m["kind"] == "development"]
            assert sorted(doc["developments"]) == sorted(devs)


def _unmark_all(es: Elasticsearch, prefix: str) -> None:
    hits = es.search(index=f"{prefix}-articles", size=100, query={"match_all": {}}, source=False)
    ops: list[dict[str, Any]] = []
    for hit in hits["hits"]["hits"]:
        ops += [
            {"update": {"_index": hit["_index"], "_id": hit["_id"]}},
            {"doc": {"matched_at": None}},
        ]
    es.bulk(operations=ops, refresh=True)
