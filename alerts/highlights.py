"""Highlighted passages from Elasticsearch, turned into balanced pieces of marked text.

Elasticsearch wraps each matched term in :data:`~.matching.HIGHLIGHT_PRE` and
:data:`~.matching.HIGHLIGHT_POST`. Two things go wrong on the way:

* Elasticsearch trims each passage the way Java's ``String.trim()`` does, dropping every
  character up to U+0020 at both ends, and the markers are control characters: a match
  at the very start of a passage loses its opening marker, one at the very end its
  closing marker.
* Each token is marked on its own, so ``S-400`` comes back as ``S`` and ``400`` marked
  apart, joined by an unmarked hyphen.

:func:`passage_pieces` repairs both; the email templates render its pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .matching import HIGHLIGHT_POST, HIGHLIGHT_PRE

_MARKER = re.compile(f"([{HIGHLIGHT_PRE}{HIGHLIGHT_POST}])")
_SPACE = re.compile(r"\s+")
#: What may join two marked pieces into one: hyphens, dashes, slashes and spaces.
_JOINER = re.compile(r"[\s\-‐‑‒–/]{1,3}")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of passage text, marked (a matched term) or not."""

    text: str
    marked: bool


def passage_pieces(passage: str) -> list[Piece]:
    """The passage as alternating unmarked and marked pieces, whitespace collapsed.

    A closing marker with no opening one before it means the opening one was trimmed
    away at the start; an opening marker never closed runs to the end of the passage.
    Marked pieces joined only by a hyphen or a space become one piece.
    """
    first_pre = passage.find(HIGHLIGHT_PRE)
    first_post = passage.find(HIGHLIGHT_POST)
    marked = first_post != -1 and (first_pre == -1 or first_post < first_pre)
    raw: list[Piece] = []
    for part in _MARKER.split(passage):
        if part == HIGHLIGHT_PRE:
            marked = True
        elif part == HIGHLIGHT_POST:
            marked = False
        elif part:
            raw.append(Piece(part, marked))
    return _merge(_bridge(_collapse(raw)))


def _collapse(pieces: list[Piece]) -> list[Piece]:
    """Whitespace runs made single spaces; the passage's own ends stripped."""
    out = [Piece(_SPACE.sub(" ", p.text), p.marked) for p in pieces]
    if out:
        out[0] = Piece(out[0].text.lstrip(), out[0].marked)
        out[-1] = Piece(out[-1].text.rstrip(), out[-1].marked)
    return [p for p in out if p.text]


def _bridge(pieces: list[Piece]) -> list[Piece]:
    """Mark an unmarked joiner that sits between two marked pieces ("S" "-" "400")."""
    out = list(pieces)
    for i in range(1, len(out) - 1):
        piece = out[i]
        between = not piece.marked and out[i - 1].marked and out[i + 1].marked
        if between and _JOINER.fullmatch(piece.text):
            out[i] = Piece(piece.text, True)
    return out


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Adjacent pieces with the same marking as one piece."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].marked == piece.marked:
            out[-1] = Piece(out[-1].text + piece.text, piece.marked)
        else:
            out.append(piece)
    return out


def cut_pieces(pieces: list[Piece], limit: int) -> list[Piece]:
    """The pieces cut to at most ``limit`` characters in all (an ellipsis marks the cut),
    never leaving a marked piece half open."""
    out: list[Piece] = []
    used = 0
    for piece in pieces:
        room = limit - used
        if len(piece.text) <= room:
            out.append(piece)
            used += len(piece.text)
            continue
        if room > 1:
            out.append(Piece(piece.text[: room - 1].rstrip() + "…", piece.marked))
        break
    return out
