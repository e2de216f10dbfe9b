"""The installed package must contain every subpackage of the tree."""

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = set()
    for folder, _, files in os.walk(ROOT / "storywatch", followlinks=True):
        if "__init__.py" in files:
            found.add(".".join(Path(folder).relative_to(ROOT).parts))
    assert found == listed


def test_stage_folders_are_linked_into_the_namespace() -> None:
    for stage in ("flows", "parsers", "index", "alerts"):
        link = ROOT / "storywatch" / stage
        assert link.is_symlink(), stage
        assert link.resolve() == (ROOT / stage).resolve()
