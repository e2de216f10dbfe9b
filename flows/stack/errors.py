"""The one exception tree of the local stack."""

from __future__ import annotations


class StackError(Exception):
    """A local-stack service could not be set up, started, stopped or reached.

    ``transient`` says whether trying again later may succeed (a network hiccup
    while downloading, a node slow to turn healthy) as opposed to needing a fix
    (missing tool, unknown version, unwritable folder).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
