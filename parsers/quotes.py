"""Direct quotes and who said them.

Handles what news copy does: attribution after the quote ("..., said Max
Hoffman, associate director at ...") or before it ("when he said Turkey's
purchase “has the potential to ...”"), quotes that continue after the
attribution in the same paragraph or the next, "he said" (the last person
named), surnames ("Mitchell said" is the Wess Mitchell named earlier), curly,
straight and mismatched quote marks (“...,’ said).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from storywatch.parsers.models import Quote
from storywatch.parsers.people import (
    NAME,
    ROLE_PHRASE,
    SPEECH_VERBS,
    People,
    is_org_like,
    split_title,
)

_OPENERS = '“„«"'
_CLOSERS = '”»"'
# A role written before the name: "said manager Gareth Pryce", "chief executive Lena
# Voskuijlen said", "Pentagon spokesman Cmdr. James Ortega said".
_PRE = rf"(?:(?:the\s+)?(?P<pre>{ROLE_PHRASE})\s+)?"
# "continued to", "is said to": the verb does not introduce speech.
_VERB = rf"(?:{SPEECH_VERBS})(?!\s+to\b)"
# After a quote: "said Name, role." / "Name said" / "Name, role, said" / "he said".
_AFTER_VERB_FIRST = re.compile(rf"^[\s,]*{_VERB}\s+{_PRE}(?P<name>{NAME})(?P<rest>[^“”\"]*)")
_AFTER_NAME_FIRST = re.compile(
    rf"^[\s,]*{_PRE}(?P<name>{NAME}|he|she|they)(?:,\s+(?P<role>[^,“”\"]{{3,160}}?),)?\s+"
    rf"{_VERB}\b"
)
# Before a quote: "... he said Turkey's purchase of the S-400 “has the potential".
# "A spokeswoman, Rachel Dunmore, said ...": a name set off by commas before the verb.
_BEFORE = re.compile(
    rf"{_PRE}(?P<name>{NAME}|[Hh]e|[Ss]he|[Tt]hey)(?:,\s+(?P<role>[^,“”\"]{{3,160}}),|,)?\s+"
    rf"{_VERB}(?P<gap>[^.!?“”\"]{{0,160}})$"
)
_ACCORDING = re.compile(rf"according to (?P<name>{NAME})")
_ROLE_END = re.compile(r"(?<![A-Z])\.(?=\s|$)|[;“”\"]")
_PRONOUNS = frozenset({"he", "she", "they"})
_MIN_UNATTRIBUTED_WORDS = 5


@dataclass(frozen=True, slots=True)
class _Span:
    start: int  # offset of the first character inside the marks
    end: int  # offset just past the last character inside the marks


def find_quote_spans(paragraph: str) -> list[_Span]:
    """Quoted stretches of a paragraph, tolerating mismatched and missing closing marks."""
    spans: list[_Span] = []
    i, n = 0, len(paragraph)
    singles: _SingleClosers | None = None
    while i < n:
        char = paragraph[i]
        after_word = i > 0 and paragraph[i - 1].isalnum()
        if char in _OPENERS and (char != '"' or not after_word):
            end = _closing(paragraph, i + 1)
            spans.append(_Span(i + 1, end))
            i = end + 1
        elif char == "‘" and not after_word and i + 1 < n and not paragraph[i + 1].isspace():
            # British style: ‘...’ for speech, “...” for a quote inside it.
            singles = singles or _SingleClosers(paragraph)
            end = singles.after(i + 1)
            spans.append(_Span(i + 1, end))
            i = end + 1
        else:
            i += 1
    return [s for s in spans if paragraph[s.start : s.end].strip()]


def _closing(paragraph: str, start: int) -> int:
    """Index of the mark closing a quote opened just before ``start``."""
    for j in range(start, len(paragraph)):
        char = paragraph[j]
        if char in _CLOSERS:
            return j
        if char in "“„«":
            # A new quote opens before this one closed: the writer forgot the mark.
            return j - 1 if j > start else j
        # A single closing mark after punctuation ends a double-quoted quote (“...,’).
        if (
            char == "’"
            and paragraph[j - 1] in ",.!?"
            and (j + 1 == len(paragraph) or not paragraph[j + 1].isalpha())
        ):
            return j
    return len(paragraph)


class _SingleClosers:
    """Where a ‘-quote can close: the ’ marks that are not apostrophes, found once.

    Whether a ’ closes a quote depends only on its neighbours, so one pass serves
    every ‘ of the paragraph (scanning again for each would be quadratic).
    """

    def __init__(self, paragraph: str) -> None:
        self.length = len(paragraph)
        #: ’ that close a quote.
        self.closers: list[int] = []
        #: ’ after an "s" ("the players’ union"): a plural possessive, unless nothing
        #: better closes the quote.
        self.possessives: list[int] = []
        for j in range(1, len(paragraph)):
            if paragraph[j] != "’":
                continue
            nxt = paragraph[j + 1] if j + 1 < len(paragraph) else " "
            if nxt.isalnum():
                continue  # inside a word: "isn’t", "Ankara’s"
            prev = paragraph[j - 1]
            if prev in ",.!?…;:—–-" or prev != "s" or nxt in ",.;:!?":
                self.closers.append(j)
            else:
                self.possessives.append(j)

    def after(self, start: int) -> int:
        """Index of the ’ closing a ‘-quote whose text starts at ``start``."""
        for marks in (self.closers, self.possessives):
            k = bisect_right(marks, start)
            if k < len(marks):
                return marks[k]
        return self.length


def attribute_quotes(paragraphs: tuple[str, ...], people: People) -> tuple[Quote, ...]:
    """Every direct quote of the article with its speaker and role, in reading order.

    ``people`` must come from the same text as ``"\\n\\n".join(paragraphs)`` so its
    offsets line up.
    """
    quotes: list[Quote] = []
    offset = 0
    last_speaker: tuple[str | None, int] = (None, -10)
    # The fullest role the attributions gave each speaker, for their later quotes.
    stated_roles: dict[str, str] = {}
    for index, paragraph in enumerate(paragraphs):
        spans = find_quote_spans(paragraph)
        for k, span in enumerate(spans):
            text = _clean_quote(paragraph[span.start : span.end])
            if not text:
                continue
            after_end = spans[k + 1].start - 1 if k + 1 < len(spans) else len(paragraph)
            before_start = spans[k - 1].end + 1 if k > 0 else 0
            after = paragraph[min(span.end + 1, len(paragraph)) : after_end]
            before = paragraph[before_start : max(span.start - 1, 0)]
            speaker, role, partial = _attribute(after, before, offset + span.start, people)
            continues = index == last_speaker[1] or (
                index - last_speaker[1] == 1 and not paragraph[: span.start - 1].strip()
            )
            if speaker is None and last_speaker[0] and continues:
                # A quote continued after the attribution: later in the same paragraph, or
                # opening the next one (not a fragment inside someone else's narration).
                speaker = last_speaker[0]
            if speaker is None and len(text.split()) < _MIN_UNATTRIBUTED_WORDS:
                continue  # scare quotes and titles, not speech
            if speaker is not None:
                if speaker not in people.names and not is_org_like(speaker):
                    # Later "Reyes said" must find the Tomas Reyes quoted here.
                    people.add(speaker, offset + span.start, role)
                if role and len(role) > len(stated_roles.get(speaker, "")):
                    stated_roles[speaker] = role
                role = role or stated_roles.get(speaker) or people.roles.get(speaker)
                last_speaker = (speaker, index)
            partial = partial or text[:1].islower()
            quotes.append(Quote(text, speaker, role, paragraph=index, partial=partial))
        offset += len(paragraph) + 2
    return tuple(quotes)


def _clean_quote(text: str) -> str:
    return text.strip().strip("‘’'").rstrip(",").strip()


def _attribute(
    after: str, before: str, position: int, people: People
) -> tuple[str | None, str | None, bool]:
    """(speaker, role, partial) from the text around one quote."""
    match = _AFTER_VERB_FIRST.match(after)
    if match:
        speaker, title = _speaker(match["name"], position, people)
        if speaker:
            return speaker, _join(match["pre"], title, _role_from_rest(match["rest"])), False
    match = _AFTER_NAME_FIRST.match(after)
    if match:
        speaker, title = _speaker(match["name"], position, people)
        if speaker:
            return speaker, _join(match["pre"], title, match["role"]), False
    match = _BEFORE.search(before)
    if match:
        speaker, title = _speaker(match["name"], position, people)
        if speaker:
            # Words between the verb and the quote mean the quote is part of reported speech.
            partial = bool(match["gap"].strip(" :,"))
            return speaker, _join(match["pre"], title, match["role"]), partial
    match = _ACCORDING.match(after.strip(" ,"))
    if match:
        speaker, _ = _speaker(match["name"], position, people)
        if speaker:
            return speaker, None, False
    return None, None, False


def resolve_speaker(run: str, position: int, people: People) -> tuple[str | None, str]:
    """(speaker, title written before the name) for a capitalised run or a pronoun."""
    return _speaker(run, position, people)


def _speaker(run: str, position: int, people: People) -> tuple[str | None, str]:
    """(speaker, title written before the name) for a capitalised run or a pronoun."""
    if run.lower() in _PRONOUNS:
        return people.last_before(position), ""
    if is_org_like(run):
        # "The Turkish Defense Ministry said": an organisation speaking, named in full.
        words = run.split()
        if words[0].lower() == "the":
            words.pop(0)
        return " ".join(words), ""
    title, name = split_title(run)
    # An unknown lone surname is still better than borrowing the previous speaker.
    return people.resolve(name) or (name if name[:1].isupper() else None), title


def _role_from_rest(rest: str) -> str | None:
    """The appositive after the speaker's name, up to the end of the sentence."""
    if not rest.startswith(","):
        return None
    role = _ROLE_END.split(rest[1:], maxsplit=1)[0].strip(" ,")
    return role or None


def _join(pre: str | None, title: str, role: str | None) -> str | None:
    """One role string: what stands before the name ("Pentagon spokesman Cmdr."), then after."""
    before = " ".join(p.strip() for p in (pre or "", title) if p and p.strip())
    parts = [p.strip() for p in (before, role or "") if p and p.strip()]
    return ", ".join(parts) or None
