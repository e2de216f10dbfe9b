"""Shared pieces of the alerting integration tests: the timeline fixture served through a
real feed server, a config folder built from the project's, and a webhook receiver (a real
HTTP server on loopback that records every POST)."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from storywatch.paths import PROJECT_ROOT

TIMELINE = PROJECT_ROOT / "tests" / "fixtures" / "timeline"
TIMELINE_SPEC: dict[str, Any] = yaml.safe_load((TIMELINE / "timeline.yaml").read_text())


@dataclass(frozen=True)
class Post:
    """One request the receiver got, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """A threaded HTTP server on 127.0.0.1 that records POSTs; answers 200 unless told
    to fail the next request(s) of a path."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self._failures: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    queued = receiver._failures.get(self.path) or []
                    status = queued.pop(0) if queued else 200
                    receiver.posts.append(Post(self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, path: str, status: int, times: int = 1) -> None:
        """Answer ``status`` to the next ``times`` POSTs to ``path``."""
        with self._lock:
            self._failures.setdefault(path, []).extend([status] * times)

    def received(self, path: str, *, ok_only: bool = False) -> list[Post]:
        with self._lock:
            return [p for p in self.posts if p.path == path and (p.status < 300 or not ok_only)]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@dataclass(frozen=True)
class TimelineSite:
    """A served folder (articles and one stable feed path per outlet) and a config folder."""

    root: Path
    config: Path

    def serve_cycle(self, n: int) -> None:
        """Make the live feeds read as they do at cycle ``n``."""
        for feed in (TIMELINE / "feeds" / f"cycle-{n}").iterdir():
            shutil.copyfile(feed, self.root / "live" / feed.name)


@pytest.fixture
def timeline_site_factory(tmp_path: Path) -> Callable[..., TimelineSite]:
    """Factory: the timeline fixture with the project's config, where
    ``storylines={id: {field: value}}`` changes storylines, ``webhooks`` is the
    ``webhooks:`` section and ``extra_feeds`` are appended to feeds.yaml."""

    def build(
        storylines: dict[str, dict[str, Any]] | None = None,
        webhooks: dict[str, Any] | None = None,
        extra_feeds: list[dict[str, str]] | None = None,
    ) -> TimelineSite:
        root = tmp_path / "site"
        shutil.copytree(TIMELINE / "articles", root / "timeline" / "articles")
        (root / "live").mkdir()
        config = tmp_path / "config"
        config.mkdir()
        for name in ("topics.yaml", "entities.yaml"):
            shutil.copyfile(PROJECT_ROOT / "config" / name, config / name)
        data = yaml.safe_load((PROJECT_ROOT / "config" / "storylines.yaml").read_text())
        for item in data["storylines"]:
            item.update((storylines or {}).get(item["id"], {}))
        if webhooks:
            data["webhooks"] = webhooks
        (config / "storylines.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
        feeds = [
            {"id": f["id"], "title": f["title"], "url": f"{{{{base}}}}/live/{f['id']}.rss"}
            for f in TIMELINE_SPEC["feeds"]
        ]
        (config / "feeds.yaml").write_text(yaml.safe_dump({"feeds": feeds + (extra_feeds or [])}))
        return TimelineSite(root, config)

    return build
