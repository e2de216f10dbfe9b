from __future__ import annotations

from pathlib import Path

from storywatch.flows.stack.maildir import (
    clear_mailbox,
    deliver_message,
    mailbox_files,
    read_mailbox,
)


def _raw(subject: str) -> bytes:
    return f"From: a@x.test\r\nTo: b@y.test\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()


def test_deliver_then_read_in_arrival_order(tmp_path: Path) -> None:
    paths = [deliver_message(tmp_path, _raw(f"n{i}")) for i in range(50)]
    assert len({p.name for p in paths}) == 50
    assert paths == sorted(paths)  # names sort in arrival order
    assert all(p.parent == tmp_path / "new" and p.suffix == ".eml" for p in paths)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [m["Subject"] for m in read_mailbox(tmp_path)] == [f"n{i}" for i in range(50)]


def test_empty_or_missing_mailbox(tmp_path: Path) -> None:
    assert read_mailbox(tmp_path / "none") == []
    assert mailbox_files(tmp_path) == []


def test_clear_mailbox(tmp_path: Path) -> None:
    deliver_message(tmp_path, _raw("a"))
    deliver_message(tmp_path, _raw("b"))
    assert clear_mailbox(tmp_path) == 2
    assert read_mailbox(tmp_path) == []
