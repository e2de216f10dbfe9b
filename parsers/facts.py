"""Facts mentioned in the text: money amounts, dates and periods, counts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from storywatch.parsers.models import Facts
from storywatch.parsers.sentences import split_sentences

_SCALE = r"(?:\s*(?:thousand|million|billion|trillion|mn|bn|m|b|k)\b)?"
# At most six groups of thousands (a quintillion): an unbounded run of groups, tried
# again from every group of a long "1 000 000 ..." run, is quadratic.
_NUMBER = r"\d{1,3}(?:[,.\s]\d{3}){0,6}(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?:(?:US|U\.S\.|A|C|NZ|HK)?\$|€|£|¥|₺|₽)\s?(?:{_NUMBER}){_SCALE}"
    # A number starts where a run of digits starts, not inside it (quadratic on long runs).
    rf"|(?<!\d)(?:{_NUMBER}){_SCALE}\s+"
    rf"(?:dollars|euros|pounds|rubles|roubles|lira|liras|yuan|yen)\b"
    rf"|\b(?:USD|EUR|GBP|TRY|RUB)\s?(?:{_NUMBER}){_SCALE}",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_DATE = re.compile(
    rf"\b(?:(?:early|mid|late|the\s+end\s+of|the\s+start\s+of|the\s+first\s+half\s+of|"
    rf"the\s+second\s+half\s+of)[\s-]+)?"
    rf"(?:{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+{_YEAR})?(?!\w)"
    rf"|\d{{1,2}}\s+{_MONTH}(?:\s+{_YEAR})?(?!\w)"
    rf"|{_YEAR}s\b"
    rf"|(?:Q[1-4]|H[12])\s+{_YEAR}\b"
    rf"|{_YEAR}(?![\d\w-]))",
)
# Months that are also ordinary words need a number or a year beside them.
_AMBIGUOUS_MONTH = re.compile(r"^(?:May|March)$")
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|dozens|hundreds|thousands|millions|a dozen|several dozen|scores"
)
# Words ending in "s" that are not what is counted ("hundreds of its engineers").
_NOT_NOUNS = (
    r"(?:its|his|hers|ours|yours|theirs|this|thus|was|has|is|as|us|does|yes|plus|less|"
    r"unless|always|perhaps|whereas|across|towards|afterwards|besides|sometimes)"
)
_COUNT = re.compile(
    rf"(?<![\w$€£.,-])(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s+(?:million|billion))?|{_NUMBER_WORDS})"
    rf"(?:\s+of)?\s+(?:(?:[a-z-]+|[A-Z]-?\d+s?)\s+){{0,2}}?"
    rf"(?P<noun>[A-Z]+-\d+s|(?!{_NOT_NOUNS}\b)[a-z]+s|people|personnel|staff|aircraft)\b",
)
_BARE_YEAR = re.compile(rf"{_YEAR}\s")
# "two years" is a period, not a count: it goes with the dates.
_PERIOD_NOUNS = frozenset({"years", "months", "weeks", "days", "hours", "decades"})


def extract_facts(text: str) -> Facts:
    """Money amounts, dates and periods, and counts mentioned in ``text``, in order, each
    with the sentence it first appears in."""
    found: dict[str, tuple[int, int]] = {}

    def note(m: re.Match[str]) -> str:
        fact = m.group(0).strip()
        found.setdefault(fact, (m.start(), m.end()))
        return fact

    money = _unique(note(m) for m in _MONEY.finditer(text))
    dates = [
        (m.start(), note(m))
        for m in _DATE.finditer(text)
        if not _AMBIGUOUS_MONTH.match(m.group(0)) and not _inside_money(text, m.start())
    ]
    counts: list[str] = []
    for m in _COUNT.finditer(text):
        if _BARE_YEAR.match(m.group(0)):
            continue  # "the 2017 law requires": a year, not 2017 of something
        if m["noun"] in _PERIOD_NOUNS:
            dates.append((m.start(), note(m)))
        elif m["noun"] != "times":
            counts.append(note(m))
    dates.sort()
    kept = (*money, *(d for _, d in dates), *counts)
    sentences = split_sentences(text)
    return Facts(
        money=money,
        dates=_unique(d for _, d in dates),
        counts=_unique(counts),
        sentences=tuple((f, sentences.around(*found[f])) for f in dict.fromkeys(kept)),
    )


def _inside_money(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in "$€£"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
