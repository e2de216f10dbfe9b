"""The seed article: every item of s400-turkey-f35.expected.json must be found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article
from storywatch.parsers.text import parse_text

SEED_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "seed"
SEED_TEXT = SEED_DIR / "s400-turkey-f35.txt"
SEED_EXPECTED = SEED_DIR / "s400-turkey-f35.expected.json"

pytestmark = pytest.mark.skipif(
    not (SEED_TEXT.exists() and SEED_EXPECTED.exists()), reason="../shared/seed is absent"
)


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def article(knowledge: Knowledge) -> Article:
    return enrich_article(parse_text(SEED_TEXT.read_text(encoding="utf-8")), knowledge)


def test_body(article: Article, expected: dict) -> None:
    body = expected["body"]
    for fragment in body["must_not_contain"]:
        assert fragment not in article.text
    for fragment in body["must_contain_joined"]:
        assert fragment in article.text
    assert body["paragraphs_min"] <= len(article.paragraphs) <= body["paragraphs_max"]
    assert article.title == ""  # the seed has no headline


def test_subheadings_kept_apart(article: Article, expected: dict) -> None:
    assert list(article.subheadings) == expected["subheadings"]
    for heading in expected["subheadings"]:
        assert heading not in article.paragraphs


def test_related(article: Article, expected: dict) -> None:
    assert [r.title for r in article.related] == [r["title"] for r in expected["related"]]


@pytest.mark.parametrize("index", range(9))
def test_quote(article: Article, expected: dict, index: int) -> None:
    want = expected["quotes"][index]
    matches = [
        q
        for q in article.quotes
        if q.speaker == want["speaker"] and q.text.startswith(want["text_starts"])
    ]
    assert matches, f"no quote by {want['speaker']} starting {want['text_starts']!r}"
    if "role_contains" in want:
        assert any(want["role_contains"] in (q.role or "") for q in matches)


def test_topics(article: Article, expected: dict) -> None:
    for topic_id in expected["topics"]["must_include"]:
        assert topic_id in article.topic_ids
    for hit in article.topics:
        assert hit.score > 0 and hit.evidence
        for evidence in hit.evidence:
            source = article.title if evidence.field == "title" else article.text
            assert source[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize("etype", ["person", "organization", "place", "system"])
def test_entities(article: Article, expected: dict, etype: str) -> None:
    missing = set(expected["entities"][etype]) - set(article.entities.get(etype, ()))
    assert not missing


def test_facts(article: Article, expected: dict) -> None:
    assert set(expected["facts"]["money"]) <= set(article.facts.money)
    assert set(expected["facts"]["dates_mentioned"]) <= set(article.facts.dates)


def test_fingerprint(article: Article) -> None:
    assert article.fingerprint is not None
    assert -(2**63) <= article.fingerprint < 2**63
