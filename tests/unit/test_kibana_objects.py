"""The generated Kibana saved objects: shape, ids, one time field, and fit with the mappings.

Kibana cannot run here. The live check of every field (field capabilities on a real node)
is in tests/integration/index/test_kibana_fields.py; this file checks the bundled templates.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from storywatch.index.analyst_cli import generated_ndjson
from storywatch.index.kibana import (
    ARTICLE_TIME_FIELD,
    DEFAULT_PREFIX,
    TopicRef,
    saved_objects,
    to_ndjson,
)
from storywatch.index.kibana_fields import field_uses
from storywatch.index.schema import load_template

ROOT = Path(__file__).resolve().parents[2]
TOPICS = [TopicRef("s-400", "S-400"), TopicRef("f-35", "F-35 fighter")]
OBJECTS = saved_objects(DEFAULT_PREFIX, TOPICS)


def field_types(template: str) -> dict[str, str]:
    """Dotted field path -> Elasticsearch type, from a bundled template."""
    mappings = load_template(template, DEFAULT_PREFIX)["template"]["mappings"]
    found: dict[str, str] = {}

    def walk(props: dict[str, Any], prefix: str) -> None:
        for name, spec in props.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                walk(spec["properties"], f"{path}.")
            found[path] = spec.get("type", "object")
            for sub, sub_spec in spec.get("fields", {}).items():
                found[f"{path}.{sub}"] = sub_spec["type"]

    walk(mappings["properties"], "")
    return found


FIELDS = {
    "storywatch-articles": field_types("articles"),
    "storywatch-alerts": field_types("alerts"),
}


def resolve(field: str, index: str) -> str | None:
    if index == "storywatch-articles" and field.startswith("entities.") and field.count(".") == 1:
        return "keyword"  # the entity_names dynamic template maps entities.* to keyword
    return FIELDS[index].get(field)


def test_committed_file_is_the_generator_output_for_the_default_prefix() -> None:
    committed = (ROOT / "kibana" / "storywatch.ndjson").read_text(encoding="utf-8")
    assert committed == generated_ndjson(ROOT / "config", DEFAULT_PREFIX), (
        "kibana/storywatch.ndjson is stale: run `storywatch kibana export "
        "--out kibana/storywatch.ndjson`"
    )


def test_generation_is_deterministic_and_ndjson() -> None:
    text = to_ndjson(OBJECTS)
    assert text == to_ndjson(saved_objects(DEFAULT_PREFIX, TOPICS))
    lines = text.splitlines()
    assert len(lines) == len(OBJECTS)
    assert [json.loads(line) for line in lines] == OBJECTS


def test_ids_are_unique_and_references_resolve() -> None:
    by_id = {(o["type"], o["id"]) for o in OBJECTS}
    assert len(by_id) == len(OBJECTS)
    for obj in OBJECTS:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in by_id, (obj["id"], ref)


def test_every_object_declares_its_migration_versions() -> None:
    for obj in OBJECTS:
        assert obj["coreMigrationVersion"] and obj["typeMigrationVersion"], obj["id"]


def test_another_prefix_changes_every_index_id_and_no_default_name_leaks() -> None:
    objects = saved_objects("news", TOPICS)
    text = to_ndjson(objects)
    assert "storywatch-" not in text
    views = {o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    assert views == {"news-articles", "news-alerts"}
    default_ids = {o["id"] for o in OBJECTS}
    assert not default_ids & {o["id"] for o in objects}
    # Layer, column and panel ids depend on the prefix too: two prefixes can share a space.
    assert not set(_lens_layer_ids(OBJECTS)) & set(_lens_layer_ids(objects))


def _lens_layer_ids(objects: list[dict[str, Any]]) -> list[str]:
    return [
        layer
        for o in objects
        if o["type"] == "lens"
        for layer in o["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    ]


def test_one_time_field_for_the_picker_and_the_coverage_chart() -> None:
    articles = next(o for o in OBJECTS if o["id"] == "storywatch-articles")
    assert articles["attributes"]["timeFieldName"] == ARTICLE_TIME_FIELD
    histograms = [u for u in field_uses(OBJECTS) if u.use == "date_histogram"]
    assert histograms, "the coverage chart has no date histogram"
    assert {(u.index, u.field) for u in histograms} == {("storywatch-articles", ARTICLE_TIME_FIELD)}


def test_a_saved_search_per_topic_filters_on_that_topic() -> None:
    searches = [o for o in OBJECTS if o["type"] == "search"]
    assert [s["id"] for s in searches] == ["storywatch-topic-s-400", "storywatch-topic-f-35"]
    for search, topic in zip(searches, TOPICS, strict=True):
        source = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        assert source["query"] == {"language": "kuery", "query": f'topic_ids : "{topic.id}"'}
        assert search["references"][0]["name"] == source["indexRefName"]


def test_dashboard_panels_and_topic_control_point_at_its_references() -> None:
    dashboard = next(o for o in OBJECTS if o["type"] == "dashboard")
    assert dashboard["attributes"]["title"] == "Storyline monitor"
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    lens_ids = {o["id"] for o in OBJECTS if o["type"] == "lens"}
    panel_refs = {r["name"]: r["id"] for r in dashboard["references"] if r["type"] == "lens"}
    # Kibana 8+/9 names a panel's reference "<panelIndex>:<panelRefName>".
    assert {f"{p['panelIndex']}:{p['panelRefName']}" for p in panels} == set(panel_refs)
    assert set(panel_refs.values()) == lens_ids
    controls = json.loads(dashboard["attributes"]["controlGroupInput"]["panelsJSON"])
    (control_id, control), *_ = controls.items()
    assert len(controls) == 1 and control["type"] == "optionsListControl"
    assert control["explicitInput"]["fieldName"] == "topic_ids"
    control_refs = [r for r in dashboard["references"] if r["type"] == "index-pattern"]
    assert control_refs == [
        {
            "id": "storywatch-articles",
            "name": f"controlGroup_{control_id}:optionsListDataView",
            "type": "index-pattern",
        }
    ]


def test_panels_do_not_overlap_on_the_grid() -> None:
    dashboard = next(o for o in OBJECTS if o["type"] == "dashboard")
    cells: set[tuple[int, int]] = set()
    for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
        grid = panel["gridData"]
        assert grid["x"] + grid["w"] <= 48
        mine = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & mine, panel["panelIndex"]
        cells |= mine


@pytest.mark.parametrize("use", field_uses(OBJECTS), ids=lambda u: f"{u.object_id}:{u.field}")
def test_every_used_field_is_in_the_bundled_mapping_with_a_fitting_type(use: Any) -> None:
    kind = resolve(use.field, use.index)
    assert kind is not None, f"{use.object_id}: {use.field} is not mapped in {use.index}"
    if use.use in ("time", "date_histogram"):
        assert kind == "date"
    if use.use in ("aggregate", "sort"):
        assert kind in ("keyword", "date"), f"{use.object_id}: {use.use} on {use.field} ({kind})"
