from pathlib import Path

import pytest

from storywatch.alerts.matching import storyline_query
from storywatch.alerts.storylines import Storyline, TopicFilter, load_storylines
from storywatch.configfile import ConfigError

ROOT = Path(__file__).resolve().parents[3]


def test_bundled_storylines_load() -> None:
    storylines = load_storylines(ROOT / "config" / "storylines.yaml")
    ids = {s.id for s in storylines}
    assert {
        "turkey-s400-purchase",
        "turkey-f35-programme",
        "caatsa-sanctions-turkey",
        "patriot-offer-turkey",
    } <= ids


def test_bad_recipient_is_reported_with_field_and_line(tmp_path: Path) -> None:
    path = tmp_path / "storylines.yaml"
    path.write_text(
        "storylines:\n  - id: s1\n    title: T\n    query: x\n    recipients: [not-an-email]\n"
    )
    with pytest.raises(ConfigError) as err:
        load_storylines(path)
    assert "storylines.0.recipients.0" in str(err.value) and "line 5" in str(err.value)


def test_disabled_storylines_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "storylines.yaml"
    path.write_text(
        "storylines:\n"
        "  - {id: a, title: A, query: x}\n"
        "  - {id: b, title: B, query: y, enabled: false}\n"
    )
    assert [s.id for s in load_storylines(path)] == ["a"]


def test_query_filters_to_the_batch_and_topics() -> None:
    storyline = Storyline(
        id="s",
        title="S",
        query='"S-400" AND Turkey',
        exclude="football",
        topics=TopicFilter(any=("s-400", "patriot"), all=("caatsa-sanctions",)),
        min_score=1.5,
    )
    body = storyline_query(storyline, ["id1", "id2"])
    bool_q = body["query"]["bool"]
    assert {"ids": {"values": ["id1", "id2"]}} in bool_q["filter"]
    assert {"terms": {"topic_ids": ["s-400", "patriot"]}} in bool_q["filter"]
    assert {"term": {"topic_ids": "caatsa-sanctions"}} in bool_q["filter"]
    assert bool_q["must"][0]["query_string"]["query"] == '"S-400" AND Turkey'
    assert bool_q["must_not"][0]["query_string"]["query"] == "football"
    assert body["size"] == 2 and body["min_score"] == 1.5
