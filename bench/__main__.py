"""Run every benchmark in sequence, each in its own process, with the documented defaults.

    uv run python -m bench [NAME ...] [--es http://127.0.0.1:9200]

NAME picks some of: quotes, extraction, parsing, fetching, indexing, alerting, dashboards (all
by default, in that order). ``indexing`` and ``alerting`` need a running Elasticsearch
(``uv run storywatch stack up``; ``make bench`` starts it); without one they are reported
as skipped and the exit status is 1. Each script gets a time limit, so a hung run stops.
Results go in ``docs/benchmarks.md`` by hand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Bench:
    """One benchmark script, its default arguments, and whether it needs Elasticsearch."""

    name: str
    args: tuple[str, ...] = ()
    needs_es: bool = False
    timeout: float = 900.0


BENCHES = (
    Bench("quotes"),
    Bench("extraction", ("--pages", "300")),
    Bench("parsing", ("--rounds", "20")),
    Bench("fetching", ("--pages", "200", "--hosts", "10")),
    Bench("indexing", ("--docs", "5000"), needs_es=True),
    Bench(
        "alerting",
        ("--docs", "100000", "--storylines", "1000", "--batch", "1000", "--naive-sample", "10"),
        needs_es=True,
    ),
    Bench("dashboards", ("--docs", "100000", "--repeat", "50"), needs_es=True),
)


def es_answers(url: str) -> bool:
    """Whether an Elasticsearch node answers at ``url`` (loopback, two seconds at most)."""
    try:
        return httpx.get(f"{url}/_cluster/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--es", default="http://127.0.0.1:9200")
    args = parser.parse_args()
    unknown = set(args.names) - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    chosen = [b for b in BENCHES if not args.names or b.name in args.names]
    es_up = es_answers(args.es.rstrip("/"))
    failed: list[str] = []
    for bench in chosen:
        command = [sys.executable, str(HERE / f"{bench.name}.py"), *bench.args]
        if bench.needs_es:
            command += ["--es", args.es]
        print(f"\n=== {bench.name}: {' '.join(command[1:])}", flush=True)
        if bench.needs_es and not es_up:
            print(f"skipped: no Elasticsearch at {args.es} (run `uv run storywatch stack up`)")
            failed.append(f"{bench.name} (skipped)")
            continue
        start = time.perf_counter()
        try:
            code = subprocess.run(command, check=False, timeout=bench.timeout).returncode
        except subprocess.TimeoutExpired:
            print(f"stopped after {bench.timeout:.0f} s")
            code = -1
        print(f"--- {bench.name}: exit {code} in {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(bench.name)
    if failed:
        print(f"\nnot completed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
