"""``storywatch alerts ...`` and ``storywatch storylines ...``: tools for analysts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from elasticsearch import Elasticsearch
from rich.console import Console
from rich.table import Table

from storywatch.configfile import ConfigError
from storywatch.index.client import build_client
from storywatch.index.errors import IndexingError
from storywatch.index.schema import IndexNames
from storywatch.index.settings import EsSettings
from storywatch.index.store import ArticleStore
from storywatch.options import ConfigOption
from storywatch.paths import DEFAULT_CONFIG_DIR

from .backtest import backtest_storyline
from .email import build_environment
from .notifiers import SmtpNotifier
from .records import AlertRecord, AlertState, AlertStore, with_state
from .service import deliver_pending
from .settings import AlertSettings
from .storylines import Storyline, load_storylines_file
from .webhook import WebhookNotifier, build_webhooks

console = Console()
alerts_app = typer.Typer(help="List, show and resend alert records.", no_args_is_help=True)
storylines_app = typer.Typer(help="Check and backtest storylines.", no_args_is_help=True)


@dataclass(frozen=True, slots=True)
class _Stores:
    es: Elasticsearch
    articles: ArticleStore
    alerts: AlertStore


@contextmanager
def _stores() -> Iterator[_Stores]:
    settings = EsSettings()
    es = build_client(settings)
    names = IndexNames(settings.index_prefix)
    try:
        yield _Stores(es, ArticleStore(es, names), AlertStore(es, names))
    except IndexingError as exc:
        raise _fail(f"{exc} (is Elasticsearch up at {settings.es_url}?)") from None
    finally:
        es.close()


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


@alerts_app.command("list")
def list_alerts(
    storyline: Annotated[str | None, typer.Option(help="Only this storyline id.")] = None,
    kind: Annotated[str | None, typer.Option(help="development, minor, repeat or digest.")] = None,
    state: Annotated[str | None, typer.Option(help="pending, sent, failed or suppressed.")] = None,
    size: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """The newest alert records."""
    with _stores() as stores:
        records = stores.alerts.latest(storyline_id=storyline, kind=kind, state=state, size=size)
    table = Table(title=f"{len(records)} alert record(s)")
    for column in ("id", "created", "storyline", "kind", "state", "title", "source"):
        table.add_column(column)
    for r in records:
        state_text = str(r.state) + (f" ({r.suppressed_reason})" if r.suppressed_reason else "")
        table.add_row(
            r.id[:12],
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.storyline_id,
            r.kind,
            state_text,
            r.title,
            r.source,
        )
    console.print(table)


def _find(store: AlertStore, record_id: str) -> AlertRecord:
    record = store.get(record_id)
    if record is None:
        matches = [r for r in store.latest(size=1000) if r.id.startswith(record_id)]
        if len(matches) != 1:
            raise _fail(f"no single alert with id {record_id!r}")
        record = matches[0]
    return record


@alerts_app.command("show")
def show_alert(
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix).")],
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """One alert record: the decision, what is new, repeats attached, delivery state."""
    with _stores() as stores:
        r = _find(stores.alerts, alert_id)
    # markup=False: a title or reason with [brackets] is text, not a rich style.
    console.print("\n".join(show_lines(r)), highlight=False, soft_wrap=True, markup=False)


def show_lines(r: AlertRecord) -> list[str]:
    """What ``alerts show`` prints: the record, what is new, and the scoring behind the
    decision (kept out of the email, which shows the analyst the news, not the maths)."""
    new = r.whats_new
    lines = [
        f"id:         {r.id}",
        f"storyline:  {r.storyline_id} ({r.storyline_title})",
        f"kind:       {r.kind}   state: {r.state}"
        + (f" ({r.suppressed_reason})" if r.suppressed_reason else ""),
        f"article:    {r.title}",
        f"            {r.source_title or r.source} ({r.source}) {r.published or ''} "
        f"{r.article_url}",
        f"topics:     {', '.join(r.topic_titles or r.topics)}",
        f"score:      novelty {r.novelty_score:g}, relevance {r.score:.2f}",
        "scoring:",
        *(f"  - {reason}" for reason in r.reasons),
        f"new people: {'; '.join(new.people)}",
        f"new facts:  {'; '.join(new.facts)}",
        *(
            f"  - {'; '.join(f.facts)}: {f.sentence}" + (f" ({f.speaker})" if f.speaker else "")
            for f in new.fact_sources
            if f.sentence
        ),
        f"new orgs:   {'; '.join(new.organizations)}",
        f"key terms:  {'; '.join(new.key_terms)}",
        f"new terms:  {'; '.join(new.terms)}",
        f"quotes:     {sum(not q.indirect for q in new.quotes)} new, "
        f"{sum(q.indirect for q in new.quotes)} reported statement(s)",
        *(
            f"  - {q.speaker or 'unattributed'}: {q.text}" + (" (reported)" if q.indirect else "")
            for q in new.quotes
        ),
        f"repeat of:  {r.repeat_of or '-'}",
        f"recipients: {', '.join(r.recipients)}   channels: {', '.join(r.channels)}",
        f"delivery:   attempts {r.attempts}, sent {r.sent_at or '-'}, "
        f"message-id {r.message_id or '-'}, last error {r.last_error or '-'}",
    ]
    lines += [f"also by:    {a.source}: {a.title} <{a.url}>" for a in r.also_reported_by]
    return lines
    console.print("\n".join(lines), highlight=False, soft_wrap=True)


@alerts_app.command("resend")
def resend_alert(
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix).")],
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Send an alert again now, on every channel (same Message-ID); webhook URLs and
    secrets are read from their environment variables, as named in storylines.yaml."""
    settings = AlertSettings()
    now = datetime.now(UTC)
    with _stores() as stores:
        record = _find(stores.alerts, alert_id)
        again = with_state(record, AlertState.PENDING, now, attempts=0, delivered=())
        env = build_environment(settings)
        single = _Single(stores.alerts, again)
        hooks = _webhooks(config) if any(c.startswith("webhook:") for c in record.channels) else {}
        try:
            report = deliver_pending(
                single, SmtpNotifier(settings), settings, env, now, webhooks=hooks
            )
        finally:
            for hook in hooks.values():
                hook.close()
    if report.sent:
        print(f"resent {record.id}")
    else:
        raise _fail(f"not sent: {report.failed or report.skipped}")


class _Single:
    """An alert store whose only undelivered record is the one being resent."""

    def __init__(self, store: AlertStore, record: AlertRecord) -> None:
        self.store = store
        self.record = record

    def undelivered(self, now: datetime, max_attempts: int) -> list[AlertRecord]:
        """Just the record being resent."""
        return [self.record]

    def claim(self, records: Sequence[AlertRecord], now: datetime) -> list[AlertRecord]:
        """A person asked for this resend: take the record whatever its state."""
        return self.store.claim(records, now)

    def save(self, records: Sequence[AlertRecord]) -> None:
        """Write through to the real store."""
        self.store.save(records)


def _webhooks(config: Path) -> dict[str, WebhookNotifier]:
    """The configured webhooks, so a resend reaches them like the cycle that sent it."""
    try:
        parsed = load_storylines_file(config / "storylines.yaml")
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return build_webhooks(parsed.webhooks)


def _storyline(config: Path, storyline_id: str) -> Storyline:
    try:
        parsed = load_storylines_file(config / "storylines.yaml")
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for storyline in parsed.storylines:
        if storyline.id == storyline_id:
            return storyline
    known = ", ".join(s.id for s in parsed.storylines)
    raise _fail(f"no storyline {storyline_id!r} in {config / 'storylines.yaml'} (known: {known})")


@storylines_app.command("check")
def check_storylines(config: ConfigOption = DEFAULT_CONFIG_DIR) -> None:
    """Validate storylines.yaml and list the storylines."""
    try:
        parsed = load_storylines_file(config / "storylines.yaml")
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for s in parsed.storylines:
        state = "enabled" if s.enabled else "disabled"
        print(f"{s.id}: {s.title} ({state}, {s.cadence}, {len(s.recipients)} recipient(s))")


@storylines_app.command("test")
def test_storyline(
    storyline_id: Annotated[str, typer.Argument(help="The storyline id.")],
    since: Annotated[
        datetime | None, typer.Option(help="Only articles ingested since (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many matching articles.")] = 1000,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Backtest a storyline on the index: developments, minor items and repeats it would
    have produced, from an empty memory. Sends nothing and writes nothing."""
    storyline = _storyline(config, storyline_id)
    start = since.replace(tzinfo=since.tzinfo or UTC) if since else None
    with _stores() as stores:
        outcome = backtest_storyline(
            stores.es, stores.articles, storyline, since=start, limit=limit
        )
    table = Table(title=f"Backtest of {storyline.id}: {len(outcome.verdicts)} match(es)")
    for column in ("kind", "score", "title", "source", "what is new / repeat of"):
        table.add_column(column)
    titles = {v.match.article_id: v.match.title for v in outcome.verdicts}
    for v in outcome.verdicts:
        d = v.decision
        if d.repeat_of is not None:
            detail = f"repeat of: {titles.get(d.repeat_of.article_id, d.repeat_of.article_id)}"
        else:
            new = d.whats_new
            detail = "; ".join([*new.people, *new.facts, *new.organizations]) or "-"
        table.add_row(str(d.kind), f"{d.score:g}", v.match.title, v.match.source, detail)
    console.print(table)
    kinds = [str(v.decision.kind) for v in outcome.verdicts]
    print(
        f"would send {kinds.count('development')} alert(s); "
        f"{kinds.count('minor')} minor, {kinds.count('repeat')} repeat(s)"
    )
