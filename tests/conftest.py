"""Shared pytest configuration.

Deliberately empty of fixtures that need services: unit tests must run
anywhere, offline. Service fixtures (Elasticsearch, SMTP, HTTP) live in
tests/integration/conftest.py.
"""
