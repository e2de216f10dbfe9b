"""The ``storywatch`` command line."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic_settings import BaseSettings
from rich.console import Console
from rich.table import Table

from .options import ConfigOption
from .paths import DEFAULT_CONFIG_DIR, DEFAULT_STATE_DIR

console = Console()


def _settings_classes() -> list[type[BaseSettings]]:
    from storywatch.alerts.settings import AlertSettings
    from storywatch.flows.settings import FetchSettings
    from storywatch.flows.stack.settings import StackSettings
    from storywatch.index.settings import EsSettings

    return [EsSettings, AlertSettings, FetchSettings, StackSettings]


def settings_help() -> str:
    """Every ``STORYWATCH_*`` environment variable with its meaning, for ``--help``."""
    lines = ["Settings (environment variables):\n\n"]
    seen: set[str] = set()
    for cls in _settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, info in cls.model_fields.items():
            var = f"{prefix}{name}".upper()
            if var in seen:
                continue
            seen.add(var)
            lines.append(f"{var}: {info.description or ''}\n\n")
    return "".join(lines)


app = typer.Typer(
    name="storywatch",
    help="Storywatch: news feeds to Elasticsearch, and alerts on storyline developments.",
    epilog=settings_help(),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _mount_subcommands() -> None:
    """Each package contributes its own commands; they are mounted here."""
    from storywatch.alerts.cli import alerts_app, storylines_app
    from storywatch.flows.digest_cli import digest_command
    from storywatch.flows.stack.cli import stack_app
    from storywatch.index.analyst_cli import kibana_app, stats_command
    from storywatch.parsers.cli import parse

    app.add_typer(stack_app, name="stack")
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(storylines_app, name="storylines")
    app.command(name="digest")(digest_command)
    app.command(name="parse")(parse)
    app.add_typer(kibana_app, name="kibana")
    app.command(name="stats")(stats_command)


_mount_subcommands()


def _prepare_prefect() -> None:
    """Run Prefect locally (its ephemeral API on SQLite) unless a server is configured."""
    state = Path(os.environ.get("STORYWATCH_STATE_DIR", DEFAULT_STATE_DIR))
    os.environ.setdefault("PREFECT_HOME", str(state / "prefect"))
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "storywatch")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def _quiet_prefect_shutdown() -> None:
    """Keep the summary the last line: Prefect logs the ephemeral server's stop at exit."""
    logging.getLogger("prefect").setLevel(logging.WARNING)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


@app.command()
def run(
    config: ConfigOption = DEFAULT_CONFIG_DIR,
    force: Annotated[
        bool, typer.Option("--force", help="Poll every feed, due or not (no backoff).")
    ] = False,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="DURATION",
            help="Keep running: serve the ingest flow as a Prefect deployment with this "
            "interval (e.g. 5m); one cycle at a time. Each feed is still polled only when due.",
        ),
    ] = None,
) -> None:
    """Run one ingest cycle on the configured feeds that are due (or keep running with --every)."""
    from storywatch.configfile import ConfigError
    from storywatch.flows.sources import parse_duration

    _prepare_prefect()
    from storywatch.flows.ingest import ingest
    from storywatch.flows.schedule import keep_running

    if every is not None:
        try:
            interval = parse_duration(every)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        config_dir = str(config.resolve())
        keep_running(
            ingest,
            name="storywatch-ingest",
            interval=interval,
            parameters={"config_dir": config_dir, "force": force},
            run_once=lambda: ingest(config_dir, force=force).summary("storywatch run"),
        )
        return

    try:
        report = ingest(str(config), force=force)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for problem in report.problems:
        console.print(f"[yellow]problem:[/] {problem}", highlight=False)
    if report.feeds_deferred:
        console.print(f"{report.feeds_deferred} feed(s) not due yet (--force polls them).")
    _quiet_prefect_shutdown()
    print(report.summary("storywatch run"))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Query-string syntax, e.g. 'S-400 AND Turkey'.")],
    topic: Annotated[
        str | None, typer.Option(help="Only articles tagged with this topic id.")
    ] = None,
    size: Annotated[int, typer.Option(help="How many hits.")] = 10,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Search the indexed articles; prints title, source, date and topics."""
    from storywatch.index.client import build_client
    from storywatch.index.errors import IndexingError
    from storywatch.index.schema import IndexNames
    from storywatch.index.settings import EsSettings
    from storywatch.index.store import ArticleStore

    settings = EsSettings()
    es = build_client(settings)
    try:
        hits = ArticleStore(es, IndexNames(settings.index_prefix)).search(
            query, topic=topic, size=size
        )
    except IndexingError as exc:
        raise _fail(
            f"{exc} (is Elasticsearch up at {settings.es_url}? try `storywatch stack up`)"
        ) from None
    finally:
        es.close()
    table = Table(
        title=f"{len(hits)} hit(s) for {query!r}" + (f" in topic {topic}" if topic else "")
    )
    for column in ("title", "source", "published", "topics"):
        table.add_column(column)
    for hit in hits:
        table.add_row(hit.title, hit.source, (hit.published or "")[:10], ", ".join(hit.topics))
    console.print(table)


@app.command()
def demo(config: ConfigOption = DEFAULT_CONFIG_DIR) -> None:
    """Start the local stack, serve the bundled sample feeds, run one full cycle (offline)."""
    from storywatch.configfile import ConfigError
    from storywatch.flows.stack.cli import up
    from storywatch.flows.stack.elasticsearch import plan_node
    from storywatch.flows.stack.errors import StackError
    from storywatch.flows.stack.feedserver import FeedServer
    from storywatch.flows.stack.settings import StackSettings
    from storywatch.flows.stack.smtp import SmtpDaemon
    from storywatch.paths import SAMPLES_DIR

    stack = StackSettings()
    node = plan_node(stack)
    up(timeout=300, config=config)
    os.environ.setdefault("STORYWATCH_ES_URL", node.url)
    os.environ.setdefault("STORYWATCH_SMTP_HOST", stack.smtp_host)
    os.environ.setdefault("STORYWATCH_SMTP_PORT", str(stack.smtp_port))
    _prepare_prefect()
    from storywatch.flows.ingest import ingest

    try:
        with FeedServer(SAMPLES_DIR, port=stack.samples_port) as server:
            console.print(f"Serving the sample feeds at {server.base_url}/feeds/")
            report = ingest(str(config), {"samples": server.base_url}, force=True)
    except StackError as exc:
        raise _fail(f"{exc} (set STORYWATCH_SAMPLES_PORT to a free port)") from None
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for problem in report.problems:
        console.print(f"[yellow]problem:[/] {problem}", highlight=False)
    maildir = SmtpDaemon.from_settings(stack).maildir
    console.print(
        f"\nElasticsearch keeps running at {os.environ['STORYWATCH_ES_URL']} "
        f"(alias {os.environ.get('STORYWATCH_INDEX_PREFIX', 'storywatch')}-articles).\n"
        f"  Try:    storywatch search 'S-400 AND Turkey'\n"
        f"  Emails: {maildir}/new/*.eml\n"
        f"  Stop:   storywatch stack down   (or: make stop)",
        highlight=False,
        soft_wrap=True,
    )
    _quiet_prefect_shutdown()
    print(report.summary("storywatch demo"))


@app.command()
def deadletters(
    stage: Annotated[
        str | None, typer.Option(help="Only this stage: feed, fetch, parse or index.")
    ] = None,
    feed: Annotated[str | None, typer.Option(help="Only this feed id.")] = None,
    size: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """What is failing now: feeds, pages and documents, with where and why.

    A record disappears once its feed or page succeeds; pages are retried by the next
    cycles on their own.
    """
    from storywatch.index.client import build_client
    from storywatch.index.deadletter import DeadLetterStore
    from storywatch.index.errors import IndexingError
    from storywatch.index.schema import IndexNames
    from storywatch.index.settings import EsSettings

    settings = EsSettings()
    es = build_client(settings)
    try:
        store = DeadLetterStore(es, IndexNames(settings.index_prefix))
        letters = store.latest(stage=stage, feed_id=feed, size=size)
        total = store.count()
    except IndexingError as exc:
        raise _fail(f"{exc} (is Elasticsearch up at {settings.es_url}?)") from None
    finally:
        es.close()
    table = Table(title=f"{len(letters)} of {total} failure(s) on record")
    for column in ("when", "stage", "feed", "what", "why", "retry?"):
        table.add_column(column)
    for letter in letters:
        table.add_row(
            f"{letter.created_at:%Y-%m-%d %H:%M}",
            letter.stage,
            letter.feed_id or "",
            letter.ref,
            letter.reason,
            "yes" if letter.transient else "no",
        )
    console.print(table)


def main() -> None:
    """Entry point of the console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
