"""``storywatch parse``: the command as a user runs it, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storywatch.cli import app

REPO = Path(__file__).resolve().parents[3]
CONFIG = str(REPO / "config")
DOCUMENTED_KEYS = {
    "url",
    "canonical_url",
    "title",
    "authors",
    "published",
    "updated",
    "lang",
    "site_name",
    "section",
    "description",
    "text",
    "paragraphs",
    "subheadings",
    "subheading_positions",
    "quotes",
    "entities",
    "topics",
    "facts",
    "related",
    "fingerprint",
    "source_kind",
    "skip_reason",
    "problems",
}


def test_parse_html_json(fixtures_dir: Path) -> None:
    page = fixtures_dir / "pages" / "article-template-a.html"
    result = CliRunner().invoke(app, ["parse", str(page), "--json", "--config", CONFIG])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == DOCUMENTED_KEYS
    assert data["title"] == "Harbour dredging plan divides Marlow Bay"
    assert data["source_kind"] == "html" and data["skip_reason"] is None
    assert data["quotes"][0]["speaker"] == "Harriet Osei"
    assert {"title", "url"} == set(data["related"][0])


def test_parse_text_report(fixtures_dir: Path) -> None:
    text = fixtures_dir / "texts" / "quotes-roles-british.txt"
    result = CliRunner().invoke(app, ["parse", str(text), "--text", "--config", CONFIG])
    assert result.exit_code == 0, result.output
    assert "QUOTES" in result.stdout and "Lena Marsk (chief executive)" in result.stdout


def test_unreadable_file_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.html"
    result = CliRunner().invoke(app, ["parse", str(missing), "--json", "--config", CONFIG])
    assert result.exit_code == 1
    assert f"cannot read {missing}" in result.stderr
    assert result.stdout == ""


def test_bad_config_exits_with_code_two(tmp_path: Path, fixtures_dir: Path) -> None:
    page = fixtures_dir / "pages" / "article-template-a.html"
    result = CliRunner().invoke(app, ["parse", str(page), "--config", str(tmp_path)])
    assert result.exit_code == 2
    assert "configuration error" in result.stderr
