"""Running Elasticsearch as an unprivileged user when Storywatch runs as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from .errors import StackError


def runuser_path() -> str:
    """The ``runuser`` binary (util-linux), needed to drop root for the node."""
    runuser = shutil.which("runuser")
    if runuser is None:
        raise StackError("running Elasticsearch as root needs `runuser` (util-linux)")
    return runuser


def ensure_system_user(name: str) -> None:
    """Create system user ``name`` (no home, no login shell) unless it exists."""
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise StackError(
            f"Elasticsearch refuses to run as root and user {name!r} does not exist; "
            "`useradd` is missing to create it: create it yourself or set STORYWATCH_ES_USER"
        )
    done = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise StackError(f"could not create system user {name!r}: {done.stderr.strip()}")


def chown_tree(root: Path, user: str) -> None:
    """Give ``root`` and everything below it to ``user`` (symlinks themselves, not targets)."""
    entry = pwd.getpwnam(user)
    os.chown(root, entry.pw_uid, entry.pw_gid)
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            os.chown(Path(folder) / name, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def check_reachable(user: str, executable: Path, writable: Path) -> None:
    """Fail early, and clearly, when ``user`` cannot run ``executable`` or write ``writable``.

    Typically a parent folder is private (under /root, or a root-only clone).
    """
    probe = ["test", "-x", str(executable), "-a", "-w", str(writable)]
    done = subprocess.run(
        [runuser_path(), "-u", user, "--", *probe], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise StackError(
            f"user {user!r} cannot run {executable} or write {writable}; a parent folder is "
            "probably private. Set STORYWATCH_ES_HOME_ROOT to a folder it can reach, "
            "e.g. /var/lib/storywatch."
        )
