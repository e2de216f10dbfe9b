"""Enrichment: quotes, entities, topics, facts and the near-duplicate fingerprint.

Build a :class:`Knowledge` once per run (it compiles every regex of the topic
and entity files) and pass it to :func:`enrich_article` for each article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from storywatch.parsers.entities import ENTITY_TYPES, EntitiesFile, EntityMatcher, load_entities
from storywatch.parsers.facts import extract_facts
from storywatch.parsers.fingerprint import simhash
from storywatch.parsers.models import Article
from storywatch.parsers.patterns import word_set
from storywatch.parsers.people import (
    NAME,
    TITLE_WORDS,
    People,
    find_people,
    is_org_like,
    split_title,
)
from storywatch.parsers.quotes import attribute_quotes
from storywatch.parsers.topics import CompiledTopic, TopicsFile, compile_topics, load_topics

TOPICS_FILE = "topics.yaml"
ENTITIES_FILE = "entities.yaml"

_RUN = re.compile(NAME)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[“\"‘(—–]\s*|\n)$")
_NOT_NAMES = word_set(
    """
    i a an the this that these those there their they he she it we you his her its our but
    and or so yet for nor if when while after before as at by in on of to with from however
    meanwhile still also then now today yesterday tomorrow many some most more one two three
    another other such all both each every no not what who why how where according speaking
    going removing placing integrating administration officials monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december mr mrs ms dr
    """
)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Compiled topics and entities, built once per run and shared by every article."""

    topics: tuple[CompiledTopic, ...]
    entities: EntityMatcher

    @classmethod
    def from_config_dir(cls, config_dir: Path | str) -> Knowledge:
        """Load topics.yaml and entities.yaml from ``config_dir``; ConfigError on problems."""
        config_dir = Path(config_dir)
        return cls(
            topics=load_topics(config_dir / TOPICS_FILE),
            entities=load_entities(config_dir / ENTITIES_FILE),
        )

    @classmethod
    def from_models(cls, topics: TopicsFile, entities: EntitiesFile) -> Knowledge:
        """Build from already validated configuration models (tests, other loaders)."""
        return cls(topics=compile_topics(topics), entities=EntityMatcher(entities))


def load_knowledge(config_dir: Path | str) -> Knowledge:
    """Same as :meth:`Knowledge.from_config_dir`."""
    return Knowledge.from_config_dir(config_dir)


def enrich_article(article: Article, knowledge: Knowledge) -> Article:
    """Fill quotes, entities, topics, facts and fingerprint; skipped articles pass unchanged."""
    if not article.is_article:
        return article
    text = article.text
    people = find_people(text, knowledge.entities.canonical_person)
    quotes = attribute_quotes(article.paragraphs, people)
    topics = tuple(
        hit for topic in knowledge.topics if (hit := topic.tag(article.title, text)) is not None
    )
    return replace(
        article,
        quotes=quotes,
        entities=_entities(text, knowledge.entities, people),
        topics=tuple(sorted(topics, key=lambda h: (-h.score, h.id))),
        facts=extract_facts(text),
        fingerprint=simhash(text),
    )


def _entities(text: str, matcher: EntityMatcher, people: People) -> dict[str, tuple[str, ...]]:
    found: dict[str, dict[str, None]] = {etype: {} for etype in (*ENTITY_TYPES, "candidate")}
    masked = list(text)
    for mention in matcher.find(text):
        found[mention.type][mention.name] = None
        masked[mention.start : mention.end] = "#" * (mention.end - mention.start)
    for name in people.names:
        found["person"][name] = None
    known = {n for names in found.values() for n in names}
    known_words = {w for n in found["person"] for w in n.split()}
    masked_text = "".join(masked)
    for match in _RUN.finditer(masked_text):
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


def _trim_run(run: str) -> str:
    """Drop possessives and leading sentence words from a capitalised run."""
    words = re.sub(r"['’]s\b", "", run).strip(" .,-").split()
    while words and words[0].lower() in _NOT_NAMES:
        words.pop(0)
    return " ".join(words)
