"""The ``storywatch digest`` command (Prefect is imported only when it runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def digest_command(
    cadence: Annotated[str, typer.Option(help="hourly or daily.")] = "daily",
    config: Annotated[Path, typer.Option("--config", "-c", help="Configuration folder.")] = Path(
        "config"
    ),
) -> None:
    """Send the last complete hour's or day's digest to every recipient (once per period)."""
    from storywatch.cli import _prepare_prefect

    from .digest import digest

    if cadence not in ("hourly", "daily"):
        raise typer.BadParameter("cadence must be hourly or daily")
    _prepare_prefect()
    created, sent = digest(str(config), "hourly" if cadence == "hourly" else "daily")
    print(f"storywatch digest: created={created} sent={sent}")
