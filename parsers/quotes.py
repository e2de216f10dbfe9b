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
from dataclasses import dataclass

from storywatch.parsers.models import Quote
from storywatch.parsers.people import (
    NAME,
    SPEECH_VERBS,
    People,
    is_org_like,
    split_title,
)

_OPENERS = '“„«"'
_CLOSERS = '”»"'
# After a quote: "said Name, role." / "Name said" / "Name, role, said" / "he said".
_AFTER_VERB_FIRST = re.compile(rf"^[\s,]*(?:{SPEECH_VERBS})\s+(?P<name>{NAME})(?P<rest>[^“”\"]*)")
_AFTER_NAME_FIRST = re.compile(
    rf"^[\s,]*(?P<name>{NAME}|he|she|they)(?:,\s+(?P<role>[^,“”\"]{{3,160}}?),)?\s+"
    rf"(?:{SPEECH_VERBS})\b"
)
# Before a quote: "... he said Turkey's purchase of the S-400 “has the potential".
_BEFORE = re.compile(
    rf"(?P<name>{NAME}|[Hh]e|[Ss]he|[Tt]hey)(?:,\s+(?P<role>[^,“”\"]{{3,160}}),)?\s+"
    rf"(?:{SPEECH_VERBS})(?P<gap>[^.!?“”\"]{{0,160}})$"
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
    while i < n:
        char = paragraph[i]
        if char in _OPENERS and (char != '"' or i == 0 or not paragraph[i - 1].isalnum()):
            end = _closing(paragraph, i + 1)
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
            if speaker is None and last_speaker[0] and index - last_speaker[1] <= 1:
                # A quote continued after the attribution, here or in the next paragraph.
                speaker = last_speaker[0]
            if speaker is None and len(text.split()) < _MIN_UNATTRIBUTED_WORDS:
                continue  # scare quotes and titles, not speech
            if speaker is not None:
                if speaker not in people.names:
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
        title, name = split_title(match["name"])
        role_tail = _role_from_rest(match["rest"])
        speaker = _resolve(name, position, people)
        if speaker:
            return speaker, _join(title, role_tail), False
    match = _AFTER_NAME_FIRST.match(after)
    if match:
        title, name = split_title(match["name"])
        speaker = _resolve(name, position, people)
        if speaker:
            return speaker, _join(title, match["role"]), False
    match = _BEFORE.search(before)
    if match:
        title, name = split_title(match["name"])
        speaker = _resolve(name, position, people)
        if speaker:
            # Words between the verb and the quote mean the quote is part of reported speech.
            return speaker, _join(title, match["role"]), bool(match["gap"].strip(" :,"))
    match = _ACCORDING.match(after.strip(" ,"))
    if match:
        speaker = _resolve(split_title(match["name"])[1], position, people)
        if speaker:
            return speaker, None, False
    return None, None, False


def _resolve(name: str, position: int, people: People) -> str | None:
    if name.lower() in _PRONOUNS:
        return people.last_before(position)
    if is_org_like(name):
        return name  # "the ministry said" style speakers: an organisation speaking
    # An unknown lone surname is still better than borrowing the previous speaker.
    return people.resolve(name) or (name if name[:1].isupper() else None)


def _role_from_rest(rest: str) -> str | None:
    """The appositive after the speaker's name, up to the end of the sentence."""
    if not rest.startswith(","):
        return None
    role = _ROLE_END.split(rest[1:], maxsplit=1)[0].strip(" ,")
    return role or None


def _join(title: str, role: str | None) -> str | None:
    parts = [p.strip() for p in (title, role or "") if p and p.strip()]
    return ", ".join(parts) or None
