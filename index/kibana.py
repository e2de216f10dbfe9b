"""The Kibana saved objects that sit on top of the mappings, generated for one index prefix.

Every object is built here from the prefix and the configured topics, so a deployment with
``STORYWATCH_INDEX_PREFIX=news`` gets data views on ``news-articles``/``news-alerts``, and
``kibana/storywatch.ndjson`` is only this module's output for the default prefix.

Ids are derived from the prefix and the object's name (and Lens layer/column ids from those),
so importing again with ``overwrite=true`` replaces the same objects instead of adding copies.

Time: the articles data view filters on ``ingested_at`` and the coverage chart buckets on
the same field (see kibana/README.md for why ``ingested_at`` and not ``published``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .schema import IndexNames

#: The default index prefix (the committed NDJSON is generated for it).
DEFAULT_PREFIX = "storywatch"
#: The time field of the articles data view and of the coverage chart: one field for both.
ARTICLE_TIME_FIELD = "ingested_at"
#: The time field of the alerts data view.
ALERT_TIME_FIELD = "created_at"
#: Entity kinds charted one per panel (the ``entities.<kind>`` keyword fields).
CHARTED_ENTITY_KINDS = ("person", "organization", "place", "system")

# Versions of the saved-object formats written here. Kibana migrates an imported object
# from its declared version up to its own, and refuses one newer than it knows, so these
# are the oldest formats (all known to Kibana 9.0+) whose attributes we write.
_CORE_MIGRATION_VERSION = "8.8.0"
_TYPE_MIGRATION_VERSIONS = {
    "index-pattern": "8.0.0",
    "search": "10.1.0",  # model version 1: the flat (pre-tabs) saved-search attributes
    "lens": "8.9.0",
    "dashboard": "10.2.0",  # model version 2: controlGroupInput with showApplySelections
}
_NAMESPACE = uuid.UUID("6c1f7d2e-3b0a-5c89-9f43-8d2a7e5b1c60")
_RECORDS = "___records___"  # Lens's name for "count of documents"


@dataclass(frozen=True, slots=True)
class TopicRef:
    """What the saved searches need of a configured topic."""

    id: str
    name: str


def _uid(prefix: str, *parts: str) -> str:
    """A stable UUID for a Lens layer, column or dashboard panel."""
    return str(uuid.uuid5(_NAMESPACE, "/".join((prefix, *parts))))


def _title(prefix: str, title: str) -> str:
    """Titles name the prefix when it is not the default, so two deployments stay apart."""
    return title if prefix == DEFAULT_PREFIX else f"{title} [{prefix}]"


def _saved_object(
    kind: str, object_id: str, attributes: dict[str, Any], references: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "attributes": attributes,
        "coreMigrationVersion": _CORE_MIGRATION_VERSION,
        "id": object_id,
        "managed": False,
        "references": references,
        "type": kind,
        "typeMigrationVersion": _TYPE_MIGRATION_VERSIONS[kind],
    }


def data_view_id(prefix: str, name: str) -> str:
    """The id of the data view on ``<prefix>-<name>`` (``articles`` or ``alerts``)."""
    return f"{prefix}-{name}"


def _data_view(prefix: str, index: str, name: str, time_field: str) -> dict[str, Any]:
    attributes = {
        "fieldAttrs": "{}",
        "fieldFormatMap": "{}",
        # Left empty: Kibana reads the fields from the live mapping (field capabilities).
        "fields": "[]",
        "name": _title(prefix, name),
        "runtimeFieldMap": "{}",
        "sourceFilters": "[]",
        "timeFieldName": time_field,
        "title": index,
        "typeMeta": "{}",
    }
    return _saved_object("index-pattern", index, attributes, [])


# --- Lens ------------------------------------------------------------------------------


def _count_column(label: str) -> dict[str, Any]:
    return {
        "customLabel": True,
        "dataType": "number",
        "isBucketed": False,
        "label": label,
        "operationType": "count",
        "params": {"emptyAsNull": True},
        "scale": "ratio",
        "sourceField": _RECORDS,
    }


def _terms_column(field: str, label: str, size: int, order_by: str) -> dict[str, Any]:
    return {
        "customLabel": True,
        "dataType": "string",
        "isBucketed": True,
        "label": label,
        "operationType": "terms",
        "params": {
            "missingBucket": False,
            "orderBy": {"columnId": order_by, "type": "column"},
            "orderDirection": "desc",
            "otherBucket": False,
            "parentFormat": {"id": "terms"},
            "size": size,
        },
        "scale": "ordinal",
        "sourceField": field,
    }


def _date_column(field: str, label: str) -> dict[str, Any]:
    return {
        "customLabel": True,
        "dataType": "date",
        "isBucketed": True,
        "label": label,
        "operationType": "date_histogram",
        "params": {"dropPartials": False, "includeEmptyRows": True, "interval": "auto"},
        "scale": "interval",
        "sourceField": field,
    }


@dataclass(frozen=True, slots=True)
class _Chart:
    """One Lens XY chart: x buckets, an optional split, and a count."""

    name: str
    title: str
    description: str
    view: str  # "articles" or "alerts"
    x: dict[str, Any]
    count_label: str
    series: str
    split: dict[str, Any] | None = None


def _lens(prefix: str, chart: _Chart) -> dict[str, Any]:
    layer = _uid(prefix, chart.name, "layer")
    x_id, count_id = _uid(prefix, chart.name, "x"), _uid(prefix, chart.name, "count")
    split_id = _uid(prefix, chart.name, "split")
    columns: dict[str, Any] = {x_id: chart.x, count_id: _count_column(chart.count_label)}
    order = [x_id, count_id]
    if chart.split is not None:
        columns[split_id] = chart.split
        order = [split_id, x_id, count_id]
    # Terms columns are ordered by the count column of their own chart.
    for column in columns.values():
        if column["operationType"] == "terms":
            column["params"]["orderBy"]["columnId"] = count_id
    data_layer: dict[str, Any] = {
        "accessors": [count_id],
        "layerId": layer,
        "layerType": "data",
        "seriesType": chart.series,
        "xAccessor": x_id,
    }
    if chart.split is not None:
        data_layer["splitAccessor"] = split_id
    visualization = {
        "axisTitlesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "fittingFunction": "None",
        "gridlinesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "labelsOrientation": {"x": 0, "yLeft": 0, "yRight": 0},
        "layers": [data_layer],
        "legend": {"isVisible": chart.split is not None, "position": "right"},
        "preferredSeriesType": chart.series,
        "tickLabelsVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "valueLabels": "hide",
    }
    state = {
        "adHocDataViews": {},
        "datasourceStates": {
            "formBased": {
                "layers": {
                    layer: {"columnOrder": order, "columns": columns, "incompleteColumns": {}}
                }
            }
        },
        "filters": [],
        "internalReferences": [],
        "query": {"language": "kuery", "query": ""},
        "visualization": visualization,
    }
    attributes = {
        "description": chart.description,
        "state": state,
        "title": _title(prefix, chart.title),
        "visualizationType": "lnsXY",
    }
    references = [
        {
            "id": data_view_id(prefix, chart.view),
            "name": f"indexpattern-datasource-layer-{layer}",
            "type": "index-pattern",
        }
    ]
    return _saved_object("lens", f"{prefix}-{chart.name}", attributes, references)


def _charts() -> list[_Chart]:
    placeholder = "?"  # the order-by column id is filled in by _lens
    charts = [
        _Chart(
            name="articles-per-topic",
            title="Articles per topic over time",
            description=f"Articles by time of ingest ({ARTICLE_TIME_FIELD}, the data view's "
            "time field), stacked by topic.",
            view="articles",
            x=_date_column(ARTICLE_TIME_FIELD, "Ingested"),
            split=_terms_column("topic_ids", "Topic", 10, placeholder),
            count_label="Articles",
            series="bar_stacked",
        ),
        _Chart(
            name="top-sources",
            title="Top sources",
            description="Feeds with the most articles in the period.",
            view="articles",
            x=_terms_column("source", "Source", 15, placeholder),
            count_label="Articles",
            series="bar_horizontal",
        ),
        _Chart(
            name="top-speakers",
            title="Top quoted speakers",
            description="People quoted directly in the most articles.",
            view="articles",
            x=_terms_column("quotes.speaker", "Speaker", 15, placeholder),
            count_label="Articles",
            series="bar_horizontal",
        ),
    ]
    for kind in CHARTED_ENTITY_KINDS:
        label = {"person": "people", "organization": "organisations", "system": "systems"}
        plural = label.get(kind, f"{kind}s")
        charts.append(
            _Chart(
                name=f"top-entities-{kind}",
                title=f"Top entities: {plural}",
                description=f"The {plural} named in the most articles (entities.{kind}).",
                view="articles",
                x=_terms_column(f"entities.{kind}", kind.capitalize(), 10, placeholder),
                count_label="Articles",
                series="bar_horizontal",
            )
        )
    charts.append(
        _Chart(
            name="alerts-per-storyline",
            title="Alerts per storyline",
            description="Alert records per storyline, split by kind (development, minor, "
            "repeat, digest).",
            view="alerts",
            x=_terms_column("storyline_id", "Storyline", 20, placeholder),
            split=_terms_column("kind", "Kind", 5, placeholder),
            count_label="Alerts",
            series="bar_horizontal_stacked",
        )
    )
    return charts


# --- saved searches --------------------------------------------------------------------

#: Columns of the per-topic saved searches (all mapped article fields).
SEARCH_COLUMNS = ("title", "source", "published", "topic_ids")


def _topic_search(prefix: str, topic: TopicRef) -> dict[str, Any]:
    ref_name = "kibanaSavedObjectMeta.searchSourceJSON.index"
    source = {
        "filter": [],
        "indexRefName": ref_name,
        "query": {"language": "kuery", "query": f'topic_ids : "{topic.id}"'},
    }
    attributes = {
        "columns": list(SEARCH_COLUMNS),
        "description": f"Articles tagged with the topic {topic.id}, newest first.",
        "grid": {},
        "hideChart": False,
        "isTextBasedQuery": False,
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(source, sort_keys=True)},
        "sort": [[ARTICLE_TIME_FIELD, "desc"]],
        "title": _title(prefix, f"Topic: {topic.name or topic.id}"),
    }
    references = [
        {"id": data_view_id(prefix, "articles"), "name": ref_name, "type": "index-pattern"}
    ]
    return _saved_object("search", f"{prefix}-topic-{topic.id}", attributes, references)


# --- dashboard -------------------------------------------------------------------------

#: Field of the dashboard's topic control (an options list on the articles data view).
TOPIC_CONTROL_FIELD = "topic_ids"
_LAYOUT = (  # (chart name, x, y, w, h) on Kibana's 48-column grid
    ("articles-per-topic", 0, 0, 48, 15),
    ("top-sources", 0, 15, 16, 15),
    ("top-speakers", 16, 15, 16, 15),
    ("alerts-per-storyline", 32, 15, 16, 15),
    *((f"top-entities-{kind}", 12 * i, 30, 12, 15) for i, kind in enumerate(CHARTED_ENTITY_KINDS)),
)


def _dashboard(prefix: str) -> dict[str, Any]:
    panels, references = [], []
    for name, x, y, w, h in _LAYOUT:
        panel = _uid(prefix, "dashboard", name)
        panels.append(
            {
                "embeddableConfig": {"enhancements": {}},
                "gridData": {"h": h, "i": panel, "w": w, "x": x, "y": y},
                "panelIndex": panel,
                "panelRefName": f"panel_{panel}",
                "type": "lens",
            }
        )
        # Kibana 8+/9 names a panel's reference "<panelIndex>:<panelRefName>".
        references.append(
            {"id": f"{prefix}-{name}", "name": f"{panel}:panel_{panel}", "type": "lens"}
        )
    control = _uid(prefix, "dashboard", "topic-control")
    controls = {
        control: {
            "explicitInput": {
                "enhancements": {},
                "fieldName": TOPIC_CONTROL_FIELD,
                "id": control,
                "searchTechnique": "prefix",
                "selectedOptions": [],
                "sort": {"by": "_count", "direction": "desc"},
                "title": "Topic",
            },
            "grow": True,
            "order": 0,
            "type": "optionsListControl",
            "width": "medium",
        }
    }
    references.append(
        {
            "id": data_view_id(prefix, "articles"),
            "name": f"controlGroup_{control}:optionsListDataView",
            "type": "index-pattern",
        }
    )
    ignore_parent = {
        "ignoreFilters": False,
        "ignoreQuery": False,
        "ignoreTimerange": False,
        "ignoreValidations": False,
    }
    attributes = {
        "controlGroupInput": {
            "chainingSystem": "HIERARCHICAL",
            "controlStyle": "oneLine",
            "ignoreParentSettingsJSON": json.dumps(ignore_parent, sort_keys=True),
            "panelsJSON": json.dumps(controls, sort_keys=True),
            "showApplySelections": False,
        },
        "description": "What the monitored feeds cover and what the storylines alerted on: "
        "articles per topic over time, top sources, quoted speakers and entities, alerts "
        "per storyline. Pick a topic in the control to narrow the article charts.",
        "kibanaSavedObjectMeta": {
            "searchSourceJSON": json.dumps(
                {"filter": [], "query": {"language": "kuery", "query": ""}}, sort_keys=True
            )
        },
        "optionsJSON": json.dumps(
            {
                "hidePanelTitles": False,
                "syncColors": False,
                "syncCursor": True,
                "syncTooltips": False,
                "useMargins": True,
            },
            sort_keys=True,
        ),
        "panelsJSON": json.dumps(panels, sort_keys=True),
        "refreshInterval": {"pause": True, "value": 60000},
        "timeFrom": "now-30d",
        "timeRestore": True,
        "timeTo": "now",
        "title": _title(prefix, "Storyline monitor"),
    }
    return _saved_object("dashboard", f"{prefix}-storyline-monitor", attributes, references)


# --- the whole set ---------------------------------------------------------------------


def saved_objects(prefix: str, topics: Sequence[TopicRef]) -> list[dict[str, Any]]:
    """Every saved object for ``prefix``, referenced objects before those that use them."""
    names = IndexNames(prefix)
    objects = [
        _data_view(prefix, names.articles, "Storywatch articles", ARTICLE_TIME_FIELD),
        _data_view(prefix, names.alerts, "Storywatch alerts", ALERT_TIME_FIELD),
    ]
    objects += [_topic_search(prefix, topic) for topic in topics]
    objects += [_lens(prefix, chart) for chart in _charts()]
    objects.append(_dashboard(prefix))
    return objects


def to_ndjson(objects: Iterable[dict[str, Any]]) -> str:
    """Kibana's export format: one JSON object per line, keys sorted so output is stable."""
    return "".join(
        json.dumps(o, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
        for o in objects
    )
