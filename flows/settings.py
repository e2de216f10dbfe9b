"""Settings of the ingest flow: HTTP politeness and limits."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storywatch import __version__


class FetchSettings(BaseSettings):
    """How Storywatch fetches feeds and pages: identify ourselves, limit load on each host."""

    model_config = SettingsConfigDict(env_prefix="STORYWATCH_", extra="ignore")

    user_agent: str = Field(
        f"Storywatch/{__version__} (+https://github.com/storywatch/storywatch)",
        description="User-Agent sent with every request.",
    )
    http_timeout: float = Field(20.0, gt=0, description="Seconds to wait for one response.")
    max_connections: int = Field(16, ge=1, description="Requests in flight at once, all hosts.")
    per_host_connections: int = Field(2, ge=1, description="Requests in flight per host.")
    per_host_delay: float = Field(
        0.2, ge=0, description="Seconds between the starts of two requests to one host."
    )
    max_feed_bytes: int = Field(10_000_000, description="A larger feed document is refused.")
    max_page_bytes: int = Field(5_000_000, description="A larger article page is refused.")
    partition: str | None = Field(
        None,
        pattern=r"^\d+/[1-9]\d*$",
        description="I/N: this worker polls only the feeds whose stable hash falls in "
        "share I of N (0-based), so N workers split the feeds without overlap.",
    )
    obey_robots: bool = Field(
        True, description="Read each site's robots.txt and skip article pages it disallows."
    )
    max_backoff_minutes: int = Field(
        360, ge=1, description="Ceiling of the pause after repeated failures of a feed."
    )
