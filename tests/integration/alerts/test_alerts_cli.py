"""The analyst commands against real services: ``alerts list|show|resend`` and
``storylines test`` (a backtest that sends and writes nothing), after three timeline cycles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from storywatch.alerts.records import AlertState, AlertStore
from storywatch.cli import app
from storywatch.flows.ingest import ingest
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames

pytestmark = pytest.mark.usefixtures("prefect_harness")
DELIVERY_SLUG = "defense-wire-s400-deliveries-october-2027"
FIRST_SLUG = "anatolia-post-turkey-signs-s400-deal"


def slug(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


def snapshot(es: Elasticsearch, prefix: str) -> dict[str, Any]:
    """Every alert and storyline-memory document, to prove a command wrote nothing."""
    names = IndexNames(prefix)
    es.indices.refresh(index=f"{names.alerts},{names.storylines}")
    out = {}
    for index in (names.alerts, names.storylines):
        hits = es.search(index=index, query={"match_all": {}}, size=1000, version=True)
        out[index] = sorted((h["_id"], h["_version"]) for h in hits["hits"]["hits"])
    return out


def test_alert_commands_list_show_resend_and_backtest(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    timeline_site_factory: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    es_url: str,
    index_prefix: str,
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # rich tables keep whole ids and titles
    site = timeline_site_factory()
    server = feed_server(site.root)
    for n in (1, 2, 3):
        site.serve_cycle(n)
        ingest(str(site.config), {"base": server.base_url}, force=True)
    sent = pipeline_env.wait_for_messages(4)
    assert len(sent) == 4
    es = Elasticsearch(es_url)
    try:
        store = AlertStore(es, IndexNames(index_prefix))
        records = store.latest(size=100)
        by_key = {(r.storyline_id, slug(r.article_url)): r for r in records}
        runner = CliRunner()
        config = ["--config", str(site.config)]

        listed = runner.invoke(app, ["alerts", "list", "--size", "100", *config])
        assert listed.exit_code == 0, listed.output
        assert f"{len(records)} alert record(s)" in listed.output
        assert all(r.id[:12] in listed.output for r in records)
        only = runner.invoke(app, ["alerts", "list", "--kind", "minor", *config])
        assert "1 alert record(s)" in only.output and "suppressed (minor)" in only.output

        delivery = by_key[("turkey-s400-purchase", DELIVERY_SLUG)]
        shown = runner.invoke(app, ["alerts", "show", delivery.id[:10], *config])
        assert shown.exit_code == 0, shown.output
        out = shown.output
        assert f"id:         {delivery.id}" in out
        assert "kind:       development   state: sent" in out
        assert "new people: Murat Ekinci" in out and "October 2027" in out
        # The scoring the email leaves out is all here, one reason a line.
        assert all(f"\n  - {reason}\n" in out for reason in delivery.reasons)
        assert "development: score" in out and "new person: Murat Ekinci (+3)" in out
        assert "            Defense Wire (defense-wire) " in out
        # The copy cycle 3 attached to it, by its feed's title.
        assert "also by:    Anatolia Post: Turkish general: first S-400 deliveries" in out
        first = by_key[("turkey-s400-purchase", FIRST_SLUG)]
        first_shown = runner.invoke(app, ["alerts", "show", first.id, *config]).output
        assert (
            first_shown.count("also by:") == 3 and "first report in this storyline" in first_shown
        )
        missing = runner.invoke(app, ["alerts", "show", "0000nothing", *config])
        assert missing.exit_code == 2 and "no single alert" in missing.output

        # Resend: the same email again, same Message-ID, arrives at the sink.
        original = next(m for m in sent if m["X-Storywatch-Alert"] == delivery.id)
        resent = runner.invoke(app, ["alerts", "resend", delivery.id, *config])
        assert resent.exit_code == 0, resent.output
        assert resent.output.strip() == f"resent {delivery.id}"
        mails = pipeline_env.wait_for_messages(5)
        assert len(mails) == 5
        assert mails[4]["Message-ID"] == original["Message-ID"]
        assert mails[4]["Subject"] == original["Subject"]
        again = store.get(delivery.id)
        assert again is not None and again.state is AlertState.SENT and again.attempts == 1

        # Backtest: developments, minor items and repeats, and nothing sent or written.
        before = snapshot(es, index_prefix)
        since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
        tested = runner.invoke(
            app, ["storylines", "test", "turkey-s400-purchase", "--since", since, *config]
        )
        assert tested.exit_code == 0, tested.output
        out = tested.output
        assert "Backtest of turkey-s400-purchase: 7 match(es)" in out
        assert out.strip().splitlines()[-1] == "would send 2 alert(s); 1 minor, 4 repeat(s)"
        rows = [line for line in out.splitlines() if "│" in line]
        assert sum(" development " in r for r in rows) == 2
        assert any("Murat Ekinci" in r for r in rows)
        assert sum("repeat of: Turkey signs deal to buy Russian S-400" in r for r in rows) == 3
        assert any(" minor " in r and "Opinion: Ankara's S-400 purchase" in r for r in rows)
        later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
        none = runner.invoke(
            app, ["storylines", "test", "turkey-s400-purchase", "--since", later, *config]
        )
        assert none.output.strip().splitlines()[-1] == "would send 0 alert(s); 0 minor, 0 repeat(s)"
        unknown = runner.invoke(app, ["storylines", "test", "no-such-story", *config])
        assert unknown.exit_code == 2 and "no storyline 'no-such-story'" in unknown.output
        assert snapshot(es, index_prefix) == before
        assert len(pipeline_env.messages()) == 5
    finally:
        es.close()
