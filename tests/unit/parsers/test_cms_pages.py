"""Hand-made pages imitating real CMS markups (tests/fixtures/pages/cms) against their gold."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from storywatch.parsers.article import extract_article

CMS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "pages" / "cms"
PAGES = sorted(CMS_DIR.glob("*.html"))


def _tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in re.findall(r"\w+", text))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_cms_page_body_matches_gold(path: Path) -> None:
    gold = path.with_suffix(".gold.txt").read_text(encoding="utf-8")
    article = extract_article(path.read_bytes(), f"https://coast.example/2026/03/{path.stem}")
    assert article.is_article, article.skip_reason
    got = " ".join([*article.subheadings, *article.paragraphs])
    want, have = _tokens(gold), _tokens(got)
    overlap = sum((want & have).values())
    precision, recall = overlap / sum(have.values()), overlap / sum(want.values())
    assert recall >= 0.95, f"recall {recall:.3f}"
    assert precision >= 0.9, f"precision {precision:.3f}"


def test_cms_set_is_complete() -> None:
    assert len(PAGES) >= 10
    assert all(p.with_suffix(".gold.txt").exists() for p in PAGES)
