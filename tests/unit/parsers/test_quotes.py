"""Quote attribution on fixtures written for the project."""

from __future__ import annotations

from pathlib import Path

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.quotes import find_quote_spans
from storywatch.parsers.text import parse_text


def _pairs(text: str, knowledge: Knowledge) -> list[tuple[str | None, str]]:
    article = enrich_article(parse_text(text), knowledge)
    return [(q.speaker, q.text[:25]) for q in article.quotes]


def test_variety_fixture(fixtures_dir: Path, knowledge: Knowledge) -> None:
    text = (fixtures_dir / "texts" / "quotes-variety.txt").read_text(encoding="utf-8")
    article = enrich_article(parse_text(text), knowledge)
    by_start = {q.text[:20]: q for q in article.quotes}
    assert by_start["This is the largest i"[:20]].speaker == "Harriet Osei"
    assert by_start["This is the largest i"[:20]].role == "chair of the Marlow Bay Port Authority"
    assert by_start["It will keep the chann"[:20]].speaker == "Harriet Osei"  # continued
    assert by_start["We were never asked"].speaker == "Tomas Reyes"  # "Name, who ..., said"
    assert by_start["Nobody came to the docks"[:20]].speaker == "Tomas Reyes"
    assert by_start["Somebody has to ask who"[:20]].speaker == "Ingrid Vale"  # "she said"
    bell = by_start["The numbers simply do"[:20]]
    assert bell.speaker == "Marcus Bell"  # mismatched marks “...,’
    assert bell.role == "an economist at the Harbour Policy Institute"
    gift = by_start["a gift to the shipping"[:20]]
    assert gift.speaker == "Tomas Reyes" and gift.partial  # surname resolves, not the last speaker


def test_he_said_resolves_to_last_named_person(knowledge: Knowledge) -> None:
    text = (
        "Admiral Jonas Frey inspected the fleet on Tuesday. He was blunt.\n\n"
        "“The ships are not ready for a long deployment,” he said."
    )
    assert _pairs(text, knowledge) == [("Jonas Frey", "The ships are not ready f")]


def test_straight_quotes_and_attribution_first(knowledge: Knowledge) -> None:
    text = (
        'Mayor Lena Koss told the council: "We will not raise the toll this year, '
        'whatever the auditors say."'
    )
    assert _pairs(text, knowledge) == [("Lena Koss", "We will not raise the tol")]


def test_scare_quotes_are_not_speech(knowledge: Knowledge) -> None:
    text = "The so-called “peace dividend” never arrived, and the port stayed quiet all year."
    assert _pairs(text, knowledge) == []


def test_unclosed_quote_runs_to_paragraph_end() -> None:
    paragraph = "“We will return next year and finish the job"
    spans = find_quote_spans(paragraph)
    assert len(spans) == 1 and paragraph[spans[0].start : spans[0].end].endswith("the job")


def test_apostrophes_do_not_close_quotes() -> None:
    paragraph = "“The port’s future isn’t in doubt,” she said."
    spans = find_quote_spans(paragraph)
    assert [paragraph[s.start : s.end] for s in spans] == ["The port’s future isn’t in doubt,"]


def test_british_single_quotes_roles_and_ranks(fixtures_dir: Path, knowledge: Knowledge) -> None:
    text = (fixtures_dir / "texts" / "quotes-roles-british.txt").read_text(encoding="utf-8")
    quotes = enrich_article(parse_text(text), knowledge).quotes
    got = [(q.speaker, q.role, q.text[:20]) for q in quotes]
    assert got == [
        ("Lena Marsk", "chief executive", "This is the order we"),
        ("Lena Marsk", "chief executive", "It keeps four hundre"),
        ("Piet Hallan", "Defence ministry spokesman Cmdr.", "The fleet is older t"),
        ("Ansa Rohde", "Brig. Gen.", "Boats without crews "),
        ("Tobias Wren", "Sen., a critic of the programme", "We were told the pri"),
        ("Ivo Brandt", "works council chair", "We will hold managem"),
    ]


def test_single_quote_spans_skip_apostrophes() -> None:
    paragraph = "‘The players’ union agrees and the club’s board isn’t worried,’ she said."
    spans = find_quote_spans(paragraph)
    assert [paragraph[s.start : s.end] for s in spans] == [
        "The players’ union agrees and the club’s board isn’t worried,"
    ]
    assert find_quote_spans("It was the ’90s, and Ankara’s plan stalled.") == []


def test_role_set_off_by_commas_before_the_name(knowledge: Knowledge) -> None:
    text = (
        "A department spokeswoman, Rachel Dunmore, said the office continued to "
        "“engage intensively” with the port authority on the new tolls."
    )
    article = enrich_article(parse_text(text), knowledge)
    assert [(q.speaker, q.role, q.partial) for q in article.quotes] == [
        ("Rachel Dunmore", "department spokeswoman", True)
    ]


def test_organisation_speaker_is_not_a_person(knowledge: Knowledge) -> None:
    text = (
        "The Valdorian Defense Ministry said in a statement that “contracts signed in good "
        "faith must be honoured by every partner in the programme.”"
    )
    article = enrich_article(parse_text(text), knowledge)
    assert article.quotes[0].speaker == "Valdorian Defense Ministry"
    assert "Valdorian Defense Ministry" not in article.entities.get("person", ())


def test_he_said_after_a_surname_only_mention(fixtures_dir: Path, knowledge: Knowledge) -> None:
    text = (fixtures_dir / "texts" / "patriots-football-report.txt").read_text(encoding="utf-8")
    pairs = _pairs(text, knowledge)
    assert pairs == [
        ("Mara Quist", "quiet but angry"),
        ("Dario Fenn", "I just hit it and hoped"),
        ("Dario Fenn", "The fans pushed us all th"),
    ]
