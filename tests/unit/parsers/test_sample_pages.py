"""The bundled sample and timeline pages: related teasers, canonical URLs, roles, topics.

The pages carry the feed server's ``{{base_url}}`` placeholder; tests substitute a
loopback address, as the server does, except where the raw placeholder is the point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article

REPO = Path(__file__).resolve().parents[3]
BASE = "http://127.0.0.1:8787"
SAMPLES = sorted((REPO / "samples" / "articles").glob("*.html"))
TIMELINE = sorted((REPO / "tests" / "fixtures" / "timeline" / "articles").glob("*.html"))


def _served(path: Path, knowledge: Knowledge) -> Article:
    html = path.read_text(encoding="utf-8").replace("{{base_url}}", BASE)
    return enrich_article(extract_article(html, f"{BASE}/articles/{path.name}"), knowledge)


def _sample(name: str, knowledge: Knowledge) -> Article:
    return _served(REPO / "samples" / "articles" / name, knowledge)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_inline_related_box_moves_out_of_the_body(path: Path, knowledge: Knowledge) -> None:
    article = _served(path, knowledge)
    assert article.is_article, article.skip_reason
    assert article.related, "every sample page has an inline 'Related:' box"
    for link in article.related:
        assert link.url is not None and link.url.startswith(BASE + "/")
        assert link.title not in article.text
    assert not any(p.startswith("Related") for p in article.paragraphs)


def test_related_titles_and_order(knowledge: Knowledge) -> None:
    article = _sample("pentagon-weighs-suspending-turkey-f35.html", knowledge)
    assert [r.title for r in article.related] == [
        "Inside the F-35 Joint Program Office's new sustainment plan",
        "Ankara confirms S-400 contract, says first batteries will arrive in 2027",
    ]
    assert article.related[1].url == f"{BASE}/2026/11/03/ankara-s400-contract-2027/"


def test_unresolved_placeholder_gives_no_canonical_url() -> None:
    path = REPO / "samples" / "articles" / "norvale-semiconductor-earnings-beat.html"
    article = extract_article(path.read_bytes(), path.resolve().as_uri())
    assert article.is_article
    assert article.canonical_url is None
    # Relative teaser links cannot be resolved against a file: URL either.
    assert article.related and all(r.url is None for r in article.related)


def test_canonical_url_when_served(knowledge: Knowledge) -> None:
    article = _sample("norvale-semiconductor-earnings-beat.html", knowledge)
    assert article.canonical_url == f"{BASE}/articles/norvale-semiconductor-earnings-beat.html"


def test_role_before_name_and_ranks(knowledge: Knowledge) -> None:
    norvale = _sample("norvale-semiconductor-earnings-beat.html", knowledge)
    by_start = {q.text[:30]: q for q in norvale.quotes}
    ceo = by_start["We are shipping everything we "]
    assert (ceo.speaker, ceo.role) == ("Lena Voskuijlen", "chief executive")
    cfo = by_start["We would rather spend the cash"]
    assert cfo.speaker == "Raj Menon" and cfo.role == "Chief financial officer"

    pentagon = _sample("pentagon-weighs-suspending-turkey-f35.html", knowledge)
    ortega = [q for q in pentagon.quotes if q.speaker == "James Ortega"]
    assert ortega and all("Pentagon spokesman" in (q.role or "") for q in ortega)
    assert "Cmdr" not in pentagon.entities.get("candidate", ())


def test_full_name_found_for_a_surname_speaker(knowledge: Knowledge) -> None:
    # "Brig. Gen. Murat Ekinci, head of ..., said" introduces him; later "Ekinci said".
    path = REPO / "tests" / "fixtures" / "timeline" / "articles"
    article = _served(path / "defense-wire-s400-deliveries-october-2027.html", knowledge)
    assert {q.speaker for q in article.quotes} == {"Murat Ekinci"}
    assert all("head of air-defense programs" in (q.role or "") for q in article.quotes)


@pytest.mark.parametrize(
    "path", [p for p in TIMELINE if "patriots-" in p.name], ids=lambda p: p.stem
)
def test_football_reports_are_not_the_missile(path: Path, knowledge: Knowledge) -> None:
    article = _served(path, knowledge)
    assert "patriot" not in article.topic_ids
    assert "Patriot" not in article.entities.get("system", ())


@pytest.mark.parametrize(
    "name",
    ["house-panel-splits-patriot-act-renewal.html", "patriots-late-winner-against-rovers.html"],
)
def test_patriot_act_and_sport_samples_are_not_the_missile(name: str, knowledge: Knowledge) -> None:
    assert "patriot" not in _sample(name, knowledge).topic_ids


@pytest.mark.parametrize(
    "name",
    [
        "us-floats-patriot-package-turkey.html",
        "ankara-cool-reception-patriot-offer.html",
        "explainer-caatsa-turkey-s400-f35.html",
    ],
)
def test_patriot_missile_samples_still_fire(name: str, knowledge: Knowledge) -> None:
    article = _sample(name, knowledge)
    assert "patriot" in article.topic_ids
    assert "Patriot" in article.entities["system"]
