"""Send saved objects to Kibana's saved-objects import API and read its answer.

``POST [/s/<space>]/api/saved_objects/_import?overwrite=true`` with the NDJSON as the
multipart part ``file`` and the ``kbn-xsrf`` header, as Kibana documents it. With
``overwrite`` and fixed ids, importing twice leaves the same objects: it is idempotent.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

#: Statuses Kibana answers while it is starting (worth waiting for with ``wait``).
_STARTING = frozenset({502, 503, 504})


class KibanaImportError(Exception):
    """The import could not be made at all (unreachable, refused, not Kibana); one line."""


@dataclass(frozen=True, slots=True)
class ImportedObject:
    """One object Kibana reports as imported."""

    type: str
    id: str
    title: str
    overwritten: bool


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """One object Kibana refused, and why."""

    type: str
    id: str
    title: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """Kibana's answer: ``success``, ``successCount``, what it imported and what it refused."""

    success: bool
    success_count: int
    imported: list[ImportedObject] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when Kibana took every object."""
        return self.success and not self.failures

    def lines(self) -> list[str]:
        """One line per object: what was created or overwritten, or refused and why."""
        out = []
        for item in self.imported:
            verb = "overwritten" if item.overwritten else "created"
            out.append(f"{verb}: {item.type} {item.id} ({item.title})")
        for failure in self.failures:
            out.append(f"error: {failure.type} {failure.id} ({failure.title}): {failure.reason}")
        return out


def import_url(base_url: str, space: str | None = None) -> str:
    """The import endpoint of Kibana at ``base_url``, in ``space`` if given, overwriting."""
    base = base_url.rstrip("/")
    if space and space != "default":
        base += f"/s/{quote(space, safe='')}"
    return f"{base}/api/saved_objects/_import?overwrite=true"


def import_saved_objects(
    base_url: str,
    ndjson: str,
    *,
    space: str | None = None,
    api_key: str | None = None,
    user: str | None = None,
    password: str | None = None,
    wait: float = 0.0,
    timeout: float = 60.0,
) -> ImportReport:
    """Import ``ndjson`` into Kibana, overwriting objects with the same ids.

    ``wait`` is how many seconds to keep retrying while Kibana is unreachable or starting
    (503); other failures are reported at once. Raises :class:`KibanaImportError` when
    Kibana did not process the file; a processed file with refused objects is a report.
    """
    url = import_url(base_url, space)
    headers = {"kbn-xsrf": "storywatch"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    auth = httpx.BasicAuth(user, password or "") if user else None
    files = {"file": ("storywatch.ndjson", ndjson.encode("utf-8"), "application/ndjson")}
    deadline = time.monotonic() + wait
    pause = 0.5
    while True:
        try:
            response = httpx.post(url, headers=headers, files=files, auth=auth, timeout=timeout)
        except httpx.HTTPError as exc:
            if time.monotonic() + pause > deadline:
                raise KibanaImportError(f"cannot reach Kibana at {url}: {exc}") from None
        else:
            if response.status_code not in _STARTING or time.monotonic() + pause > deadline:
                return parse_import_response(url, response.status_code, response.text)
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


def parse_import_response(url: str, status: int, text: str) -> ImportReport:
    """Read an import answer; raise :class:`KibanaImportError` for an HTTP-level failure."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = None
    if status != 200:
        detail = _error_text(body) or text.strip()[:200] or "no body"
        hint = " (check --api-key or --user)" if status in (401, 403) else ""
        raise KibanaImportError(f"Kibana answered HTTP {status} at {url}: {detail}{hint}")
    if not isinstance(body, dict) or "success" not in body:
        raise KibanaImportError(f"{url} answered 200 but not with a saved-objects import result")
    report = ImportReport(success=bool(body["success"]), success_count=int(body["successCount"]))
    for item in body.get("successResults") or []:
        report.imported.append(
            ImportedObject(
                type=str(item.get("type")),
                id=str(item.get("destinationId") or item.get("id")),
                title=str((item.get("meta") or {}).get("title") or ""),
                overwritten=bool(item.get("overwrite")),
            )
        )
    for error in body.get("errors") or []:
        report.failures.append(
            ImportFailure(
                type=str(error.get("type")),
                id=str(error.get("id")),
                title=str((error.get("meta") or {}).get("title") or error.get("title") or ""),
                reason=_failure_reason(error.get("error") or {}),
            )
        )
    return report


def _error_text(body: Any) -> str:
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "message") if body.get(k)]
        return ": ".join(parts)
    return ""


def _failure_reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type") or "unknown")
    if kind == "missing_references":
        missing = ", ".join(f"{r.get('type')} {r.get('id')}" for r in error.get("references", []))
        return f"missing_references: {missing}"
    if error.get("message"):
        return f"{kind}: {error['message']}"
    return kind
