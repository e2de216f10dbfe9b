"""Which index fields the Kibana saved objects use, and a check of them against a mapping.

The uses are read back from the generated JSON (not from the generator's inputs), so the
check covers what Kibana will actually be given. :func:`check_field_caps` judges them
against Elasticsearch's field-capabilities answer for the data view's index or alias.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

#: What an object does with a field, which decides the capability it needs.
Use = Literal["time", "date_histogram", "aggregate", "sort", "search", "display"]

_KQL_FIELD = re.compile(r"^\s*([\w.]+)\s*:")
_DATE_TYPES = frozenset({"date", "date_nanos"})


@dataclass(frozen=True, slots=True)
class FieldUse:
    """One field one saved object relies on, in the index or alias a data view names."""

    object_id: str
    index: str
    field: str
    use: Use


def field_uses(objects: Iterable[Mapping[str, Any]]) -> list[FieldUse]:
    """Every field the objects use: time fields, chart columns, searches, the control."""
    objects = list(objects)
    titles = {o["id"]: o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    uses: list[FieldUse] = []
    for obj in objects:
        refs = {r["name"]: r["id"] for r in obj.get("references", [])}
        attrs = obj["attributes"]
        if obj["type"] == "index-pattern":
            uses.append(FieldUse(obj["id"], attrs["title"], attrs["timeFieldName"], "time"))
        elif obj["type"] == "lens":
            uses += _lens_uses(obj["id"], attrs, refs, titles)
        elif obj["type"] == "search":
            uses += _search_uses(obj["id"], attrs, refs, titles)
        elif obj["type"] == "dashboard":
            uses += _control_uses(obj["id"], attrs, refs, titles)
    return uses


def _lens_uses(
    object_id: str, attrs: Mapping[str, Any], refs: dict[str, str], titles: dict[str, str]
) -> list[FieldUse]:
    uses = []
    layers = attrs["state"]["datasourceStates"]["formBased"]["layers"]
    for layer_id, layer in layers.items():
        index = titles[refs[f"indexpattern-datasource-layer-{layer_id}"]]
        for column in layer["columns"].values():
            field = column.get("sourceField")
            if field in (None, "___records___"):
                continue
            use: Use = (
                "date_histogram" if column["operationType"] == "date_histogram" else "aggregate"
            )
            uses.append(FieldUse(object_id, index, field, use))
    return uses


def _search_uses(
    object_id: str, attrs: Mapping[str, Any], refs: dict[str, str], titles: dict[str, str]
) -> list[FieldUse]:
    source = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
    index = titles[refs[source["indexRefName"]]]
    uses = [FieldUse(object_id, index, column, "display") for column in attrs["columns"]]
    uses += [FieldUse(object_id, index, field, "sort") for field, _ in attrs["sort"]]
    found = _KQL_FIELD.match(source["query"]["query"])
    if found:
        uses.append(FieldUse(object_id, index, found.group(1), "search"))
    return uses


def _control_uses(
    object_id: str, attrs: Mapping[str, Any], refs: dict[str, str], titles: dict[str, str]
) -> list[FieldUse]:
    controls = json.loads(attrs.get("controlGroupInput", {}).get("panelsJSON", "{}"))
    uses = []
    for control_id, control in controls.items():
        view = refs[f"controlGroup_{control_id}:optionsListDataView"]
        field = control["explicitInput"]["fieldName"]
        uses.append(FieldUse(object_id, titles[view], field, "aggregate"))
    return uses


def check_field_caps(uses: Iterable[FieldUse], caps: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Problems with ``uses`` given field capabilities by index (empty when all is well).

    ``caps`` maps each index or alias to the ``fields`` part of its ``_field_caps`` answer.
    A field must exist with one type across the indices; aggregated and sorted fields must
    be aggregatable, searched ones searchable, and time fields dates.
    """
    problems = []
    for use in uses:
        where = f"{use.object_id}: {use.field} in {use.index}"
        types = caps.get(use.index, {}).get(use.field)
        if not types:
            problems.append(f"{where}: not mapped")
            continue
        if len(types) > 1:
            problems.append(f"{where}: conflicting types {sorted(types)}")
            continue
        kind, cap = next(iter(types.items()))
        if use.use in ("time", "date_histogram") and kind not in _DATE_TYPES:
            problems.append(f"{where}: {use.use} needs a date, mapped as {kind}")
        if use.use in ("time", "date_histogram", "aggregate", "sort") and not cap.get(
            "aggregatable"
        ):
            problems.append(f"{where}: {use.use} needs an aggregatable field ({kind} is not)")
        if use.use == "search" and not cap.get("searchable"):
            problems.append(f"{where}: search needs a searchable field ({kind} is not)")
    return problems
