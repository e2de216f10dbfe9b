"""Shared fixtures for the parser tests: the project's compiled configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.parsers.enrich import Knowledge

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.from_config_dir(REPO / "config")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return REPO / "tests" / "fixtures"
