"""Command-line options shared by every ``storywatch`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

#: ``--config DIR``: every command takes it, so scripts can pass it uniformly.
ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="Configuration folder.", show_default=True)
]
