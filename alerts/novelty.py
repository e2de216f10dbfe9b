"""Development, minor or repeat: compare an article with what a storyline already knows.

Pure: :func:`decide` takes the article's features and the storyline's memory and returns a
:class:`Decision` with its reasons; :func:`remember` returns the memory with the article
added. Loading and saving memories is ``memory.py``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from storywatch.parsers.fingerprint import hamming_distance

from .features import ArticleFeatures, QuoteItem, contains_phrase, estimate_jaccard, norm
from .storylines import NoveltySettings

#: Score each new item adds; a first-time person outweighs anything else.
WEIGHTS = {"person": 3.0, "fact": 2.0, "quote": 1.0, "organization": 1.0, "key_term": 0.5}
#: Caps on what many small items may add up to (a long article is not news by length).
CAPS = {"quote": 2.0, "key_term": 1.5, "term": 1.0}
TERM_WEIGHT = 0.25
#: Content words kept per storyline as its background vocabulary.
VOCABULARY_SIZE = 3000


class Kind(StrEnum):
    """What a match is for its storyline."""

    DEVELOPMENT = "development"
    MINOR = "minor"
    REPEAT = "repeat"


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An earlier article of the storyline and the alert it belongs to."""

    article_id: str
    alert_id: str
    kind: str
    source: str
    fingerprint: int | None
    sketch: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StorylineMemory:
    """What a storyline has seen so far; lives in Elasticsearch between runs."""

    storyline_id: str
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    articles: tuple[KnownArticle, ...] = ()
    article_count: int = 0

    def knows(self, article_id: str) -> bool:
        """True when ``article_id`` was already judged for this storyline."""
        return any(a.article_id == article_id for a in self.articles)


#: Key terms an alert lists for a first report, when everything is new.
FIRST_REPORT_KEY_TERMS = 6


@dataclass(frozen=True, slots=True)
class FactSource:
    """New facts with the sentence they come from, and who that sentence quotes, if anyone."""

    sentence: str
    facts: tuple[str, ...]
    speaker: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class WhatsNew:
    """The new part of an article, as the alert spells it out."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    quotes: tuple[QuoteItem, ...] = ()
    key_terms: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    #: The new facts grouped by their sentence, in reading order (what an alert shows).
    fact_sources: tuple[FactSource, ...] = ()

    def __bool__(self) -> bool:
        return any((self.people, self.organizations, self.facts, self.quotes, self.key_terms))


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one (storyline, article) match and why."""

    kind: Kind
    score: float
    whats_new: WhatsNew = field(default_factory=WhatsNew)
    repeat_of: KnownArticle | None = None
    reasons: tuple[str, ...] = ()


def find_copy(
    features: ArticleFeatures, memory: StorylineMemory, settings: NoveltySettings
) -> tuple[KnownArticle, str] | None:
    """The earlier article this one is a near-duplicate of (closest first), with the reason."""
    best: tuple[float, KnownArticle, str] | None = None
    for known in memory.articles:
        if features.fingerprint is not None and known.fingerprint is not None:
            bits = hamming_distance(features.fingerprint, known.fingerprint)
            if bits <= settings.near_duplicate_bits:
                closeness = 2.0 - bits / 64
                reason = f"fingerprint {bits} bits from {known.article_id}"
                if best is None or closeness > best[0]:
                    best = (closeness, known, reason)
                continue
        overlap = estimate_jaccard(features.sketch, known.sketch)
        if overlap >= settings.shingle_overlap and (best is None or overlap > best[0]):
            best = (overlap, known, f"shingle overlap {overlap:.2f} with {known.article_id}")
    return (best[1], best[2]) if best else None


def _new(values: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` neither known as such nor part of a known, longer phrase."""
    keys = {norm(k) for k in known}
    return tuple(
        v for v in values if norm(v) not in keys and not any(contains_phrase(k, v) for k in known)
    )


def whats_new(features: ArticleFeatures, memory: StorylineMemory) -> WhatsNew:
    """What the article adds to what the storyline knows."""
    outlets = {norm(o) for o in memory.outlets}
    people = tuple(p for p in _new(features.people, memory.people) if norm(p) not in outlets)
    known_quotes = set(memory.quotes)
    vocabulary = set(memory.vocabulary)
    # Words of names are already reported as names.
    vocabulary |= {w.casefold() for n in features.people + features.key_terms for w in n.split()}
    key_terms = tuple(
        t
        for t in _new(features.key_terms, memory.key_terms + memory.people)
        if norm(t) not in outlets
    )
    if not memory.articles:
        # On a first report every capitalised word is new: keep the configured entities
        # and the names the article repeats.
        notable = {norm(t) for t in features.notable_terms}
        key_terms = tuple(t for t in key_terms if norm(t) in notable)[:FIRST_REPORT_KEY_TERMS]
    facts = _new(features.facts, memory.facts)
    quotes = tuple(q for q in features.quotes if q.key not in known_quotes)
    return WhatsNew(
        people=people,
        organizations=tuple(
            o for o in _new(features.organizations, memory.organizations) if norm(o) not in outlets
        ),
        facts=facts,
        quotes=quotes,
        key_terms=key_terms,
        terms=tuple(t for t in features.terms[:40] if t not in vocabulary)[:8],
        fact_sources=fact_sources(facts, features),
    )


def fact_sources(facts: tuple[str, ...], features: ArticleFeatures) -> tuple[FactSource, ...]:
    """``facts`` grouped by the sentence each comes from (facts without one stand alone),
    with the speaker when the sentence is a quote or a reported statement."""
    # In reading order: the order of the article's fact sentences.
    rank = {f: i for i, (f, _) in enumerate(features.fact_sentences)}
    grouped: dict[str, list[str]] = {}
    for fact in sorted(facts, key=lambda f: rank.get(f, len(rank))):
        grouped.setdefault(features.sentence_of(fact) or "", []).append(fact)
    out: list[FactSource] = []
    for sentence, items in grouped.items():
        if not sentence:
            out.extend(FactSource("", (f,)) for f in items)
            continue
        said = _said_in(sentence, features.quotes)
        speaker, role = (said.speaker, said.role) if said else (None, None)
        out.append(FactSource(sentence, tuple(items), speaker, role))
    return tuple(out)


def _said_in(sentence: str, quotes: tuple[QuoteItem, ...]) -> QuoteItem | None:
    """The attributed quote or statement that ``sentence`` carries, if any."""
    flat = norm(sentence)
    for quote in quotes:
        text = norm(quote.text).rstrip(",.!?")
        if quote.speaker and text and (text in flat or flat.rstrip(".!?") in text):
            return quote
    return None


def score(new: WhatsNew) -> tuple[float, tuple[str, ...]]:
    """The novelty score of ``new`` and the reasons, one per contributing kind."""
    parts: list[tuple[str, float, str]] = []
    if new.people:
        parts.append(("person", WEIGHTS["person"] * len(new.people), ", ".join(new.people)))
    if new.facts:
        parts.append(("fact", WEIGHTS["fact"] * len(new.facts), ", ".join(new.facts)))
    if new.quotes:
        total = min(WEIGHTS["quote"] * len(new.quotes), CAPS["quote"])
        parts.append(("quote", total, f"{len(new.quotes)} new quote(s)"))
    if new.organizations:
        total = WEIGHTS["organization"] * len(new.organizations)
        parts.append(("organization", total, ", ".join(new.organizations)))
    if new.key_terms:
        total = min(WEIGHTS["key_term"] * len(new.key_terms), CAPS["key_term"])
        parts.append(("key_term", total, ", ".join(new.key_terms)))
    if new.terms:
        parts.append(
            ("term", min(TERM_WEIGHT * len(new.terms), CAPS["term"]), ", ".join(new.terms))
        )
    reasons = tuple(f"new {name}: {detail} (+{value:g})" for name, value, detail in parts)
    return sum(value for _, value, _ in parts), reasons


def decide(
    features: ArticleFeatures, memory: StorylineMemory, settings: NoveltySettings
) -> Decision:
    """Repeat if a near-duplicate is known; else development at or above the threshold."""
    copy = find_copy(features, memory, settings)
    if copy is not None:
        known, why = copy
        return Decision(Kind.REPEAT, 0.0, repeat_of=known, reasons=(f"repeat: {why}",))
    new = whats_new(features, memory)
    value, reasons = score(new)
    if not memory.articles:
        return Decision(
            Kind.DEVELOPMENT, value, new, reasons=("first report in this storyline", *reasons)
        )
    if value >= settings.threshold:
        verdict = f"development: score {value:g} >= threshold {settings.threshold:g}"
        return Decision(Kind.DEVELOPMENT, value, new, reasons=(verdict, *reasons))
    verdict = f"minor: score {value:g} < threshold {settings.threshold:g}"
    return Decision(Kind.MINOR, value, new, reasons=(verdict, *reasons))


def _merge(known: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    keys = {norm(k) for k in known}
    return known + tuple(v for v in new if norm(v) not in keys)


def remember(
    memory: StorylineMemory,
    features: ArticleFeatures,
    alert_id: str,
    kind: Kind,
    settings: NoveltySettings,
) -> StorylineMemory:
    """The memory after ``features`` was judged ``kind``; ``alert_id`` is the alert it
    belongs to (the earlier alert for a repeat)."""
    vocabulary = _merge(memory.vocabulary, features.terms)[-VOCABULARY_SIZE:]
    known = KnownArticle(
        features.article_id,
        alert_id,
        str(kind),
        features.source,
        features.fingerprint,
        features.sketch,
    )
    return replace(
        memory,
        people=_merge(memory.people, features.people),
        organizations=_merge(memory.organizations, features.organizations),
        key_terms=_merge(memory.key_terms, features.key_terms),
        facts=_merge(memory.facts, features.facts),
        quotes=_merge(memory.quotes, tuple(q.key for q in features.quotes)),
        outlets=_merge(memory.outlets, (features.outlet,)),
        vocabulary=vocabulary,
        articles=(*memory.articles, known)[-settings.memory_size :],
        article_count=memory.article_count + 1,
    )
