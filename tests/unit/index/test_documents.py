from datetime import UTC, datetime
from typing import Any

from storywatch.alerts.features import QuoteItem
from storywatch.alerts.memory import to_document as memory_document
from storywatch.alerts.novelty import StorylineMemory, WhatsNew
from storywatch.alerts.records import AlertRecord, AlertState, AlsoReported
from storywatch.index.deadletter import DeadLetter
from storywatch.index.documents import IngestedArticle, article_id, to_document
from storywatch.index.feedstate import FeedState
from storywatch.index.schema import load_template
from storywatch.parsers.models import Article, Facts, FeedEntry, Quote, TopicHit

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_article_id_ignores_tracking_and_fragments() -> None:
    plain = article_id("https://news.example/a/1")
    assert article_id("https://NEWS.example/a/1?utm_source=x#top") == plain
    assert article_id("https://news.example/a/2") != plain


def _item() -> IngestedArticle:
    article = Article(
        url="https://news.example/a/1",
        title="Headline",
        paragraphs=("One two three.", "Four five."),
        quotes=(Quote("We will see.", "Ana Ruiz", "analyst"),),
        entities={"person": ("Ana Ruiz",), "place": ()},
        topics=(TopicHit("s-400", 2.5),),
        facts=Facts(money=("$1 billion",)),
        fingerprint=0xABC,
    )
    entry = FeedEntry("wire", "https://news.example/a/1?utm_medium=rss", "Feed title")
    return IngestedArticle(article, entry, NOW)


def test_document_shape() -> None:
    item = _item()
    doc = to_document(item)
    assert doc["id"] == item.id == article_id("https://news.example/a/1")
    assert doc["text"] == "One two three.\n\nFour five."
    assert doc["topic_ids"] == ["s-400"]
    assert doc["entities"] == {"person": ["Ana Ruiz"]}
    assert doc["fingerprint"] == 0xABC
    assert doc["word_count"] == 5
    assert doc["ingested_at"] == NOW.isoformat()


def test_document_fields_are_all_mapped() -> None:
    mapped = set(load_template("articles", "x")["template"]["mappings"]["properties"])
    assert set(to_document(_item())) <= mapped


def _unmapped(doc: dict[str, Any], props: dict[str, Any], path: str = "") -> list[str]:
    """Fields of ``doc`` (recursing into objects and lists of objects) missing in ``props``."""
    missing: list[str] = []
    for key, value in doc.items():
        if key not in props:
            missing.append(path + key)
            continue
        inner = value[0] if isinstance(value, list) and value else value
        if isinstance(inner, dict) and "properties" in props[key]:
            missing += _unmapped(inner, props[key]["properties"], f"{path}{key}.")
    return missing


def _properties(name: str) -> dict[str, Any]:
    props: dict[str, Any] = load_template(name, "x")["template"]["mappings"]["properties"]
    return props


def test_feed_state_fields_are_all_mapped() -> None:
    state = FeedState("wire", "https://w.example/rss", etag='"e"', last_polled=NOW)
    assert _unmapped(state.to_document(), _properties("feeds")) == []


def test_dead_letter_fields_are_all_mapped() -> None:
    letter = DeadLetter("parse", "https://x.example/a", "bad", "ParseError", NOW, "wire")
    assert _unmapped(letter.to_document(), _properties("deadletter")) == []


def test_alert_record_fields_are_all_mapped() -> None:
    record = AlertRecord(
        id="a",
        storyline_id="s",
        storyline_title="S",
        article_id="x",
        article_url="https://x.example/a",
        title="T",
        source="wire",
        published=None,
        kind="development",
        state=AlertState.PENDING,
        recipients=("a@example.org",),
        created_at=NOW,
        updated_at=NOW,
        whats_new=WhatsNew(people=("Ana Ruiz",), quotes=(QuoteItem("Ana Ruiz", "We go."),)),
        also_reported_by=(AlsoReported("y", "other", "T", "https://y.example/a", NOW),),
    )
    assert _unmapped(record.to_document(), _properties("alerts")) == []


def test_storyline_memory_fields_are_all_mapped() -> None:
    doc = memory_document(StorylineMemory("s"), NOW)
    assert _unmapped(doc, _properties("storylines")) == []
