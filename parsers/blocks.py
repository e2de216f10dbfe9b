"""Body blocks shared by the HTML and the plain-text parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "heading"]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph or subheading of an article body, in reading order."""

    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Body:
    """Paragraphs and subheadings, with where each subheading sits."""

    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    subheading_positions: tuple[int, ...]


def clean_inline(text: str) -> str:
    """Collapse whitespace runs and drop invisible characters (soft hyphens, ZWSP, BOM)."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def assemble_body(blocks: list[Block]) -> Body:
    """Split blocks into paragraphs and subheadings, dropping empty ones.

    A subheading with no paragraph after it (a trailing "Comments" heading, say)
    is dropped: it structures nothing.
    """
    paragraphs: list[str] = []
    subheadings: list[str] = []
    positions: list[int] = []
    pending: list[str] = []
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.kind == "heading":
            pending.append(text)
            continue
        for heading in pending:
            subheadings.append(heading)
            positions.append(len(paragraphs))
        pending.clear()
        paragraphs.append(text)
    return Body(tuple(paragraphs), tuple(subheadings), tuple(positions))
