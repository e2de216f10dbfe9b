"""Fixtures for integration tests: a real Elasticsearch node, SMTP sink and feed server on loopback.

Every test collected under tests/integration/ is marked ``integration``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storywatch.flows.stack.elasticsearch import (
    ElasticsearchNode,
    plan_node,
    probe_version,
    start_node,
    stop_node,
)
from storywatch.flows.stack.errors import StackError
from storywatch.flows.stack.feedserver import FeedServer
from storywatch.flows.stack.process import free_port
from storywatch.flows.stack.settings import StackSettings
from storywatch.flows.stack.smtp import MailSink

_INTEGRATION_ROOT = Path(__file__).resolve().parent
_DEFAULT_ES_URL = "http://127.0.0.1:9200"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only those below this folder.
    for item in items:
        if item.path.resolve().is_relative_to(_INTEGRATION_ROOT):
            item.add_marker(pytest.mark.integration)


@dataclass(frozen=True)
class EsSession:
    """The Elasticsearch node the session uses; ``node`` is None when an existing one is reused."""

    url: str
    node: ElasticsearchNode | None


def _answers(url: str) -> bool:
    try:
        return probe_version(url) is not None
    except StackError:
        return False  # something else listens there


@pytest.fixture(scope="session")
def es_session() -> Iterator[EsSession]:
    """Reuse a node at $STORYWATCH_ES_URL or :9200 if one answers; else start a private one."""
    for url in (os.environ.get("STORYWATCH_ES_URL"), _DEFAULT_ES_URL):
        if url and _answers(url.rstrip("/")):
            yield EsSession(url=url.rstrip("/"), node=None)  # not ours: never stopped here
            return
    http_port = free_port()
    transport_port = free_port()
    while transport_port == http_port:
        transport_port = free_port()
    node = plan_node(
        StackSettings(),
        http_port=http_port,
        transport_port=transport_port,
        name=f"pytest-{os.getpid()}-{http_port}",
        cluster_name="storywatch-test",
    )
    try:
        start_node(node, timeout=240)
        yield EsSession(url=node.url, node=node)
    finally:
        stop_node(node)
        still_up = _answers(node.url)
        shutil.rmtree(node.node_dir, ignore_errors=True)
        if still_up:
            raise RuntimeError(f"the test Elasticsearch node at {node.url} did not stop")


@pytest.fixture(scope="session")
def es_url(es_session: EsSession) -> str:
    """Base URL of a healthy Elasticsearch node for the whole session."""
    return es_session.url


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[MailSink]:
    """A fresh SMTP sink on a free loopback port, storing into its own empty maildir."""
    with MailSink(tmp_path / "maildir", port=0) as sink:
        yield sink


@pytest.fixture
def feed_server() -> Iterator[Callable[[Path], FeedServer]]:
    """Factory: ``feed_server(root)`` serves ``root`` on a free port until the test ends."""
    servers: list[FeedServer] = []

    def start(root: Path) -> FeedServer:
        server = FeedServer(root, port=0)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API (SQLite) for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def index_prefix(es_url: str) -> Iterator[str]:
    """A fresh index prefix for one test; its indices and templates are deleted afterwards."""
    from elasticsearch import Elasticsearch

    prefix = f"swtest-{uuid.uuid4().hex[:10]}"
    yield prefix
    es = Elasticsearch(es_url)
    try:
        # Wildcard deletes are refused (destructive_requires_name): delete by name.
        indices = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
        if indices:
            es.indices.delete(index=",".join(indices))
        templates = es.options(ignore_status=404).indices.get_index_template(name=f"{prefix}-*")
        for template in templates.get("index_templates", []):
            es.indices.delete_index_template(name=template["name"])
    finally:
        es.close()


@pytest.fixture
def pipeline_env(
    es_url: str, index_prefix: str, mail_sink: MailSink, monkeypatch: pytest.MonkeyPatch
) -> MailSink:
    """Point every Storywatch setting at the test's services; returns the SMTP sink."""
    monkeypatch.setenv("STORYWATCH_ES_URL", es_url)
    monkeypatch.setenv("STORYWATCH_INDEX_PREFIX", index_prefix)
    monkeypatch.setenv("STORYWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("STORYWATCH_SMTP_PORT", str(mail_sink.port))
    monkeypatch.setenv("STORYWATCH_PER_HOST_DELAY", "0")
    return mail_sink
