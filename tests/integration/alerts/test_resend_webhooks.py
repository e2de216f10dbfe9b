"""``storywatch alerts resend`` on an alert with a webhook channel, against real services."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from storywatch.alerts.records import AlertRecord, AlertState, AlertStore, alert_id
from storywatch.cli import app
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames, install_schema

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_resend_reaches_the_webhooks_too(
    pipeline_env: MailSink,
    webhook_receiver: Any,
    es_url: str,
    index_prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SW_TEST_OPS_URL", f"{webhook_receiver.url}/ops")
    config = tmp_path / "config"
    config.mkdir()
    storylines = {
        "storylines": [
            {"id": "s1", "title": "S1", "query": "x", "channels": ["email", "webhook:ops"]}
        ],
        "webhooks": {"ops": {"url_env": "SW_TEST_OPS_URL"}},
    }
    (config / "storylines.yaml").write_text(yaml.safe_dump(storylines))
    es = Elasticsearch(es_url)
    try:
        names = IndexNames(index_prefix)
        install_schema(es, names, NOW)
        store = AlertStore(es, names)
        sent = AlertRecord(
            id=alert_id("s1", "art-1"),
            storyline_id="s1",
            storyline_title="S1",
            article_id="art-1",
            article_url="https://news.example/a/1",
            title="Ankara confirms the deal",
            source="wire",
            published=None,
            kind="development",
            state=AlertState.SENT,
            recipients=("analyst@example.org",),
            created_at=NOW,
            updated_at=NOW,
            channels=("email", "webhook:ops"),
            delivered=("email", "webhook:ops"),
            attempts=1,
        )
        store.create([sent])

        result = CliRunner().invoke(app, ["alerts", "resend", sent.id, "--config", str(config)])

        assert result.exit_code == 0, result.output
        assert pipeline_env.wait_for_messages(1)[0]["X-Storywatch-Alert"] == sent.id
        (post,) = webhook_receiver.received("/ops", ok_only=True)
        assert post.headers["X-Storywatch-Delivery"] == sent.id
        again = store.get(sent.id)
        assert again is not None and again.state is AlertState.SENT
        assert set(again.delivered) == {"email", "webhook:ops"}
    finally:
        es.close()
