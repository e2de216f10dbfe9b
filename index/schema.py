"""Index names, versioned templates (data files beside this module) and their installation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from .errors import wrap_es_error

TEMPLATE_NAMES = ("articles", "feeds", "alerts", "deadletter", "storylines")


@dataclass(frozen=True, slots=True)
class IndexNames:
    """Every index and alias name, derived from one prefix (tests use their own)."""

    prefix: str

    @property
    def articles(self) -> str:
        """The alias over the monthly article indices: read through it."""
        return f"{self.prefix}-articles"

    def articles_for(self, when: datetime) -> str:
        """The concrete monthly article index a document first ingested at ``when`` goes to."""
        return f"{self.prefix}-articles-{when:%Y.%m}"

    @property
    def feeds(self) -> str:
        """Per-feed polling state."""
        return f"{self.prefix}-feeds"

    @property
    def alerts(self) -> str:
        """Alert records and their delivery state."""
        return f"{self.prefix}-alerts"

    @property
    def storylines(self) -> str:
        """Per-storyline memory: what each storyline already knows (for novelty)."""
        return f"{self.prefix}-storylines"

    @property
    def deadletter(self) -> str:
        """What could not be processed, for replay."""
        return f"{self.prefix}-deadletter"

    def template(self, name: str) -> str:
        """The index template name for one of :data:`TEMPLATE_NAMES`."""
        return f"{self.prefix}-{name}"


def _substitute(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return value.replace("{prefix}", prefix)
    if isinstance(value, list):
        return [_substitute(v, prefix) for v in value]
    if isinstance(value, dict):
        return {_substitute(k, prefix): _substitute(v, prefix) for k, v in value.items()}
    return value


def load_template(name: str, prefix: str) -> dict[str, Any]:
    """The body of one bundled index template, with the index prefix filled in."""
    raw = resources.files(__package__).joinpath("templates", f"{name}.json").read_text("utf-8")
    body: dict[str, Any] = _substitute(json.loads(raw), prefix)
    return body


def install_schema(es: Elasticsearch, names: IndexNames, now: datetime) -> None:
    """Install the templates and create the indices and the articles alias; idempotent.

    A template that a newer Storywatch installed (a higher ``version``) is left alone:
    during a rolling upgrade an old worker must not put its older mapping back.
    """
    try:
        for name in TEMPLATE_NAMES:
            body = load_template(name, names.prefix)
            if _installed_version(es, names.template(name)) > body["version"]:
                continue
            es.indices.put_index_template(name=names.template(name), **body)
            _upgrade_mappings(es, body)
        indices = (
            names.articles_for(now),
            names.feeds,
            names.alerts,
            names.deadletter,
            names.storylines,
        )
        for index in indices:
            _create_if_missing(es, index)
    except (ApiError, TransportError) as exc:
        raise wrap_es_error(exc, "installing index templates") from exc


def _installed_version(es: Elasticsearch, name: str) -> int:
    """The ``version`` of the index template ``name`` as installed; -1 when absent."""
    resp = es.options(ignore_status=404).indices.get_index_template(name=name)
    if resp.meta.status == 404:
        return -1
    versions = [t["index_template"].get("version", -1) for t in resp.body["index_templates"]]
    return max(versions, default=-1)


def _upgrade_mappings(es: Elasticsearch, body: dict[str, Any]) -> None:
    """Add a newer template's fields to indices created from an older version.

    Templates only shape new indices. Fields the index lacks are added in place; a field
    it has is never touched (a changed type needs a reindex, not this).
    """
    wanted = body["template"]["mappings"]["properties"]
    # A pattern without a wildcard names one index, which may not exist yet: not an error.
    current = es.options(ignore_status=404).indices.get_mapping(
        index=",".join(body["index_patterns"]), allow_no_indices=True, expand_wildcards="all"
    )
    if current.meta.status == 404:
        return
    for index, mapping in current.body.items():
        missing = missing_fields(wanted, mapping.get("mappings", {}).get("properties", {}))
        if missing:
            es.indices.put_mapping(index=index, properties=missing)


def missing_fields(wanted: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The part of the ``wanted`` properties that ``existing`` does not have."""
    missing: dict[str, Any] = {}
    for name, spec in wanted.items():
        if name not in existing:
            missing[name] = spec
        elif "properties" in spec and "properties" in existing[name]:
            inner = missing_fields(spec["properties"], existing[name]["properties"])
            if inner:
                missing[name] = {"properties": inner}
    return missing


def _create_if_missing(es: Elasticsearch, index: str) -> None:
    try:
        es.indices.create(index=index)
    except ApiError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
