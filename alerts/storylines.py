"""Storyline definitions (``config/storylines.yaml``), validated on load."""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from storywatch.configfile import load_yaml_model

_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: str) -> timedelta:
    """``"15m"``, ``"1h"`` or ``"1d"`` as a timedelta; raises ValueError otherwise."""
    found = _DURATION.match(value.strip())
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"{value!r} is not a duration such as 15m, 1h or 1d")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicFilter(_Frozen):
    """Topic ids an article must carry: any of ``any`` and all of ``all``."""

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()


class EntityFilter(_Frozen):
    """Entity names (people, organisations, places, systems) an article must mention."""

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()


class NoveltySettings(_Frozen):
    """How a match is judged: copy of a known report, minor, or a development."""

    threshold: float = Field(3.0, ge=0, description="Score at or above which a match alerts.")
    near_duplicate_bits: int = Field(6, ge=0, le=32, description="SimHash distance of a copy.")
    shingle_overlap: float = Field(
        0.6, gt=0, le=1, description="Estimated word-shingle Jaccard of a copy."
    )
    memory_size: int = Field(
        200, ge=10, description="Earlier articles kept per storyline for the copy check."
    )


class Throttle(_Frozen):
    """At most ``max_alerts`` immediate alerts per ``period``; the rest go to the digest."""

    max_alerts: int = Field(ge=1)
    period: str = "1h"

    @field_validator("period")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def window(self) -> timedelta:
        """The period as a timedelta."""
        return parse_duration(self.period)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
    return value


class QuietHours(_Frozen):
    """A daily window (local time) in which alerts are not sent but kept for the digest."""

    start: time
    end: time
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)


class Storyline(_Frozen):
    """A storyline an analyst tracks."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    query: str | dict[str, Any] = Field(
        description="Query-string syntax, or an Elasticsearch query DSL object."
    )
    topics: TopicFilter = TopicFilter()
    entities: EntityFilter = EntityFilter()
    exclude: tuple[str, ...] = ()
    recipients: tuple[EmailStr, ...] = ()
    channels: tuple[str, ...] = ("email",)
    enabled: bool = True
    min_score: float | None = Field(None, ge=0)
    novelty: NoveltySettings = NoveltySettings()
    cadence: Literal["immediate", "hourly", "daily"] = "immediate"
    throttle: Throttle | None = None
    quiet_hours: QuietHours | None = None
    timezone: str | None = Field(
        None, description="IANA zone the recipients read dates in (default: quiet hours' zone)."
    )

    @property
    def zone(self) -> str:
        """The time zone alert dates are shown in: ``timezone``, else quiet hours', else UTC."""
        return self.timezone or (self.quiet_hours.timezone if self.quiet_hours else "UTC")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_zone(value)

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        if isinstance(value, str) and not value.strip():
            raise ValueError("the query is empty")
        if isinstance(value, dict) and len(value) != 1:
            raise ValueError("a query DSL object has exactly one top-level key, e.g. {bool: ...}")
        return value

    @field_validator("exclude", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for channel in value:
            if channel != "email" and not re.fullmatch(r"webhook:[a-z0-9][a-z0-9-]*", channel):
                raise ValueError(f"unknown channel {channel!r}: use email or webhook:<name>")
        return value


class WebhookConfig(_Frozen):
    """A webhook endpoint; its URL and signing secret come from environment variables."""

    format: Literal["slack", "generic"] = "generic"
    url_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    secret_env: str | None = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$")


class StorylinesFile(_Frozen):
    """The whole ``storylines.yaml``."""

    storylines: tuple[Storyline, ...] = ()
    webhooks: dict[str, WebhookConfig] = Field(default_factory=dict)

    @field_validator("storylines")
    @classmethod
    def _unique_ids(cls, value: tuple[Storyline, ...]) -> tuple[Storyline, ...]:
        seen: set[str] = set()
        for item in value:
            if item.id in seen:
                raise ValueError(f"duplicate storyline id {item.id!r}")
            seen.add(item.id)
        return value

    @model_validator(mode="after")
    def _webhooks_exist(self) -> StorylinesFile:
        for storyline in self.storylines:
            for channel in storyline.channels:
                name = channel.removeprefix("webhook:")
                if channel.startswith("webhook:") and name not in self.webhooks:
                    raise ValueError(
                        f"storyline {storyline.id!r} uses webhook {name!r}, "
                        "which is not defined under webhooks:"
                    )
        return self


def load_storylines_file(path: Path) -> StorylinesFile:
    """The whole ``storylines.yaml`` (every storyline, and the webhooks)."""
    return load_yaml_model(path, StorylinesFile)


def load_storylines(path: Path) -> tuple[Storyline, ...]:
    """The enabled storylines of a ``storylines.yaml``; raises ConfigError naming file and field."""
    return tuple(s for s in load_storylines_file(path).storylines if s.enabled)
