from datetime import timedelta
from pathlib import Path

import pytest

from storywatch.configfile import ConfigError
from storywatch.flows.sources import load_feeds, parse_duration


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    return path


def test_durations() -> None:
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("2h") == timedelta(hours=2)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_placeholders_are_filled_and_disabled_feeds_dropped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
feeds:
  - id: wire
    url: "{{samples}}/feeds/wire.rss"
  - id: paused
    url: https://example.org/feed
    enabled: false
""",
    )
    feeds = load_feeds(path, {"samples": "http://127.0.0.1:9/"})
    assert [f.id for f in feeds] == ["wire"]
    assert feeds[0].url == "http://127.0.0.1:9/feeds/wire.rss"


def test_unfilled_placeholder_names_the_feed(tmp_path: Path) -> None:
    path = write(tmp_path, 'feeds:\n  - id: wire\n    url: "{{samples}}/x.rss"\n')
    with pytest.raises(ConfigError) as err:
        load_feeds(path)
    assert "wire" in str(err.value) and "feeds.0.url" in str(err.value)


def test_invalid_entry_reports_file_field_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "feeds:\n  - id: ok\n    url: https://a.example/f\n  - id: Bad Id\n    url: x\n"
    )
    with pytest.raises(ConfigError) as err:
        load_feeds(path)
    message = str(err.value)
    assert "feeds.yaml" in message and "feeds.1.id" in message and "line 4" in message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "feeds:\n  - {id: a, url: 'https://x/1'}\n  - {id: a, url: 'https://x/2'}\n"
    )
    with pytest.raises(ConfigError, match="duplicate feed ids: a"):
        load_feeds(path)
