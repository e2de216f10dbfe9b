"""Storyline memories in Elasticsearch (``<prefix>-storylines``), one document per storyline.

Saves use optimistic concurrency (``if_seq_no``/``if_primary_term``): if another worker
changed a storyline's memory since it was loaded, the save fails with a transient error
and the whole batch is redone (alert ids are deterministic, so nothing is sent twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from storywatch.index.errors import IndexingError, wrap_es_error
from storywatch.index.schema import IndexNames

from .novelty import KnownArticle, StorylineMemory


def pack_sketch(values: Sequence[int]) -> str:
    """A sketch of 32-bit hashes as one hex string (compact in JSON)."""
    return "".join(f"{v:08x}" for v in values)


def unpack_sketch(packed: str) -> tuple[int, ...]:
    """The inverse of :func:`pack_sketch`."""
    return tuple(int(packed[i : i + 8], 16) for i in range(0, len(packed), 8))


def to_document(memory: StorylineMemory, now: datetime) -> dict[str, Any]:
    """The Elasticsearch source of a memory."""
    return {
        "storyline_id": memory.storyline_id,
        "updated_at": now.isoformat(),
        "article_count": memory.article_count,
        "people": list(memory.people),
        "organizations": list(memory.organizations),
        "key_terms": list(memory.key_terms),
        "facts": list(memory.facts),
        "quotes": list(memory.quotes),
        "outlets": list(memory.outlets),
        "vocabulary": list(memory.vocabulary),
        "articles": [
            {
                "article_id": a.article_id,
                "alert_id": a.alert_id,
                "kind": a.kind,
                "source": a.source,
                "fingerprint": a.fingerprint,
                "sketch": pack_sketch(a.sketch),
            }
            for a in memory.articles
        ],
    }


def from_document(src: Mapping[str, Any]) -> StorylineMemory:
    """Rebuild a memory from its stored source."""

    def strings(key: str) -> tuple[str, ...]:
        return tuple(src.get(key) or ())

    return StorylineMemory(
        storyline_id=src["storyline_id"],
        people=strings("people"),
        organizations=strings("organizations"),
        key_terms=strings("key_terms"),
        facts=strings("facts"),
        quotes=strings("quotes"),
        outlets=strings("outlets"),
        vocabulary=strings("vocabulary"),
        articles=tuple(
            KnownArticle(
                article_id=a["article_id"],
                alert_id=a["alert_id"],
                kind=a["kind"],
                source=a.get("source") or "",
                fingerprint=a.get("fingerprint"),
                sketch=unpack_sketch(a.get("sketch") or ""),
            )
            for a in src.get("articles") or ()
        ),
        article_count=int(src.get("article_count") or 0),
    )


@dataclass(frozen=True, slots=True)
class Loaded:
    """A memory and the version it was read at (None if it did not exist yet)."""

    memory: StorylineMemory
    seq_no: int | None = None
    primary_term: int | None = None


class MemoryStore:
    """Loads and saves storyline memories."""

    def __init__(self, es: Elasticsearch, names: IndexNames) -> None:
        self.es = es
        self.names = names

    def load(self, storyline_ids: Sequence[str]) -> dict[str, Loaded]:
        """The memory of each storyline (empty for one never matched), in one request."""
        if not storyline_ids:
            return {}
        try:
            resp = self.es.mget(index=self.names.storylines, ids=list(storyline_ids))
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "loading storyline memories") from exc
        loaded = {sid: Loaded(StorylineMemory(sid)) for sid in storyline_ids}
        for doc in resp["docs"]:
            if doc.get("found"):
                loaded[doc["_id"]] = Loaded(
                    from_document(doc["_source"]), doc["_seq_no"], doc["_primary_term"]
                )
        return loaded

    def save(self, memories: Mapping[str, tuple[Loaded, StorylineMemory]], now: datetime) -> None:
        """Write each changed memory unless someone else changed it since it was loaded."""
        operations: list[dict[str, Any]] = []
        for sid, (loaded, memory) in memories.items():
            if loaded.seq_no is None:
                action: dict[str, Any] = {"create": {"_index": self.names.storylines, "_id": sid}}
            else:
                action = {
                    "index": {
                        "_index": self.names.storylines,
                        "_id": sid,
                        "if_seq_no": loaded.seq_no,
                        "if_primary_term": loaded.primary_term,
                    }
                }
            operations += [action, to_document(memory, now)]
        if not operations:
            return
        try:
            resp = self.es.bulk(operations=operations, refresh=True)
        except (ApiError, TransportError) as exc:
            raise wrap_es_error(exc, "saving storyline memories") from exc
        if resp.get("errors"):
            outcomes = [next(iter(item.values())) for item in resp["items"]]
            conflicts = [o["_id"] for o in outcomes if o.get("status") == 409]
            if conflicts:
                raise IndexingError(
                    f"storyline memories changed by another worker: {', '.join(conflicts)}",
                    transient=True,
                )
            first = next(o for o in outcomes if "error" in o)
            raise wrap_es_error(RuntimeError(first["error"]), "saving storyline memories")
