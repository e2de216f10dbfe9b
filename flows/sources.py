"""The feeds a user monitors (``config/feeds.yaml``), validated on load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from storywatch.configfile import ConfigError, load_yaml_model

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


class FeedsFile(BaseModel):
    """The whole ``feeds.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: tuple[Feed, ...] = ()

    @field_validator("feeds")
    @classmethod
    def _unique_ids(cls, value: tuple[Feed, ...]) -> tuple[Feed, ...]:
        ids = [f.id for f in value]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate feed ids: {', '.join(dupes)}")
        return value


def load_feeds(path: Path, placeholders: Mapping[str, str] | None = None) -> tuple[Feed, ...]:
    """The enabled feeds of ``path``, with ``{{name}}`` placeholders in URLs filled in.

    A placeholder with no value (``{{samples}}`` outside the demo, say) is a ConfigError
    naming the feed, rather than a request to a URL that cannot exist.
    """
    values = dict(placeholders or {})
    feeds = []
    for position, feed in enumerate(load_yaml_model(path, FeedsFile).feeds):
        if not feed.enabled:
            continue
        missing = [m for m in _PLACEHOLDER.findall(feed.url) if m not in values]
        if missing:
            raise ConfigError(
                path,
                f"feeds.{position}.url",
                f"feed {feed.id!r} uses {{{{{missing[0]}}}}}, which only `storywatch demo` "
                "fills in; give a real URL",
            )
        url = _PLACEHOLDER.sub(lambda m: values[m.group(1)].rstrip("/"), feed.url)
        feeds.append(feed.model_copy(update={"url": url}))
    return tuple(feeds)
