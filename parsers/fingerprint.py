"""Near-duplicate fingerprints: 64-bit SimHash over word shingles.

Syndicated copies of one story (same wire text, different page furniture, a
changed headline or an added paragraph) land within a few bits of each other;
different stories land about 32 bits apart.
"""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
_BITS = 64
_MASK = (1 << _BITS) - 1
# Bit counting is vectorised through big integers: each digest bit is spread
# into its own 20-bit lane, so summing spread digests counts every bit position
# at C speed. 20 bits hold up to a million shingles; longer texts are capped.
_LANE = 20
_MAX_SHINGLES = (1 << _LANE) - 1
_SPREAD_BYTE = tuple(
    sum(1 << (bit * _LANE) for bit in range(8) if value >> bit & 1) for value in range(256)
)
#: Hamming distance at or below which two fingerprints are the same story.
NEAR_DUPLICATE_BITS = 6


def simhash(text: str, shingle: int = 3) -> int | None:
    """SimHash of ``text`` as a signed 64-bit integer (an Elasticsearch ``long``); None if empty."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    grams = (
        [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
        if len(words) >= shingle
        else [" ".join(words)]
    )
    grams = grams[:_MAX_SHINGLES]
    lanes = 0
    for gram in grams:
        digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
        # digest[7] holds bits 0-7 of the big-endian integer, digest[0] bits 56-63.
        for i, byte in enumerate(reversed(digest)):
            lanes += _SPREAD_BYTE[byte] << (i * 8 * _LANE)
    half, lane_mask = len(grams) / 2, (1 << _LANE) - 1
    value = sum(1 << bit for bit in range(_BITS) if (lanes >> (bit * _LANE)) & lane_mask > half)
    return value - (1 << _BITS) if value >= 1 << (_BITS - 1) else value


def hamming_distance(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints (signed or unsigned)."""
    return ((a ^ b) & _MASK).bit_count()


def is_near_duplicate(a: int, b: int, max_bits: int = NEAR_DUPLICATE_BITS) -> bool:
    """True when two fingerprints are close enough to be copies of one story."""
    return hamming_distance(a, b) <= max_bits
