"""Highlight markers from Elasticsearch turned into balanced markup."""

from __future__ import annotations

from storywatch.alerts.email import html_passage, text_passage
from storywatch.alerts.highlights import Piece, passage_pieces
from storywatch.alerts.matching import HIGHLIGHT_POST as POST
from storywatch.alerts.matching import HIGHLIGHT_PRE as PRE


def test_mark_at_passage_start_whose_opening_marker_was_trimmed() -> None:
    # Elasticsearch trims passages like Java's String.trim(), which drops \x02.
    raw = f"Turkey{POST} will take delivery of the {PRE}S-400{POST} in October."
    assert passage_pieces(raw) == [
        Piece("Turkey", True),
        Piece(" will take delivery of the ", False),
        Piece("S-400", True),
        Piece(" in October.", False),
    ]
    assert str(html_passage(raw)).startswith("<mark>Turkey</mark> will take")
    assert text_passage(raw) == "*Turkey* will take delivery of the *S-400* in October."


def test_mark_at_passage_end_whose_closing_marker_was_trimmed() -> None:
    raw = f"Deliveries were confirmed by {PRE}Ankara"
    assert str(html_passage(raw)) == "Deliveries were confirmed by <mark>Ankara</mark>"
    assert text_passage(raw) == "Deliveries were confirmed by *Ankara*"


def test_both_edges_trimmed() -> None:
    raw = f"Turkey{POST} bought the {PRE}S-400"
    html = str(html_passage(raw))
    assert html == "<mark>Turkey</mark> bought the <mark>S-400</mark>"


def test_hyphenated_term_marked_in_pieces_becomes_one_mark() -> None:
    raw = f"the {PRE}S{POST}-{PRE}400{POST} system and the {PRE}F{POST}‑{PRE}35{POST} jet"
    assert str(html_passage(raw)) == "the <mark>S-400</mark> system and the <mark>F‑35</mark> jet"
    assert text_passage(raw) == "the *S-400* system and the *F‑35* jet"


def test_phrase_marked_word_by_word_becomes_one_mark() -> None:
    raw = f"a {PRE}Patriot{POST} {PRE}missile{POST} battery"
    assert text_passage(raw) == "a *Patriot missile* battery"


def test_words_joined_by_other_text_stay_apart() -> None:
    raw = f"{PRE}Turkey{POST} and {PRE}Russia{POST}"
    assert text_passage(raw) == "*Turkey* and *Russia*"


def test_marks_always_balanced_and_text_escaped() -> None:
    for raw in (
        f"<b>{POST} x {PRE}y",
        f"{POST}{POST}a{PRE}{PRE}b",
        f"{PRE}{POST}",
        "plain & simple",
        f"{PRE}a < b{POST}",
    ):
        html = str(html_passage(raw))
        assert html.count("<mark>") == html.count("</mark>"), raw
        assert "<b>" not in html and "< b" not in html


def test_long_passage_is_cut_without_leaving_a_mark_open() -> None:
    raw = "word " * 30 + f"{PRE}{'Kestrel ' * 10}{POST}"
    out = text_passage(raw, limit=170)
    assert len(out) <= 172 and out.count("*") == 2 and out.endswith("…*")
