"""A loopback SMTP sink that stores every message it receives as a ``.eml`` file.

Run it in a background thread (:class:`MailSink`, for tests) or as a detached
daemon (:func:`start_smtp_daemon`, for ``storywatch stack up``), which is this
module run as a program::

    python -m storywatch.flows.stack.smtp --dir var/mail --port 2525 --pid-file var/run/smtp.pid
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.smtp import SMTP

from .errors import StackError
from .maildir import deliver_message, mailbox_files, read_mailbox
from .process import (
    pid_matches,
    port_open,
    read_pid_file,
    tail_text,
    terminate_pid,
    write_text_atomic,
)
from .settings import StackSettings

__all__ = [
    "MailSink",
    "SmtpDaemon",
    "SmtpStatus",
    "read_mailbox",
    "smtp_daemon_status",
    "start_smtp_daemon",
    "stop_smtp_daemon",
]

logger = logging.getLogger(__name__)

_MODULE = "storywatch.flows.stack.smtp"
# An explicit name: the default (socket.getfqdn()) may stall on a DNS lookup offline.
_SERVER_NAME = "storywatch-sink"


class _StoreHandler:
    """aiosmtpd handler writing each message to the maildir."""

    def __init__(self, maildir: Path) -> None:
        self._maildir = maildir

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or envelope.content
        # Record the envelope as an MTA would, since Bcc recipients appear nowhere else.
        trace = (
            f"Return-Path: <{envelope.mail_from}>\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        path = deliver_message(self._maildir, trace + raw)
        logger.info("stored %s from %s to %s", path.name, envelope.mail_from, envelope.rcpt_tos)
        return "250 Message accepted for delivery"


async def _open_server(maildir: Path, host: str, port: int) -> asyncio.Server:
    handler = _StoreHandler(maildir)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, hostname=_SERVER_NAME, enable_SMTPUTF8=True), host, port
    )


async def _close_server(server: asyncio.Server) -> None:
    server.close()
    # Drop sessions still open (a client that never sent QUIT) instead of waiting on them.
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


class MailSink:
    """An SMTP sink on a background thread: ``with MailSink(tmp_path, port=0) as sink: ...``."""

    def __init__(self, maildir: Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.maildir = maildir
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (the real one when 0 was asked for)."""
        if self._port is None:
            raise StackError("the mail sink is not running")
        return self._port

    def start(self) -> None:
        """Start listening; returns once connections are accepted."""
        if self._thread is not None:
            return
        self.maildir.mkdir(parents=True, exist_ok=True)
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop, ready), name="storywatch-mail-sink", daemon=True
        )
        self._thread.start()
        ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise StackError(
                f"mail sink could not listen on {self.host}:{self._requested_port}: {self._error}"
            ) from self._error

    def _run(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            try:
                server = loop.run_until_complete(
                    _open_server(self.maildir, self.host, self._requested_port)
                )
            except Exception as exc:  # handed over to start(), which raises it
                self._error = exc
                ready.set()
                return
            self._port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(_close_server(server))
        finally:
            loop.close()

    def stop(self) -> None:
        """Stop listening and wait for the thread to end. Idempotent."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._port = None

    def __enter__(self) -> MailSink:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        """Every message received so far, in arrival order."""
        return read_mailbox(self.maildir)

    def wait_for_messages(self, count: int, *, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived; raise ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        while len(mailbox_files(self.maildir)) < count:
            if time.monotonic() >= deadline:
                got = len(mailbox_files(self.maildir))
                raise TimeoutError(f"expected {count} messages in {self.maildir}, got {got}")
            time.sleep(0.05)
        return self.messages()


@dataclass(frozen=True)
class SmtpDaemon:
    """Where the detached SMTP sink listens and keeps its files."""

    maildir: Path
    host: str
    port: int
    pid_file: Path
    log_file: Path

    @classmethod
    def from_settings(cls, settings: StackSettings) -> SmtpDaemon:
        """The daemon of ``storywatch stack up``, under the state folder."""
        return cls(
            maildir=settings.maildir,
            host=settings.smtp_host,
            port=settings.smtp_port,
            pid_file=settings.state_dir / "run" / "smtp.pid",
            log_file=settings.state_dir / "logs" / "smtp.log",
        )


@dataclass(frozen=True)
class SmtpStatus:
    """What is known about the detached SMTP sink right now."""

    running: bool
    pid: int | None
    address: str
    maildir: Path
    message_count: int
    #: True when something else answers on the port.
    port_taken: bool


def _daemon_pid(daemon: SmtpDaemon) -> int | None:
    pid = read_pid_file(daemon.pid_file)
    return pid if pid is not None and pid_matches(pid, _MODULE) else None


def smtp_daemon_status(daemon: SmtpDaemon) -> SmtpStatus:
    """Whether the daemon runs, and how many messages are stored."""
    pid = _daemon_pid(daemon)
    return SmtpStatus(
        running=pid is not None,
        pid=pid,
        address=f"{daemon.host}:{daemon.port}",
        maildir=daemon.maildir,
        message_count=len(mailbox_files(daemon.maildir)),
        port_taken=pid is None and port_open(daemon.host, daemon.port),
    )


def start_smtp_daemon(daemon: SmtpDaemon, *, timeout: float = 30.0) -> tuple[int, bool]:
    """Start the detached sink unless it already runs; return ``(pid, reused)``."""
    pid = _daemon_pid(daemon)
    if pid is not None:
        return pid, True
    if port_open(daemon.host, daemon.port):
        raise StackError(
            f"port {daemon.port} on {daemon.host} is taken by another program; "
            "set STORYWATCH_SMTP_PORT"
        )
    command = [
        sys.executable,
        "-m",
        _MODULE,
        "--dir",
        str(daemon.maildir),
        "--host",
        daemon.host,
        "--port",
        str(daemon.port),
        "--pid-file",
        str(daemon.pid_file),
        "--log-file",
        str(daemon.log_file),
        "--detach",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise StackError("the SMTP sink did not report ready in time", transient=True) from exc
    pid = _daemon_pid(daemon)
    if done.returncode != 0 or pid is None:
        detail = (done.stderr.strip() or tail_text(daemon.log_file)).strip()
        raise StackError(f"the SMTP sink failed to start: {detail or 'no output'}")
    return pid, False


def stop_smtp_daemon(daemon: SmtpDaemon, *, timeout: float = 10.0) -> str:
    """Stop the detached sink if it runs; return what happened, in words. Idempotent."""
    pid = _daemon_pid(daemon)
    if pid is None:
        daemon.pid_file.unlink(missing_ok=True)  # stale, if present
        return f"SMTP sink on {daemon.host}:{daemon.port} was not running"
    killed = terminate_pid(pid, timeout=timeout)
    daemon.pid_file.unlink(missing_ok=True)
    return f"SMTP sink (pid {pid}) {'killed' if killed else 'stopped'}"


# --- the daemon process -----------------------------------------------------------------


def _serve(args: argparse.Namespace, on_ready: Callable[[str], None]) -> None:
    async def main() -> None:
        server = await _open_server(args.dir, args.host, args.port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        write_text_atomic(args.pid_file, f"{os.getpid()}\n")
        logger.info("listening on %s:%s, storing into %s", args.host, args.port, args.dir)
        on_ready(f"ok {os.getpid()}")
        try:
            await stop.wait()
        finally:
            await _close_server(server)
            if read_pid_file(args.pid_file) == os.getpid():
                args.pid_file.unlink(missing_ok=True)
            logger.info("stopped")

    asyncio.run(main())


def _detach(args: argparse.Namespace) -> int:
    """Fork into the background; the parent exits 0 once the child listens, 1 if it failed."""
    read_end, write_end = os.pipe()
    if os.fork() > 0:
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            report = pipe.read().decode(errors="replace").strip()
        if report.startswith("ok"):
            return 0
        sys.stderr.write((report or "the SMTP sink exited during start-up") + "\n")
        return 1
    os.close(read_end)
    os.setsid()
    args.log_file.parent.mkdir(parents=True, exist_ok=True)
    # Leave the caller's pipes: it waits for them to close.
    log_fd = os.open(args.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    _configure_logging()

    def notify_parent(message: str) -> None:
        with contextlib.suppress(OSError):
            os.write(write_end, message.encode())
            os.close(write_end)

    try:
        _serve(args, notify_parent)
    except BaseException as exc:
        logger.exception("SMTP sink failed")
        notify_parent(f"SMTP sink failed: {exc}")
        os._exit(1)
    os._exit(0)


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # aiosmtpd narrates every SMTP command at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the SMTP sink in the foreground, or detached with ``--detach``."""
    parser = argparse.ArgumentParser(prog=f"python -m {_MODULE}", description=main.__doc__)
    parser.add_argument("--dir", type=Path, required=True, help="maildir to store messages in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--pid-file", type=Path, required=True)
    parser.add_argument("--log-file", type=Path, help="log file (required with --detach)")
    parser.add_argument("--detach", action="store_true", help="run in the background")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.detach:
        if args.log_file is None:
            parser.error("--detach needs --log-file")
        return _detach(args)
    _configure_logging()
    try:
        _serve(args, lambda message: None)
    except OSError as exc:
        sys.stderr.write(f"SMTP sink failed: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
