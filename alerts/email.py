"""Render alert records as multipart emails; article content is always escaped."""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage
from email.utils import formatdate

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .highlights import cut_pieces, passage_pieces
from .presentation import (
    emphasise,
    kind_label,
    person_label,
    source_name,
    speaker_label,
    topic_names,
    when,
)
from .records import AlertRecord
from .settings import AlertSettings

_SPACE = re.compile(r"\s+")
_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f]+$", re.IGNORECASE)
# Folding at 78 columns puts a subject that just fails to fit on a continuation line,
# and several readers then show it with a leading space; RFC 5322 allows 998.
_POLICY = email.policy.SMTP.clone(max_line_length=998)


def build_environment(settings: AlertSettings) -> Environment:
    """A Jinja environment: the user's templates first, then the bundled ones."""
    loaders: list[FileSystemLoader | PackageLoader] = []
    if settings.templates_dir is not None:
        loaders.append(FileSystemLoader(settings.templates_dir))
    loaders.append(PackageLoader("storywatch.alerts", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["one_line"] = one_line
    env.filters["passage_html"] = html_passage
    env.filters["passage_text"] = text_passage
    env.filters["when"] = when
    env.filters["source_name"] = source_name
    env.filters["topic_names"] = topic_names
    env.filters["kind_label"] = kind_label
    env.filters["person_label"] = person_label
    env.filters["speaker_label"] = speaker_label
    env.filters["emphasise"] = emphasise
    return env


def safe_url(url: str) -> str:
    """``url`` if it is http(s), else ``#``: a feed cannot smuggle ``javascript:`` links in."""
    return url if _HTTP_URL.match(url or "") else "#"


def one_line(value: str, limit: int = 200) -> str:
    """Collapse whitespace (no header injection through a feed's title) and cut to ``limit``."""
    flat = _SPACE.sub(" ", value).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def html_passage(passage: str) -> Markup:
    """A highlighted passage as safe HTML: the text escaped, each matched term in one
    ``<mark>`` (always balanced, see :func:`~.highlights.passage_pieces`)."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(p.text) if p.marked else escape(p.text)
        for p in passage_pieces(passage)
    )


def text_passage(passage: str, limit: int = 400) -> str:
    """A highlighted passage as plain text, each matched term shown as ``*term*``."""
    pieces = cut_pieces(passage_pieces(passage), limit)
    return "".join(f"*{p.text}*" if p.marked else p.text for p in pieces)


def message_id(record: AlertRecord, domain: str) -> str:
    """The deterministic Message-ID of an alert: a resend is recognisably the same email."""
    return f"<{record.id}@{domain}>"


def _headers(record: AlertRecord, settings: AlertSettings, subject: str) -> EmailMessage:
    msg = EmailMessage(policy=_POLICY)
    msg["Subject"] = subject
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(record.recipients)
    msg["Date"] = formatdate(record.created_at.timestamp(), usegmt=True)
    msg["Message-ID"] = message_id(record, settings.message_id_domain)
    msg["X-Storywatch-Storyline"] = record.storyline_id
    msg["X-Storywatch-Alert"] = record.id
    return msg


def render_message(record: AlertRecord, settings: AlertSettings, env: Environment) -> EmailMessage:
    """The email of a record: a digest or a single alert."""
    if record.kind == "digest":
        return render_digest(record, settings, env)
    return render_email(record, settings, env)


def render_email(record: AlertRecord, settings: AlertSettings, env: Environment) -> EmailMessage:
    """The email for one alert: ``[storyline title] headline``, text and HTML parts."""
    subject = f"[{one_line(record.storyline_title, 80)}] {one_line(record.title)}"
    msg = _headers(record, settings, subject)
    # The per-alert layout lives in the ``alert_block`` macros of _alert_block.*.j2, so
    # a message carrying several alerts can loop over them.
    context = {"alert": record, "new": record.whats_new, "label": kind_label(record.kind)}
    # ``passages`` stays for user templates written before the filters existed.
    text = env.get_template("alert.txt.j2").render(
        passages=[text_passage(p) for p in record.highlights], **context
    )
    html = env.get_template("alert.html.j2").render(
        passages=[html_passage(p) for p in record.highlights], **context
    )
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def render_digest(record: AlertRecord, settings: AlertSettings, env: Environment) -> EmailMessage:
    """A digest email: the period's developments and minor items, grouped by storyline."""
    msg = _headers(record, settings, one_line(record.title, 200))
    context = {"digest": record, "data": record.payload}
    msg.set_content(env.get_template("digest.txt.j2").render(**context))
    msg.add_alternative(env.get_template("digest.html.j2").render(**context), subtype="html")
    return msg
