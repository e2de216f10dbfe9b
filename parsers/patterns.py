"""Regex building blocks shared by topic rules and entity aliases."""

from __future__ import annotations

import re

_HYPHENS = "-‐‑‒–—"
_HYPHEN_CLASS = r"\-‐‑‒–—"


def phrase_regex(phrase: str, *, plural: bool = True, bounded: bool = True) -> str:
    """A regex for ``phrase`` as a whole word: flexible spaces, any hyphen, optional plural.

    "F-35" also matches "F‑35", "F 35"-less spellings are not guessed; "S-400"
    matches "S-400s"; "U.S." matches "U.S." before a hyphen ("U.S.-Turkish").
    """
    parts: list[str] = []
    for char in phrase.strip():
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif char in _HYPHENS:
            parts.append(f"[{_HYPHEN_CLASS}]?")
        elif char in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    suffix = r"(?:s|['’]s)?" if plural and phrase[-1:].isalnum() else ""
    if not bounded:
        return body + suffix
    return rf"(?<![\w{_HYPHEN_CLASS}]){body}{suffix}(?!\w)"


#: Word boundaries of :func:`phrase_regex`, to wrap one big alternation once.
WORD_START = rf"(?<![\w{_HYPHEN_CLASS}])"
WORD_END = r"(?!\w)"


def compile_regex(pattern: str, *, case_sensitive: bool) -> re.Pattern[str]:
    """Compile a user pattern (raises re.error with the reason on bad syntax)."""
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


def check_regex(pattern: str) -> str:
    """Pydantic validator helper: a regex that does not compile is a config error."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


def word_set(words: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of ``words`` (keeps word lists compact)."""
    return frozenset(words.split())
