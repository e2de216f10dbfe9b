"""robots.txt for article pages: fetched once per host and run, obeyed before each GET.

Feeds are fetched regardless: a user configured them explicitly, as feed readers do.
Following RFC 9309: a robots.txt that is missing (4xx) allows everything; one that
cannot be fetched (5xx, network error) disallows the host for this run, and the pages
are retried on a later run rather than fetched against the site's wishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

#: The product token matched against ``User-agent`` lines.
AGENT = "Storywatch"


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    """Whether a URL may be fetched, and if not, why (and whether to retry later)."""

    allowed: bool
    reason: str = ""
    transient: bool = False


def rules_from(status: int | None, body: bytes) -> RobotFileParser | RobotsVerdict:
    """The parsed rules of a robots.txt response, or a blanket verdict for the host."""
    if status is None or status >= 500:
        return RobotsVerdict(False, "robots.txt unreachable; retrying later", transient=True)
    if status >= 400:
        return RobotsVerdict(True)
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", "replace").splitlines())
    return parser


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, the scope of one robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class RobotsRules:
    """Loads each origin's robots.txt once (concurrent askers share the load) and judges URLs.

    ``load(url)`` returns the status and body of a GET of that robots.txt URL.
    """

    def __init__(self, load: Callable[[str], Awaitable[tuple[int | None, bytes]]]) -> None:
        self._load = load
        self._rules: dict[str, RobotFileParser | RobotsVerdict] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def verdict(self, url: str) -> RobotsVerdict:
        """May ``url`` be fetched?"""
        origin = origin_of(url)
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._rules:
                status, body = await self._load(f"{origin}/robots.txt")
                self._rules[origin] = rules_from(status, body)
        rules = self._rules[origin]
        if isinstance(rules, RobotsVerdict):
            return rules
        if rules.can_fetch(AGENT, url):
            return RobotsVerdict(True)
        return RobotsVerdict(False, "disallowed by robots.txt")
