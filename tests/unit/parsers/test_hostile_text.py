"""Adversarial text: every regex applied to article text stays linear.

Each case was quadratic (minutes to hours at these sizes) before its fix; the
timeout marker is generous, the unfixed code does not come close.
"""

from __future__ import annotations

import pytest

from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.facts import extract_facts
from storywatch.parsers.models import Article
from storywatch.parsers.quotes import find_quote_spans
from storywatch.parsers.text import parse_text

URL = "https://bad.example/page"
PARAGRAPH = (
    "<p>" + "Officials said the harbour plan, long delayed, would now go ahead. " * 5 + "</p>"
)
BODY = f"<html><body><article>{PARAGRAPH * 3}</article>"


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "junk",
    [
        "<script type='application/ld+json'>" * 30_000,  # JSON-LD openers, never closed
        "<script>" * 100_000,
        "<!--" * 200_000,
        "<style a=1>" * 50_000,
        "<" * 200_000,  # no ">" after them
    ],
    ids=["ld-json", "script", "comment", "style", "lt"],
)
def test_unclosed_openers_do_not_make_html_parsing_quadratic(junk: str) -> None:
    article = extract_article(BODY + junk + "</body></html>", URL)
    assert "harbour plan" in article.text


@pytest.mark.timeout(20)
def test_long_word_before_a_line_break_is_linear() -> None:
    article = parse_text("Officials said. " + "a" * 1_000_000 + "\nbc\n\n" + "Body text. " * 30)
    assert article.is_article


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text",
    ["1" * 200_000, "1" + " 000" * 50_000, "1" + ",000" * 50_000, "1." + "0" * 200_000],
    ids=["digits", "space-groups", "comma-groups", "fraction"],
)
def test_money_on_long_digit_runs_is_linear(text: str) -> None:
    assert extract_facts(text).money == ()


def test_money_still_found_after_the_bounded_groups() -> None:
    facts = extract_facts("It cost 1,500,000 dollars, then 2.5 billion euros and $3 million.")
    assert facts.money == ("1,500,000 dollars", "2.5 billion euros", "$3 million")


@pytest.mark.timeout(20)
def test_many_single_quotes_closed_by_possessives_are_linear() -> None:
    spans = find_quote_spans("‘x boys’ " * 100_000)
    assert spans


def test_single_quote_prefers_a_real_closer_over_a_possessive() -> None:
    text = "He said ‘the players’ union will strike.’ Then ‘we go’, she added."
    quoted = [text[s.start : s.end] for s in find_quote_spans(text)]
    assert quoted == ["the players’ union will strike.", "we go"]


@pytest.mark.timeout(20)
def test_initials_run_does_not_make_role_matching_quadratic(knowledge: Knowledge) -> None:
    paragraph = "A." * 200_000 + " said “this is what we think of it, all of us”."
    article = enrich_article(Article(url=URL, paragraphs=(paragraph,)), knowledge)
    assert article.quotes
