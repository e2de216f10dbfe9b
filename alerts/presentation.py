"""How an alert reads: dates in words in the recipient's zone, sources and topics by name,
people with their roles, facts set in their sentences. Used as Jinja filters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup, escape

from .features import norm
from .novelty import WhatsNew
from .records import AlertRecord

_KIND_LABEL = {"development": "new development", "minor": "minor item", "repeat": "repeat"}
_OFFSET_NAME = re.compile(r"^[+-]\d{2}(?:\d{2})?$")


def when(value: str | datetime | None, zone: str = "UTC") -> str:
    """``2026-12-03T13:05:00+00:00`` as "Thursday 3 December 2026, 14:05 CET" in ``zone``.

    A date without a time is shown as the date alone; a time without an offset is taken
    as UTC; an unreadable value is shown as it is rather than lost.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return f"{day:%A} {day.day} {day:%B %Y}"
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = moment.astimezone(tz)
    name = local.tzname() or ""
    if _OFFSET_NAME.match(name):
        name = f"UTC{name[:3]}" + (f":{name[3:]}" if len(name) > 3 else "")
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} {name}".rstrip()


def source_name(record: AlertRecord) -> str:
    """The feed's title, or its id for records made before titles were kept."""
    return record.source_title or record.source


def topic_names(record: AlertRecord) -> tuple[str, ...]:
    """The topics' names, or their ids for records made before names were kept."""
    return record.topic_titles or record.topics


def kind_label(kind: str) -> str:
    """What a record kind is called in an email."""
    return _KIND_LABEL.get(kind, kind)


def person_label(name: str, new: WhatsNew) -> str:
    """A new person with the role their quote or statement gives, and a pointer to it."""
    said = [q for q in new.quotes if q.speaker and norm(q.speaker) == norm(name)]
    said_fact = any(f.speaker and norm(f.speaker) == norm(name) for f in new.fact_sources)
    role = next((q.role for q in said if q.role), None)
    label = f"{name}, {role}" if role else name
    return f"{label} (said below)" if said or said_fact else label


def speaker_label(speaker: str | None, role: str | None) -> str:
    """ "Name, role" for an attribution; "unattributed" when nobody is named."""
    if not speaker:
        return "unattributed"
    return f"{speaker}, {role}" if role else speaker


def emphasise(sentence: str, facts: tuple[str, ...]) -> Markup:
    """``sentence`` as safe HTML with each fact in ``<strong>``."""
    if not facts:
        return Markup(escape(sentence))
    pattern = re.compile("|".join(re.escape(f) for f in sorted(facts, key=len, reverse=True)))
    out = Markup("")
    last = 0
    for match in pattern.finditer(sentence):
        out += escape(sentence[last : match.start()])
        out += Markup("<strong>{}</strong>").format(match.group(0))
        last = match.end()
    return out + escape(sentence[last:])
