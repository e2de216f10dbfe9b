"""A local Elasticsearch node described: its folders, config files and state file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import StackError
from .process import write_json_atomic
from .settings import StackSettings

DEFAULT_CLUSTER_NAME = "storywatch-local"
_STATE_FILE = "storywatch-node.json"


@dataclass(frozen=True)
class ElasticsearchNode:
    """Where one local node lives and how it is configured."""

    version: str
    http_port: int
    transport_port: int
    heap: str
    dist_dir: Path
    node_dir: Path
    cluster_name: str = DEFAULT_CLUSTER_NAME
    host: str = "127.0.0.1"
    #: The user to run Elasticsearch as (we are root), or None to run it as ourselves.
    run_as: str | None = None
    #: The JDK to use; None picks one when the node is started.
    java_home: Path | None = None

    @property
    def url(self) -> str:
        """Base URL of the node's HTTP API."""
        return f"http://{self.host}:{self.http_port}"

    @property
    def config_dir(self) -> Path:
        """The node's own config folder (``ES_PATH_CONF``)."""
        return self.node_dir / "config"

    @property
    def data_dir(self) -> Path:
        """``path.data``."""
        return self.node_dir / "data"

    @property
    def logs_dir(self) -> Path:
        """``path.logs``."""
        return self.node_dir / "logs"

    @property
    def tmp_dir(self) -> Path:
        """``ES_TMPDIR``, kept in the node folder so nothing is left behind in /tmp."""
        return self.node_dir / "tmp"

    @property
    def pid_file(self) -> Path:
        """Pid file written by Elasticsearch itself."""
        return self.node_dir / "run" / "elasticsearch.pid"

    @property
    def state_file(self) -> Path:
        """Our record of the node we started."""
        return self.node_dir / _STATE_FILE

    @property
    def log_file(self) -> Path:
        """The server log (named after the cluster)."""
        return self.logs_dir / f"{self.cluster_name}.log"

    @property
    def launcher_log(self) -> Path:
        """Console output of ``bin/elasticsearch -d`` (start-up failures end up here)."""
        return self.logs_dir / "launcher.log"


@dataclass(frozen=True)
class NodeState:
    """What ``start_node`` recorded about a node it launched."""

    pid: int
    url: str
    version: str
    log_file: str
    launcher_log: str
    java_home: str
    run_as: str | None
    started_at: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> NodeState:
        """Rebuild from :meth:`to_json` output; raises ``TypeError``/``ValueError`` if malformed."""
        run_as = data.get("run_as")
        pid = data["pid"]
        if not isinstance(pid, int):
            raise ValueError(f"pid must be an integer, not {pid!r}")
        return cls(
            pid=pid,
            url=str(data["url"]),
            version=str(data["version"]),
            log_file=str(data["log_file"]),
            launcher_log=str(data["launcher_log"]),
            java_home=str(data["java_home"]),
            run_as=None if run_as is None else str(run_as),
            started_at=str(data["started_at"]),
        )


def default_home_root(*, is_root: bool, env: Mapping[str, str], home: Path) -> Path:
    """Where nodes live by default: a system folder as root, the XDG data folder otherwise.

    As root the node runs as an unprivileged user, so its files must not sit
    under /root or under a clone whose parent folders may be private.
    """
    if is_root:
        return Path("/var/lib/storywatch")
    xdg = env.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "storywatch"


def plan_node(
    settings: StackSettings,
    *,
    http_port: int | None = None,
    transport_port: int | None = None,
    name: str | None = None,
    cluster_name: str = DEFAULT_CLUSTER_NAME,
) -> ElasticsearchNode:
    """Describe the node for ``settings``; tests may override the ports and folder name."""
    is_root = os.geteuid() == 0
    home_root = settings.es_home_root or default_home_root(
        is_root=is_root, env=os.environ, home=Path.home()
    )
    http = settings.es_port if http_port is None else http_port
    return ElasticsearchNode(
        version=settings.es_version,
        http_port=http,
        transport_port=settings.es_transport_port if transport_port is None else transport_port,
        heap=settings.es_heap,
        dist_dir=home_root / "dist" / f"elasticsearch-{settings.es_version}",
        node_dir=home_root / "nodes" / (name or f"{settings.es_version}-{http}"),
        cluster_name=cluster_name,
        run_as=settings.es_user if is_root else None,
        java_home=settings.es_java_home,
    )


def render_elasticsearch_yml(node: ElasticsearchNode) -> str:
    """The ``elasticsearch.yml`` of a loopback-only, single-node, security-off node."""
    return (
        "# Written by storywatch.flows.stack on every start; edits are overwritten.\n"
        f"cluster.name: {node.cluster_name}\n"
        f"node.name: storywatch-{node.http_port}\n"
        f"path.data: {node.data_dir}\n"
        f"path.logs: {node.logs_dir}\n"
        f"network.host: {node.host}\n"
        f"http.port: {node.http_port}\n"
        f"transport.port: {node.transport_port}\n"
        "discovery.type: single-node\n"
        # Loopback only, for demos and tests: real clusters keep security on.
        "xpack.security.enabled: false\n"
        # CI disks are often nearly full; do not turn indices read-only for that.
        "cluster.routing.allocation.disk.threshold_enabled: false\n"
    )


def render_heap_options(heap: str) -> str:
    """``jvm.options.d/heap.options`` fixing the heap (equal min and max, as Elastic advises)."""
    return f"-Xms{heap}\n-Xmx{heap}\n"


def read_state(path: Path) -> NodeState | None:
    """The recorded state at ``path``, or None if there is none."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    try:
        return NodeState.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise StackError(f"{path} is not a valid node state file ({exc}); delete it") from exc


def write_state(path: Path, state: NodeState) -> None:
    """Record ``state`` at ``path`` atomically."""
    write_json_atomic(path, state.to_json())
