"""Errors raised by the index package; each knows whether a retry may help."""

from __future__ import annotations

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, TransportError

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
