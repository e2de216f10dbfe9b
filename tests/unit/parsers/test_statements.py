"""Indirect speech attributed to its speaker, and facts kept with their sentences.

Every sentence here is written for the project (fictional people and places).
"""

from __future__ import annotations

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.facts import extract_facts
from storywatch.parsers.sentences import split_sentences
from storywatch.parsers.text import parse_text


def _statements(body: str, knowledge: Knowledge) -> list[tuple[str | None, str]]:
    article = enrich_article(parse_text(f"Harbour news\n\n{body}"), knowledge)
    assert all(q.indirect for q in article.statements)
    return [(q.speaker, q.text) for q in article.statements]


def test_said_that(knowledge: Knowledge) -> None:
    body = "Port director Ingrid Vale said that the new cranes would arrive in June."
    assert _statements(body, knowledge) == [("Ingrid Vale", "The new cranes would arrive in June")]


def test_estimated_keeps_the_verb(knowledge: Knowledge) -> None:
    body = (
        "Marcus Bell, an economist at the Harbour Policy Institute, estimated the cost "
        "of the dredging at $80 million."
    )
    article = enrich_article(parse_text(f"Harbour news\n\n{body}"), knowledge)
    [statement] = article.statements
    assert statement.speaker == "Marcus Bell"
    assert statement.text == "estimated the cost of the dredging at $80 million"
    assert statement.role == "an economist at the Harbour Policy Institute"


def test_according_to_first_and_last(knowledge: Knowledge) -> None:
    body = (
        "Tomas Reyes leads the dockers. According to Reyes, the night shifts were never "
        "agreed. The berth will close for six weeks, according to Lena Marsk."
    )
    assert _statements(body, knowledge) == [
        ("Tomas Reyes", "The night shifts were never agreed"),
        ("Lena Marsk", "The berth will close for six weeks"),
    ]


def test_trailing_attribution_and_pronoun(knowledge: Knowledge) -> None:
    body = (
        "The ferry fares will rise in spring, said Harriet Osei, chair of the port board. "
        "She told reporters on Monday that the rise would be the last this decade."
    )
    assert _statements(body, knowledge) == [
        ("Harriet Osei", "The ferry fares will rise in spring"),
        ("Harriet Osei", "The rise would be the last this decade"),
    ]


def test_quotes_questions_and_anonymous_claims_are_not_statements(
    knowledge: Knowledge,
) -> None:
    body = (
        "“We will not raise the toll,” Mayor Lena Koss said. Did the council say that the "
        "toll would rise? The toll is said to be the highest on the coast. The docks are "
        "busier than ever, officials said."
    )
    assert _statements(body, knowledge) == []


def test_indirect_speaker_is_a_person_of_the_article(knowledge: Knowledge) -> None:
    body = "Ellis Brandt estimated the repairs at 12 million euros."
    article = enrich_article(parse_text(f"Harbour news\n\n{body}"), knowledge)
    assert "Ellis Brandt" in article.entities.get("person", ())
    assert [q.speaker for q in article.statements] == ["Ellis Brandt"]


def test_each_fact_keeps_its_own_sentence() -> None:
    text = (
        "The first 900 parts arrived at the yard on Monday. Gen. Ada Novak said the U.S. "
        "share was $500 million.\n\nThe opposition put the total at $600 million."
    )
    facts = extract_facts(text)
    assert facts.sentence_of("900 parts") == "The first 900 parts arrived at the yard on Monday."
    assert facts.sentence_of("$500 million") == (
        "Gen. Ada Novak said the U.S. share was $500 million."
    )
    assert facts.sentence_of("$600 million") == "The opposition put the total at $600 million."


def test_sentences_do_not_end_at_abbreviations_or_decimals() -> None:
    text = (
        "Dr. Ada Novak put it at $2.5 billion. Costs rose in Jan. 2026 at the U.S. Navy yard. "
        "Then they fell."
    )
    found = split_sentences(text)
    assert found.around(text.index("2.5")) == "Dr. Ada Novak put it at $2.5 billion."
    assert found.around(text.index("2026")) == "Costs rose in Jan. 2026 at the U.S. Navy yard."
    assert found.around(text.index("fell")) == "Then they fell."


def test_long_sentence_is_cut_around_the_fact() -> None:
    text = "The yard " + "kept working through the storm and " * 20 + "paid $3 million in overtime."
    sentence = split_sentences(text).around(text.index("$3"), text.index("$3") + 10)
    assert "$3 million" in sentence and sentence.startswith("…") and len(sentence) <= 330
