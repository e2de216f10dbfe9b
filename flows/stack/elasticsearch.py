"""A single-node Elasticsearch for the demo and the integration tests: install, start, stop, status.

Layout under the home root (see :func:`default_home_root`)::

    dist/elasticsearch-<version>/      unpacked once, shared by every node, read-only
    nodes/<name>/config/               copied from the distribution, rewritten on each start
    nodes/<name>/{data,logs,tmp,run}/  owned by the node user
    nodes/<name>/storywatch-node.json  what we started: pid, url, log paths
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from .distribution import ensure_distribution
from .errors import StackError
from .esnode import (
    DEFAULT_CLUSTER_NAME,
    ElasticsearchNode,
    NodeState,
    default_home_root,
    plan_node,
    read_state,
    render_elasticsearch_yml,
    render_heap_options,
    write_state,
)
from .jdk import resolve_java_home
from .process import (
    pid_alive,
    pid_matches,
    port_open,
    read_pid_file,
    tail_text,
    terminate_pid,
    write_text_atomic,
)
from .runas import check_reachable, chown_tree, ensure_system_user, runuser_path

__all__ = [
    "DEFAULT_CLUSTER_NAME",
    "ElasticsearchNode",
    "NodeState",
    "NodeStatus",
    "StackError",
    "StartOutcome",
    "cluster_health",
    "default_home_root",
    "node_status",
    "plan_node",
    "probe_version",
    "read_state",
    "render_elasticsearch_yml",
    "render_heap_options",
    "start_node",
    "stop_node",
    "write_state",
]

_LOG_TAIL_LINES = 40


@dataclass(frozen=True)
class NodeStatus:
    """What is known about a node right now."""

    url: str
    running: bool
    version: str | None
    health: str | None
    pid: int | None
    #: True when the answering node is one we started (a live pid in our state file).
    managed: bool
    log_file: Path | None
    node_dir: Path


@dataclass(frozen=True)
class StartOutcome:
    """The result of :func:`start_node`."""

    status: NodeStatus
    #: True when a node already answered on the port and was reused as is.
    reused: bool


def probe_version(url: str, *, timeout: float = 2.0) -> str | None:
    """The Elasticsearch version answering at ``url``, or None if nothing answers.

    Raises :class:`StackError` when something that is not Elasticsearch answers.
    """
    # Not `GET /`: the integration-test distribution lacks the module serving it (405).
    try:
        response = httpx.get(f"{url}/_nodes/_local?filter_path=nodes.*.version", timeout=timeout)
    except httpx.TransportError:
        return None
    if response.headers.get("x-elastic-product") != "Elasticsearch":
        raise StackError(f"{url} answers HTTP {response.status_code} but is not Elasticsearch")
    try:
        nodes = response.json()["nodes"]
        return str(next(iter(nodes.values()))["version"])
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration):
        return "unknown"  # e.g. 401 from a secured node: it is Elasticsearch all the same


def cluster_health(url: str, *, wait_seconds: float = 0.0) -> str | None:
    """The cluster health colour, waiting up to ``wait_seconds`` for at least yellow."""
    query = "" if wait_seconds <= 0 else f"?wait_for_status=yellow&timeout={int(wait_seconds)}s"
    try:
        response = httpx.get(f"{url}/_cluster/health{query}", timeout=wait_seconds + 5.0)
        return str(response.json()["status"]) if response.status_code == 200 else None
    except (httpx.TransportError, ValueError, KeyError, TypeError):
        return None


def node_status(node: ElasticsearchNode) -> NodeStatus:
    """Whether the node answers, its version and health, and whether we started it."""
    version = probe_version(node.url)
    state = read_state(node.state_file)
    managed_pid = state.pid if state and pid_matches(state.pid, _process_marker(node)) else None
    return NodeStatus(
        url=node.url,
        running=version is not None,
        version=version,
        health=cluster_health(node.url) if version is not None else None,
        pid=managed_pid,
        managed=managed_pid is not None,
        log_file=node.log_file if state or node.log_file.exists() else None,
        node_dir=node.node_dir,
    )


def start_node(node: ElasticsearchNode, *, timeout: float = 180.0) -> StartOutcome:
    """Start the node unless one already answers on its port; wait until it is at least yellow.

    ``timeout`` bounds start-up and health; a first download is not counted.
    """
    deadline = time.monotonic() + timeout
    if probe_version(node.url) is not None:
        _wait_healthy(node, deadline, pid=None)
        return StartOutcome(status=node_status(node), reused=True)
    state = read_state(node.state_file)
    if state is not None and pid_matches(state.pid, _process_marker(node)):
        # Launched earlier and still booting (or wedged): wait rather than start twice.
        _wait_healthy(node, deadline, pid=state.pid)
        return StartOutcome(status=node_status(node), reused=True)
    for port, variable in (
        (node.http_port, "STORYWATCH_ES_PORT"),
        (node.transport_port, "STORYWATCH_ES_TRANSPORT_PORT"),
    ):
        if port_open(node.host, port):
            raise StackError(f"port {port} is taken by another program; set {variable}")

    # The JDK first: no point in downloading 130 MB for a node that cannot run.
    java_home = resolve_java_home(node.java_home, node.version)
    ensure_distribution(node.version, node.dist_dir.parent)
    deadline = time.monotonic() + timeout
    _prepare_node_dir(node)
    pid = _launch(node, java_home, deadline)
    write_state(
        node.state_file,
        NodeState(
            pid=pid,
            url=node.url,
            version=node.version,
            log_file=str(node.log_file),
            launcher_log=str(node.launcher_log),
            java_home=str(java_home),
            run_as=node.run_as,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    try:
        _wait_healthy(node, deadline, pid=pid)
    except StackError:
        # A node that never turned healthy is of no use and would block the port.
        terminate_pid(pid, timeout=20.0)
        node.state_file.unlink(missing_ok=True)
        raise
    return StartOutcome(status=node_status(node), reused=False)


def stop_node(node: ElasticsearchNode, *, timeout: float = 30.0) -> str:
    """Stop the node if we started it; return what happened, in words. Idempotent."""
    state = read_state(node.state_file)
    pid = state.pid if state else read_pid_file(node.pid_file)
    if pid is not None and pid_matches(pid, _process_marker(node)):
        killed = terminate_pid(pid, timeout=timeout)
        node.state_file.unlink(missing_ok=True)
        how = f"killed after not stopping within {timeout:.0f} s" if killed else "stopped"
        return f"Elasticsearch at {node.url} (pid {pid}) {how}"
    node.state_file.unlink(missing_ok=True)
    try:
        answering = probe_version(node.url) is not None
    except StackError:
        answering = True
    if answering:
        return f"a node answers at {node.url} but Storywatch did not start it; left running"
    return f"Elasticsearch at {node.url} was not running"


def _process_marker(node: ElasticsearchNode) -> str:
    """Text found in the command line of this node's server (its tmp dir is passed to the JVM)."""
    return f"{node.node_dir}/"


def _wait_healthy(node: ElasticsearchNode, deadline: float, *, pid: int | None) -> None:
    while True:
        remaining = deadline - time.monotonic()
        if pid is not None and not pid_alive(pid):
            raise StackError(f"Elasticsearch exited during start-up.\n{_log_excerpt(node)}")
        if remaining <= 0:
            raise StackError(
                f"Elasticsearch at {node.url} was not healthy (yellow or green) in time.\n"
                + _log_excerpt(node),
                transient=True,
            )
        health = cluster_health(node.url, wait_seconds=min(5.0, max(1.0, remaining)))
        if health in {"yellow", "green"}:
            return
        if health is None:
            time.sleep(0.5)  # not listening yet; avoid a busy loop


def _prepare_node_dir(node: ElasticsearchNode) -> None:
    if not node.config_dir.is_dir():
        shutil.copytree(node.dist_dir / "config", node.config_dir)
    for folder in (node.data_dir, node.logs_dir, node.tmp_dir, node.pid_file.parent):
        folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(node.config_dir / "elasticsearch.yml", render_elasticsearch_yml(node))
    write_text_atomic(
        node.config_dir / "jvm.options.d" / "heap.options", render_heap_options(node.heap)
    )
    node.launcher_log.unlink(missing_ok=True)
    if node.run_as is not None:
        ensure_system_user(node.run_as)
        chown_tree(node.node_dir, node.run_as)
        check_reachable(node.run_as, node.dist_dir / "bin" / "elasticsearch", node.data_dir)


def _launch(node: ElasticsearchNode, java_home: Path, deadline: float) -> int:
    env_vars = {
        "ES_JAVA_HOME": str(java_home),
        "ES_PATH_CONF": str(node.config_dir),
        "ES_TMPDIR": str(node.tmp_dir),
        # The launcher JVM would otherwise leave a folder of JVM flags in /tmp.
        "CLI_JAVA_OPTS": " ".join(
            filter(None, (os.environ.get("CLI_JAVA_OPTS"), f"-Djava.io.tmpdir={node.tmp_dir}"))
        ),
    }
    command = [str(node.dist_dir / "bin" / "elasticsearch"), "-d", "-p", str(node.pid_file)]
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"} | env_vars
    if node.run_as is not None:
        assignments = [f"{k}={v}" for k, v in env_vars.items()]
        command = [runuser_path(), "-u", node.run_as, "--", "env", *assignments, *command]
    node.pid_file.unlink(missing_ok=True)
    # Output goes to a file, not a pipe: the daemonised server would keep a pipe open.
    with node.launcher_log.open("wb") as log:
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=node.node_dir,
                env=env,
                timeout=max(1.0, deadline - time.monotonic()),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise StackError(
                f"bin/elasticsearch -d did not return in time.\n{_log_excerpt(node)}",
                transient=True,
            ) from exc
    pid = read_pid_file(node.pid_file)
    if done.returncode != 0 or pid is None:
        raise StackError(
            f"Elasticsearch failed to start (exit code {done.returncode}).\n{_log_excerpt(node)}"
        )
    return pid


def _log_excerpt(node: ElasticsearchNode) -> str:
    parts = []
    for path in (node.launcher_log, node.log_file):
        text = tail_text(path, _LOG_TAIL_LINES)
        if text:
            parts.append(f"--- last lines of {path} ---\n{text}")
    return "\n".join(parts) or f"(no log output; see {node.logs_dir})"
