"""``storywatch storylines check``: a clear error naming file, line and field (no services)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storywatch.cli import app
from storywatch.paths import PROJECT_ROOT


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "300")  # rich wraps long error lines otherwise
    folder = tmp_path / "config"
    folder.mkdir()
    shutil.copyfile(PROJECT_ROOT / "config" / "storylines.yaml", folder / "storylines.yaml")
    return folder


def test_valid_storylines_are_listed(config: Path) -> None:
    result = CliRunner().invoke(app, ["storylines", "check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 4
    assert lines[0] == (
        "turkey-s400-purchase: Turkey's S-400 purchase (enabled, immediate, 2 recipient(s))"
    )


def test_a_broken_field_is_named_with_file_and_line(config: Path) -> None:
    path = config / "storylines.yaml"
    text = path.read_text()
    lines = text.splitlines()
    # The second storyline's recipients get an address that is not one.
    target = next(
        i for i, line in enumerate(lines) if line.strip() == "- industry-desk@example.org"
    )
    lines[target] = lines[target].replace("industry-desk@example.org", "industry desk")
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["storylines", "check", "--config", str(config)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"{path}, line {target + 1}, field 'storylines.1.recipients.1':" in message
    assert "email address" in message


def test_unparseable_yaml_is_refused_with_its_line(config: Path) -> None:
    path = config / "storylines.yaml"
    path.write_text("storylines:\n  - id: a\n    title: [unclosed\n")
    result = CliRunner().invoke(app, ["storylines", "check", "--config", str(config)])
    assert result.exit_code == 2
    assert f"{path}, line " in result.output and "invalid YAML" in result.output


def test_an_undefined_webhook_is_refused(config: Path) -> None:
    path = config / "storylines.yaml"
    path.write_text(
        "storylines:\n  - id: a\n    title: A\n    query: x\n    channels: [webhook:ops]\n"
    )
    result = CliRunner().invoke(app, ["storylines", "check", "--config", str(config)])
    assert result.exit_code == 2
    assert "webhook 'ops'" in result.output and "not defined under webhooks" in result.output
