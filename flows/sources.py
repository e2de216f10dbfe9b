"""The feeds a user monitors (``config/feeds.yaml``), validated on load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from storywatch.configfile import ConfigError, load_yaml_items

_DURATION = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def parse_duration(text: str) -> timedelta:
    """``"15m"`` to a timedelta (units s, m, h, d)."""
    found = _DURATION.match(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a duration like 90s, 15m, 2h or 1d")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


class Feed(BaseModel):
    """One monitored feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    url: str = Field(min_length=1)
    title: str = ""
    enabled: bool = True
    poll_interval: str = "15m"
    tags: tuple[str, ...] = ()

    @field_validator("poll_interval")
    @classmethod
    def _valid_interval(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def interval(self) -> timedelta:
        """The poll interval as a timedelta."""
        return parse_duration(self.poll_interval)


@dataclass(frozen=True, slots=True)
class FeedList:
    """What ``feeds.yaml`` holds: the feeds to poll, every enabled entry, the problems."""

    usable: tuple[Feed, ...]
    configured: tuple[Feed, ...]
    problems: tuple[ConfigError, ...]


def load_feeds(path: Path, placeholders: Mapping[str, str] | None = None) -> FeedList:
    """The enabled, valid feeds of ``path`` with ``{{name}}`` placeholders filled in
    (``usable``), every enabled valid entry as written (``configured``: a feed that
    cannot be polled now still counts as monitored), and the problems of the entries
    that were skipped, each with file, line, field and reason.

    A placeholder with no value (``{{samples}}`` outside the demo, say) is such a
    problem, rather than a request to a URL that cannot exist.
    """
    values = dict(placeholders or {})
    items, errors = load_yaml_items(path, "feeds", Feed)
    configured = tuple(feed for feed in items if feed.enabled)
    usable = []
    for feed in configured:
        missing = [m for m in _PLACEHOLDER.findall(feed.url) if m not in values]
        if missing:
            errors.append(
                ConfigError(
                    path,
                    f"feeds[id={feed.id}].url",
                    f"uses {{{{{missing[0]}}}}}, which only `storywatch demo` fills in; "
                    "give a real URL",
                )
            )
            continue
        url = _PLACEHOLDER.sub(lambda m: values[m.group(1)].rstrip("/"), feed.url)
        usable.append(feed.model_copy(update={"url": url}))
    return FeedList(tuple(usable), configured, tuple(errors))
