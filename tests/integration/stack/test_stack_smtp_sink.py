"""The SMTP sink: real SMTP on loopback, messages stored as .eml files."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

from storywatch.flows.stack.errors import StackError
from storywatch.flows.stack.maildir import read_mailbox
from storywatch.flows.stack.process import free_port, pid_alive
from storywatch.flows.stack.smtp import (
    MailSink,
    SmtpDaemon,
    smtp_daemon_status,
    start_smtp_daemon,
    stop_smtp_daemon,
)


def _message(subject: str, body: str = "Body text.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "alerts@storywatch.test"
    message["To"] = "desk@newsroom.test"
    message["Subject"] = subject
    message.set_content(body)
    return message


def test_sink_stores_a_message_sent_with_smtplib(mail_sink: MailSink) -> None:
    with smtplib.SMTP("127.0.0.1", mail_sink.port, timeout=10) as client:
        refused = client.send_message(
            _message("Storyline update: Harbour strike", "Zweite Woche – ünïcode."),
            to_addrs=["desk@newsroom.test", "editor@newsroom.test"],
        )
    assert refused == {}

    messages = mail_sink.messages()
    assert len(messages) == 1
    received = messages[0]
    assert received["Subject"] == "Storyline update: Harbour strike"
    assert received["From"] == "alerts@storywatch.test"
    assert received.get_content().strip() == "Zweite Woche – ünïcode."
    # The envelope is kept, including recipients not named in the headers.
    assert received["X-Envelope-To"] == "desk@newsroom.test, editor@newsroom.test"
    assert received["Return-Path"] == "<alerts@storywatch.test>"

    stored = list((mail_sink.maildir / "new").iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".eml"
    assert list((mail_sink.maildir / "tmp").iterdir()) == []


def test_messages_come_back_in_arrival_order(mail_sink: MailSink) -> None:
    with smtplib.SMTP("127.0.0.1", mail_sink.port, timeout=10) as client:
        for number in range(5):
            client.send_message(_message(f"message {number}"))
    subjects = [m["Subject"] for m in mail_sink.wait_for_messages(5, timeout=5)]
    assert subjects == [f"message {n}" for n in range(5)]


def test_a_second_sink_on_a_taken_port_fails_clearly(mail_sink: MailSink, tmp_path: Path) -> None:
    with pytest.raises(StackError, match="could not listen"):
        MailSink(tmp_path / "other", port=mail_sink.port).start()


def test_detached_daemon_starts_once_receives_and_stops(tmp_path: Path) -> None:
    daemon = SmtpDaemon(
        maildir=tmp_path / "mail",
        host="127.0.0.1",
        port=free_port(),
        pid_file=tmp_path / "run" / "smtp.pid",
        log_file=tmp_path / "logs" / "smtp.log",
    )
    pid, reused = start_smtp_daemon(daemon)
    try:
        assert not reused
        assert pid_alive(pid)
        assert start_smtp_daemon(daemon) == (pid, True)

        with smtplib.SMTP(daemon.host, daemon.port, timeout=10) as client:
            client.send_message(_message("via the daemon"))
        status = smtp_daemon_status(daemon)
        assert status.running and status.pid == pid
        assert status.message_count == 1
        assert [m["Subject"] for m in read_mailbox(daemon.maildir)] == ["via the daemon"]
    finally:
        message = stop_smtp_daemon(daemon)
    assert "stopped" in message
    assert not pid_alive(pid)
    assert not daemon.pid_file.exists()
    assert "not running" in stop_smtp_daemon(daemon)
    assert not smtp_daemon_status(daemon).running


def test_daemon_refuses_a_port_taken_by_another_program(
    mail_sink: MailSink, tmp_path: Path
) -> None:
    daemon = SmtpDaemon(
        maildir=tmp_path / "mail",
        host="127.0.0.1",
        port=mail_sink.port,
        pid_file=tmp_path / "smtp.pid",
        log_file=tmp_path / "smtp.log",
    )
    with pytest.raises(StackError, match="STORYWATCH_SMTP_PORT"):
        start_smtp_daemon(daemon)
    assert smtp_daemon_status(daemon).port_taken
