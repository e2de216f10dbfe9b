"""Cadence, quiet hours and throttling; webhook payloads and signatures; digests."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, time

import httpx
from pydantic import SecretStr

from storywatch.alerts.digest import FailingFeed, build_digests, digest_id, last_period
from storywatch.alerts.email import build_environment, render_message
from storywatch.alerts.features import QuoteItem
from storywatch.alerts.novelty import WhatsNew
from storywatch.alerts.policy import apply_policy, in_quiet_hours
from storywatch.alerts.records import AlertRecord, AlertState, AlsoReported
from storywatch.alerts.settings import AlertSettings
from storywatch.alerts.storylines import QuietHours, Storyline, Throttle
from storywatch.alerts.webhook import WebhookNotifier, sign, slack_payload

NOW = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)


def record(rid: str, storyline: str = "s", kind: str = "development", **kw: object) -> AlertRecord:
    values: dict[str, object] = {
        "id": rid,
        "storyline_id": storyline,
        "storyline_title": storyline.upper(),
        "article_id": f"a-{rid}",
        "article_url": f"http://x/{rid}",
        "title": f"<b>Title {rid}</b>",
        "source": "wire",
        "published": None,
        "kind": kind,
        "state": AlertState.PENDING if kind == "development" else AlertState.SUPPRESSED,
        "recipients": ("a@example.org",),
        "created_at": NOW,
        "updated_at": NOW,
        "whats_new": WhatsNew(
            people=("Ann Lee",),
            facts=("$5 million",),
            quotes=(QuoteItem("Ann Lee", "<script>x</script> we act"),),
        ),
    }
    values.update(kw)
    return AlertRecord(**values)  # type: ignore[arg-type]


def test_quiet_hours_span_midnight_in_their_time_zone() -> None:
    quiet = QuietHours(start=time(22), end=time(7), timezone="Europe/Istanbul")
    assert in_quiet_hours(quiet, datetime(2026, 11, 29, 20, 0, tzinfo=UTC))  # 23:00 local
    assert not in_quiet_hours(quiet, datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # 15:00


def test_throttle_holds_the_rest_for_the_digest() -> None:
    s = Storyline(id="s", title="S", query="x", throttle=Throttle(max_alerts=2, period="1h"))
    out = apply_policy([record("1"), record("2"), record("3")], {"s": s}, NOW, lambda sid, since: 1)
    assert [r.state for r in out] == [AlertState.PENDING, AlertState.SUPPRESSED] * 1 + [
        AlertState.SUPPRESSED
    ]
    assert out[1].suppressed_reason == "throttled"


def test_daily_cadence_and_quiet_hours_hold_developments_only() -> None:
    daily = Storyline(id="s", title="S", query="x", cadence="daily")
    out = apply_policy([record("1"), record("2", kind="minor")], {"s": daily}, NOW, lambda *_: 0)
    assert out[0].suppressed_reason == "digest_cadence" and out[1] == record("2", kind="minor")
    quiet = Storyline(
        id="s", title="S", query="x", quiet_hours=QuietHours(start=time(23), end=time(6))
    )
    (held,) = apply_policy([record("1")], {"s": quiet}, NOW, lambda *_: 0)
    assert held.suppressed_reason == "quiet_hours"


def test_generic_webhook_is_signed_and_slack_text_is_escaped() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda req: seen.append(req) or httpx.Response(200))
    hook = WebhookNotifier(
        "ops",
        "https://hooks.example/x",
        secret=SecretStr("k"),
        client=httpx.Client(transport=transport),
    )
    assert hook.send(record("1")) is None
    (req,) = seen
    stamp = req.headers["X-Storywatch-Timestamp"]
    expected = hmac.new(b"k", f"{stamp}.".encode() + req.content, hashlib.sha256).hexdigest()
    assert (
        req.headers["X-Storywatch-Signature"]
        == f"sha256={expected}"
        == sign(req.content, "k", int(stamp))
    )
    body = json.loads(req.content)
    assert body["alert_id"] == "1" and body["whats_new"]["people"] == ["Ann Lee"]
    slack = WebhookNotifier(
        "s", "https://hooks.example/s", format="slack", client=httpx.Client(transport=transport)
    )
    text = json.loads(slack.request(record("1")).content)["text"]
    assert "<b>" not in text and "&lt;b&gt;Title 1&lt;/b&gt;" in text


def test_slack_links_only_to_http_urls_and_keeps_the_link_syntax_intact() -> None:
    evil = slack_payload(record("1", article_url="javascript:alert(1)"))["text"]
    assert "javascript" not in evil and "<" not in evil.split("*")[2]
    piped = slack_payload(record("2", article_url="https://x.example/a?b=1|2"))["text"]
    assert "<https://x.example/a?b=1%7C2|&lt;b&gt;Title 2&lt;/b&gt;>" in piped


def test_webhook_errors_know_if_a_retry_helps() -> None:
    def answer(status: int) -> WebhookNotifier:
        transport = httpx.MockTransport(lambda req: httpx.Response(status))
        return WebhookNotifier("h", "https://h.example", client=httpx.Client(transport=transport))

    assert answer(503).send(record("1")).transient  # type: ignore[union-attr]
    assert not answer(404).send(record("1")).transient  # type: ignore[union-attr]


def test_digest_groups_by_storyline_and_names_failing_feeds() -> None:
    start, end = last_period("daily", NOW)
    assert (start.day, end.day, end.hour) == (28, 29, 0)
    storylines = [
        Storyline(id="s", title="S", query="x", recipients=("a@example.org", "b@example.org")),
        Storyline(id="h", title="H", query="x", cadence="hourly", recipients=("a@example.org",)),
    ]
    copy = AlsoReported("c", "other", "Copy", "http://x/c", NOW)
    records = [
        record("1", also_reported_by=(copy,)),
        record("2", kind="minor"),
        record("3", kind="repeat"),
        record("4", storyline="h"),
    ]
    failing = [FailingFeed("feed-a", "HTTP 503")]
    digests = build_digests(records, storylines, "daily", start, end, failing, NOW)
    assert [d.recipients for d in digests] == [("a@example.org",), ("b@example.org",)]
    (group,) = digests[0].payload["groups"]  # the hourly storyline is not in the daily digest
    assert (len(group["developments"]), len(group["minor"]), group["repeats"]) == (1, 1, 1)
    assert digests[0].id == digest_id("daily", "a@example.org", start)
    settings = AlertSettings()
    msg = render_message(digests[0], settings, build_environment(settings))
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "feed-a: HTTP 503" in text and "1 repeat(s) suppressed" in text
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<b>Title" not in html and "&lt;b&gt;Title 1" in html
    quiet = build_digests([], storylines, "daily", start, end, [], NOW)
    assert quiet == []


def test_alert_email_lists_whats_new_and_escapes_quotes() -> None:
    settings = AlertSettings()
    msg = render_message(record("1"), settings, build_environment(settings))
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "People: Ann Lee" in text and "Facts: $5 million" in text
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;x" in html
