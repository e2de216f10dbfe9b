"""Webhook channel: Slack-compatible JSON, or a generic JSON payload signed with HMAC-SHA256.

Receivers of the generic payload verify ``X-Storywatch-Signature`` as
``sha256=hex(HMAC(secret, timestamp + "." + body))`` with the ``X-Storywatch-Timestamp``
header, and may use ``X-Storywatch-Delivery`` (the alert id) to drop a redelivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from .email import safe_url
from .errors import DeliveryError
from .matching import HIGHLIGHT_POST, HIGHLIGHT_PRE
from .records import AlertRecord
from .storylines import WebhookConfig


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _slack_escape(text: str) -> str:
    # Slack treats <...> as links and mentions; feed text must never create one.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def generic_payload(record: AlertRecord) -> dict[str, Any]:
    """The generic JSON body of an alert."""
    new = record.whats_new
    return {
        "alert_id": record.id,
        "kind": record.kind,
        "storyline": {"id": record.storyline_id, "title": record.storyline_title},
        "article": {
            "id": record.article_id,
            "title": record.title,
            "url": record.article_url,
            "source": record.source,
            "published": record.published,
        },
        "whats_new": {
            "people": list(new.people),
            "organizations": list(new.organizations),
            "facts": list(new.facts),
            "key_terms": list(new.key_terms),
            "quotes": [{"speaker": q.speaker, "text": q.text} for q in new.quotes],
        },
        "highlights": [
            h.replace(HIGHLIGHT_PRE, "").replace(HIGHLIGHT_POST, "") for h in record.highlights
        ],
        "reasons": list(record.reasons),
        "also_reported_by": [
            {"source": a.source, "url": a.url, "title": a.title} for a in record.also_reported_by
        ],
        "created_at": record.created_at.isoformat(),
    }


def slack_payload(record: AlertRecord) -> dict[str, Any]:
    """A Slack incoming-webhook message for an alert (text escaped, no mentions)."""
    new = record.whats_new
    url = safe_url(record.article_url)
    # "|" ends the URL part of Slack's <url|label> link syntax.
    link = (
        f"<{_slack_escape(url).replace('|', '%7C')}|{_slack_escape(record.title)}>"
        if url != "#"
        else _slack_escape(record.title)
    )
    lines = [
        f"*[{_slack_escape(record.storyline_title)}]* {link}",
        f"_{_slack_escape(record.source)}_ {_slack_escape(record.published or '')}",
    ]
    for label, values in (
        ("New people", new.people),
        ("New facts", new.facts),
        ("New organisations", new.organizations),
    ):
        if values:
            lines.append(f"• {label}: {_slack_escape(', '.join(values))}")
    for quote in new.quotes[:3]:
        who = f" ({_slack_escape(quote.speaker)})" if quote.speaker else ""
        lines.append(f"> {_slack_escape(quote.text)}{who}")
    text = "\n".join(lines)
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


class WebhookNotifier:
    """Posts alerts to one webhook endpoint."""

    def __init__(
        self,
        name: str,
        url: str,
        *,
        format: Literal["slack", "generic"] = "generic",
        secret: SecretStr | None = None,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.name = name
        self.url = url
        self.format = format
        self.secret = secret
        self.client = client or httpx.Client(timeout=timeout)

    def request(self, record: AlertRecord, now: int | None = None) -> httpx.Request:
        """The HTTP request that delivers ``record`` (built separately so it can be tested)."""
        payload = slack_payload(record) if self.format == "slack" else generic_payload(record)
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "X-Storywatch-Delivery": record.id}
        if self.secret is not None:
            stamp = int(time.time()) if now is None else now
            headers["X-Storywatch-Timestamp"] = str(stamp)
            headers["X-Storywatch-Signature"] = sign(body, self.secret.get_secret_value(), stamp)
        return self.client.build_request("POST", self.url, content=body, headers=headers)

    def send(self, record: AlertRecord) -> DeliveryError | None:
        """Deliver one alert; None on a 2xx answer, else the error (4xx but 408/429 permanent)."""
        try:
            resp = self.client.send(self.request(record))
        except httpx.HTTPError as exc:
            return DeliveryError(f"webhook {self.name}: {type(exc).__name__}: {exc}")
        if resp.is_success:
            return None
        transient = resp.status_code >= 500 or resp.status_code in (408, 429)
        return DeliveryError(
            f"webhook {self.name} answered HTTP {resp.status_code}", transient=transient
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.client.close()


#: ``lookup(env_var)``: a secret by its environment variable name, or None if it is unset.
SecretLookup = Callable[[str], SecretStr | None]


def env_secret(env_var: str) -> SecretStr | None:
    """The secret in environment variable ``env_var``, or None when it is unset or empty."""
    value = os.environ.get(env_var)
    return SecretStr(value) if value else None


def build_webhooks(
    configs: Mapping[str, WebhookConfig], lookup: SecretLookup = env_secret
) -> dict[str, WebhookNotifier]:
    """A notifier per configured webhook whose URL is set (others fail at delivery)."""
    hooks = {}
    for name, cfg in configs.items():
        url = lookup(cfg.url_env)
        if url is None:
            continue
        secret = lookup(cfg.secret_env) if cfg.secret_env else None
        hooks[name] = WebhookNotifier(
            name, url.get_secret_value(), format=cfg.format, secret=secret
        )
    return hooks
