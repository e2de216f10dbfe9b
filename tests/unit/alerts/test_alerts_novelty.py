"""Novelty on the timeline fixture, parsed for real: development, minor or repeat."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from storywatch.alerts.features import (
    estimate_jaccard,
    extract_features,
    shingles,
    sketch,
)
from storywatch.alerts.judging import judge_batch
from storywatch.alerts.matching import Match
from storywatch.alerts.novelty import Kind, StorylineMemory, decide, remember
from storywatch.alerts.storylines import NoveltySettings, Storyline
from storywatch.index.documents import StoredArticle
from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Facts, Quote

ROOT = Path(__file__).resolve().parents[3]
TIMELINE = ROOT / "tests" / "fixtures" / "timeline"
SPEC = yaml.safe_load((TIMELINE / "timeline.yaml").read_text())
SETTINGS = NoveltySettings()


@pytest.fixture(scope="module")
def stored() -> dict[str, StoredArticle]:
    knowledge = Knowledge.from_config_dir(ROOT / "config")
    out = {}
    for cycle in SPEC["cycles"]:
        for item in cycle["articles"]:
            page = TIMELINE / "articles" / f"{item['slug']}.html"
            a = enrich_article(
                extract_article(page.read_bytes(), f"http://x/{page.name}"), knowledge
            )
            out[item["slug"]] = StoredArticle(
                id=item["slug"],
                url=f"http://x/{page.name}",
                source=item["feed"],
                title=a.title,
                text=a.text,
                site_name=a.site_name,
                authors=a.authors,
                entities=a.entities,
                quotes=a.quotes,
                facts=a.facts,
                fingerprint=a.fingerprint,
            )
    return out


def test_timeline_verdicts_match_the_fixture(stored: dict[str, StoredArticle]) -> None:
    memories: dict[str, StorylineMemory] = {}
    for cycle in SPEC["cycles"]:
        for item in cycle["articles"]:
            features = extract_features(stored[item["slug"]])
            for expect in item["expect"]["matches"]:
                sid = expect["storyline"]
                memory = memories.get(sid, StorylineMemory(sid))
                decision = decide(features, memory, SETTINGS)
                assert decision.kind == expect["kind"], (item["slug"], sid, decision.reasons)
                if decision.kind is Kind.REPEAT:
                    assert decision.repeat_of is not None
                    assert decision.repeat_of.article_id == expect["repeat_of"]
                if decision.kind is Kind.DEVELOPMENT:
                    assert sorted(decision.whats_new.people) == sorted(
                        expect["whats_new"]["people"]
                    )
                    for old in expect.get("not_new", ()):
                        assert old not in decision.whats_new.people + decision.whats_new.facts
                memories[sid] = remember(
                    memory, features, f"alert-{item['slug']}", decision.kind, SETTINGS
                )


def test_single_token_speaker_is_resolved_and_bylines_are_not_people(
    stored: dict[str, StoredArticle],
) -> None:
    report = extract_features(stored["defense-wire-s400-deliveries-october-2027"])
    assert "Murat Ekinci" in report.people and "Ekinci" not in report.people
    assert "Marcus Hale" not in report.people  # the byline
    assert {q.speaker for q in report.quotes} == {"Murat Ekinci"}
    patriot = extract_features(stored["defense-wire-us-offers-turkey-patriot-batteries"])
    assert "Air Force" not in patriot.people  # part of a role, not a person
    # "2027" says nothing "October 2027" does not.
    assert "October 2027" in report.facts and "2027" not in report.facts


def test_copy_with_changed_fingerprint_is_caught_by_shingle_overlap(
    stored: dict[str, StoredArticle],
) -> None:
    # The sanctions copy adds a supply line: 8 SimHash bits away, above the 6-bit limit.
    original = extract_features(stored["baltic-wire-us-warns-turkey-caatsa-f35"])
    copy = extract_features(stored["harbor-gazette-us-warns-turkey-caatsa-f35"])
    memory = remember(StorylineMemory("s"), original, "a1", Kind.DEVELOPMENT, SETTINGS)
    decision = decide(copy, memory, SETTINGS)
    assert decision.kind is Kind.REPEAT and "shingle overlap" in decision.reasons[0]


def test_sketch_estimates_jaccard() -> None:
    a = " ".join(f"w{i}" for i in range(300))
    b = " ".join(f"w{i}" for i in range(30, 330))
    exact = len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))
    assert abs(estimate_jaccard(sketch(a), sketch(b)) - exact) < 0.2
    assert estimate_jaccard(sketch(a), sketch("something else entirely here")) == 0.0


def _article(article_id: str, text: str, people: tuple[str, ...], money: str) -> StoredArticle:
    return StoredArticle(
        id=article_id,
        url=f"http://x/{article_id}",
        source="wire",
        title=article_id,
        text=text,
        entities={"person": people},
        quotes=(Quote(text="We will not change course on this matter at all", speaker=people[0]),),
        facts=Facts(money=(money,)),
        fingerprint=None,
    )


def test_judge_batch_orders_and_is_deterministic() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    articles = {
        "orig": _article("orig", text, ("Ann Lee",), "$5 million"),
        "copy": _article("copy", text + " republished", ("Ann Lee",), "$5 million"),
        "new": _article("new", "completely different words " * 20, ("Bo Chan",), "$9 million"),
    }
    storyline = Storyline(id="s", title="S", query="x", recipients=("a@example.org",))
    matches = [Match("s", aid, 1.0, aid, f"http://x/{aid}", "wire", None, ()) for aid in articles]
    # The copy comes first in the search results; batch order puts the original first.
    order = ["orig", "copy", "new"]
    now = datetime(2026, 11, 2, tzinfo=UTC)
    one = judge_batch(list(reversed(matches)), articles, {"s": storyline}, {}, order, now)
    kinds = {v.match.article_id: v.decision.kind for v in one.verdicts}
    assert kinds == {"orig": Kind.DEVELOPMENT, "copy": Kind.REPEAT, "new": Kind.DEVELOPMENT}
    orig_id = next(v.record.id for v in one.verdicts if v.match.article_id == "orig")
    assert list(one.repeats) == [orig_id]
    two = judge_batch(matches, articles, {"s": storyline}, {}, order, now)
    assert [r.id for r in two.records] == [r.id for r in one.records]
    # Replayed against the saved memory, nothing is judged (or alerted) again.
    replay = judge_batch(matches, articles, {"s": storyline}, one.memories, order, now)
    assert replay.verdicts == [] and replay.already_judged == 3
    assert replay.developments == {"orig": {"s"}, "new": {"s"}}
