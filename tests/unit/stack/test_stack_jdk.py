from __future__ import annotations

from pathlib import Path

import pytest

from storywatch.flows.stack.errors import StackError
from storywatch.flows.stack.jdk import (
    JavaRuntime,
    discover_jdks,
    minimum_java_major,
    parse_java_major,
    resolve_java_home,
    select_jdk,
)


def _fake_jdk(path: Path, version: str | None) -> Path:
    (path / "bin").mkdir(parents=True)
    (path / "bin" / "java").write_text("#!/bin/sh\n")
    if version is not None:
        (path / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{version}"\n')
    return path


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ('JAVA_VERSION="17.0.15"\nJAVA_VERSION_DATE="2025-04-15"\n', 17),
        ('JAVA_VERSION="25.0.3"\n', 25),
        ('JAVA_VERSION="1.8.0_292"\n', 8),
        ('JAVA_VERSION="21"\n', 21),
        ('JAVA_VERSION="22-ea"\n', 22),
        ('JAVA_VERSION_DATE="2025-04-15"\n', None),
        ("", None),
    ],
)
def test_parse_java_major(text: str, major: int | None) -> None:
    assert parse_java_major(text) == major


@pytest.mark.parametrize(
    ("es", "java"), [("9.5.4", 21), ("10.0.0", 21), ("8.19.2", 17), ("7.17.0", 11)]
)
def test_minimum_java_major(es: str, java: int) -> None:
    assert minimum_java_major(es) == java


def test_select_picks_the_newest_sufficient_jdk() -> None:
    jdks = [
        JavaRuntime(Path("/jvm/17"), 17),
        JavaRuntime(Path("/jvm/25"), 25),
        JavaRuntime(Path("/jvm/21"), 21),
    ]
    assert select_jdk(jdks, 21).home == Path("/jvm/25")


def test_select_explains_what_it_found_and_the_override() -> None:
    with pytest.raises(StackError) as caught:
        select_jdk([JavaRuntime(Path("/jvm/17"), 17)], 21)
    message = str(caught.value)
    assert "Java 21" in message and "/jvm/17 (Java 17)" in message
    assert "STORYWATCH_ES_JAVA_HOME" in message
    assert not caught.value.transient


def test_discover_reads_release_files_and_collapses_symlinks(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm / "java-17-openjdk-amd64", "17.0.15")
    _fake_jdk(jvm / "temurin-25-jdk-amd64", "25.0.3")
    _fake_jdk(jvm / "broken", None)
    (jvm / "java-1.17.0-openjdk-amd64").symlink_to(jvm / "java-17-openjdk-amd64")
    (jvm / "not-a-jdk").mkdir()
    found = discover_jdks([jvm], env={})
    assert sorted((j.home.name, j.major) for j in found) == [
        ("java-17-openjdk-amd64", 17),
        ("temurin-25-jdk-amd64", 25),
    ]
    assert select_jdk(found, 21).home == (jvm / "temurin-25-jdk-amd64").resolve()


def test_discover_includes_java_home(tmp_path: Path) -> None:
    home = _fake_jdk(tmp_path / "opt-jdk", "21.0.4")
    assert discover_jdks([tmp_path / "missing"], env={"JAVA_HOME": str(home)}) == [
        JavaRuntime(home.resolve(), 21)
    ]


def test_override_is_checked(tmp_path: Path) -> None:
    old = _fake_jdk(tmp_path / "old", "17.0.1")
    new = _fake_jdk(tmp_path / "new", "21.0.1")
    assert resolve_java_home(new, "9.5.4") == new
    with pytest.raises(StackError, match="Java 17"):
        resolve_java_home(old, "9.5.4")
    with pytest.raises(StackError, match="no bin/java"):
        resolve_java_home(tmp_path / "nothing", "9.5.4")
