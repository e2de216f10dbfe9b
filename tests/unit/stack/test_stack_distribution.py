from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from storywatch.flows.stack import distribution
from storywatch.flows.stack.distribution import (
    ensure_distribution,
    fetch_distribution,
    maven_artifact_path,
    maven_coordinates,
    unpack_distribution,
)
from storywatch.flows.stack.errors import StackError


def _fake_zip(path: Path, version: str = "9.9.9") -> Path:
    top = f"elasticsearch-{version}"
    with zipfile.ZipFile(path, "w") as archive:
        script = zipfile.ZipInfo(f"{top}/bin/elasticsearch")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        archive.writestr(script, "#!/bin/sh\nexit 0\n")
        archive.writestr(f"{top}/config/elasticsearch.yml", "# defaults\n")
        archive.writestr(f"{top}/lib/server.jar", b"jar")
    return path


def test_coordinates_and_cache_path() -> None:
    assert (
        maven_coordinates("9.5.4")
        == "org.elasticsearch.distribution.integ-test-zip:elasticsearch:9.5.4:zip"
    )
    assert maven_artifact_path(Path("/m2"), "9.5.4") == Path(
        "/m2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/9.5.4/"
        "elasticsearch-9.5.4.zip"
    )


def test_unpack_keeps_exec_bits_and_is_idempotent(tmp_path: Path) -> None:
    archive = _fake_zip(tmp_path / "es.zip")
    home = unpack_distribution(archive, tmp_path / "dist", "9.9.9")
    assert home == tmp_path / "dist" / "elasticsearch-9.9.9"
    assert (home / "bin" / "elasticsearch").stat().st_mode & 0o111
    assert (home / "config" / "elasticsearch.yml").read_text() == "# defaults\n"
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["elasticsearch-9.9.9"]

    marker = home / "lib" / "marker"
    marker.write_text("kept")
    archive.unlink()  # a second call must not need the zip at all
    assert unpack_distribution(archive, tmp_path / "dist", "9.9.9") == home
    assert marker.read_text() == "kept"


def test_unpack_of_a_bad_archive_leaves_nothing_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(StackError, match="could not unpack"):
        unpack_distribution(bad, tmp_path / "dist", "9.9.9")
    assert list((tmp_path / "dist").iterdir()) == []


def test_cached_zip_is_used_without_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = maven_artifact_path(tmp_path / "m2", "9.9.9")
    cached.parent.mkdir(parents=True)
    _fake_zip(cached)
    monkeypatch.setattr(distribution.shutil, "which", lambda name: None)
    home = ensure_distribution("9.9.9", tmp_path / "dist", repository=tmp_path / "m2")
    assert (home / "bin" / "elasticsearch").is_file()


def test_missing_maven_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distribution.shutil, "which", lambda name: None)
    with pytest.raises(StackError, match=r"`mvn` is not installed"):
        fetch_distribution("9.9.9", repository=tmp_path / "m2")


def test_unpublished_version_names_the_override() -> None:
    output = (
        "[ERROR] Failed to execute goal ...: Couldn't download artifact: org.elasticsearch."
        "distribution.integ-test-zip:elasticsearch:zip:9.5.99 was not found in "
        "https://repo.maven.apache.org/maven2 during a previous attempt."
    )
    error = distribution._download_error("9.5.99", output)
    assert "STORYWATCH_ES_VERSION" in str(error)
    assert "not published" in str(error)
    assert not error.transient


def test_network_failure_is_transient() -> None:
    output = "[ERROR] Could not transfer artifact ... Unknown host repo.maven.apache.org"
    error = distribution._download_error("9.5.4", output)
    assert error.transient
    assert "Unknown host" in str(error)
