"""Errors raised by the index package; each knows whether a retry may help."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elasticsearch import (
    ApiError,
    ConnectionError,
    ConnectionTimeout,
    Elasticsearch,
    TransportError,
)

#: HTTP statuses of Elasticsearch that a later retry can fix.
TRANSIENT_STATUSES = frozenset({408, 429, 502, 503, 504})


class IndexingError(Exception):
    """Base class of Elasticsearch-side failures."""

    transient: bool = False

    def __init__(self, message: str, *, transient: bool | None = None) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient


class ClusterUnavailableError(IndexingError):
    """Elasticsearch could not be reached or is overloaded; retry later."""

    transient = True


def is_transient(exc: BaseException) -> bool:
    """True if ``exc`` is a failure a later retry may fix (network, overload)."""
    if isinstance(exc, IndexingError):
        return exc.transient
    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    if isinstance(exc, ApiError):
        return exc.meta.status in TRANSIENT_STATUSES
    return isinstance(exc, TransportError)


def wrap_es_error(exc: Exception, doing: str) -> IndexingError:
    """Turn a client exception into an :class:`IndexingError` that says what we were doing."""
    cls = ClusterUnavailableError if is_transient(exc) else IndexingError
    return cls(f"{doing}: {type(exc).__name__}: {exc}")


def raise_for_bulk_errors(resp: Mapping[str, Any], doing: str) -> None:
    """Raise an :class:`IndexingError` for the first refused item of a bulk response.

    A bulk request answers 200 even when every item failed: the items say what did.
    The error is transient when every refused item is (a full queue, a moving shard).
    """
    if not resp.get("errors"):
        return
    failed = [
        outcome
        for item in resp.get("items", [])
        for outcome in item.values()
        if outcome.get("error") is not None
    ]
    if not failed:
        return
    transient = all(f.get("status") in TRANSIENT_STATUSES for f in failed)
    error = failed[0]["error"]
    reason = f"{error.get('type')}: {error.get('reason')}" if isinstance(error, dict) else error
    cls = ClusterUnavailableError if transient else IndexingError
    raise cls(f"{doing}: {len(failed)} item(s) refused, first {failed[0].get('_id')}: {reason}")


def bulk_write(es: Elasticsearch, operations: list[dict[str, Any]], doing: str) -> None:
    """Send ``operations`` as one refreshed bulk request; raise an :class:`IndexingError`
    (transient or not) if the request or any item fails. Nothing is sent for no operations."""
    if not operations:
        return
    try:
        resp = es.bulk(operations=operations, refresh=True)
    except (ApiError, TransportError) as exc:
        raise wrap_es_error(exc, doing) from exc
    raise_for_bulk_errors(resp.body, doing)
