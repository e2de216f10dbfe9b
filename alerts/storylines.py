"""Storyline definitions (``config/storylines.yaml``), validated on load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from storywatch.configfile import load_yaml_model


class TopicFilter(BaseModel):
    """Topic ids an article must carry: any of ``any`` and all of ``all``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()


class Storyline(BaseModel):
    """A storyline an analyst tracks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    query: str = Field(min_length=1, description="Elasticsearch query-string syntax.")
    topics: TopicFilter = TopicFilter()
    exclude: str | None = None
    recipients: tuple[EmailStr, ...] = ()
    enabled: bool = True
    min_score: float | None = Field(None, ge=0)


class StorylinesFile(BaseModel):
    """The whole ``storylines.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    storylines: tuple[Storyline, ...] = ()

    @field_validator("storylines")
    @classmethod
    def _unique_ids(cls, value: tuple[Storyline, ...]) -> tuple[Storyline, ...]:
        seen: set[str] = set()
        for item in value:
            if item.id in seen:
                raise ValueError(f"duplicate storyline id {item.id!r}")
            seen.add(item.id)
        return value


def load_storylines(path: Path) -> tuple[Storyline, ...]:
    """The enabled storylines of a ``storylines.yaml``; raises ConfigError naming file and field."""
    parsed = load_yaml_model(path, StorylinesFile)
    return tuple(s for s in parsed.storylines if s.enabled)
