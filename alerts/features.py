"""What an article brings to a storyline: people, organisations, quotes, facts, key terms,
and sketches of its wording for the copy check. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storywatch.index.documents import StoredArticle


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
#: Size of the bottom-k shingle sketch kept per article.
SKETCH_SIZE = 32
#: Last words that make a "person" the parser found an institution ("Air Force").
_INSTITUTION_WORDS = _words(
    "force forces department ministry committee council agency office army navy senate "
    "house court party bank forum institute university company group association union "
    "command industries presidency administration government"
)
#: Capitalised words that start sentences rather than names ("Under CAATSA").
_LEADING_NOISE = _words(
    "a an the under in on at for after before as by if when while with from this that "
    "these those its their his her our but and or"
)
_STOPWORDS = _words(
    """about above after again against among because been before being below between both
    could did does doing down during each from further have having here into itself just
    more most other over own same should some such than that their theirs them then there
    these they this those through under until very were what when where which while whom
    will with would your said says also year years told like only still even much many
    week weeks month months"""
)
_MIN_QUOTE_WORDS = 6
#: Reported speech is shorter than quotes ("estimated the cost at $2.5 billion").
_MIN_STATEMENT_WORDS = 3
#: A name no configured entity explains is a notable term once the text repeats it.
_NOTABLE_MENTIONS = 2


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """A full quote (fragments dropped) with its resolved speaker."""

    speaker: str | None
    text: str
    role: str | None = None
    #: Reported speech ("X said that ...", "according to X"), shown without quote marks.
    indirect: bool = False

    @property
    def key(self) -> str:
        """A short stable key: who said it and a hash of the words."""
        words = " ".join(w.casefold() for w in _WORD.findall(self.text))
        digest = hashlib.blake2b(words.encode(), digest_size=8).hexdigest()
        return f"{norm(self.speaker or '')}|{digest}"


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """An article reduced to what novelty compares."""

    article_id: str
    source: str
    outlet: str
    people: tuple[str, ...]
    organizations: tuple[str, ...]
    key_terms: tuple[str, ...]
    facts: tuple[str, ...]
    quotes: tuple[QuoteItem, ...]
    fingerprint: int | None
    sketch: tuple[int, ...]
    terms: tuple[str, ...]
    #: (fact, the sentence it comes from) for the facts above that have one.
    fact_sentences: tuple[tuple[str, str], ...] = ()
    #: Key terms worth showing on a first report: configured systems, laws and places,
    #: and other names the article repeats.
    notable_terms: tuple[str, ...] = ()

    def sentence_of(self, fact: str) -> str | None:
        """The sentence ``fact`` comes from, if known."""
        return next((s for f, s in self.fact_sentences if f == fact), None)


def norm(value: str) -> str:
    """The comparison form of a name or fact: case-folded, single-spaced."""
    return _SPACE.sub(" ", value).strip().casefold()


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = norm(value)
        if key and key not in seen:
            seen.add(key)
            out.append(value.strip())
    return tuple(out)


def _strip_noise(name: str) -> str:
    words = name.split()
    while words and words[0].casefold() in _LEADING_NOISE:
        words = words[1:]
    return " ".join(words)


def resolve_people(article: StoredArticle) -> dict[str, str]:
    """Map every person mention (entity or quote speaker) to its fullest name in the article.

    The parser often knows "Ekinci" as a person and "Murat Ekinci" only as a candidate
    name; the fuller form is what an analyst wants to read.
    """
    people = list(article.entities.get("person", ()))
    people += [q.speaker for q in (*article.quotes, *article.statements) if q.speaker]
    full = [n for n in people + list(article.entities.get("candidate", ())) if " " in n.strip()]
    resolved: dict[str, str] = {}
    for name in people:
        best = name
        if " " not in name.strip():
            longer = [f for f in full if f.split()[-1].casefold() == name.strip().casefold()]
            best = max(longer, key=len) if longer else name
        resolved[name] = best
    return resolved


def _is_person(name: str, not_people: set[str]) -> bool:
    words = name.split()
    return (
        bool(words)
        and words[-1].casefold() not in _INSTITUTION_WORDS
        and (norm(name) not in not_people)
    )


def _facts(article: StoredArticle) -> tuple[str, ...]:
    raw = _unique([*article.facts.money, *article.facts.dates, *article.facts.counts])
    # "2027" says nothing "October 2027" in the same article does not.
    return tuple(f for f in raw if not any(contains_phrase(o, f) for o in raw if o != f))


def contains_phrase(longer: str, shorter: str) -> bool:
    """True when ``shorter`` occurs in ``longer`` as whole words (case-insensitive)."""
    a, b = norm(longer), norm(shorter)
    return a != b and re.search(rf"(?<!\w){re.escape(b)}(?!\w)", a) is not None


def shingles(text: str, size: int = 3) -> set[str]:
    """Lower-cased word ``size``-grams of ``text``."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def sketch(text: str, k: int = SKETCH_SIZE) -> tuple[int, ...]:
    """Bottom-k sketch of the text's shingles (32-bit hashes): a Jaccard estimator."""
    hashes = {
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big")
        for s in shingles(text)
    }
    return tuple(sorted(hashes)[:k])


def estimate_jaccard(a: Sequence[int], b: Sequence[int], k: int = SKETCH_SIZE) -> float:
    """Jaccard similarity of two texts estimated from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def vocabulary(text: str, limit: int = 200) -> tuple[str, ...]:
    """The article's content words (not stopwords, 5+ letters), most frequent first."""
    words = [w.casefold() for w in _WORD.findall(text) if len(w) >= 5 and not w.isdigit()]
    counts = Counter(w for w in words if w not in _STOPWORDS)
    return tuple(w for w, _ in counts.most_common(limit))


def extract_features(article: StoredArticle) -> ArticleFeatures:
    """The novelty-relevant content of one stored article."""
    outlet = article.site_name or article.source
    outlets = {norm(outlet), norm(article.source)}
    organizations = _unique(
        o for o in article.entities.get("organization", ()) if norm(o) not in outlets
    )
    # Bylines and the outlet's own name are never news.
    not_people = {norm(a) for a in article.authors} | outlets
    not_people |= {norm(o) for o in article.entities.get("organization", ())}
    resolved = resolve_people(article)
    people = _unique(n for n in resolved.values() if _is_person(n, not_people))
    person_keys = {norm(p) for p in people} | {norm(n) for n in resolved}
    candidates = [_strip_noise(c) for c in article.entities.get("candidate", ())]
    excluded = person_keys | not_people | {norm(o) for o in organizations}
    key_terms = _unique(
        t
        for t in [
            *article.entities.get("system", ()),
            *article.entities.get("law", ()),
            *candidates,
            *article.entities.get("place", ()),
        ]
        if t and norm(t) not in excluded and not any(norm(t) in p for p in person_keys)
    )
    quotes = tuple(
        QuoteItem(resolved.get(q.speaker, q.speaker) if q.speaker else None, q.text, q.role)
        for q in article.quotes
        if not q.partial and len(q.text.split()) >= _MIN_QUOTE_WORDS
    )
    statements = tuple(
        QuoteItem(resolved.get(q.speaker, q.speaker), q.text, q.role, indirect=True)
        for q in article.statements
        if q.speaker and len(q.text.split()) >= _MIN_STATEMENT_WORDS
    )
    # One role per speaker, the fullest any quote or statement gave them.
    roles: dict[str, str] = {}
    for item in quotes + statements:
        if item.speaker and item.role and len(item.role) > len(roles.get(item.speaker, "")):
            roles[item.speaker] = item.role
    said = tuple(
        QuoteItem(q.speaker, q.text, roles.get(q.speaker or "", q.role), q.indirect)
        for q in quotes + statements
    )
    facts = _facts(article)
    configured = {
        norm(t) for kind in ("system", "law", "place") for t in article.entities.get(kind, ())
    }
    notable = tuple(
        t
        for t in key_terms
        if norm(t) in configured or _mentions(article.text, t) >= _NOTABLE_MENTIONS
    )
    return ArticleFeatures(
        article_id=article.id,
        source=article.source,
        outlet=outlet,
        people=people,
        organizations=organizations,
        key_terms=key_terms,
        facts=facts,
        quotes=said,
        fingerprint=article.fingerprint,
        sketch=sketch(article.text),
        terms=vocabulary(article.text),
        fact_sentences=tuple(
            sorted(
                ((f, s) for f in facts if (s := article.facts.sentence_of(f))),
                key=lambda pair: _position(article.text, pair[0]),
            )
        ),
        notable_terms=notable,
    )


def _position(text: str, fact: str) -> int:
    """Where ``fact`` first occurs in ``text`` (the end when it does not)."""
    found = text.find(fact)
    return found if found >= 0 else len(text)


def _mentions(text: str, term: str) -> int:
    """How often ``term`` occurs in ``text`` as whole words."""
    return len(re.findall(rf"(?<!\w){re.escape(term)}(?!\w)", text))
