"""Settings of the local stack (Elasticsearch node, SMTP sink), read from ``STORYWATCH_*``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storywatch.paths import DEFAULT_STATE_DIR


class StackSettings(BaseSettings):
    """Where and how the local demo/test services run."""

    # Other packages read their own STORYWATCH_* variables from the same
    # environment, so unknown ones must be ignored rather than rejected.
    model_config = SettingsConfigDict(env_prefix="STORYWATCH_", extra="ignore", frozen=True)

    es_version: str = Field(
        default="9.5.4",
        pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$",
        description=(
            "Elasticsearch version of the local node; fetched from Maven Central "
            "(org.elasticsearch.distribution.integ-test-zip) with mvn."
        ),
    )
    es_port: int = Field(
        default=9200, ge=1, le=65535, description="HTTP port of the local Elasticsearch node."
    )
    es_transport_port: int = Field(
        default=9300,
        ge=1,
        le=65535,
        description="Transport (node-to-node) port of the local Elasticsearch node.",
    )
    es_heap: str = Field(
        default="1g",
        pattern=r"^[1-9][0-9]*[kKmMgG]$",
        description="JVM heap of the local Elasticsearch node (-Xms and -Xmx), e.g. 512m or 2g.",
    )
    es_java_home: Path | None = Field(
        default=None,
        description=(
            "JDK used to run Elasticsearch; by default the newest JDK under /usr/lib/jvm "
            "that the Elasticsearch version supports."
        ),
    )
    es_home_root: Path | None = Field(
        default=None,
        description=(
            "Folder holding unpacked Elasticsearch distributions and node data; by default "
            "/var/lib/storywatch as root, else $XDG_DATA_HOME/storywatch "
            "(~/.local/share/storywatch). Must be reachable by the Elasticsearch user."
        ),
    )
    es_user: str = Field(
        default="storywatch",
        description=(
            "System user that runs Elasticsearch when Storywatch runs as root "
            "(Elasticsearch refuses to run as root); created if missing."
        ),
    )
    state_dir: Path = Field(
        default=DEFAULT_STATE_DIR,
        description="Local state of the stack: SMTP mailbox, pid files and logs of the SMTP sink.",
    )
    smtp_host: str = Field(
        default="127.0.0.1", description="Address the local SMTP sink listens on."
    )
    smtp_port: int = Field(
        default=2525, ge=1, le=65535, description="Port the local SMTP sink listens on."
    )
    samples_port: int = Field(
        default=8787,
        ge=1,
        le=65535,
        description="Port of the demo's sample-feed server; fixed so article URLs (and so "
        "their document ids) stay the same from one demo run to the next.",
    )

    @property
    def es_url(self) -> str:
        """URL of the local Elasticsearch node."""
        return f"http://127.0.0.1:{self.es_port}"

    @property
    def maildir(self) -> Path:
        """Folder where the SMTP sink stores received messages."""
        return self.state_dir / "mail"
