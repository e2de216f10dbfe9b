"""Build the Elasticsearch client from settings (TLS and auth for real clusters)."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from .settings import EsSettings


def build_client(settings: EsSettings) -> Elasticsearch:
    """A client for the configured cluster; nothing is sent until first use."""
    options: dict[str, Any] = {
        "request_timeout": settings.es_timeout,
        "retry_on_timeout": True,
        "max_retries": 2,
    }
    if settings.es_api_key is not None:
        options["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username is not None:
        password = settings.es_password.get_secret_value() if settings.es_password else ""
        options["basic_auth"] = (settings.es_username, password)
    if settings.es_ca_certs is not None:
        options["ca_certs"] = str(settings.es_ca_certs)
    if not settings.es_verify_certs:
        options["verify_certs"] = False
        options["ssl_show_warn"] = False
    return Elasticsearch(settings.hosts, **options)
