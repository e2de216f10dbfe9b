"""A loopback HTTP server for sample feeds and article pages, with real conditional GET.

Files may contain ``{{base_url}}``; it is replaced at serve time by the server's
own ``http://host:port``, so bundled feeds link to pages on whatever port it got.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .errors import StackError

PLACEHOLDER = b"{{base_url}}"

_BY_SUFFIX = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


class RequestRecord(NamedTuple):
    """One request the server answered."""

    method: str
    path: str
    status: int


class Forbidden(Exception):
    """The request path points outside the served folder."""


def content_type_for(path: Path, head: bytes = b"") -> str:
    """The Content-Type for a file, looking at its first bytes when the suffix is plain ``.xml``."""
    suffix = path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix == ".xml":
        # Feeds are often published as .xml; readers pick a parser from the type.
        sample = head[:1024]
        if b"<rss" in sample:
            return "application/rss+xml"
        if b"<feed" in sample:
            return "application/atom+xml"
        return "application/xml"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def is_templated(content_type: str) -> bool:
    """Whether ``{{base_url}}`` is substituted in files of this type (text formats only)."""
    return content_type.startswith("text/") or "xml" in content_type or "json" in content_type


def render_body(raw: bytes, content_type: str, base_url: str) -> bytes:
    """The bytes to serve: ``raw`` with ``{{base_url}}`` replaced in text formats."""
    if not is_templated(content_type):
        return raw
    return raw.replace(PLACEHOLDER, base_url.encode("ascii"))


def make_etag(body: bytes) -> str:
    """A strong ETag: a hash of the bytes served (so it changes when templating does)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(timestamp: float) -> str:
    """An IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return formatdate(timestamp, usegmt=True)


def is_not_modified(
    *, if_none_match: str | None, if_modified_since: str | None, etag: str, mtime: float
) -> bool:
    """Whether a GET with these validators gets 304 (RFC 9110 §13.1.2, §13.1.3).

    If-None-Match wins when present (weak comparison, ``*`` matches); otherwise
    If-Modified-Since is compared at one-second resolution and ignored if invalid.
    """
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag.removeprefix("W/") in wanted
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:  # "-0000" or obsolete formats: RFC says GMT
        return False
    return int(mtime) <= since.timestamp()


def resolve_request_path(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` a URL path names, None if there is none.

    Raises :class:`Forbidden` for paths that climb out of ``root`` (``..``,
    encoded or not, or a symlink pointing outside).
    """
    decoded = unquote(urlsplit(url_path).path)
    if "\0" in decoded or "\\" in decoded:
        raise Forbidden(url_path)
    parts = PurePosixPath("/" + decoded).parts[1:]
    if ".." in parts:
        raise Forbidden(url_path)
    base = root.resolve()
    candidate = base.joinpath(*parts).resolve()
    if not candidate.is_relative_to(base):
        raise Forbidden(url_path)
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    server: _FeedHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "storywatch-feedserver"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(include_body=True)

    def do_HEAD(self) -> None:
        self._respond(include_body=False)

    def _respond(self, *, include_body: bool) -> None:
        try:
            path = resolve_request_path(self.server.root, self.path)
        except Forbidden:
            self.send_error(HTTPStatus.FORBIDDEN, "path outside the served folder")
            return
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            raw = path.read_bytes()
            mtime = path.stat().st_mtime
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        content_type = content_type_for(path, raw[:1024])
        body = render_body(raw, content_type, self.server.base_url)
        etag = make_etag(body)
        validators = {"ETag": etag, "Last-Modified": http_date(mtime)}
        if is_not_modified(
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
            etag=etag,
            mtime=mtime,
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if isinstance(code, int) or str(code).isdigit() else 0
        self.server.record(RequestRecord(self.command or "", self.path or "", status))

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr lines; requests are recorded instead."""


class _FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], root: Path, record: Callable[[RequestRecord], None]
    ) -> None:
        super().__init__(address, _Handler)
        self.root = root
        self.record = record
        host, port = self.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"


class FeedServer:
    """Serve ``root`` on loopback: ``with FeedServer(samples) as server: server.base_url``."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if not root.is_dir():
            raise StackError(f"feed server root {root} is not a folder")
        self.root = root
        self.host = host
        self.port = port
        self._server: _FeedHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._server is None:
            raise StackError("the feed server is not running")
        return self._server.base_url

    def url(self, path: str = "") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the requests answered so far, oldest first."""
        with self._lock:
            return list(self._records)

    def clear_requests(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self._records.clear()

    def _record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._records.append(entry)

    def start(self) -> None:
        """Start serving in a background thread."""
        if self._server is not None:
            return
        try:
            self._server = _FeedHTTPServer((self.host, self.port), self.root, self._record)
        except OSError as exc:
            raise StackError(
                f"feed server could not listen on {self.host}:{self.port}: {exc}"
            ) from exc
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="storywatch-feed-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port. Idempotent."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
