"""Pick the JDK that runs the local Elasticsearch node."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import StackError

#: Where Debian and Ubuntu (and the Temurin packages) install JDKs.
DEFAULT_JVM_DIRS: tuple[Path, ...] = (Path("/usr/lib/jvm"),)

_JAVA_VERSION = re.compile(r'^JAVA_VERSION="?([^"\s]+)"?\s*$', re.MULTILINE)


@dataclass(frozen=True)
class JavaRuntime:
    """A JDK found on the machine."""

    home: Path
    major: int


def parse_java_major(release_text: str) -> int | None:
    """The Java feature version in a JDK ``release`` file: "1.8.0_292" is 8, "21.0.2" is 21."""
    match = _JAVA_VERSION.search(release_text)
    if match is None:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    if not numbers:
        return None
    # Before Java 9 the feature version came second: 1.8.0_292 is Java 8.
    return numbers[1] if numbers[0] == 1 and len(numbers) > 1 else numbers[0]


def minimum_java_major(es_version: str) -> int:
    """The oldest Java feature version that runs the given Elasticsearch version."""
    major = int(es_version.split(".", 1)[0])
    if major >= 9:
        return 21
    if major == 8:
        return 17
    return 11


def inspect_java_home(home: Path) -> JavaRuntime | None:
    """Describe the JDK at ``home``, or None if it has no ``bin/java`` or no readable version."""
    if not (home / "bin" / "java").is_file():
        return None
    try:
        major = parse_java_major((home / "release").read_text())
    except OSError:
        return None
    return None if major is None else JavaRuntime(home=home, major=major)


def discover_jdks(
    search_dirs: Iterable[Path] = DEFAULT_JVM_DIRS, env: Mapping[str, str] | None = None
) -> list[JavaRuntime]:
    """Every JDK under ``search_dirs`` plus ``$JAVA_HOME``, each once (symlinks resolved)."""
    env = os.environ if env is None else env
    candidates: list[Path] = []
    for folder in search_dirs:
        if folder.is_dir():
            candidates.extend(sorted(folder.iterdir()))
    if env.get("JAVA_HOME"):
        candidates.append(Path(env["JAVA_HOME"]))
    found: dict[Path, JavaRuntime] = {}
    for candidate in candidates:
        real = candidate.resolve()
        if real not in found and (runtime := inspect_java_home(real)) is not None:
            found[real] = runtime
    return list(found.values())


def select_jdk(candidates: Iterable[JavaRuntime], minimum: int) -> JavaRuntime:
    """The newest JDK at least ``minimum``; ties go to the first candidate."""
    usable = [c for c in candidates if c.major >= minimum]
    if not usable:
        seen = ", ".join(f"{c.home} (Java {c.major})" for c in candidates) or "none"
        raise StackError(
            f"Elasticsearch needs Java {minimum} or newer; JDKs found: {seen}. "
            "Install one (e.g. apt-get install temurin-21-jdk or openjdk-21-jdk-headless) "
            "or point STORYWATCH_ES_JAVA_HOME at it."
        )
    best = usable[0]
    for runtime in usable[1:]:
        if runtime.major > best.major:
            best = runtime
    return best


def resolve_java_home(override: Path | None, es_version: str) -> Path:
    """The JDK home to run ``es_version`` with: ``override`` if given (checked), else the newest."""
    minimum = minimum_java_major(es_version)
    if override is None:
        return select_jdk(discover_jdks(), minimum).home
    if not (override / "bin" / "java").is_file():
        raise StackError(f"STORYWATCH_ES_JAVA_HOME={override} has no bin/java; is it a JDK home?")
    runtime = inspect_java_home(override)
    if runtime is not None and runtime.major < minimum:
        raise StackError(
            f"STORYWATCH_ES_JAVA_HOME={override} is Java {runtime.major}; "
            f"Elasticsearch {es_version} needs Java {minimum} or newer."
        )
    return override
