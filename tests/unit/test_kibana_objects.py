"""The Kibana saved objects must fit the index mappings they sit on (Kibana cannot run here)."""

import json
from pathlib import Path
from typing import Any

import pytest

from storywatch.index.schema import load_template

ROOT = Path(__file__).resolve().parents[2]
OBJECTS = [
    json.loads(line)
    for line in (ROOT / "kibana" / "storywatch.ndjson").read_text().splitlines()
    if line.strip()
]
BY_ID = {(o["type"], o["id"]): o for o in OBJECTS}


def field_types(template: str) -> dict[str, str]:
    """Dotted field path -> Elasticsearch type, from a bundled template."""
    mappings = load_template(template, "storywatch")["template"]["mappings"]
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


def resolve(field: str, view: str) -> str | None:
    if view == "storywatch-articles" and field.startswith("entities.") and field.count(".") == 1:
        return "keyword"  # the entity_names dynamic template maps entities.* to keyword
    return FIELDS[view].get(field)


def test_ids_are_unique_and_references_resolve() -> None:
    assert len(BY_ID) == len(OBJECTS)
    for obj in OBJECTS:
        for ref in obj.get("references", []):
            assert (ref["type"], ref["id"]) in BY_ID, (obj["id"], ref)


def test_data_views_name_the_aliases_and_date_time_fields() -> None:
    views = [o for o in OBJECTS if o["type"] == "index-pattern"]
    assert {v["attributes"]["title"] for v in views} == set(FIELDS)
    for view in views:
        attrs = view["attributes"]
        assert resolve(attrs["timeFieldName"], attrs["title"]) == "date"


def lens_columns(obj: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
    refs = {r["name"]: r["id"] for r in obj["references"]}
    columns = []
    for layer_id, layer in layers.items():
        view = refs[f"indexpattern-datasource-layer-{layer_id}"]
        columns += [(view, column) for column in layer["columns"].values()]
    return columns


@pytest.mark.parametrize("obj", [o for o in OBJECTS if o["type"] == "lens"], ids=lambda o: o["id"])
def test_lens_fields_exist_and_are_aggregatable(obj: dict[str, Any]) -> None:
    columns = lens_columns(obj)
    assert columns
    for view, column in columns:
        source = column.get("sourceField")
        if source in (None, "___records___"):
            continue
        kind = resolve(source, view)
        assert kind is not None, f"{obj['id']}: {source} is not mapped in {view}"
        if column["operationType"] == "terms":
            assert kind == "keyword", f"{obj['id']}: terms on {source} ({kind})"
        if column["operationType"] == "date_histogram":
            assert kind == "date", f"{obj['id']}: date histogram on {source} ({kind})"


def test_dashboard_panels_point_at_its_references() -> None:
    dashboard = next(o for o in OBJECTS if o["type"] == "dashboard")
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    names = {r["name"] for r in dashboard["references"]}
    assert len(panels) == len(dashboard["references"]) == 5
    # Kibana 8+/9 names a panel's reference "<panelIndex>:<panelRefName>".
    assert {f"{p['panelIndex']}:{p['panelRefName']}" for p in panels} == names
