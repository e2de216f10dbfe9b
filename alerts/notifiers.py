"""Notification channels: the :class:`Notifier` contract and the SMTP implementation."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Protocol

from .errors import DeliveryError
from .settings import AlertSettings

#: SMTP replies that mean "never going to work" (bad recipient, rejected content...).
_PERMANENT = range(500, 600)


class Notifier(Protocol):
    """Delivers rendered messages; returns, per message, None on success or the error."""

    def send(self, messages: Sequence[EmailMessage]) -> list[DeliveryError | None]:
        """Deliver every message, reporting each one's outcome rather than stopping."""
        ...


class SmtpNotifier:
    """Sends email through one SMTP connection per batch (plain, STARTTLS or implicit TLS)."""

    def __init__(self, settings: AlertSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                client.login(s.smtp_username, password)
        except BaseException:
            client.close()  # connected but unusable: do not leak the socket every cycle
            raise
        return client

    def send(self, messages: Sequence[EmailMessage]) -> list[DeliveryError | None]:
        """Send each message; a refused one does not stop the rest."""
        if not messages:
            return []
        where = f"{self.settings.smtp_host}:{self.settings.smtp_port}"
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            error = DeliveryError(f"cannot reach SMTP server {where}: {exc}")
            return [error] * len(messages)
        outcomes: list[DeliveryError | None] = []
        try:
            for message in messages:
                outcomes.append(self._send_one(client, message, where))
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
        return outcomes

    @staticmethod
    def _send_one(client: smtplib.SMTP, message: EmailMessage, where: str) -> DeliveryError | None:
        try:
            # Some recipients refused while others accepted counts as delivered: a resend
            # would duplicate the email for everyone who already has it.
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            return DeliveryError(
                f"{where} refused every recipient: {exc.recipients}", transient=False
            )
        except smtplib.SMTPResponseException as exc:
            return DeliveryError(
                f"{where} refused the message: {exc.smtp_code} {exc.smtp_error!r}",
                transient=exc.smtp_code not in _PERMANENT,
            )
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryError(f"sending through {where} failed: {exc}")
        return None
