"""Sentence spans of running text: enough to show a fact or a statement in its sentence.

A rule-based splitter: a sentence ends at ``.``, ``!`` or ``?`` (maybe inside closing
quotes or brackets) before whitespace and a capital, digit or opening quote, or at a
paragraph break. Abbreviations ("Gen.", "U.S.", "Jan."), initials and decimals
("$2.5 billion") do not end a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

_END = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s+[\"“‘'«(\[]?[A-Z0-9À-Ý])|\n\s*\n")
# Words whose full stop is not a sentence end.
_ABBREVIATIONS = frozenset(
    re.split(
        r"\s+",
        """mr mrs ms dr prof sen rep gov gen lt col maj capt cmdr cdr adm sgt cpl brig amb supt
        insp det rev st jr sr inc co corp ltd no nos vs etc approx est dept univ fig jan feb mar
        apr jun jul aug sep sept oct nov dec e.g i.e""",
    )
)
_NEXT_WORD = re.compile(r"[\"”’'»)\]]*\s+[\"“‘'«(\[]?(\w+)")
_SENTENCE_STARTERS = frozenset(
    re.split(
        r"\s+",
        """He She It They We I The This That These Those But And However Its His Her Their In
        On At For A An If When While After Before Officials""",
    )
)
#: Longest sentence shown whole; a longer one is cut around the part that matters.
MAX_SENTENCE = 320


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentence boundaries of one text, for repeated look-ups."""

    text: str
    starts: tuple[int, ...]

    def around(self, start: int, end: int | None = None) -> str:
        """The sentence holding ``text[start:end]`` (cut to :data:`MAX_SENTENCE`)."""
        end = start if end is None else end
        k = bisect_right(self.starts, start) - 1
        first = self.starts[max(k, 0)]
        last = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        # A span running over a sentence end (a rare bad split) takes the next one too.
        while last < end and k + 2 < len(self.starts):
            k += 1
            last = self.starts[k + 1]
        if last < end:
            last = len(self.text)
        return _cut(self.text[first:last], start - first, end - first)


def split_sentences(text: str) -> Sentences:
    """The sentence starts of ``text``."""
    starts = [0]
    for match in _END.finditer(text):
        if match.group(0).startswith("\n") or not _is_abbreviation(text, match.start()):
            starts.append(match.end())
    return Sentences(text, tuple(starts))


def sentence_list(text: str) -> list[tuple[int, str]]:
    """Every sentence of ``text`` with its offset, stripped, empty ones left out."""
    found = split_sentences(text)
    bounds = [*found.starts, len(text)]
    out = []
    for a, b in pairwise(bounds):
        chunk = text[a:b]
        stripped = chunk.strip()
        if stripped:
            out.append((a + len(chunk) - len(chunk.lstrip()), stripped))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if word.casefold() in _ABBREVIATIONS:
        return True
    # "U.S." / "A." : initials. A lone capital ending a sentence ("Plan B.") is rarer,
    # but "... from the U.S. He said" ends one: a pronoun or article follows.
    if not re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word):
        return False
    following = _NEXT_WORD.match(text, dot + 1)
    return not (following and following.group(1) in _SENTENCE_STARTERS)


def _cut(sentence: str, start: int, end: int) -> str:
    """``sentence`` stripped, or a window of it around [start, end) when too long."""
    if len(sentence) <= MAX_SENTENCE:
        return " ".join(sentence.split())
    half = (MAX_SENTENCE - (end - start)) // 2
    lo = max(0, start - max(half, 0))
    hi = min(len(sentence), max(end, lo + MAX_SENTENCE))
    lo = max(0, min(lo, hi - MAX_SENTENCE))
    window = sentence[lo:hi]
    if lo > 0:
        window = "…" + window.split(" ", 1)[-1] if " " in window else "…" + window
    if hi < len(sentence):
        window = (window.rsplit(" ", 1)[0] if " " in window else window) + "…"
    return " ".join(window.split())
