"""Shared fixtures for the parser tests: the project's compiled configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.parsers.enrich import Knowledge, load_knowledge

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(REPO / "config")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return REPO / "tests" / "fixtures"
