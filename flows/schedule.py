"""Keep a flow running on a cadence: a Prefect deployment when a server can schedule it,
otherwise a plain loop (Prefect's ephemeral API cannot schedule)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rich.console import Console

console = Console()


def repeat_every(
    interval: timedelta,
    run_once: Callable[[], str],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Call ``run_once`` every ``interval`` (start to start), one run at a time, printing its
    summary; a failed run is reported and the next one still happens. Ctrl-C stops."""
    while True:
        started = clock()
        try:
            print(run_once(), flush=True)
        except KeyboardInterrupt:
            return
        except Exception as exc:  # a long-running worker reports a failed run, goes on
            console.print(f"[bold red]run failed:[/] {exc}", highlight=False)
        try:
            sleep(max(0.0, interval.total_seconds() - (clock() - started)))
        except KeyboardInterrupt:
            return


def keep_running(
    flow: Any,
    *,
    name: str,
    interval: timedelta,
    parameters: dict[str, Any],
    run_once: Callable[[], str],
) -> None:
    """Run ``flow`` every ``interval``, never two runs at once.

    With ``PREFECT_API_URL`` set, the flow is served as a deployment that the Prefect
    server schedules (and shows in its UI); otherwise ``run_once`` is looped here.
    """
    if os.environ.get("PREFECT_API_URL"):
        flow.serve(name=name, interval=interval, parameters=parameters, global_limit=1)
        return
    console.print(f"Running {name} every {interval}; Ctrl-C stops.")
    repeat_every(interval, run_once)
