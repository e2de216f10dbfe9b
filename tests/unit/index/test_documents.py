from datetime import UTC, datetime

from storywatch.index.documents import IngestedArticle, article_id, to_document
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
