"""Enrichment: quotes, entities, topics, facts and the near-duplicate fingerprint.

Build a :class:`Knowledge` once per run (it compiles every regex of the topic
and entity files) and pass it to :func:`enrich_article` for each article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from storywatch.parsers.entities import EntitiesFile, EntityMatcher, load_entities
from storywatch.parsers.facts import extract_facts
from storywatch.parsers.fingerprint import simhash
from storywatch.parsers.models import Article
from storywatch.parsers.names import collect_entities
from storywatch.parsers.people import find_people
from storywatch.parsers.quotes import attribute_quotes
from storywatch.parsers.statements import find_statements
from storywatch.parsers.topics import (
    CompiledTopic,
    TopicsFile,
    compile_topics,
    load_topics,
    tag_topics,
)

TOPICS_FILE = "topics.yaml"
ENTITIES_FILE = "entities.yaml"


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


def enrich_article(article: Article, knowledge: Knowledge) -> Article:
    """Fill quotes, statements, entities, topics, facts and fingerprint; skipped articles
    pass unchanged."""
    if not article.is_article:
        return article
    text = article.text
    people = find_people(text, knowledge.entities.canonical_person)
    quotes = attribute_quotes(article.paragraphs, people)
    statements = find_statements(article.paragraphs, people)
    return replace(
        article,
        quotes=quotes,
        statements=statements,
        entities=collect_entities(text, knowledge.entities, people),
        topics=tag_topics(knowledge.topics, article.title, text),
        facts=extract_facts(text),
        fingerprint=simhash(text),
    )
