"""The ``storywatch digest`` command (Prefect is imported only when it runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import typer

from storywatch.options import ConfigOption
from storywatch.paths import DEFAULT_CONFIG_DIR


def _cadence(value: str) -> Literal["hourly", "daily"]:
    if value == "hourly":
        return "hourly"
    if value == "daily":
        return "daily"
    raise typer.BadParameter("cadence must be hourly or daily", param_hint="--cadence")


def digest_command(
    cadence: Annotated[str, typer.Option(help="hourly or daily.")] = "daily",
    config: ConfigOption = DEFAULT_CONFIG_DIR,
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at",
            help="Build the digest as of this UTC time instead of now: the last complete "
            "hour or day before it (e.g. 2026-11-30 for a missed digest of the 29th).",
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="DURATION",
            help="Keep running: build and send the digest every DURATION (e.g. 1h); each "
            "period is still sent once. Served as a Prefect deployment when PREFECT_API_URL "
            "is set.",
        ),
    ] = None,
) -> None:
    """Send the last complete hour's or day's digest to every recipient (once per period)."""
    from storywatch.cli import _fail, _prepare_prefect, _quiet_prefect_shutdown
    from storywatch.flows.sources import parse_duration

    kind = _cadence(cadence)
    when = at.replace(tzinfo=at.tzinfo or UTC) if at else None
    interval = None
    if every is not None:
        if when is not None:
            raise typer.BadParameter("--at and --every exclude each other", param_hint="--at")
        try:
            interval = parse_duration(every)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    _prepare_prefect()
    from .digest import digest
    from .schedule import keep_running

    config_dir = str(config.resolve())
    if interval is None:
        created, sent = digest(config_dir, kind, when)
        _quiet_prefect_shutdown()
        print(f"storywatch digest: created={created} sent={sent}")
        return

    def once() -> str:
        created, sent = digest(config_dir, kind)
        return f"storywatch digest: created={created} sent={sent}"

    keep_running(
        digest,
        name="storywatch-digest",
        interval=interval,
        parameters={"config_dir": config_dir, "cadence": kind},
        run_once=once,
    )
