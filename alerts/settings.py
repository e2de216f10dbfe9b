"""Settings of alert delivery: the SMTP server and the sender."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertSettings(BaseSettings):
    """How alerts go out. SMTP credentials come from the environment, never from YAML."""

    model_config = SettingsConfigDict(env_prefix="STORYWATCH_", extra="ignore")

    smtp_host: str = Field("127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(2525, description="SMTP server port (the local sink listens on 2525).")
    smtp_security: Literal["plain", "starttls", "tls"] = Field(
        "plain", description="plain, starttls (upgrade on 587) or tls (implicit, 465)."
    )
    smtp_username: str | None = Field(None, description="SMTP login, if the server wants one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_timeout: float = Field(20.0, description="Seconds to wait for the SMTP server.")
    mail_from: str = Field(
        "Storywatch <storywatch@localhost>", description="From: address of alert emails."
    )
    message_id_domain: str = Field(
        "storywatch.local", description="Domain of the deterministic Message-IDs of alerts."
    )
    templates_dir: Path | None = Field(
        None, description="Folder of email templates overriding the bundled ones (same names)."
    )
    msearch_max_bytes: int = Field(
        10_000_000,
        ge=100_000,
        description="Largest _msearch body when matching storylines; bigger batches are split.",
    )
    max_attempts: int = Field(
        5, ge=1, description="Delivery attempts before an alert stays failed."
    )
