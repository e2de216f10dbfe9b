from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from storywatch.flows.stack.process import (
    pid_alive,
    pid_matches,
    read_pid_file,
    tail_text,
    terminate_pid,
    write_json_atomic,
)


def test_pid_alive() -> None:
    assert pid_alive(os.getpid())
    assert not pid_alive(0)
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    assert not pid_alive(done.pid)


def test_exited_child_is_not_alive_even_unreaped() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Never waited for: until reaped it lingers as a zombie, which must not count as alive.
    deadline = time.monotonic() + 10
    while pid_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not pid_alive(child.pid)
    child.returncode = 0  # reaped by pid_alive; keep Popen from warning it still runs


def test_terminate_stops_a_process_on_sigterm() -> None:
    code = "import time; print(1, flush=True); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        # Wait until the child has exec'd: before that /proc shows no command line to check.
        assert child.stdout is not None and child.stdout.readline() == b"1\n"
        assert pid_matches(child.pid, "time.sleep(60)")
        assert not pid_matches(child.pid, "something-else")
        killed = terminate_pid(child.pid, timeout=10)
        assert not killed
        assert not pid_alive(child.pid)
    finally:
        child.kill()
        child.wait()


def test_terminate_kills_a_process_ignoring_sigterm() -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print(1, flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"1\n"
        assert terminate_pid(child.pid, timeout=0.5)
        assert not pid_alive(child.pid)
    finally:
        child.kill()
        child.wait()
        if child.stdout:
            child.stdout.close()


def test_pid_file_and_tail_and_json(tmp_path: Path) -> None:
    assert read_pid_file(tmp_path / "missing.pid") is None
    (tmp_path / "bad.pid").write_text("abc")
    assert read_pid_file(tmp_path / "bad.pid") is None
    (tmp_path / "ok.pid").write_text("123\n")
    assert read_pid_file(tmp_path / "ok.pid") == 123

    log = tmp_path / "x.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail_text(log, 3) == "line 97\nline 98\nline 99"
    assert tail_text(tmp_path / "nope.log") == ""

    write_json_atomic(tmp_path / "d" / "s.json", {"b": 1, "a": [1, 2]})
    assert json.loads((tmp_path / "d" / "s.json").read_text()) == {"a": [1, 2], "b": 1}
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["s.json"]
