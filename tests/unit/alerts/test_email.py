from datetime import UTC, datetime

from storywatch.alerts.email import build_environment, html_passage, render_email, text_passage
from storywatch.alerts.matching import HIGHLIGHT_POST, HIGHLIGHT_PRE
from storywatch.alerts.records import AlertRecord, AlertState
from storywatch.alerts.settings import AlertSettings

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
SETTINGS = AlertSettings(mail_from="Storywatch <sw@example.org>", message_id_domain="sw.example")


def record(**changes: object) -> AlertRecord:
    values: dict[str, object] = {
        "id": "abc123",
        "storyline_id": "turkey-s400-purchase",
        "storyline_title": "Turkey's S-400 purchase",
        "article_id": "a1",
        "article_url": "http://127.0.0.1:8787/articles/one.html",
        "title": "Ankara confirms delivery schedule",
        "source": "defense-wire",
        "published": "2026-11-28T08:00:00+00:00",
        "kind": "development",
        "state": AlertState.PENDING,
        "recipients": ("analyst@example.org", "desk@example.org"),
        "created_at": NOW,
        "updated_at": NOW,
        "highlights": (f"Turkey will take the {HIGHLIGHT_PRE}S-400{HIGHLIGHT_POST} in October.",),
        "topics": ("s-400",),
    }
    values.update(changes)
    return AlertRecord(**values)  # type: ignore[arg-type]


def parts(msg):  # type: ignore[no-untyped-def]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return text, html


def test_headers() -> None:
    msg = render_email(record(), SETTINGS, build_environment(SETTINGS))
    assert msg["Subject"] == "[Turkey's S-400 purchase] Ankara confirms delivery schedule"
    assert msg["Message-ID"] == "<abc123@sw.example>"
    assert msg["To"] == "analyst@example.org, desk@example.org"
    assert msg["X-Storywatch-Storyline"] == "turkey-s400-purchase"


def test_body_has_headline_source_passage_and_link() -> None:
    text, html = parts(render_email(record(), SETTINGS, build_environment(SETTINGS)))
    assert "Ankara confirms delivery schedule" in text and "defense-wire" in text
    assert "Turkey will take the *S-400* in October." in text
    assert "<mark>S-400</mark>" in html
    assert 'href="http://127.0.0.1:8787/articles/one.html"' in html


def test_feed_markup_never_becomes_active() -> None:
    evil = record(
        title='<script>alert(1)</script> "quoted" & <b>bold</b>',
        highlights=(f"<img src=x onerror=alert(1)> {HIGHLIGHT_PRE}S-400{HIGHLIGHT_POST}",),
        article_url='javascript:alert(1)" onclick="x',
    )
    _, html = parts(render_email(evil, SETTINGS, build_environment(SETTINGS)))
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert 'onclick="x' not in html


def test_header_injection_through_title_is_flattened() -> None:
    msg = render_email(
        record(title="Hello\r\nBcc: victim@example.org"), SETTINGS, build_environment(SETTINGS)
    )
    assert msg["Bcc"] is None
    assert msg["Subject"].endswith("Hello Bcc: victim@example.org")


def test_passage_helpers() -> None:
    raw = f"a < b {HIGHLIGHT_PRE}key{HIGHLIGHT_POST} c"
    assert str(html_passage(raw)) == "a &lt; b <mark>key</mark> c"
    assert text_passage(raw) == "a < b *key* c"


def test_user_templates_override_bundled_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "alert.txt.j2").write_text("Custom: {{ alert.title }}\n")
    settings = AlertSettings(templates_dir=tmp_path)
    text, html = parts(render_email(record(), settings, build_environment(settings)))
    assert text == "Custom: Ankara confirms delivery schedule\n"
    assert "<mark>S-400</mark>" in html  # the HTML part still comes from the bundled template
