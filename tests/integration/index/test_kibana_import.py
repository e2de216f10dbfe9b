"""`storywatch kibana import` against a loopback HTTP server that checks the request the way
Kibana's saved-objects import API documents it, and answers the way Kibana does.

A real Kibana cannot run on these machines; this server is the documented contract:
``POST [/s/<space>]/api/saved_objects/_import?overwrite=true``, header ``kbn-xsrf``, body
``multipart/form-data`` with a part ``file`` holding an ``*.ndjson`` file; the answer has
``success``, ``successCount``, ``successResults`` (``overwrite: true`` for replaced objects)
and ``errors``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from storywatch.cli import app

ROOT = Path(__file__).resolve().parents[3]
IMPORT_PATH = "/api/saved_objects/_import"


@dataclass
class FakeKibana:
    """What the server saw and keeps: objects per space, requests, scripted answers."""

    spaces: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Status codes to answer before processing anything (e.g. 503 while "starting").
    script: list[int] = field(default_factory=list)
    #: Object ids whose import fails with an "unknown" error.
    refuse: set[str] = field(default_factory=set)
    api_key: str | None = None
    url: str = ""


def _parts(content_type: str, body: bytes) -> list[Message]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    assert message.is_multipart()
    return list(message.iter_parts())  # type: ignore[attr-defined]


class _Handler(BaseHTTPRequestHandler):
    kibana: FakeKibana

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})

    def do_POST(self) -> None:
        kibana = self.kibana
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        split = urlsplit(self.path)
        kibana.requests.append({"path": split.path, "query": split.query})
        if kibana.script:
            status = kibana.script.pop(0)
            self._answer(status, {"statusCode": status, "error": "Service Unavailable"})
            return
        space = "default"
        path = split.path
        if path.startswith("/s/"):
            space, _, rest = path[3:].partition("/")
            path = "/" + rest
        if path != IMPORT_PATH:
            self._answer(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
            return
        if kibana.api_key and self.headers.get("Authorization") != f"ApiKey {kibana.api_key}":
            self._answer(
                401,
                {"statusCode": 401, "error": "Unauthorized", "message": "unable to authenticate"},
            )
            return
        # Kibana refuses a state-changing request without the kbn-xsrf header.
        if "kbn-xsrf" not in self.headers:
            kibana.problems.append("no kbn-xsrf header")
            self._answer(
                400,
                {"statusCode": 400, "error": "Bad Request", "message": "missing kbn-xsrf header"},
            )
            return
        if parse_qs(split.query) != {"overwrite": ["true"]}:
            kibana.problems.append(f"query {split.query!r}, expected overwrite=true only")
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data; boundary="):
            kibana.problems.append(f"content type {content_type!r}")
            self._answer(415, {"statusCode": 415, "error": "Unsupported Media Type"})
            return
        files = [
            p
            for p in _parts(content_type, body)
            if p.get_param("name", header="content-disposition") == "file"
        ]
        filename = files[0].get_filename() if files else None
        if len(files) != 1 or not filename or not filename.endswith(".ndjson"):
            kibana.problems.append(f"file parts {[p.get_filename() for p in files]}")
            self._answer(400, {"statusCode": 400, "error": "Bad Request", "message": "no file"})
            return
        raw = files[0].get_payload(decode=True)
        assert isinstance(raw, bytes)
        objects = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
        self._answer(200, self._import(kibana.spaces.setdefault(space, {}), objects))

    def _import(
        self, store: dict[tuple[str, str], dict[str, Any]], objects: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Kibana's semantics, simplified: references must resolve, overwrite replaces."""
        incoming = {(o["type"], o["id"]) for o in objects}
        results, errors = [], []
        for obj in objects:
            key = (obj["type"], obj["id"])
            meta = {"title": obj["attributes"].get("title", "")}
            missing = [
                {"type": r["type"], "id": r["id"]}
                for r in obj.get("references", [])
                if (r["type"], r["id"]) not in incoming and (r["type"], r["id"]) not in store
            ]
            if missing:
                error = {"type": "missing_references", "references": missing}
                errors.append({"id": obj["id"], "type": obj["type"], "meta": meta, "error": error})
            elif obj["id"] in self.kibana.refuse:
                error = {"type": "unknown", "message": "Document is invalid", "statusCode": 400}
                errors.append({"id": obj["id"], "type": obj["type"], "meta": meta, "error": error})
            else:
                result = {"id": obj["id"], "type": obj["type"], "meta": meta}
                if key in store:
                    result["overwrite"] = True
                store[key] = obj
                results.append(result)
        answer: dict[str, Any] = {
            "success": not errors,
            "successCount": len(results),
            "warnings": [],
        }
        if results:
            answer["successResults"] = results
        if errors:
            answer["errors"] = errors
        return answer


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    state = FakeKibana()
    handler = type("Handler", (_Handler,), {"kibana": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _import(kibana: FakeKibana, *args: str) -> Any:
    argv = ["kibana", "import", "--url", kibana.url, "--config", str(ROOT / "config"), *args]
    return CliRunner().invoke(app, argv)


def _expected() -> list[dict[str, Any]]:
    text = (ROOT / "kibana" / "storywatch.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_import_into_a_space_creates_then_overwrites(
    kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STORYWATCH_INDEX_PREFIX", raising=False)
    expected = _expected()
    first = _import(kibana, "--space", "analysts")
    assert first.exit_code == 0, first.output
    assert kibana.problems == []
    assert kibana.requests[0]["path"] == f"/s/analysts{IMPORT_PATH}"
    assert kibana.requests[0]["query"] == "overwrite=true"
    lines = first.output.splitlines()
    assert lines[:-1] == [
        f"created: {o['type']} {o['id']} ({o['attributes']['title']})" for o in expected
    ]
    assert lines[-1] == (
        f"{len(expected)} saved object(s) imported into Kibana at {kibana.url} "
        f"(space analysts): {len(expected)} created, 0 overwritten, 0 refused"
    )
    # What Kibana stored is exactly the committed file (default prefix).
    assert sorted(kibana.spaces["analysts"].values(), key=lambda o: (o["type"], o["id"])) == (
        sorted(expected, key=lambda o: (o["type"], o["id"]))
    )

    second = _import(kibana, "--space", "analysts")
    assert second.exit_code == 0, second.output
    assert all(line.startswith("overwritten: ") for line in second.output.splitlines()[:-1])
    assert f"0 created, {len(expected)} overwritten" in second.output
    assert len(kibana.spaces["analysts"]) == len(expected)  # idempotent: no copies


def test_default_space_and_configured_prefix(
    kibana: FakeKibana, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYWATCH_INDEX_PREFIX", "newsroom")
    result = _import(kibana)
    assert result.exit_code == 0, result.output
    assert kibana.requests == [{"path": IMPORT_PATH, "query": "overwrite=true"}]
    stored = kibana.spaces["default"]
    views = {o["attributes"]["title"] for o in stored.values() if o["type"] == "index-pattern"}
    assert views == {"newsroom-articles", "newsroom-alerts"}
    assert ("dashboard", "newsroom-storyline-monitor") in stored


def test_refused_objects_are_reported_one_line_each_and_fail_the_command(
    kibana: FakeKibana,
) -> None:
    kibana.refuse = {"storywatch-top-sources", "storywatch-storyline-monitor"}
    result = _import(kibana, "--space", "ops")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: lens storywatch-top-sources (Top sources): unknown: Document is invalid",
        "error: dashboard storywatch-storyline-monitor (Storyline monitor): "
        "unknown: Document is invalid",
    ]
    assert result.output.splitlines()[-1].endswith(", 2 refused")


def test_missing_references_are_named(kibana: FakeKibana, tmp_path: Path) -> None:
    lens_only = [o for o in _expected() if o["type"] == "lens"][:1]
    path = tmp_path / "partial.ndjson"
    path.write_text("".join(json.dumps(o) + "\n" for o in lens_only), encoding="utf-8")
    result = _import(kibana, "--file", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"error: lens {lens_only[0]['id']} ({lens_only[0]['attributes']['title']}): "
        "missing_references: index-pattern storywatch-articles"
    )


def test_wrong_credentials_give_one_clear_line(kibana: FakeKibana) -> None:
    kibana.api_key = "right-key"
    result = _import(kibana, "--api-key", "wrong-key")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: Kibana answered HTTP 401 at {kibana.url}{IMPORT_PATH}?overwrite=true: "
        "Unauthorized: unable to authenticate (check --api-key or --user)"
    ]
    ok = _import(kibana, "--api-key", "right-key")
    assert ok.exit_code == 0, ok.output


def test_wait_retries_while_kibana_is_starting(kibana: FakeKibana) -> None:
    kibana.script = [503, 503]
    result = _import(kibana, "--wait", "60")
    assert result.exit_code == 0, result.output
    assert len(kibana.requests) == 3


def test_without_wait_a_starting_kibana_fails_at_once(kibana: FakeKibana) -> None:
    kibana.script = [503]
    result = _import(kibana)
    assert result.exit_code == 2
    assert "HTTP 503" in result.output
    assert len(kibana.requests) == 1


def test_unreachable_kibana_is_one_line() -> None:
    from storywatch.flows.stack.process import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["kibana", "import", "--url", url, "--config", str(ROOT / "config")]
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot reach Kibana at {url}{IMPORT_PATH}")
    assert len(result.output.strip().splitlines()) == 1
