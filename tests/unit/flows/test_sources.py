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
    loaded = load_feeds(path, {"samples": "http://127.0.0.1:9/"})
    assert [f.id for f in loaded.usable] == ["wire"] and loaded.problems == ()
    assert loaded.usable[0].url == "http://127.0.0.1:9/feeds/wire.rss"
    assert [f.id for f in loaded.configured] == ["wire"]


def test_unfilled_placeholder_names_the_feed(tmp_path: Path) -> None:
    path = write(tmp_path, 'feeds:\n  - id: wire\n    url: "{{samples}}/x.rss"\n')
    loaded = load_feeds(path)
    (problem,) = loaded.problems
    assert loaded.usable == () and [f.id for f in loaded.configured] == ["wire"]
    assert "feeds[id=wire].url" in str(problem) and "{{samples}}" in str(problem)


def test_a_bad_entry_is_reported_and_the_others_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "feeds:\n"
        "  - id: ok\n"
        "    url: https://a.example/f\n"
        "  - id: Bad Id\n"
        "    url: x\n"
        "  - id: later\n"
        "    url: https://b.example/f\n"
        "    poll_interval: soon\n",
    )
    loaded = load_feeds(path)
    assert [f.id for f in loaded.usable] == ["ok"]
    first, second = (str(p) for p in loaded.problems)
    assert "feeds.yaml, line 4, field 'feeds.1.id'" in first
    assert "line 8, field 'feeds.2.poll_interval'" in second and "not a duration" in second


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path, "feeds:\n  - {id: a, url: 'https://x/1'}\n  - {id: a, url: 'https://x/2'}\n"
    )
    loaded = load_feeds(path)
    (problem,) = loaded.problems
    assert [f.url for f in loaded.usable] == ["https://x/1"]
    assert "line 3, field 'feeds.1.id': duplicate id 'a'" in str(problem)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("feeds: [unclosed\n", "invalid YAML"),
        ("feeds: {a: 1}\n", "should be a list"),
        ("- just a list\n", "expected a mapping"),
        ("feed: []\n", "unknown top-level key"),
    ],
)
def test_unusable_files_raise(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_feeds(write(tmp_path, text))
