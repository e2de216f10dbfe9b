from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from storywatch.flows.stack.settings import StackSettings
from storywatch.paths import DEFAULT_STATE_DIR


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ES_VERSION", "ES_PORT", "ES_HEAP", "STATE_DIR", "SMTP_PORT", "ES_JAVA_HOME"):
        monkeypatch.delenv(f"STORYWATCH_{name}", raising=False)
    settings = StackSettings()
    assert settings.es_version == "9.5.4"
    assert settings.es_port == 9200
    assert settings.es_transport_port == 9300
    assert settings.es_heap == "1g"
    assert settings.es_java_home is None
    assert settings.state_dir == DEFAULT_STATE_DIR
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 2525)
    assert settings.es_user == "storywatch"
    assert settings.es_url == "http://127.0.0.1:9200"
    assert settings.maildir == DEFAULT_STATE_DIR / "mail"


def test_environment_overrides_and_unrelated_variables_are_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STORYWATCH_ES_PORT", "9250")
    monkeypatch.setenv("STORYWATCH_ES_HEAP", "512m")
    monkeypatch.setenv("STORYWATCH_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("STORYWATCH_SOMETHING_FOR_ANOTHER_PACKAGE", "x")
    settings = StackSettings()
    assert settings.es_port == 9250
    assert settings.es_heap == "512m"
    assert settings.maildir == tmp_path / "mail"


@pytest.mark.parametrize(
    ("name", "value"),
    [("ES_HEAP", "lots"), ("ES_PORT", "70000"), ("ES_VERSION", "9.5"), ("SMTP_PORT", "0")],
)
def test_invalid_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"STORYWATCH_{name}", value)
    with pytest.raises(ValidationError):
        StackSettings()


def test_every_field_is_documented() -> None:
    for name, field in StackSettings.model_fields.items():
        assert field.description, name
