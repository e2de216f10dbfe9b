"""A realistic alert, rendered end to end, read the way an analyst reads it.

The article (tests/fixtures/texts/alert-harbour-radar.txt) is fictional and written for
the project. It goes through the real parser, the index document round trip, novelty
judging and record building, then is rendered; the assertions are on what the reader
sees in the text and HTML parts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from storywatch.alerts.cli import show_lines
from storywatch.alerts.email import build_environment, render_email
from storywatch.alerts.features import extract_features
from storywatch.alerts.judging import build_record
from storywatch.alerts.matching import HIGHLIGHT_POST as POST
from storywatch.alerts.matching import HIGHLIGHT_PRE as PRE
from storywatch.alerts.matching import Match
from storywatch.alerts.novelty import StorylineMemory, decide
from storywatch.alerts.presentation import when
from storywatch.alerts.records import AlertRecord
from storywatch.alerts.settings import AlertSettings
from storywatch.alerts.storylines import Storyline
from storywatch.index.documents import IngestedArticle, from_document, to_document
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.entities import load_entities
from storywatch.parsers.models import FeedEntry
from storywatch.parsers.text import parse_text
from storywatch.parsers.topics import TopicsFile, compile_topics
from storywatch.paths import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "texts" / "alert-harbour-radar.txt"
URL = "http://127.0.0.1:8787/kestrel.html"
NOW = datetime(2026, 12, 2, 13, 12, tzinfo=UTC)
TOPICS = TopicsFile.model_validate(
    {
        "topics": [
            {"id": "coastal-radar", "name": "Coastal radar", "rules": [{"phrase": "radar"}]},
            {"id": "naval-yards", "name": "Naval yards", "rules": [{"phrase": "naval yard"}]},
        ]
    }
)
STORYLINE = Storyline.model_validate(
    {
        "id": "kestrel-radar",
        "title": "Kestrel-9 coastal radar",
        "query": "Kestrel-9",
        "recipients": ["analyst@example.org"],
        "quiet_hours": {"start": "23:00", "end": "06:00", "timezone": "Europe/Berlin"},
    }
)


def _record() -> AlertRecord:
    knowledge = Knowledge(
        topics=compile_topics(TOPICS),
        entities=load_entities(PROJECT_ROOT / "config" / "entities.yaml"),
    )
    article = enrich_article(parse_text(FIXTURE.read_text(encoding="utf-8"), URL), knowledge)
    published = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)  # a Tuesday
    entry = FeedEntry(
        "alpha", URL, article.title, published=published, feed_title="Marlow Bay Courier"
    )
    doc = to_document(IngestedArticle(article, entry, NOW))
    stored = from_document(doc["id"], doc)
    decision = decide(extract_features(stored), StorylineMemory(STORYLINE.id), STORYLINE.novelty)
    match = Match(
        storyline_id=STORYLINE.id,
        article_id=stored.id,
        score=3.2,
        title=stored.title,
        url=URL,
        source=stored.source,
        published=stored.published,
        # As Elasticsearch returns them: the opening marker trimmed from the first
        # passage, "Kestrel-9" marked in two pieces.
        highlights=(
            f"Kestrel{POST}-{PRE}9{POST} coastal radar arrived at the Marlow Bay naval yard",
            f"The {PRE}Kestrel{POST}-{PRE}9{POST} contract was signed in 2025",
        ),
        topics=stored.topic_ids,
    )
    record = build_record(match, stored, STORYLINE, decision, NOW)
    # What delivery reads back from Elasticsearch.
    return AlertRecord.from_document(record.to_document())


@pytest.fixture(scope="module")
def email() -> EmailMessage:
    settings = AlertSettings(message_id_domain="sw.example")
    return render_email(_record(), settings, build_environment(settings))


@pytest.fixture(scope="module")
def text(email: EmailMessage) -> str:
    return email.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def html(email: EmailMessage) -> str:
    return email.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_source_date_and_topics_read_as_words(text: str, html: str) -> None:
    assert "Marlow Bay Courier | Tuesday 1 December 2026, 14:05 CET" in text
    assert "alpha" not in text and "alpha" not in html
    assert "Topics: Coastal radar, Naval yards" in text
    assert "coastal-radar" not in text and "naval-yards" not in html
    assert ">Tuesday 1 December 2026, 14:05 CET</time>" in html


def test_each_fact_comes_with_its_sentence(text: str, html: str) -> None:
    assert (
        '      $500 million: "Defence procurement chief Ellen Varga estimated the cost of '
        'the full system at $500 million."' in text
    )
    assert '      $600 million: "The opposition put the figure at $600 million' in text
    assert '      900 parts: "The first 900 parts of the Kestrel-9 coastal radar' in text
    # Two facts of one sentence share it; the speaker is named when the sentence
    # gives only a surname.
    assert (
        '      400 parts; February 2027: "Frey told reporters that a second delivery of '
        '400 parts would follow in February 2027." (Jonas Frey)' in text
    )
    assert "at <strong>$500 million</strong>." in html


def test_quotes_and_reported_speech_are_attributed(text: str, html: str) -> None:
    said = text.split("Who said what:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert (
        '  - "We will have the first Kestrel-9 battery on the cliffs by the spring" '
        "(Jonas Frey, Admiral, commander of the coastal fleet)"
    ) in said
    assert (
        "  - Ellen Varga, Defence procurement chief (reported): estimated the cost of the "
        "full system at $500 million"
    ) in said
    assert (
        "  - Tomas Reyes (reported): The harbour workers' union was never consulted about "
        "the night shifts at the yard"
    ) in said
    # The new person points at what they said instead of standing alone.
    assert "Ellen Varga, Defence procurement chief (said below)" in text
    assert "<strong>Tomas Reyes</strong> (reported)" in html


def test_highlights_balanced_and_whole(text: str, html: str) -> None:
    assert "  > *Kestrel-9* coastal radar arrived at the Marlow Bay naval yard" in text
    assert "<mark>Kestrel-9</mark> coastal radar" in html
    assert html.count("<mark>") == html.count("</mark>") == 2
    assert "*Kestrel*" not in text and "Kestrel-9*" not in text.replace("*Kestrel-9*", "")


def test_no_scoring_in_the_email(text: str, html: str) -> None:
    for noise in ("new term:", "(+", "first report in this storyline", "score"):
        assert noise not in text and noise not in html
    assert "storywatch alerts show" in text


def test_first_report_key_terms_are_the_notable_ones(text: str) -> None:
    found = re.search(r"^  - Key terms: (.*)$", text, re.MULTILINE)
    assert found is not None
    terms = found.group(1).split("; ")
    assert "Kestrel-9" in terms and len(terms) <= 6
    # Capitalised words met once ("Monday", the dateline's town) are not key terms.
    assert not {"Monday", "March", "Admiral"} & set(terms)


def test_dates_in_words_in_any_zone() -> None:
    assert when("2026-12-03T13:05:00+00:00", "Europe/Berlin") == (
        "Thursday 3 December 2026, 14:05 CET"
    )
    assert when("2026-07-03T13:05:00Z", "Europe/Berlin").endswith("15:05 CEST")
    assert when("2026-12-03T13:05:00+00:00", "Europe/Istanbul").endswith("16:05 UTC+03")
    assert when("2026-12-03T13:05:00", "UTC") == "Thursday 3 December 2026, 13:05 UTC"
    assert when("2026-12-03", "Asia/Tokyo") == "Thursday 3 December 2026"
    assert when("yesterday", "UTC") == "yesterday"
    assert when(None, "UTC") == ""


def test_scoring_moved_to_alerts_show() -> None:
    lines = show_lines(_record())
    scoring = lines[lines.index("scoring:") + 1 : lines.index("scoring:") + 4]
    assert scoring[0] == "  - first report in this storyline"
    assert any(line.startswith("  - new person: Ellen Varga") for line in scoring)
    assert any(line.startswith("new terms:  ") and "kestrel" in line for line in lines)
    assert "  - Tomas Reyes: The harbour workers' union" in "\n".join(lines)
