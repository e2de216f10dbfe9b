"""Lenient parsing of the date strings found in page metadata and URLs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO_PREFIX = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_HUMAN = re.compile(
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>\d{4}))|"
    r"(?:(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4}))"
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])(?:[/-](?P<d>0?[1-9]|[12]\d|3[01]))?(?=/|$|[-_])"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?=/|$|[-_])"
)
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601, RFC 2822 or "17 May 2024" style date; naive values become UTC.

    Returns None for empty, unparsable or implausible values (before 1990 or
    more than two days in the future), so that junk never poses as a date.
    """
    if not value:
        return None
    value = value.strip()[:64]
    parsed = _parse_iso(value) or _parse_rfc2822(value) or _parse_human(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    now = datetime.now(tz=UTC)
    if parsed < _EARLIEST or (parsed - now).days > 2:
        return None
    return parsed


def date_from_url(url: str) -> datetime | None:
    """The publication date spelled in a URL path (/2024/05/17/, /20240517/), if any."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    year = match["y"] or match["y2"]
    month = match["m"] or match["m2"]
    day = match["d"] or match["d2"] or "1"
    try:
        return parse_date(f"{int(year):04d}-{int(month):02d}-{int(day):02d}")
    except ValueError:
        return None


def _parse_iso(value: str) -> datetime | None:
    match = _ISO_PREFIX.match(value)
    if match is None:
        return None
    text = match.group(0).replace(" ", "T")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _parse_rfc2822(value: str) -> datetime | None:
    if not re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", value):
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_human(value: str) -> datetime | None:
    match = _HUMAN.search(value)
    if match is None:
        return None
    month = _MONTHS.get((match["m1"] or match["m2"]).lower())
    if month is None:
        return None
    try:
        return datetime(int(match["y1"] or match["y2"]), month, int(match["d1"] or match["d2"]))
    except ValueError:
        return None
