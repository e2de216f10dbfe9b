"""The parsers' exception tree.

Every error knows whether it is *transient* (worth retrying: a timeout, a
resource briefly unavailable) or terminal (bad input, bad configuration).
Flows retry only transient ones. "Not an article" is not an error at all: it is
``Article.skip_reason``.
"""

from __future__ import annotations

from pathlib import Path


class ParseError(Exception):
    """Base of every error raised by ``storywatch.parsers``."""

    transient: bool = False


class ConfigError(ParseError):
    """A user configuration file is missing, malformed or invalid.

    Generic on purpose: any YAML file of the project (topics, entities, feeds,
    storylines) reports through it, naming the file, the field and the reason.
    """

    transient = False

    def __init__(
        self,
        path: Path | str,
        field: str | None,
        reason: str,
        *,
        line: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.field = field or None
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.reason}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the error picklable (Prefect and multiprocessing ship exceptions
        # between processes) despite the keyword-only argument.
        return (_rebuild_config_error, (self.path, self.field, self.reason, self.line))


def _rebuild_config_error(
    path: Path, field: str | None, reason: str, line: int | None
) -> ConfigError:
    return ConfigError(path, field, reason, line=line)
