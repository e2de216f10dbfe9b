"""A small, dependency-free language guess from stopwords and scripts.

Good enough to route news text (which is long and full of function words); it
answers ``None`` rather than guess when the evidence is thin.
"""

from __future__ import annotations

import re
from collections import Counter

from storywatch.parsers.patterns import word_set

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": word_set(
        """
        the of and to in a is that for on with as was by it at from are be this have has
        said not but an or its were which their would been will he she they
        """
    ),
    "de": word_set(
        """
        der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als
        auch es an werden aus er hat dass sie nach wird bei noch wie einer um
        """
    ),
    "fr": word_set(
        """
        le la les de des du et en un une est que qui dans pour pas sur au avec il elle ce se
        sont par plus aux ont été mais ou cette
        """
    ),
    "es": word_set(
        """
        el la los las de del y en que un una es por con para se no al lo como más pero sus
        su ha fue este esta entre
        """
    ),
    "it": word_set(
        """
        il lo la gli le di del della e che un una è per non con si da al nel sono alla come
        anche più ma ha dei delle
        """
    ),
    "pt": word_set(
        """
        o a os as de do da dos das e que um uma é em para com não por se na no ao mais como
        mas foi são pelo pela
        """
    ),
    "nl": word_set(
        """
        de het een en van in is dat op te met voor zijn niet aan er ook als bij door maar om
        dan wordt nog naar
        """
    ),
    "tr": word_set(
        """
        ve bir bu da de ile için olarak daha çok gibi en ama olan ancak kadar sonra göre her
        ise değil
        """
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04FF]")),
    ("ar", re.compile(r"[\u0600-\u06FF]")),
    ("ja", re.compile(r"[\u3040-\u30FF]")),
    ("zh", re.compile(r"[\u4E00-\u9FFF]")),
    ("ko", re.compile(r"[\uAC00-\uD7AF]")),
    ("he", re.compile(r"[\u0590-\u05FF]")),
    ("el", re.compile(r"[\u0370-\u03FF]")),
)
_SAMPLE_CHARS = 20_000


def guess_language(text: str) -> str | None:
    """Return an ISO 639-1 code for ``text``, or None when unsure."""
    sample = text[:_SAMPLE_CHARS]
    if not sample.strip():
        return None
    # Japanese kana must win over the CJK ideographs that Japanese also uses.
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) > len(sample) * 0.2:
            return code
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    counts = Counter(words)
    scores = {
        code: sum(counts[w] for w in stops) / len(words) for code, stops in _STOPWORDS.items()
    }
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= 0.08 else None


def normalize_lang(value: str | None) -> str | None:
    """Reduce "en-US", "en_GB", "EN" to "en"; None for empty or junk values."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
