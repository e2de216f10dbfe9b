"""Everything one run needs, built once from settings and the config folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from jinja2 import Environment
from prefect.blocks.system import Secret
from pydantic import SecretStr

from storywatch.alerts import webhook
from storywatch.alerts.email import build_environment
from storywatch.alerts.memory import MemoryStore
from storywatch.alerts.notifiers import Notifier, SmtpNotifier
from storywatch.alerts.records import AlertStore
from storywatch.alerts.settings import AlertSettings
from storywatch.alerts.storylines import Storyline, WebhookConfig, load_storylines_file
from storywatch.alerts.webhook import WebhookNotifier, env_secret
from storywatch.configfile import ConfigError
from storywatch.index.client import build_client
from storywatch.index.deadletter import DeadLetterStore
from storywatch.index.feedstate import FeedStateStore
from storywatch.index.schema import IndexNames, install_schema
from storywatch.index.settings import EsSettings
from storywatch.index.store import ArticleStore
from storywatch.parsers.enrich import Knowledge

from .settings import FetchSettings
from .sources import Feed, load_feeds


@dataclass(frozen=True, slots=True)
class Config:
    """The user's configuration folder, validated."""

    directory: Path
    feeds: tuple[Feed, ...]
    configured_feeds: tuple[Feed, ...]
    storylines: tuple[Storyline, ...]
    knowledge: Knowledge
    problems: tuple[ConfigError, ...] = ()
    webhooks: Mapping[str, WebhookConfig] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path, placeholders: Mapping[str, str] | None = None) -> Config:
        """Read feeds, storylines, topics and entities from ``directory``.

        A bad feed entry is skipped and kept in ``problems``; a file that cannot be
        used at all raises ConfigError. ``configured_feeds`` also holds feeds that
        cannot be polled in this run (an unfilled ``{{samples}}``, say).
        """
        feeds = load_feeds(directory / "feeds.yaml", placeholders)
        storylines = load_storylines_file(directory / "storylines.yaml")
        return cls(
            directory=directory,
            feeds=feeds.usable,
            configured_feeds=feeds.configured,
            storylines=tuple(s for s in storylines.storylines if s.enabled),
            webhooks=storylines.webhooks,
            knowledge=Knowledge.from_config_dir(directory),
            problems=feeds.problems,
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
    memories: MemoryStore
    webhooks: dict[str, WebhookNotifier]

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
        if alert.smtp_username and alert.smtp_password is None:
            alert = alert.model_copy(
                update={"smtp_password": secret_value("STORYWATCH_SMTP_PASSWORD")}
            )
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
            memories=MemoryStore(es, names),
            webhooks=build_webhooks(config.webhooks),
        )

    def close(self) -> None:
        """Close the Elasticsearch and webhook connection pools."""
        self.es.close()
        for hook in self.webhooks.values():
            hook.close()


def secret_value(env_var: str) -> SecretStr | None:
    """A secret from the environment, else from the Prefect Secret block of that name
    (lower-cased, ``_`` as ``-``); None when neither exists. Never from YAML."""
    from_env = env_secret(env_var)
    if from_env is not None:
        return from_env
    try:
        value = Secret.load(env_var.lower().replace("_", "-")).get()  # type: ignore[union-attr]
    except ValueError:
        return None
    return SecretStr(str(value))


def build_webhooks(configs: Mapping[str, WebhookConfig]) -> dict[str, WebhookNotifier]:
    """A notifier per configured webhook whose URL is set (environment or Prefect Secret)."""
    return webhook.build_webhooks(configs, secret_value)
