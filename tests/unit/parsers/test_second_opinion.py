"""The second opinion (trafilatura) on the body: when it replaces ours, when a loss is recorded."""

from __future__ import annotations

from storywatch.parsers.article import extract_article
from storywatch.parsers.html_body import BodyResult
from storywatch.parsers.models import Article
from storywatch.parsers.second_opinion import (
    lost_body_lengths,
    review_body,
    trafilatura_blocks,
)

URL = "https://saltmarsh.example/2026/07/sea-wall"
PARAGRAPHS = [
    f"Paragraph {i}: engineers in Saltmarsh began rebuilding the sea wall this week, "
    "after winter storms opened three breaches that flooded the lower town twice, and "
    "the council said the work would continue through the summer months."
    for i in range(1, 7)
]

#: What the body extractor measured on the page: 1,200 characters of paragraph text.
PAGE = BodyResult(page_paragraph_chars=1200)


def _markup(extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3]) + "<h2>Who pays for the wall</h2>"
    body += "".join(f"<p>{p}</p>" for p in PARAGRAPHS[3:])
    return (
        "<html><head><title>Saltmarsh rebuilds its sea wall</title></head><body>"
        f"<article><h1>Saltmarsh rebuilds its sea wall</h1>{body}</article>{extra}</body></html>"
    )


def _article(*paragraphs: str) -> Article:
    return Article(url=URL, title="Saltmarsh rebuilds its sea wall", paragraphs=paragraphs)


def _no_main_text(article: Article) -> str | None:
    chars = sum(len(p) for p in article.paragraphs)
    return None if chars >= 250 else f"no-main-text: {chars} characters of body text"


def test_trafilatura_blocks_keep_subheadings_and_cut_teaser_sections() -> None:
    teasers = (
        "<section><h2>Related stories</h2><ul>"
        "<li><a href='/a'>Ferry timetable changes for the summer season ahead</a></li>"
        "<li><a href='/b'>Storm damage bill rises again in the lower town</a></li></ul>"
        "<p>Lighthouse keeper retires after forty years on the rock, the longest serving "
        "keeper anywhere on this stretch of coast, and the town gathers to say goodbye.</p>"
        "</section>"
    )
    blocks = trafilatura_blocks(_markup(teasers))
    texts = [b.text for b in blocks]
    assert ("heading", "Who pays for the wall") in [(b.kind, b.text) for b in blocks]
    assert PARAGRAPHS[0] in texts and PARAGRAPHS[-1] in texts
    assert not any("Lighthouse keeper" in t or "Related" in t for t in texts)


def test_an_empty_body_is_replaced_by_the_second_opinion_and_noted() -> None:
    ours = _article("By Mira Holt")
    reviewed = review_body(ours, _no_main_text, _markup(), PAGE)
    assert reviewed.skip_reason is None
    assert reviewed.paragraphs[0] == PARAGRAPHS[0] and len(reviewed.paragraphs) == 6
    assert reviewed.subheadings == ("Who pays for the wall",)
    assert any("second opinion" in p and "ours 12 characters" in p for p in reviewed.problems)


def test_a_fragment_of_the_body_is_replaced_when_theirs_holds_it() -> None:
    ours = _article(PARAGRAPHS[0], PARAGRAPHS[1])
    reviewed = review_body(ours, _no_main_text, _markup(), PAGE)
    assert len(reviewed.paragraphs) == 6


def test_a_whole_body_is_not_asked_about() -> None:
    ours = _article(*PARAGRAPHS)
    # The markup holds nothing trafilatura could use: an answer would empty the body.
    reviewed = review_body(ours, _no_main_text, "<html><body></body></html>", PAGE)
    assert reviewed is ours


def test_giving_up_where_trafilatura_finds_a_body_is_a_lost_body_with_both_lengths() -> None:
    ours = _article("Menu Home News Sport Weather")

    def index_page(article: Article) -> str | None:
        return "non-article: index page (teaser links, little running text)"

    reviewed = review_body(ours, index_page, _markup(), PAGE)
    assert reviewed.skip_reason is not None
    assert reviewed.skip_reason.startswith("body-lost: ours 28 characters, trafilatura ")
    assert reviewed.skip_reason.endswith(
        "(non-article: index page (teaser links, little running text))"
    )
    lengths = lost_body_lengths(reviewed.skip_reason)
    assert lengths is not None and lengths[0] == 28 and lengths[1] >= 900


def test_two_extractors_agreeing_overrule_the_index_page_heuristic() -> None:
    ours = _article(*PARAGRAPHS)

    def index_page(article: Article) -> str | None:
        return "non-article: index page (teaser links, little running text)"

    reviewed = review_body(ours, index_page, _markup(), PAGE)
    assert reviewed.skip_reason is None and reviewed.paragraphs == ours.paragraphs


def test_nothing_anywhere_stays_a_plain_skip() -> None:
    html = "<html><body><p>Short note.</p></body></html>"
    reviewed = review_body(_article("Short note."), _no_main_text, html, BodyResult())
    assert reviewed.skip_reason == "no-main-text: 11 characters of body text"
    assert lost_body_lengths(reviewed.skip_reason) is None


def test_a_page_of_links_is_not_taken_for_a_body() -> None:
    links = "".join(
        f"<div class='c{i % 7}'><a href='/story/{i}'>Story number {i} of the archive</a>"
        "<span>new</span></div>"
        for i in range(300)
    )
    article = extract_article(f"<html><body>{links}</body></html>", URL)
    assert article.skip_reason is not None and not article.paragraphs
    assert not any("second opinion" in p and "used" in p for p in article.problems)


def test_no_second_opinion_on_megabytes_of_markup() -> None:
    markup = _markup("<p>" + "x " * 600_000 + "</p>")
    reviewed = review_body(_article("By Mira Holt"), _no_main_text, markup, PAGE)
    assert reviewed.skip_reason is not None and reviewed.skip_reason.startswith("no-main-text")
    assert any("no second opinion" in p for p in reviewed.problems)
