"""Plain-text parsing: reflow, hyphens, page artifacts, subheadings, teasers, bylines."""

from __future__ import annotations

from pathlib import Path

from storywatch.parsers.text import parse_text


def _wire(fixtures_dir: Path) -> str:
    return (fixtures_dir / "texts" / "wire-hyphen-pagebreak.txt").read_text(encoding="utf-8")


def test_reflow_and_hyphens(fixtures_dir: Path) -> None:
    article = parse_text(_wire(fixtures_dir))
    assert "new anti-ship missile battery" in article.text  # compound kept
    assert "The government has spent" in article.text  # soft hyphen joined
    assert "\n" not in article.paragraphs[0]


def test_page_artifacts_dropped_and_sentence_rejoined(fixtures_dir: Path) -> None:
    article = parse_text(_wire(fixtures_dir))
    assert "Page 3 of 7" not in article.text
    assert "https://" not in article.text
    assert "state-owned factory have struggled to replace parts" in article.text


def test_subheading_related_byline(fixtures_dir: Path) -> None:
    article = parse_text(_wire(fixtures_dir))
    assert article.subheadings == ("Supply Problems",)
    assert article.paragraphs[article.subheading_positions[0]].startswith("The programme")
    assert [r.title for r in article.related] == [
        "Valdoria Signs Radar Deal With Northern Neighbour"
    ]
    assert article.authors == ("Dana Whitcombe", "Olu Mensah")
    assert article.title == ""
    assert article.lang == "en"


def test_single_line_quote_is_not_a_heading() -> None:
    text = "First paragraph here.\n\n“I will keep asking questions.”\n\nLast paragraph here."
    article = parse_text(text)
    assert article.subheadings == ()
    assert len(article.paragraphs) == 3


def test_stray_url_attaches_to_matching_teaser() -> None:
    text = (
        "Body text of the story goes on.\n\nRelated: Harbour Tolls Rise Again\n\n"
        "https://news.example/2024/harbour-tolls-rise-again\n\nMore body text here."
    )
    article = parse_text(text)
    assert article.related[0].url == "https://news.example/2024/harbour-tolls-rise-again"


def test_empty_and_blank_text_is_skipped_not_raised() -> None:
    assert parse_text("").skip_reason is not None
    assert parse_text("   \n\n  \f ").skip_reason is not None
    assert parse_text("42\n\nhttps://x.example/a").skip_reason is not None
