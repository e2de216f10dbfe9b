"""``storywatch stack ...``: run the local Elasticsearch node and SMTP sink for the demo."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

# The stack reads no configuration file; --config is accepted so every command takes it.
from storywatch.options import ConfigOption
from storywatch.paths import DEFAULT_CONFIG_DIR, SAMPLES_DIR

from .elasticsearch import node_status, plan_node, start_node, stop_node
from .errors import StackError
from .feedserver import FeedServer
from .settings import StackSettings
from .smtp import SmtpDaemon, smtp_daemon_status, start_smtp_daemon, stop_smtp_daemon

stack_app = typer.Typer(
    name="stack",
    help="Run the local stack: Elasticsearch and an SMTP sink (settings: STORYWATCH_* variables).",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)


def _settings() -> StackSettings:
    try:
        return StackSettings()
    except ValidationError as exc:
        _fail(f"invalid STORYWATCH_* setting:\n{exc}")


def _fail(message: str) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=1)


@stack_app.command()
def up(
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for Elasticsearch to become healthy.")
    ] = 180.0,
    config: ConfigOption = DEFAULT_CONFIG_DIR,
) -> None:
    """Start Elasticsearch and the SMTP sink (reusing whatever already runs)."""
    settings = _settings()
    node = plan_node(settings)
    daemon = SmtpDaemon.from_settings(settings)
    try:
        started = time.monotonic()
        first_run = "" if node.dist_dir.is_dir() else " (first run: downloading it with mvn)"
        with console.status(f"Starting Elasticsearch {node.version} at {node.url}{first_run}…"):
            outcome = start_node(node, timeout=timeout)
        es = outcome.status
        if outcome.reused:
            console.print(
                f"[green]✓[/] Elasticsearch {es.version} already answers at {es.url}: reusing it "
                f"(health {es.health})."
            )
        else:
            console.print(
                f"[green]✓[/] Elasticsearch {es.version} started at {es.url} in "
                f"{time.monotonic() - started:.0f} s (pid {es.pid}, health {es.health})."
            )
        pid, reused = start_smtp_daemon(daemon)
    except StackError as exc:
        _fail(str(exc))
    verb = "already running" if reused else "started"
    console.print(f"[green]✓[/] SMTP sink {verb} on {daemon.host}:{daemon.port} (pid {pid}).")
    console.print(f"  Mailbox:            {daemon.maildir}/new/*.eml", soft_wrap=True)
    console.print(f"  Elasticsearch log:  {node.log_file}", soft_wrap=True)
    console.print(f"  SMTP sink log:      {daemon.log_file}", soft_wrap=True)
    console.print("Stop with: [bold]storywatch stack down[/]")


@stack_app.command()
def down(config: ConfigOption = DEFAULT_CONFIG_DIR) -> None:
    """Stop the SMTP sink and the Elasticsearch node started by `up` (safe to repeat)."""
    settings = _settings()
    try:
        console.print(stop_smtp_daemon(SmtpDaemon.from_settings(settings)))
        with console.status("Stopping Elasticsearch…"):
            message = stop_node(plan_node(settings))
        console.print(message)
    except StackError as exc:
        _fail(str(exc))


@stack_app.command()
def status(config: ConfigOption = DEFAULT_CONFIG_DIR) -> None:
    """Show whether Elasticsearch and the SMTP sink are running."""
    settings = _settings()
    node = plan_node(settings)
    daemon = SmtpDaemon.from_settings(settings)
    try:
        es = node_status(node)
    except StackError as exc:
        _fail(str(exc))
    smtp = smtp_daemon_status(daemon)

    table = Table(title="Storywatch local stack")
    for column in ("Service", "State", "Address", "PID", "Details"):
        table.add_column(column)
    if es.running:
        es_state = f"[green]up[/] ({es.health or 'health unknown'})"
        owner = "started by storywatch" if es.managed else "not started by storywatch"
        es_details = f"version {es.version}, {owner}"
    else:
        es_state, es_details = "[red]down[/]", f"node folder {es.node_dir}"
    if es.log_file:
        es_details += f"\nlog {es.log_file}"
    table.add_row("Elasticsearch", es_state, es.url, str(es.pid or "-"), es_details)
    if smtp.running:
        smtp_state = "[green]up[/]"
    elif smtp.port_taken:
        smtp_state = "[yellow]port taken by another program[/]"
    else:
        smtp_state = "[red]down[/]"
    table.add_row(
        "SMTP sink",
        smtp_state,
        smtp.address,
        str(smtp.pid or "-"),
        f"{smtp.message_count} message(s) in {smtp.maildir}",
    )
    console.print(table)


@stack_app.command("serve-feeds")
def serve_feeds(
    root: Annotated[
        Path, typer.Argument(help="Folder of feeds and pages to serve.", file_okay=False)
    ] = SAMPLES_DIR,
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8800,
) -> None:
    """Serve sample feeds and pages on loopback in the foreground (Ctrl-C stops)."""
    try:
        with FeedServer(root, port=port) as server:
            console.print(f"Serving {root} at [bold]{server.base_url}/[/] (Ctrl-C stops)")
            while True:
                time.sleep(3600)
    except StackError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped")
