"""Polite concurrent fetching (``flows.fetch.fetch_all``) vs a sequential loop, on loopback.

    uv run python bench/fetching.py [--pages 200] [--hosts 10] [--latency 0.05]

Starts ``--hosts`` stdlib HTTP servers on 127.0.0.1, one port each (``HostThrottle`` keys
on ``host:port``, so each port is one "host"). Every answer is a bundled sample page after
an artificial ``--latency`` sleep, to imitate a real server's think time. ``--pages`` URLs
spread evenly over the hosts are fetched:

- with ``fetch_all`` and the default ``FetchSettings`` (2 per host, 0.2 s between starts),
- with ``fetch_all`` and ``per_host_delay=0``,
- with a plain sequential ``httpx.Client`` loop (the baseline),

each polite run twice: URLs grouped by host (the order the pipeline produces, since a
feed's entries sit together and usually share a host) and round-robin over the hosts.
The servers record the most requests in flight at once per host and the shortest gap
between two request starts to one host, so the politeness limits can be checked. Nothing
leaves 127.0.0.1, and every run is bounded by ``--pages``.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from storywatch.flows.fetch import Fetched, Request, fetch_all
from storywatch.flows.settings import FetchSettings

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 5_000_000


@dataclass
class HostStats:
    """What one server saw: requests, peak concurrency, shortest gap between starts."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    last_start: float | None = None
    min_gap: float | None = None


class SlowServer(ThreadingHTTPServer):
    """Serves ``body`` for any GET after ``latency`` seconds, recording :class:`HostStats`."""

    daemon_threads = True

    def __init__(self, body: bytes, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body = body
        self.latency = latency
        self.lock = threading.Lock()
        self.stats = HostStats()

    def reset(self) -> None:
        with self.lock:
            self.stats = HostStats()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: SlowServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers and httpx's pool do
    # Headers and body go out in two writes; without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every response and swamp the measurement.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        stats = self.server.stats
        with self.server.lock:
            now = time.monotonic()
            if stats.last_start is not None:
                gap = now - stats.last_start
                stats.min_gap = gap if stats.min_gap is None else min(stats.min_gap, gap)
            stats.last_start = now
            stats.requests += 1
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        try:
            time.sleep(self.server.latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.server.body)))
            self.end_headers()
            self.wfile.write(self.server.body)
        finally:
            with self.server.lock:
                stats.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr lines."""


def sample_page() -> bytes:
    """One bundled article page, with ``{{base_url}}`` filled in."""
    path = REPO / "samples" / "articles" / "pentagon-weighs-suspending-turkey-f35.html"
    return path.read_bytes().replace(b"{{base_url}}", b"http://127.0.0.1")


def urls_for(servers: list[SlowServer], pages: int, *, grouped: bool) -> list[str]:
    """``pages`` URLs spread evenly over the servers, grouped by host or round-robin."""
    hosts = len(servers)
    if grouped:
        per_host = -(-pages // hosts)
        return [f"{servers[i // per_host].base_url}/p/{i}" for i in range(pages)]
    return [f"{servers[i % hosts].base_url}/p/{i}" for i in range(pages)]


def polite(urls: list[str], settings: FetchSettings) -> list[Fetched]:
    return asyncio.run(fetch_all([Request(u) for u in urls], settings, max_bytes=MAX_BYTES))


def sequential(urls: list[str], settings: FetchSettings) -> list[Fetched]:
    """The baseline: one request after the other on one keep-alive client."""
    out = []
    with httpx.Client(
        headers={"User-Agent": settings.user_agent}, timeout=settings.http_timeout
    ) as client:
        for url in urls:
            resp = client.get(url)
            out.append(Fetched(url, resp.status_code, resp.content))
    return out


def measure(
    label: str,
    run: Callable[[], list[Fetched]],
    servers: list[SlowServer],
    baseline: float | None,
) -> float:
    """Run once, print pages/s, ratio and what the servers saw; returns pages/s."""
    for server in servers:
        server.reset()
    start = time.perf_counter()
    results = run()
    elapsed = time.perf_counter() - start
    ok = sum(r.ok for r in results)
    if ok != len(results):
        raise SystemExit(f"{label}: only {ok} of {len(results)} pages fetched")
    rate = len(results) / elapsed
    stats = [s.stats for s in servers]
    peak = max(s.max_in_flight for s in stats)
    gaps = [s.min_gap for s in stats if s.min_gap is not None]
    ratio = f"{rate / baseline:6.2f}x" if baseline else "  1.00x"
    print(
        f"{label:36} {elapsed:7.2f} s {rate:8.1f} pages/s  {ratio}   "
        f"max in flight/host {peak}   min gap/host {min(gaps) * 1000:6.1f} ms"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05, help="server sleep per request")
    args = parser.parse_args()
    if not 0 < args.pages <= 2000 or not 0 < args.hosts <= 100:
        raise SystemExit("keep it bounded: 1-2000 pages, 1-100 hosts")

    body = sample_page()
    servers = [SlowServer(body, args.latency) for _ in range(args.hosts)]
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    default = FetchSettings()
    no_delay = FetchSettings(per_host_delay=0.0)
    grouped = urls_for(servers, args.pages, grouped=True)
    mixed = urls_for(servers, args.pages, grouped=False)
    try:
        print(
            f"{args.pages} pages of {len(body) / 1024:.1f} KiB over {args.hosts} hosts "
            f"(ports on 127.0.0.1), {args.latency * 1000:.0f} ms server latency; "
            f"defaults: {default.per_host_connections} per host, "
            f"{default.per_host_delay} s between starts, {default.max_connections} in all"
        )
        polite(mixed[: args.hosts], no_delay)  # warm-up: imports, first connections
        baseline = partial(sequential, grouped, default)
        base = measure("sequential httpx.Client (baseline)", baseline, servers, None)
        for name, settings in (("defaults", default), ("delay 0", no_delay)):
            for order, urls in (("grouped by host", grouped), ("round-robin", mixed)):
                measure(
                    f"fetch_all {name}, {order}", partial(polite, urls, settings), servers, base
                )
        per_host = -(-args.pages // args.hosts)
        print(
            f"floor with the defaults: {per_host} pages per host x {default.per_host_delay} s "
            f"between starts = {(per_host - 1) * default.per_host_delay + args.latency:.2f} s"
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
