"""Start-up failure handling, with a fake distribution whose launcher fails (no JVM needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.flows.stack.elasticsearch import ElasticsearchNode, start_node, stop_node
from storywatch.flows.stack.errors import StackError
from storywatch.flows.stack.process import free_port


def _fake_node(tmp_path: Path, launcher: str) -> ElasticsearchNode:
    dist = tmp_path / "dist" / "elasticsearch-9.9.9"
    (dist / "bin").mkdir(parents=True)
    (dist / "config" / "jvm.options.d").mkdir(parents=True)
    script = dist / "bin" / "elasticsearch"
    script.write_text(launcher)
    script.chmod(0o755)
    jdk = tmp_path / "jdk"
    (jdk / "bin").mkdir(parents=True)
    (jdk / "bin" / "java").write_text("#!/bin/sh\n")
    (jdk / "release").write_text('JAVA_VERSION="21.0.1"\n')
    http_port = free_port()
    return ElasticsearchNode(
        version="9.9.9",
        http_port=http_port,
        transport_port=free_port(),
        heap="64m",
        dist_dir=dist,
        node_dir=tmp_path / "nodes" / "n",
        run_as=None,  # as ourselves, even as root: the fake launcher does not care
        java_home=jdk,
    )


def test_failed_launch_shows_the_log_tail(tmp_path: Path) -> None:
    node = _fake_node(
        tmp_path,
        "#!/bin/sh\n"
        'echo "ES_PATH_CONF=$ES_PATH_CONF"\n'
        "echo 'fatal: bad setting [x]' >&2\n"
        "exit 78\n",
    )
    with pytest.raises(StackError) as caught:
        start_node(node, timeout=20)
    message = str(caught.value)
    assert "exit code 78" in message
    assert "fatal: bad setting [x]" in message
    assert f"ES_PATH_CONF={node.config_dir}" in message
    # The node's own config was written before launching.
    assert "discovery.type: single-node" in (node.config_dir / "elasticsearch.yml").read_text()
    assert (node.config_dir / "jvm.options.d" / "heap.options").read_text() == "-Xms64m\n-Xmx64m\n"
    assert not node.state_file.exists()
    assert "was not running" in stop_node(node)


def test_node_that_dies_during_start_up_is_reported(tmp_path: Path) -> None:
    # The launcher "succeeds" and writes a pid file for a process that exits at once.
    node = _fake_node(
        tmp_path,
        '#!/bin/sh\nsh -c \'echo "$$" > "$3"; exit 0\' sh "$@"\nsleep 0.2\nexit 0\n',
    )
    with pytest.raises(StackError, match="exited during start-up"):
        start_node(node, timeout=20)
    assert not node.state_file.exists()
