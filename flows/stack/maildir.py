"""A maildir-like folder of received mail: ``tmp/`` while writing, then ``new/<name>.eml``."""

from __future__ import annotations

import email
import email.policy
import os
import threading
import time
from email.message import EmailMessage
from pathlib import Path

_lock = threading.Lock()
_last_ns = 0
_sequence = 0


def _unique_name() -> str:
    """A file name that sorts in arrival order and never repeats within this process.

    The wall clock may stand still or step back, so the timestamp is forced
    to increase; the pid keeps two writers on one folder apart.
    """
    global _last_ns, _sequence
    with _lock:
        _last_ns = max(time.time_ns(), _last_ns + 1)
        _sequence += 1
        return f"{_last_ns:020d}.{os.getpid()}.{_sequence:06d}.eml"


def deliver_message(maildir: Path, data: bytes) -> Path:
    """Store one raw message in ``maildir/new`` (via ``tmp``, so no reader sees half of it)."""
    name = _unique_name()
    tmp = maildir / "tmp" / name
    final = maildir / "new" / name
    tmp.parent.mkdir(parents=True, exist_ok=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(final)
    return final


def mailbox_files(maildir: Path) -> list[Path]:
    """The stored ``.eml`` files, oldest first."""
    folder = maildir / "new"
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def parse_message(data: bytes) -> EmailMessage:
    """Parse raw bytes into a modern ``EmailMessage``."""
    message = email.message_from_bytes(data, _class=EmailMessage, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # guaranteed by _class; narrows the type
    return message


def read_mailbox(maildir: Path) -> list[EmailMessage]:
    """Every message stored in ``maildir``, in arrival order."""
    return [parse_message(path.read_bytes()) for path in mailbox_files(maildir)]


def clear_mailbox(maildir: Path) -> int:
    """Delete the stored messages; return how many there were."""
    files = mailbox_files(maildir)
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)
