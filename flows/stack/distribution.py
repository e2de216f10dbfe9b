"""Fetch the Elasticsearch integration-test distribution from Maven Central and unpack it once."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .errors import StackError

_GROUP = "org.elasticsearch.distribution.integ-test-zip"
_ARTIFACT = "elasticsearch"
#: Maven may spend a while on a slow mirror; the zip is about 100 MB.
_MVN_TIMEOUT_SECONDS = 900
_NOT_SERVED_MARKERS = ("was not found in", "Could not find artifact")


def maven_coordinates(version: str) -> str:
    """The ``group:artifact:version:packaging`` of the distribution, as ``mvn`` takes it."""
    return f"{_GROUP}:{_ARTIFACT}:{version}:zip"


def maven_artifact_path(repository: Path, version: str) -> Path:
    """Where a Maven local repository keeps the distribution zip of ``version``."""
    group_path = Path(*_GROUP.split("."))
    return repository / group_path / _ARTIFACT / version / f"{_ARTIFACT}-{version}.zip"


def default_maven_repository() -> Path:
    """Maven's default local repository (``~/.m2/repository``)."""
    return Path.home() / ".m2" / "repository"


def fetch_distribution(version: str, *, repository: Path | None = None) -> Path:
    """The distribution zip in the Maven cache, downloaded with ``mvn`` if missing."""
    repository = repository or default_maven_repository()
    cached = maven_artifact_path(repository, version)
    if cached.is_file():
        return cached
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            f"Elasticsearch {version} is not in the Maven cache ({cached}) and `mvn` is not "
            "installed to fetch it from Maven Central; install Maven (apt-get install maven)."
        )
    command = [
        mvn,
        "-q",
        "-B",
        "dependency:get",
        f"-Dartifact={maven_coordinates(version)}",
        "-Dtransitive=false",
        f"-Dmaven.repo.local={repository}",
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=_MVN_TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise StackError(
            f"mvn did not finish downloading Elasticsearch {version} "
            f"within {_MVN_TIMEOUT_SECONDS} s",
            transient=True,
        ) from exc
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise _download_error(version, output)
    if not cached.is_file():
        raise StackError(f"mvn reported success but {cached} does not exist:\n{output[-2000:]}")
    return cached


def _download_error(version: str, output: str) -> StackError:
    errors = [line for line in output.splitlines() if "[ERROR]" in line][:3]
    detail = "\n".join(errors) or output[-2000:]
    if any(marker in output for marker in _NOT_SERVED_MARKERS):
        return StackError(
            f"Elasticsearch {version} is not published on Maven Central as {_GROUP}; "
            "set STORYWATCH_ES_VERSION to a version that is (e.g. 9.5.4).\n" + detail
        )
    return StackError(
        f"mvn could not download Elasticsearch {version} (network or Maven setup?); "
        f"to use another version set STORYWATCH_ES_VERSION.\n{detail}",
        transient=True,
    )


def unpack_distribution(zip_path: Path, dist_root: Path, version: str) -> Path:
    """Unpack ``zip_path`` into ``dist_root/elasticsearch-<version>`` once; return that folder.

    The archive is unpacked into a temporary sibling folder and renamed into
    place, so a crash or a concurrent run never leaves a half-unpacked node.
    """
    target = dist_root / f"elasticsearch-{version}"
    if (target / "bin" / "elasticsearch").is_file():
        return target
    dist_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=dist_root, prefix=f".unpack-{version}-"))
    try:
        top = _extract(zip_path, scratch)
        try:
            top.rename(target)
        except OSError:
            # Another process won the race; its copy is as good as ours.
            if not (target / "bin" / "elasticsearch").is_file():
                raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise StackError(f"could not unpack {zip_path} into {dist_root}: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _extract(zip_path: Path, scratch: Path) -> Path:
    """Extract keeping the Unix permission bits (zipfile drops them); return the top folder."""
    # mkdtemp makes the folder private; the node user must be able to read it.
    scratch.chmod(0o755)
    with zipfile.ZipFile(zip_path) as archive:
        tops = {PurePosixPath(name).parts[0] for name in archive.namelist() if name.strip("/")}
        if len(tops) != 1:
            raise StackError(f"{zip_path} should hold one top folder, found {sorted(tops)}")
        for member in archive.infolist():
            extracted = Path(archive.extract(member, scratch))
            mode = (member.external_attr >> 16) & 0o777
            if mode:
                extracted.chmod(mode | (0o755 if member.is_dir() else 0o644))
            elif member.is_dir():
                extracted.chmod(0o755)
    top = scratch / tops.pop()
    if not (top / "bin" / "elasticsearch").is_file():
        raise StackError(f"{zip_path} does not look like an Elasticsearch distribution")
    return top


def ensure_distribution(version: str, dist_root: Path, *, repository: Path | None = None) -> Path:
    """Download (if needed) and unpack (once) Elasticsearch ``version``; return its home folder."""
    target = dist_root / f"elasticsearch-{version}"
    if (target / "bin" / "elasticsearch").is_file():
        return target
    zip_path = fetch_distribution(version, repository=repository)
    return unpack_distribution(zip_path, dist_root, version)
