"""Everything one run needs, built once from settings and the config folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from jinja2 import Environment

from storywatch.alerts.email import build_environment
from storywatch.alerts.notifiers import Notifier, SmtpNotifier
from storywatch.alerts.records import AlertStore
from storywatch.alerts.settings import AlertSettings
from storywatch.alerts.storylines import Storyline, load_storylines
from storywatch.index.client import build_client
from storywatch.index.deadletter import DeadLetterStore
from storywatch.index.feedstate import FeedStateStore
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.settings import EsSettings
from storywatch.index.store import ArticleStore
from storywatch.parsers.enrich import Knowledge, load_knowledge

from .settings import FetchSettings
from .sources import Feed, load_feeds


@dataclass(frozen=True, slots=True)
class Config:
    """The user's configuration folder, validated."""

    directory: Path
    feeds: tuple[Feed, ...]
    storylines: tuple[Storyline, ...]
    knowledge: Knowledge

    @classmethod
    def load(cls, directory: Path, placeholders: Mapping[str, str] | None = None) -> Config:
        """Read feeds, storylines, topics and entities from ``directory``."""
        return cls(
            directory=directory,
            feeds=load_feeds(directory / "feeds.yaml", placeholders),
            storylines=load_storylines(directory / "storylines.yaml"),
            knowledge=load_knowledge(directory),
        )


@dataclass(frozen=True, slots=True)
class Runtime:
    """Settings, clients and stores of one run; stages receive what they need from it."""

    config: Config
    es: Elasticsearch
    names: IndexNames
    fetch: FetchSettings
    alert: AlertSettings
    articles: ArticleStore
    feed_states: FeedStateStore
    dead_letters: DeadLetterStore
    alerts: AlertStore
    notifier: Notifier
    templates: Environment

    @classmethod
    def build(
        cls,
        config: Config,
        *,
        es_settings: EsSettings | None = None,
        fetch: FetchSettings | None = None,
        alert: AlertSettings | None = None,
        notifier: Notifier | None = None,
    ) -> Runtime:
        """Connect to Elasticsearch, install the schema, and wire the stores."""
        es_settings = es_settings or EsSettings()
        alert = alert or AlertSettings()
        es = build_client(es_settings)
        names = IndexNames(es_settings.index_prefix)
        install_schema(es, names, datetime.now(UTC))
        return cls(
            config=config,
            es=es,
            names=names,
            fetch=fetch or FetchSettings(),
            alert=alert,
            articles=ArticleStore(es, names),
            feed_states=FeedStateStore(es, names),
            dead_letters=DeadLetterStore(es, names),
            alerts=AlertStore(es, names),
            notifier=notifier or SmtpNotifier(alert),
            templates=build_environment(alert),
        )

    def close(self) -> None:
        """Close the Elasticsearch connection pool."""
        self.es.close()
