"""Topic rules (with the Patriot and CAATSA traps) and entity normalisation."""

from __future__ import annotations

from pathlib import Path

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article
from storywatch.parsers.text import parse_text


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


def _fixture(fixtures_dir: Path, name: str) -> str:
    return (fixtures_dir / "texts" / name).read_text(encoding="utf-8")


def test_football_report_is_not_the_missile(fixtures_dir: Path, knowledge: Knowledge) -> None:
    # A team called the Patriots, a "missile" of a shot, in the headline and the body.
    article = enrich_article(
        parse_text(_fixture(fixtures_dir, "patriots-football-report.txt")), knowledge
    )
    assert "missile" in article.text and article.title.startswith("Patriots")
    assert "patriot" not in article.topic_ids
    assert "Patriot" not in article.entities.get("system", ())


def test_patriot_act_fixture_is_not_the_missile(fixtures_dir: Path, knowledge: Knowledge) -> None:
    article = enrich_article(
        parse_text(_fixture(fixtures_dir, "patriot-act-debate.txt")), knowledge
    )
    assert "patriot" not in article.topic_ids
    assert "Patriot" not in article.entities.get("system", ())


def test_sports_words_far_from_a_missile_story_do_not_veto(knowledge: Knowledge) -> None:
    text = (
        "Poland asked for more Patriot interceptors this week. The Patriot system has "
        "protected the airport since spring, officials said."
    )
    assert "patriot" in _topics(text, knowledge)


def test_committee_name_fragments_are_not_entities(knowledge: Knowledge) -> None:
    text = (
        "The senator sits on the Senate Foreign Relations and Armed Services committees, "
        "and she chairs the Kolbrun Harbour subcommittee."
    )
    entities = enrich_article(_article(text), knowledge).entities
    names = {n for names in entities.values() for n in names}
    assert not names & {"Foreign Relations", "Armed Services", "Kolbrun Harbour"}
    assert "Senate" in entities["organization"]


def test_trump_administration_is_not_the_person(knowledge: Knowledge) -> None:
    text = "Trump administration officials met Turkish diplomats on Monday in Ankara."
    entities = enrich_article(_article(text), knowledge).entities
    assert "Donald Trump" not in entities.get("person", ())
    named = "Donald Trump met Turkish diplomats on Monday, and Trump said talks went well."
    assert "Donald Trump" in enrich_article(_article(named), knowledge).entities["person"]


def test_organisation_names_run_across_of_and_past_aliases(knowledge: Knowledge) -> None:
    text = (
        "Zeynep Akgul, secretary-general of the Turkish Aerospace Suppliers Association, "
        "said members had spoken to Orla Byrne of the Lindqvist Institute for Security Studies "
        "and to officials at Turkey's Presidency of Defense Industries."
    )
    entities = enrich_article(_article(text), knowledge).entities
    orgs = set(entities["organization"])
    assert {
        "Turkish Aerospace Suppliers Association",
        "Lindqvist Institute for Security Studies",
        "Presidency of Defense Industries",
    } <= orgs
    # The configured "Turkish Aerospace" is only part of a longer name here.
    assert "Turkish Aerospace" not in orgs
    assert "Turkey" in entities["place"]
    assert set(entities["person"]) == {"Zeynep Akgul", "Orla Byrne"}
    assert not any(" of the " in o for o in orgs)


def test_laws_are_entities_under_one_name(knowledge: Knowledge) -> None:
    text = (
        "Senators cited the Countering America's Adversaries Through Sanctions Act, known as "
        "CAATSA, while the House argued over renewing the Patriot Act."
    )
    entities = enrich_article(_article(text), knowledge).entities
    assert entities.get("law") == ("CAATSA", "USA PATRIOT Act")
    candidates = entities.get("candidate", ())
    assert not any("Sanctions Act" in c or c == "CAATSA" for c in candidates)
    assert "Patriot" not in entities.get("system", ())
