"""Reported (indirect) speech and who it is attributed to.

News copy reports much of what people say without quote marks: "Lord said that the
deliveries would slip", "According to the ministry, the parts arrived on Monday",
"Lord estimated the cost at $2.5 billion", "The parts arrived, a spokesman said".
Each becomes a :class:`~storywatch.parsers.models.Quote` with ``indirect=True``: the
reported content and its speaker, so an alert can show the claim with its source
instead of a new person and a new fact with nothing linking them.

Sentences with quote marks are left to :mod:`storywatch.parsers.quotes`.
"""

from __future__ import annotations

import re

from storywatch.parsers.models import Quote
from storywatch.parsers.people import (
    NAME,
    ROLE_PHRASE,
    People,
    is_org_like,
    looks_like_person,
)
from storywatch.parsers.quotes import resolve_speaker
from storywatch.parsers.sentences import sentence_list

# Verbs that report what someone said: the statement is what follows ("... said that X").
_SPEECH = (
    "said|says|told|added|warned|noted|argued|stated|insisted|declared|explained|"
    "acknowledged|confirmed|denied|announced|predicted|claimed|stressed|suggested|cautioned|"
    "conceded|wrote|testified|maintained"
)
# Verbs that make the statement themselves ("Lord estimated the cost at $2.5 billion").
_ASSESS = (
    "estimated|estimates|put|puts|valued|values|forecast|forecasts|projected|projects|"
    "expects|expected|believes|believed|reckons|reckoned|calculated|calculates"
)
_PRE = rf"(?:(?:the\s+)?(?P<pre>{ROLE_PHRASE})\s+)?"
_WHO = rf"(?P<name>{NAME}|[Hh]e|[Ss]he)"
_ROLE = r"(?:,\s+(?P<role>[^,]{3,160}?),)?"
# "Lord said that ...", "On Tuesday, Pentagon official Ellen Lord, ..., estimated ...".
_SUBJECT_FIRST = re.compile(
    rf"(?:^|,\s+){_PRE}{_WHO}{_ROLE}\s+(?P<verb>{_SPEECH}|{_ASSESS})\b(?P<tail>.*)$"
)
# "According to Lord, the deliveries slipped." / "..., according to the ministry."
_ACCORDING_FIRST = re.compile(
    rf"^According to\s+(?:the\s+)?{_PRE}(?P<name>{NAME})"
    rf"(?:,\s+(?P<role>[^,]{{3,120}}?))?,\s+(?P<tail>.+)$"
)
_ACCORDING_LAST = re.compile(
    rf"^(?P<tail>.+?),?\s+according to\s+(?:the\s+)?{_PRE}(?P<name>{NAME})"
    rf"(?:,\s+(?P<role>(?:an?|the|its|his|her)\s+[^.]{{3,160}}?))?[.!]?$"
)
# "The parts arrived on Monday, Lord said." / "..., said Ellen Lord, under secretary."
_TRAILING = re.compile(
    rf"^(?P<tail>.+?),\s+(?:{_PRE}{_WHO}{_ROLE}\s+(?:{_SPEECH})|(?:{_SPEECH})\s+"
    rf"(?:(?:the\s+)?(?P<pre2>{ROLE_PHRASE})\s+)?(?P<name2>{NAME})"
    rf"(?:,\s+(?P<role2>[^.]{{3,160}}?))?)[.!]?$"
)
# What may stand between a speech verb and the statement: "told reporters on Monday that".
_LEAD_IN = re.compile(
    r"^\s*(?:(?:reporters|journalists|lawmakers|legislators|senators|parliament|Congress|"
    r"[A-Z][\w-]+|the\s+[\w-]+(?:\s+[\w-]+)?)\s+)?(?:(?:on|in|late on|earlier on)\s+"
    r"[A-Z]\w+\s+)?(?:that\s+)?"
)
_NOT_SPEAKERS = frozenset({"I", "I--", "We", "You", "It", "This", "That", "These", "Those"})
_INITIALS_END = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}$")
# "told" needs its "that": "told me when I visited" reports nothing.
_TOLD_THAT = re.compile(r"^\s*[^,.;]{1,40}?\bthat\s+")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")
_QUOTE_MARKS = re.compile('[“”"«»„]')
_MIN_WORDS = 3


def find_statements(paragraphs: tuple[str, ...], people: People) -> tuple[Quote, ...]:
    """Every attributed indirect statement of the article, in reading order.

    ``people`` must come from the same text as ``"\\n\\n".join(paragraphs)``.
    """
    out: list[Quote] = []
    offset = 0
    # Words the text uses in lower case: "Other Alden" or "Businesses Vidyard" opening a
    # sentence are not names, "Ellis Brandt" is ("ellis" never appears on its own).
    common = {w for p in paragraphs for w in _LOWER_WORD.findall(p)}
    for index, paragraph in enumerate(paragraphs):
        for start, sentence in sentence_list(paragraph):
            if _QUOTE_MARKS.search(sentence) or sentence.endswith("?"):
                continue  # direct speech is the quote parser's; questions are not claims
            found = _statement(" ".join(sentence.split()), offset + start, people, common)
            if found is not None:
                speaker, role, text = found
                out.append(Quote(text, speaker, role, paragraph=index, indirect=True))
        offset += len(paragraph) + 2
    return tuple(out)


def _statement(
    sentence: str, position: int, people: People, common: set[str]
) -> tuple[str, str | None, str] | None:
    """(speaker, role, reported content) of one sentence, or None."""
    for pattern in (_ACCORDING_FIRST, _ACCORDING_LAST, _TRAILING, _SUBJECT_FIRST):
        match = pattern.search(sentence)
        if match is None:
            continue
        groups = match.groupdict()
        run = groups.get("name") or groups.get("name2") or ""
        pre = groups.get("pre") or groups.get("pre2")
        stated = groups.get("role") or groups.get("role2")
        # "according to X" and "..., said X" name a source; a sentence opening with two
        # capitalised words needs more to be taken as a person speaking.
        cued = pattern is not _SUBJECT_FIRST or bool(pre or stated)
        speaker = _accept(run, position + match.start(), people, cued, common)
        if speaker is None:
            continue
        text = _content(groups.get("verb"), match["tail"])
        if text is None:
            continue
        role = _join(pre, stated)
        if speaker not in people.names and not is_org_like(speaker):
            people.add(speaker, position, role)
        return speaker, role or _clean_role(people.roles.get(speaker)), text
    return None


def _accept(run: str, position: int, people: People, cued: bool, common: set[str]) -> str | None:
    """The speaker a name run (or pronoun) stands for: a person the text names, an
    organisation, or a new name that is cued as a source or whose first word the text
    never uses in lower case."""
    speaker, _ = resolve_speaker(run, position, people)
    if speaker is None or speaker.split()[0] in _NOT_SPEAKERS:
        return None
    if speaker in people.names or is_org_like(speaker):
        return speaker
    if not looks_like_person(speaker):
        return None
    return speaker if cued or speaker.split()[0].casefold() not in common else None


def _clean_role(role: str | None) -> str | None:
    """A role the people finder recorded, cut where its sentence or paragraph ends."""
    if not role:
        return None
    cut = re.split(r"\n|;|(?<![A-Z])\.(?=\s+[A-Z])", role, maxsplit=1)[0].strip(" ,.")
    return cut or None


def _content(verb: str | None, tail: str) -> str | None:
    """The reported content: what follows a speech verb, or an assessment with its verb."""
    tail = tail.strip()
    assess = verb is not None and re.fullmatch(_ASSESS, verb) is not None
    if assess:
        text = f"{verb} {tail}"
    elif verb is not None:
        if tail.startswith("to ") or tail.startswith(","):
            return None  # "is said to", "said, in a statement, ..." (too loose to trust)
        lead = _TOLD_THAT.match(tail) if verb == "told" else _LEAD_IN.match(tail)
        if lead is None:
            return None
        text = tail[lead.end() :]
    else:
        text = tail
    text = text.strip().strip(" ,")
    if not _INITIALS_END.search(text):  # "... from the U.S." keeps its full stop
        text = text.rstrip(".!").strip(" ,")
    if len(text.split()) < _MIN_WORDS:
        return None
    # "Lord: estimated the cost at ..." reads on; a reported clause is a statement of its own.
    return text if assess else text[:1].upper() + text[1:]


def _join(pre: str | None, role: str | None) -> str | None:
    parts = [p.strip() for p in (pre or "", role or "") if p and p.strip()]
    return ", ".join(parts) or None
