from __future__ import annotations

import json
from pathlib import Path

import pytest

from storywatch.flows.stack.elasticsearch import (
    ElasticsearchNode,
    NodeState,
    default_home_root,
    plan_node,
    read_state,
    render_elasticsearch_yml,
    render_heap_options,
    write_state,
)
from storywatch.flows.stack.errors import StackError
from storywatch.flows.stack.settings import StackSettings


def _node(tmp_path: Path) -> ElasticsearchNode:
    return ElasticsearchNode(
        version="9.5.4",
        http_port=9250,
        transport_port=9350,
        heap="512m",
        dist_dir=tmp_path / "dist" / "elasticsearch-9.5.4",
        node_dir=tmp_path / "nodes" / "n1",
    )


def _yaml_pairs(text: str) -> dict[str, str]:
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return dict(line.split(": ", 1) for line in lines)


def test_elasticsearch_yml_is_loopback_single_node_without_security(tmp_path: Path) -> None:
    node = _node(tmp_path)
    config = _yaml_pairs(render_elasticsearch_yml(node))
    assert config == {
        "cluster.name": "storywatch-local",
        "node.name": "storywatch-9250",
        "path.data": str(node.node_dir / "data"),
        "path.logs": str(node.node_dir / "logs"),
        "network.host": "127.0.0.1",
        "http.port": "9250",
        "transport.port": "9350",
        "discovery.type": "single-node",
        "xpack.security.enabled": "false",
        "cluster.routing.allocation.disk.threshold_enabled": "false",
    }


def test_heap_options() -> None:
    assert render_heap_options("2g") == "-Xms2g\n-Xmx2g\n"


def test_node_paths(tmp_path: Path) -> None:
    node = _node(tmp_path)
    assert node.url == "http://127.0.0.1:9250"
    assert node.pid_file == node.node_dir / "run" / "elasticsearch.pid"
    assert node.log_file == node.node_dir / "logs" / "storywatch-local.log"
    assert node.state_file.parent == node.node_dir


def test_default_home_root() -> None:
    home = Path("/home/ada")
    assert default_home_root(is_root=True, env={}, home=Path("/root")) == Path(
        "/var/lib/storywatch"
    )
    assert default_home_root(is_root=False, env={}, home=home) == home / ".local/share/storywatch"
    assert default_home_root(is_root=False, env={"XDG_DATA_HOME": "/data"}, home=home) == Path(
        "/data/storywatch"
    )


def test_plan_node_uses_settings_and_overrides(tmp_path: Path) -> None:
    settings = StackSettings(es_home_root=tmp_path, es_port=9201, es_heap="2g")
    node = plan_node(settings)
    assert node.http_port == 9201
    assert node.heap == "2g"
    assert node.dist_dir == tmp_path / "dist" / "elasticsearch-9.5.4"
    assert node.node_dir == tmp_path / "nodes" / "9.5.4-9201"
    custom = plan_node(settings, http_port=9333, transport_port=9444, name="pytest-1")
    assert (custom.http_port, custom.transport_port) == (9333, 9444)
    assert custom.node_dir == tmp_path / "nodes" / "pytest-1"


def test_state_file_round_trip(tmp_path: Path) -> None:
    state = NodeState(
        pid=4242,
        url="http://127.0.0.1:9200",
        version="9.5.4",
        log_file="/x/logs/storywatch-local.log",
        launcher_log="/x/logs/launcher.log",
        java_home="/usr/lib/jvm/temurin-25-jdk-amd64",
        run_as="storywatch",
        started_at="2026-01-01T00:00:00+00:00",
    )
    path = tmp_path / "state" / "node.json"
    assert read_state(path) is None
    write_state(path, state)
    assert json.loads(path.read_text())["pid"] == 4242
    assert read_state(path) == state
    assert [p.name for p in path.parent.iterdir()] == ["node.json"]  # no temp file left


@pytest.mark.parametrize("text", ["not json", "{}", '{"pid": "12"}'])
def test_corrupt_state_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "node.json"
    path.write_text(text)
    with pytest.raises(StackError, match="delete it"):
        read_state(path)
