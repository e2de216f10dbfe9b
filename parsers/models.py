"""Typed models produced by the parsers: feed entries, articles and their enrichment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of an RSS or Atom feed, as the feed describes it."""

    feed_id: str
    url: str
    title: str
    summary: str = ""
    published: datetime | None = None
    guid: str = ""
    authors: tuple[str, ...] = ()
    #: The feed's title as ``feeds.yaml`` gives it: what alerts show as the source.
    feed_title: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed document: its entries plus what went wrong, if anything."""

    feed_id: str
    title: str
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote and who said it, with the role the text gives the speaker."""

    text: str
    speaker: str | None = None
    role: str | None = None
    #: Index of the paragraph (in ``Article.paragraphs``) the quote starts in.
    paragraph: int | None = None
    #: True for a fragment quoted inside reported speech ("he said X “has the potential”").
    partial: bool = False
    #: True for reported speech without quote marks ("X said that ...", "according to X").
    indirect: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the article text that made a topic fire."""

    text: str
    start: int
    end: int
    rule: str = ""
    #: Which text the offsets point into: "text" (``Article.text``) or "title".
    field: str = "text"


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A topic found in an article, its score, and the spans that show why."""

    id: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    #: The topic's name from ``topics.yaml``: what analysts read.
    name: str = ""


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A related-article teaser moved out of the body."""

    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts mentioned in the text: money amounts, dates and periods, counts."""

    money: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    #: (fact, the sentence it first appears in), for each fact above.
    sentences: tuple[tuple[str, str], ...] = ()

    def sentence_of(self, fact: str) -> str | None:
        """The sentence ``fact`` comes from, if known."""
        return next((s for f, s in self.sentences if f == fact), None)


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed news article, the same whether it came from HTML or plain text.

    ``skip_reason`` is set when the input is not an article (empty page, homepage,
    video page, ...); such an article has no body and is counted, not indexed.
    """

    url: str
    title: str = ""
    paragraphs: tuple[str, ...] = ()
    subheadings: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    lang: str | None = None
    site_name: str | None = None
    section: str | None = None
    canonical_url: str | None = None
    description: str = ""
    #: For each subheading, the index of the paragraph it comes before.
    subheading_positions: tuple[int, ...] = ()
    quotes: tuple[Quote, ...] = ()
    #: Attributed indirect statements (``Quote.indirect``), apart from the direct quotes.
    statements: tuple[Quote, ...] = ()
    #: Canonical names by type: "person", "organization", "place", "system", plus
    #: "candidate" for capitalised names that no configured entity explains.
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: tuple[TopicHit, ...] = ()
    facts: Facts = field(default_factory=Facts)
    related: tuple[RelatedLink, ...] = ()
    #: 64-bit SimHash of the body as a *signed* integer (fits an Elasticsearch ``long``).
    fingerprint: int | None = None
    skip_reason: str | None = None
    #: "html" or "text": which parser produced the article.
    source_kind: str = "html"
    #: Non-fatal oddities worth recording (input truncated, encoding guessed, ...).
    problems: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def is_article(self) -> bool:
        """True when the input parsed as an article with a body."""
        return self.skip_reason is None and bool(self.paragraphs)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """The ids of the topics found, best first."""
        return tuple(hit.id for hit in self.topics)
