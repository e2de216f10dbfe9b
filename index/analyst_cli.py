"""``storywatch kibana export|import`` and ``storywatch stats``: the analyst's window."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from elasticsearch import ApiError, TransportError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storywatch.configfile import ConfigError, load_yaml_model
from storywatch.options import ConfigOption
from storywatch.parsers.topics import TopicsFile
from storywatch.paths import DEFAULT_CONFIG_DIR

from .client import build_client
from .errors import IndexingError, wrap_es_error
from .kibana import ARTICLE_TIME_FIELD, TopicRef, saved_objects, to_ndjson
from .kibana_fields import check_field_caps, field_uses
from .kibana_import import KibanaImportError, import_saved_objects
from .schema import IndexNames
from .settings import EsSettings
from .stats import Bucket, CoverageStats, coverage_stats

console = Console()
kibana_app = typer.Typer(
    help="Kibana saved objects (data views, searches, charts, the Storyline monitor "
    "dashboard) for the configured index prefix.",
    no_args_is_help=True,
)


def _fail(message: str) -> typer.Exit:
    console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    return typer.Exit(code=2)


def generated_ndjson(config: Path, prefix: str) -> str:
    """The saved objects for ``prefix`` and the topics of ``config``/topics.yaml."""
    topics = load_yaml_model(config / "topics.yaml", TopicsFile).topics
    return to_ndjson(saved_objects(prefix, [TopicRef(t.id, t.name) for t in topics]))


@kibana_app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Write the saved objects as NDJSON (Kibana's export format) for STORYWATCH_INDEX_PREFIX."""
    prefix = EsSettings().index_prefix
    try:
        text = generated_ndjson(config, prefix)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"{text.count(chr(10))} saved objects for prefix {prefix!r} written to {out}")


@kibana_app.command("import")
def import_(
    url: Annotated[
        str, typer.Option("--url", envvar="STORYWATCH_KIBANA_URL", help="Kibana's base URL.")
    ],
    space: Annotated[
        str | None, typer.Option("--space", help="Kibana space id (default: the default space).")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", envvar="STORYWATCH_KIBANA_API_KEY", help="Kibana API key."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", envvar="STORYWATCH_KIBANA_USER", help="Basic-auth user."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="STORYWATCH_KIBANA_PASSWORD",
            help="Basic-auth password (prefer the environment variable).",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Import this NDJSON instead of generating the objects."),
    ] = None,
    wait: Annotated[
        float,
        typer.Option("--wait", help="Seconds to keep retrying while Kibana is starting."),
    ] = 0.0,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Import the saved objects into Kibana, overwriting earlier imports (idempotent)."""
    try:
        if file is not None:
            text = file.read_text(encoding="utf-8")
        else:
            text = generated_ndjson(config, EsSettings().index_prefix)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{file}: cannot read: {exc.strerror or exc}") from None
    try:
        report = import_saved_objects(
            url, text, space=space, api_key=api_key, user=user, password=password, wait=wait
        )
    except KibanaImportError as exc:
        raise _fail(str(exc)) from None
    for line in report.lines():
        typer.echo(line)
    overwritten = sum(1 for o in report.imported if o.overwritten)
    where = f"Kibana at {url}" + (f" (space {space})" if space else "")
    summary = (
        f"{report.success_count} saved object(s) imported into {where}: "
        f"{len(report.imported) - overwritten} created, {overwritten} overwritten, "
        f"{len(report.failures)} refused"
    )
    typer.echo(summary)
    if not report.ok:
        raise typer.Exit(code=1)


@kibana_app.command("check")
def check(config: ConfigOption = DEFAULT_CONFIG_DIR) -> None:
    """Check every field the saved objects use against the cluster's live mapping.

    Asks Elasticsearch's field capabilities for each data view's alias or index: a field
    must exist, be a date where it is a time field, aggregatable where it is charted.
    """
    settings = EsSettings()
    try:
        topics = load_yaml_model(config / "topics.yaml", TopicsFile).topics
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    objects = saved_objects(settings.index_prefix, [TopicRef(t.id, t.name) for t in topics])
    uses = field_uses(objects)
    es = build_client(settings)
    caps = {}
    try:
        for index in sorted({u.index for u in uses}):
            fields = sorted({u.field for u in uses if u.index == index})
            caps[index] = es.field_caps(index=index, fields=fields)["fields"]
    except (ApiError, TransportError) as exc:
        raise _fail(f"{wrap_es_error(exc, 'reading field capabilities')}") from None
    finally:
        es.close()
    problems = check_field_caps(uses, caps)
    for problem in problems:
        typer.echo(f"problem: {problem}")
    typer.echo(
        f"{len(uses)} field use(s) in {len(objects)} saved objects: {len(problems)} problem(s)"
    )
    if problems:
        raise typer.Exit(code=1)


def stats_command(
    since: Annotated[
        str, typer.Option("--since", help="The period: the last 90m, 24h, 7d, ...")
    ] = "7d",
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Values per top list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Coverage statistics: articles per topic per day, top sources, quoted speakers, entities.

    Counted by time of ingest, the time field of the Kibana dashboard.
    """
    from storywatch.flows.sources import parse_duration

    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    settings = EsSettings()
    es = build_client(settings)
    try:
        found = coverage_stats(
            es, IndexNames(settings.index_prefix), since=window, now=datetime.now(UTC), top=top
        )
    except IndexingError as exc:
        raise _fail(f"{exc} (is Elasticsearch up at {settings.es_url}?)") from None
    finally:
        es.close()
    if as_json:
        typer.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return
    console.print(
        f"{found.total} article(s) ingested from {found.since:%Y-%m-%d %H:%M} "
        f"to {found.until:%Y-%m-%d %H:%M} UTC (by {ARTICLE_TIME_FIELD})",
        highlight=False,
    )
    for table in stats_tables(found):
        console.print(table)


def stats_tables(found: CoverageStats) -> list[Table]:
    """The statistics as Rich tables; every value from the index goes in as plain Text."""
    days = sorted(found.per_topic_per_day)
    per_topic = Table(title="Articles per topic per day (UTC)", title_justify="left")
    per_topic.add_column("topic")
    for day in days:
        per_topic.add_column(day[5:], justify="right")
    per_topic.add_column("total", justify="right")
    for topic in found.topics():
        counts = [found.per_topic_per_day[day].get(topic, 0) for day in days]
        per_topic.add_row(Text(topic), *(str(c) for c in counts), str(sum(counts)))
    tables = [per_topic]
    tops: list[tuple[str, list[Bucket]]] = [
        ("Top sources", found.top_sources),
        ("Top quoted speakers", found.top_speakers),
    ]
    tops += [(f"Top entities: {kind}", items) for kind, items in found.top_entities.items()]
    tops = [(title, items) for title, items in tops if items]
    for title, items in tops:
        table = Table(title=Text(title), title_justify="left", min_width=40)
        table.add_column("name")
        table.add_column("articles", justify="right")
        for bucket in items:
            table.add_row(Text(bucket.key), str(bucket.articles))
        tables.append(table)
    return tables
