"""Connection and naming settings for Elasticsearch."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EsSettings(BaseSettings):
    """How to reach Elasticsearch and how to name Storywatch's indices."""

    model_config = SettingsConfigDict(env_prefix="STORYWATCH_", extra="ignore")

    es_url: str = Field(
        "http://127.0.0.1:9200",
        description="Elasticsearch URL; comma-separate several nodes of one cluster.",
    )
    es_username: str | None = Field(None, description="Basic-auth user for a secured cluster.")
    es_password: SecretStr | None = Field(None, description="Basic-auth password.")
    es_api_key: SecretStr | None = Field(None, description="API key (instead of user/password).")
    es_ca_certs: Path | None = Field(None, description="CA bundle to verify the cluster's TLS.")
    es_verify_certs: bool = Field(True, description="Verify TLS certificates (keep on).")
    es_timeout: float = Field(30.0, description="Per-request timeout in seconds.")
    index_prefix: str = Field(
        "storywatch",
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Prefix of every index, alias and template Storywatch creates.",
    )

    @property
    def hosts(self) -> list[str]:
        """The node URLs, one per comma-separated entry of ``es_url``."""
        return [u.strip() for u in self.es_url.split(",") if u.strip()]
