"""Where Storywatch finds its bundled data and keeps local state."""

from __future__ import annotations

from pathlib import Path

#: The source checkout (the folder holding pyproject.toml, config/ and samples/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Sample feeds and article pages bundled for the offline demo.
SAMPLES_DIR = PROJECT_ROOT / "samples"
#: The default configuration folder.
DEFAULT_CONFIG_DIR = Path("config")
#: Local state of the demo stack (logs, mailbox, Prefect home); never committed.
DEFAULT_STATE_DIR = PROJECT_ROOT / "var"
