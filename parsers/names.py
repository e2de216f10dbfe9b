"""Entities of an article: configured names, plus the capitalised names nobody configured.

Configured aliases are found by the :class:`EntityMatcher`; people come from
:func:`find_people`. What is left is read as capitalised runs, with the traps
news copy sets:

- an alias inside a longer organisation name is not a mention of the alias
  ("Turkish Aerospace Suppliers Association" is not Turkish Aerospace);
- organisation names run across "of" and "for" ("Lindqvist Institute for
  Security Studies", "Presidency of Defense Industries");
- pieces of a name whose head noun is written in lower case are not names
  ("the Foreign Relations and Armed Services committees");
- a person's name used as a modifier is not the person ("the Trump
  administration"), see :func:`is_modifier_use`.
"""

from __future__ import annotations

import re

from storywatch.parsers.entities import ENTITY_TYPES, EntityMatcher, EntityMention
from storywatch.parsers.patterns import word_set
from storywatch.parsers.people import (
    NAME,
    ORG_HEADS,
    TITLE_WORDS,
    People,
    is_modifier_use,
    is_org_like,
    split_title,
)

_RUN = re.compile(NAME)
# An organisation name goes on across a connector after its head noun:
# "Institute for Security Studies", "Presidency of Defense Industries".
_CONNECTED = re.compile(rf"\s+(?:for|of|on)\s+(?:the\s+)?{NAME}(?:\s+(?:and|&)\s+{NAME})?")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[“\"‘(—–]\s*|\n)$")
# A capitalised run whose head noun follows in lower case is a fragment of a
# name: "the Foreign Relations and Armed Services committees".
_LOWER_HEAD = re.compile(
    rf"(?:\s+(?:and|&)\s+{NAME})?\s+(?:committees?|subcommittees?|panels?|ministries|ministry|"
    r"departments?|agencies|agency|councils?|commissions?|caucus(?:es)?)\b"
)
# Words that end a law's name: its alias inside is not a mention ("Countering America's ... Act").
_LAW_HEADS = word_set("act acts law treaty accord accords agreement convention doctrine bill")
_NOT_NAMES = word_set(
    """
    i a an the this that these those there their they he she it we you his her its our but
    and or so yet for nor if when while after before as at by in on of to with from however
    meanwhile still also then now today yesterday tomorrow many some most more one two three
    another other such all both each every no not what who why how where according speaking
    going removing placing integrating administration officials monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december mr mrs ms dr under western eastern northern southern
    """
)


def collect_entities(
    text: str, matcher: EntityMatcher, people: People
) -> dict[str, tuple[str, ...]]:
    """Entities by type ("person", "organization", "place", "system", "candidate")."""
    found: dict[str, dict[str, None]] = {etype: {} for etype in (*ENTITY_TYPES, "candidate")}
    mentions = [m for m in matcher.find(text) if not _is_modifier_person(m, text)]
    masked = list(text)
    for start, end, name, kind in _long_names(text, mentions):
        found[kind][name] = None
        masked[start:end] = "#" * (end - start)
        mentions = [m for m in mentions if m.end <= start or m.start >= end]
    for mention in mentions:
        found[mention.type][mention.name] = None
        masked[mention.start : mention.end] = "#" * (mention.end - mention.start)
    # Masking what is already known also masks person-like modifiers ("Trump administration").
    for mention in matcher.find(text):
        masked[mention.start : mention.end] = "#" * (mention.end - mention.start)
    for name in people.names:
        if not is_org_like(name):
            found["person"][name] = None
    known = {n for names in found.values() for n in names}
    known_words = {w for n in found["person"] for w in n.split()}
    masked_text = "".join(masked)
    for match in _RUN.finditer(masked_text):
        if _LOWER_HEAD.match(masked_text, match.end()):
            continue
        name = _trim_run(match.group(0))
        if not name or name in known or name in known_words or split_title(name)[1] in known:
            continue
        single = " " not in name
        if all(w.lower() in TITLE_WORDS for w in name.split()):
            continue  # "Turkish Foreign Minister": a title whose holder is named elsewhere
        if single and (
            name.lower() in _NOT_NAMES
            or name.lower() in TITLE_WORDS
            or _SENTENCE_START.search(masked_text[: match.start()][-3:] or "\n")
        ):
            continue
        found["organization" if is_org_like(name) and not single else "candidate"][name] = None
    return {etype: tuple(names) for etype, names in found.items() if names}


def _is_modifier_person(mention: EntityMention, text: str) -> bool:
    return mention.type == "person" and is_modifier_use(text, mention.end)


def _long_names(text: str, mentions: list[EntityMention]) -> list[tuple[int, int, str, str]]:
    """Organisation and law names that run past the configured aliases inside them.

    Returns (start, end, name, type) for names ending in an organisation head noun
    (or a law's: "Act") that are longer than any alias they contain; a name
    exactly equal to a configured alias is left to the matcher.
    """
    out: list[tuple[int, int, str, str]] = []
    covered = 0
    for match in _RUN.finditer(text):
        start, end = match.span()
        if start < covered:
            continue  # the part after "of" in a name already read
        words = match.group(0).split()
        if words[-1].lower() in ORG_HEADS and (tail := _CONNECTED.match(text, end)):
            end = tail.end()
            words = text[start:end].split()
            covered = end
        # "Turkey's Presidency of ...": the possessor is not part of the name.
        while words and re.search(r"['’]s$", words[0]):
            start = text.index(words[1], start) if len(words) > 1 else end
            words.pop(0)
        while words and words[0].lower() in _NOT_NAMES:
            start = text.index(words[1], start) if len(words) > 1 else end
            words.pop(0)
        if len(words) < 2 or _LOWER_HEAD.match(text, end):
            continue
        head = words[-1].lower().strip(".,")
        is_law = head in _LAW_HEADS
        if head not in ORG_HEADS and not is_law:
            continue
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        if any(m.start < end and start < m.end for m in mentions if m not in inside):
            continue  # overlaps a longer configured name: "Justice and Development Party"
        if any(m.start == start and m.end == end for m in inside):
            continue
        if inside and inside[-1].end >= end:
            continue  # the run ends with a configured name: "U.S. Senate"
        kind = "candidate" if is_law else "organization"
        out.append((start, end, " ".join(words), kind))
    return out


def _trim_run(run: str) -> str:
    """Drop possessives, leading sentence words and trailing party labels from a run."""
    words = re.sub(r"['’]s\b|['’]$", "", run).strip(" .,-").split()
    while words and words[0].lower() in _NOT_NAMES:
        words.pop(0)
    # "a New Hampshire Democrat": the place, not the label.
    while len(words) > 1 and words[-1].lower() in TITLE_WORDS:
        words.pop()
    return " ".join(words)
