"""Topic rules (with the Patriot and CAATSA traps) and entity normalisation."""

from __future__ import annotations

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article


def _article(text: str, title: str = "") -> Article:
    return Article(url="https://x.example/a", title=title, paragraphs=tuple(text.split("\n\n")))


def _topics(text: str, knowledge: Knowledge, title: str = "") -> tuple[str, ...]:
    return enrich_article(_article(text, title), knowledge).topic_ids


def test_patriot_act_is_not_the_missile(knowledge: Knowledge) -> None:
    text = (
        "Congress renewed parts of the Patriot Act on Thursday after a long debate over "
        "surveillance, and the vote was closer than expected in the Senate."
    )
    enriched = enrich_article(_article(text), knowledge)
    assert "patriot" not in enriched.topic_ids
    assert "Patriot" not in enriched.entities.get("system", ())


def test_new_england_patriots_are_not_the_missile(knowledge: Knowledge) -> None:
    text = (
        "The New England Patriots beat the Jets 24-10. The Patriots defense held firm and "
        "the Patriots quarterback threw a missile of a pass in the fourth quarter."
    )
    assert "patriot" not in _topics(text, knowledge)


def test_patriot_missile_fires(knowledge: Knowledge) -> None:
    text = "Poland asked for two more Patriot batteries to protect its airports."
    enriched = enrich_article(_article(text), knowledge)
    assert "patriot" in enriched.topic_ids
    assert "Patriot" in enriched.entities["system"]
    hit = next(h for h in enriched.topics if h.id == "patriot")
    assert hit.evidence[0].text == "Patriot batteries"


def test_caatsa_named_and_inferred(knowledge: Knowledge) -> None:
    named = "Lawmakers urged the administration to apply CAATSA against the buyer."
    inferred = "Buying the S-400 would expose Ankara to U.S. sanctions, officials warned."
    assert "caatsa-sanctions" in _topics(named, knowledge)
    assert "caatsa-sanctions" in _topics(inferred, knowledge)


def test_unrelated_sanctions_are_not_caatsa(knowledge: Knowledge) -> None:
    text = "The European Union extended sanctions on Belarus over the disputed election."
    assert "caatsa-sanctions" not in _topics(text, knowledge)


def test_title_match_counts_with_evidence_in_title(knowledge: Knowledge) -> None:
    enriched = enrich_article(
        _article("Nothing else here.", title="F-35 deliveries slip"), knowledge
    )
    hit = next(h for h in enriched.topics if h.id == "f-35")
    assert hit.evidence[0].field == "title" and hit.evidence[0].text == "F-35"


def test_aliases_normalise(knowledge: Knowledge) -> None:
    text = (
        "Erdogan met the Saudi delegation. The U.S. and Türkiye later issued a joint note, "
        "and the Pentagon said the Joint Strike Fighter programme was on track."
    )
    entities = enrich_article(_article(text), knowledge).entities
    assert "Recep Tayyip Erdogan" in entities["person"]
    assert {"Saudi Arabia", "United States", "Turkey"} <= set(entities["place"])
    assert "Defense Department" in entities["organization"]
    assert "F-35" in entities["system"]


def test_unknown_capitalised_names_become_candidates(knowledge: Knowledge) -> None:
    text = "Engineers from Zarvex Dynamics visited the Kolbrun Shipyard near the river."
    entities = enrich_article(_article(text), knowledge).entities
    assert "Zarvex Dynamics" in entities["candidate"]
    assert "Kolbrun Shipyard" in entities["candidate"]
