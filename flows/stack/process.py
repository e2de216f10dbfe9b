"""Small process, pid-file and port helpers shared by the stack services."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_POLL_SECONDS = 0.1


def pid_alive(pid: int) -> bool:
    """Tell whether ``pid`` is a running (not zombie) process."""
    if pid <= 0:
        return False
    # Reap it first if it is our own exited child, or it lingers as a zombie
    # that os.kill(pid, 0) still reports as present.
    with contextlib.suppress(ChildProcessError, OSError):
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    return _proc_state(pid) not in {"Z", "X"}


def _proc_state(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may itself contain spaces or parentheses.
    return stat.rpartition(")")[2].split()[0] if ")" in stat else None


def process_cmdline(pid: int) -> str | None:
    """The command line of ``pid`` joined by spaces, or None if it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or None


def pid_matches(pid: int, marker: str) -> bool:
    """Tell whether ``pid`` is alive and, where /proc tells, its command line contains ``marker``.

    Guards against signalling an unrelated process that reused a stale pid.
    """
    if not pid_alive(pid):
        return False
    cmdline = process_cmdline(pid)
    return cmdline is None or marker in cmdline


def terminate_pid(pid: int, *, timeout: float = 30.0) -> bool:
    """Stop ``pid``: SIGTERM, wait up to ``timeout`` seconds, then SIGKILL.

    Returns True when the process had to be killed.
    """
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_for_exit(pid, timeout):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_for_exit(pid, 10.0)
    return True


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` is gone; True if it went within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def read_pid_file(path: Path) -> int | None:
    """The pid stored in ``path``, or None if it is missing or does not hold a number."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def tail_text(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a text file, or an empty string if it cannot be read."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            data = handle.read()
    except OSError:
        return ""
    return "\n".join(data.decode(errors="replace").splitlines()[-lines:])


def port_open(host: str, port: int, *, timeout: float = 0.5) -> bool:
    """Tell whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (another process may still take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
