"""Configuration files fail with file, line, field and reason."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from storywatch.configfile import load_yaml_model
from storywatch.parsers.enrich import Knowledge
from storywatch.parsers.errors import ConfigError, ParseError
from storywatch.parsers.topics import TopicsFile


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_regex_names_field_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "topics:\n  - id: thing\n    rules:\n      - phrase: ok\n      - pattern: '(unclosed'\n",
    )
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, TopicsFile)
    error = info.value
    assert error.field == "topics.0.rules.1.pattern"
    assert error.line == 5
    assert "invalid regular expression" in str(error)
    assert str(path) in str(error)
    assert isinstance(error, ParseError) and not error.transient


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "topics:\n  - id: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, TopicsFile)
    assert info.value.line is not None and "invalid YAML" in info.value.reason


def test_unknown_key_and_missing_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "topics:\n  - id: thing\n    rulez: []\n    rules: [{phrase: x}]\n")
    with pytest.raises(ConfigError, match="rulez"):
        load_yaml_model(path, TopicsFile)
    with pytest.raises(ConfigError, match="file not found"):
        Knowledge.from_config_dir(tmp_path / "nowhere")


def test_duplicate_topic_ids(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "topics:\n  - {id: a, rules: [{phrase: x}]}\n  - {id: a, rules: [{phrase: y}]}\n"
    )
    with pytest.raises(ConfigError, match="defined twice"):
        load_yaml_model(path, TopicsFile)


def test_config_error_pickles() -> None:
    error = ConfigError("config/x.yaml", "a.b", "bad", line=3)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_shipped_config_loads() -> None:
    knowledge = Knowledge.from_config_dir(Path(__file__).resolve().parents[3] / "config")
    assert {t.id for t in knowledge.topics} == {"s-400", "f-35", "caatsa-sanctions", "patriot"}
