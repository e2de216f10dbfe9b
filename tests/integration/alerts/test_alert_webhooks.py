"""Webhook channels through the real ingest flow: a signed generic webhook next to email,
a Slack-format webhook, a receiver that fails once, and re-runs that send nothing.

Real feed server, Elasticsearch, SMTP sink, and a real HTTP receiver on loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from storywatch.alerts.records import AlertState, AlertStore
from storywatch.flows.ingest import ingest
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.smtp import MailSink
from storywatch.index.schema import IndexNames

pytestmark = pytest.mark.usefixtures("prefect_harness")
SECRET = "s3cret-for-the-ops-hook"
CAATSA_TITLE = "CAATSA <sanctions> & Turkey"
S400_SLUGS = ("anatolia-post-turkey-signs-s400-deal", "defense-wire-s400-deliveries-october-2027")


def verify_signature(post: Any, secret: str) -> bool:
    """What a receiver does: HMAC-SHA256 over "<timestamp>." + the raw body."""
    stamp = post.headers["X-Storywatch-Timestamp"]
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + post.body, hashlib.sha256)
    return hmac.compare_digest(
        post.headers["X-Storywatch-Signature"], f"sha256={expected.hexdigest()}"
    )


def slug(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


def test_webhooks_are_signed_escaped_retried_and_sent_once(
    pipeline_env: MailSink,
    feed_server: Callable[[Path], FeedServer],
    timeline_site_factory: Callable[..., Any],
    webhook_receiver: Any,
    monkeypatch: pytest.MonkeyPatch,
    es_url: str,
    index_prefix: str,
) -> None:
    monkeypatch.setenv("SW_TEST_OPS_URL", f"{webhook_receiver.url}/ops")
    monkeypatch.setenv("SW_TEST_OPS_SECRET", SECRET)
    monkeypatch.setenv("SW_TEST_CHAT_URL", f"{webhook_receiver.url}/chat")
    site = timeline_site_factory(
        storylines={
            "turkey-s400-purchase": {"channels": ["email", "webhook:ops"]},
            "caatsa-sanctions-turkey": {"channels": ["webhook:chat"], "title": CAATSA_TITLE},
        },
        webhooks={
            "ops": {
                "format": "generic",
                "url_env": "SW_TEST_OPS_URL",
                "secret_env": "SW_TEST_OPS_SECRET",
            },
            "chat": {"format": "slack", "url_env": "SW_TEST_CHAT_URL"},
        },
    )
    server = feed_server(site.root)
    placeholders = {"base": server.base_url}
    es = Elasticsearch(es_url)
    store = AlertStore(es, IndexNames(index_prefix))
    try:
        _run_cycles(site, placeholders, store, pipeline_env, webhook_receiver)
    finally:
        es.close()


def _run_cycles(
    site: Any,
    placeholders: dict[str, str],
    store: AlertStore,
    pipeline_env: MailSink,
    webhook_receiver: Any,
) -> None:
    # Cycle 1: the first report goes out by email and to the signed webhook.
    site.serve_cycle(1)
    first = ingest(str(site.config), placeholders, force=True)
    assert (first.alerts, first.emails, first.alerts_failed) == (1, 1, 0)
    assert len(pipeline_env.wait_for_messages(1)) == 1
    (ops_1,) = webhook_receiver.received("/ops")
    assert ops_1.status == 200 and verify_signature(ops_1, SECRET)
    assert not verify_signature(ops_1, "another secret")
    body = ops_1.json()
    record = store.get(body["alert_id"])
    assert record is not None and ops_1.headers["X-Storywatch-Delivery"] == record.id
    assert body["kind"] == "development" and body["storyline"]["id"] == "turkey-s400-purchase"
    assert slug(body["article"]["url"]) == S400_SLUGS[0]
    assert "Selin Arıkan" in body["whats_new"]["people"]
    assert record.state is AlertState.SENT and record.delivered == ("email", "webhook:ops")

    # Cycle 2: the receiver answers 500 once; email still goes out, the alert is failed.
    webhook_receiver.fail_next("/ops", 500)
    site.serve_cycle(2)
    second = ingest(str(site.config), placeholders, force=True)
    # The summary counts emails that went out, and alerts not fully delivered.
    assert (second.alerts, second.emails, second.alerts_failed) == (1, 1, 1)
    mails = pipeline_env.wait_for_messages(2)
    assert len(mails) == 2
    refused = webhook_receiver.received("/ops")[-1]
    assert refused.status == 500
    failed = store.get(refused.headers["X-Storywatch-Delivery"])
    assert failed is not None and slug(failed.article_url) == S400_SLUGS[1]
    assert failed.state is AlertState.FAILED and failed.attempts == 1
    assert failed.last_error == "webhook:ops: webhook ops answered HTTP 500"
    assert failed.delivered == ("email",)

    # Cycle 3: the failed webhook is delivered (email not repeated); the sanctions alert
    # goes to Slack only, the F-35 alert by email only.
    site.serve_cycle(3)
    third = ingest(str(site.config), placeholders, force=True)
    assert third.alerts == 2
    mails = pipeline_env.wait_for_messages(3)
    assert len(mails) == 3
    assert mails[2]["Subject"].startswith("[Turkey and the F-35 programme]")
    assert sum(m["X-Storywatch-Alert"] == failed.id for m in mails) == 1
    retried = webhook_receiver.received("/ops")[-1]
    assert retried.status == 200 and retried.headers["X-Storywatch-Delivery"] == failed.id
    assert verify_signature(retried, SECRET)
    # The same alert, now naming the copy cycle 3 attached to it.
    resent, first_try = retried.json(), refused.json()
    assert [slug(a["url"]) for a in resent.pop("also_reported_by")] == [
        "anatolia-post-s400-deliveries-october-2027"
    ]
    assert first_try.pop("also_reported_by") == [] and resent == first_try
    delivered = store.get(failed.id)
    assert delivered is not None and delivered.state is AlertState.SENT
    assert delivered.attempts == 2 and delivered.last_error is None
    assert set(delivered.delivered) == {"email", "webhook:ops"}

    (chat,) = webhook_receiver.received("/chat")
    assert chat.status == 200 and "X-Storywatch-Signature" not in chat.headers
    slack = json.loads(chat.body)  # valid JSON
    text = slack["text"]
    assert "CAATSA &lt;sanctions&gt; &amp; Turkey" in text and "<sanctions>" not in text
    assert slack["blocks"][0]["text"]["text"] == text
    caatsa = store.get(chat.headers["X-Storywatch-Delivery"])
    assert caatsa is not None and caatsa.storyline_id == "caatsa-sanctions-turkey"
    assert f"<{caatsa.article_url}|" in text
    assert caatsa.delivered == ("webhook:chat",)

    # Exactly the expected POSTs: ops twice for S400 (one refused, then redelivered) plus
    # the first report; Slack once.
    ops_ok = webhook_receiver.received("/ops", ok_only=True)
    assert [slug(p.json()["article"]["url"]) for p in ops_ok] == list(S400_SLUGS)
    assert len(webhook_receiver.posts) == 4

    # Re-runs send nothing more, on any channel.
    for _ in range(2):
        again = ingest(str(site.config), placeholders, force=True)
        assert (again.indexed, again.alerts, again.emails, again.alerts_failed) == (0, 0, 0, 0)
    assert len(webhook_receiver.posts) == 4
    assert len(pipeline_env.messages()) == 3
