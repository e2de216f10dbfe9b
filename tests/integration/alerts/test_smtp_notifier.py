"""The SMTP channel against the real loopback sink."""

from __future__ import annotations

import gc
import warnings
from email.message import EmailMessage

from storywatch.alerts.notifiers import SmtpNotifier
from storywatch.alerts.settings import AlertSettings
from storywatch.flows.stack.smtp import MailSink


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "storywatch@localhost"
    msg["To"] = "analyst@example.org"
    msg["Subject"] = "test"
    msg.set_content("body")
    return msg


def test_a_failed_starttls_is_reported_per_message_and_closes_the_connection(
    mail_sink: MailSink,
) -> None:
    # The sink offers no STARTTLS: the connection opens, then the upgrade fails.
    settings = AlertSettings(smtp_port=mail_sink.port, smtp_security="starttls")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        outcomes = SmtpNotifier(settings).send([message(), message()])
        gc.collect()
    assert all(o is not None and o.transient for o in outcomes) and len(outcomes) == 2
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == [], [str(w.message) for w in leaks]
    assert mail_sink.messages() == []
