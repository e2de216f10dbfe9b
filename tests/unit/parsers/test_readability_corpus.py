"""Never lose an article on real pages: the Readability.js test pages (../shared/corpora).

Slow (trafilatura and our extractor over 130 real pages). Reads the corpus from
``../shared/corpora/readability-pages`` beside the repository (or from the folder named
by ``STORYWATCH_SHARED``, for a checkout elsewhere); skipped when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import trafilatura

from storywatch.parsers.article import extract_article

SHARED = Path(
    os.environ.get("STORYWATCH_SHARED") or Path(__file__).resolve().parents[3] / ".." / "shared"
)
CORPUS = SHARED / "corpora" / "readability-pages"
SUBSTANTIAL_CHARS = 500
EMPTY_CHARS = 100


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/readability-pages is absent")
def test_no_page_comes_back_empty_where_trafilatura_finds_a_body() -> None:
    lost: list[str] = []
    checked = 0
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "source.html").is_file()):
        html = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        theirs = trafilatura.extract(html, include_comments=False) or ""
        if len(theirs.strip()) < SUBSTANTIAL_CHARS:
            continue
        checked += 1
        article = extract_article(html, f"https://readability.example/{folder.name}")
        body = " ".join([*article.subheadings, *article.paragraphs])
        if article.skip_reason or len(body) < EMPTY_CHARS:
            lost.append(f"{folder.name}: {article.skip_reason or len(body)}")
    assert checked >= 100  # the corpus is there and trafilatura reads most of it
    assert lost == []
