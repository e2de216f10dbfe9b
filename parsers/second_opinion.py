"""A second opinion on the article body, asked only when ours looks wrong.

Our extractor is fast and precise but, on real markup, can pick the wrong box or too
little of the right one. trafilatura (a different algorithm: tree pruning with
fallbacks to readability and jusText) is asked when our body is empty or short, much
smaller than the paragraph text the page holds, or the page was judged not to be an
article. The two candidates are compared by their words:

- ours empty or tiny, theirs an article: take theirs;
- theirs holds ours and more of the same text: take theirs;
- both found the same running text on a page our heuristics called an index page:
  it is an article;
- we give up and trafilatura finds a substantial body that we did not: the page is
  skipped as ``body-lost`` with both lengths, which the pipeline records as a dead
  letter (never a silent skip).

Asking only when needed keeps the median page at our own speed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import trafilatura
from lxml.html import HtmlElement

from storywatch.parsers.blocks import Block, assemble_body, clean_inline
from storywatch.parsers.html_body import BodyResult, is_furniture_text
from storywatch.parsers.models import Article

#: Below this many characters a body is worth checking whatever the page looks like.
CHECK_BELOW_CHARS = 500
#: A second opinion this long on a page we skipped is a lost article, not noise.
SUBSTANTIAL_CHARS = 500
#: Our body under this share of the page's paragraph text is checked.
MIN_SHARE_OF_PAGE = 0.5
#: Markup above this is not given to trafilatura (its cost grows with the markup).
MAX_MARKUP_CHARS = 1024 * 1024
#: A second opinion with more than this share of its text in lines that are the page's
#: link texts is a link list (a section front, a link farm), not a body.
MAX_LINK_SHARE = 0.5
#: Theirs must add at least this much to replace ours (a menu line or a footer is less).
MIN_GAIN_CHARS = 250
#: Skip reasons the second opinion can overturn (the page did parse).
_REVIEWABLE = ("no-main-text", "non-article")
_LOST = re.compile(r"^body-lost: ours (\d+) characters, trafilatura (\d+) characters")
_TEASER_HEADING = re.compile(
    r"^(?:related\b|more (?:from|on|in|stories|news|articles|to read)\b|recommended\b|"
    r"read (?:more|next|also)\b|see also\b|you (?:may|might) (?:also )?like\b|"
    r"most (?:read|popular|viewed)\b|trending\b|popular\b|latest (?:news|stories)\b|"
    r"further reading\b|(?:top|editor'?s?) (?:stories|picks)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)
#: Verdict on a candidate article: a skip reason, or None for an article.
Verdict = Callable[[Article], "str | None"]


def review_body(article: Article, verdict: Verdict, markup: str, page: BodyResult) -> Article:
    """``article`` with its skip reason set, its body replaced by a better-supported one,
    or skipped as ``body-lost`` when trafilatura finds a body we did not."""
    reason = verdict(article)
    own_chars = _chars(article)
    if reason is not None and not reason.startswith(_REVIEWABLE):
        return replace(article, skip_reason=reason)
    suspicious = own_chars < CHECK_BELOW_CHARS or own_chars < MIN_SHARE_OF_PAGE * (
        page.page_paragraph_chars
    )
    if reason is None and not suspicious:
        return article
    if len(markup) > MAX_MARKUP_CHARS:
        # trafilatura takes seconds on megabytes of markup: not worth it for a check.
        skipped = f"body: no second opinion on {len(markup)} characters of markup"
        return replace(article, skip_reason=reason, problems=(*article.problems, skipped))
    blocks = trafilatura_blocks(markup)
    if _link_share(blocks, page.page_link_texts) > MAX_LINK_SHARE:
        blocks = []  # the page's links, not a body
    theirs = _with_body(article, blocks)
    their_chars = _chars(theirs)
    note = f"body: second opinion (trafilatura) used: ours {own_chars} characters, " + (
        f"trafilatura {their_chars}"
    )
    if reason is None:
        if _better(article, theirs):
            return replace(theirs, problems=(*article.problems, note))
        return article
    if their_chars > own_chars and verdict(theirs) is None:
        return replace(theirs, problems=(*article.problems, note))
    if their_chars >= SUBSTANTIAL_CHARS and _agree(article, theirs):
        return article  # two extractors found the same running text: an article
    if their_chars >= SUBSTANTIAL_CHARS:
        lost = f"body-lost: ours {own_chars} characters, trafilatura {their_chars} characters"
        return replace(article, skip_reason=f"{lost} ({reason})")
    return replace(article, skip_reason=reason)


def lost_body_lengths(skip_reason: str | None) -> tuple[int, int] | None:
    """(our characters, trafilatura's) of a ``body-lost`` skip reason; None for other reasons."""
    match = _LOST.match(skip_reason or "")
    return (int(match[1]), int(match[2])) if match else None


def trafilatura_blocks(markup: str) -> list[Block]:
    """trafilatura's body of ``markup`` as paragraphs and subheadings (empty on failure)."""
    try:
        document = trafilatura.bare_extraction(
            markup,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
        )
    except Exception:  # a third-party failure must cost the second opinion only
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    blocks: list[Block] = []
    for child in body:
        _add_blocks(child, blocks)
    return _drop_teaser_sections(blocks)


def _drop_teaser_sections(blocks: list[Block]) -> list[Block]:
    """Cut sections headed "Related stories", "More from ...", "Read next" (teasers of
    other articles, which trafilatura keeps) up to the next ordinary subheading."""
    kept: list[Block] = []
    in_teasers = False
    for block in blocks:
        if block.kind == "heading":
            in_teasers = len(block.text) <= 60 and bool(_TEASER_HEADING.match(block.text))
            if in_teasers:
                continue
        if not in_teasers:
            kept.append(block)
    return kept


def _add_blocks(el: HtmlElement, blocks: list[Block]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "head":
        if el.get("rend") != "h1":  # the headline, kept as the title, not the body
            blocks.append(Block("heading", clean_inline(" ".join(el.itertext()))))
    elif tag in ("list", "table", "row", "div"):
        for child in el:
            _add_blocks(child, blocks)
    elif tag:
        text = clean_inline(" ".join(el.itertext()))
        if text and not is_furniture_text(text):
            blocks.append(Block("paragraph", text))


def _with_body(article: Article, blocks: list[Block]) -> Article:
    body = assemble_body(blocks)
    paragraphs = body.paragraphs
    if paragraphs and paragraphs[0].strip().lower() == article.title.strip().lower():
        paragraphs = paragraphs[1:]
    return replace(
        article,
        paragraphs=paragraphs,
        subheadings=body.subheadings,
        subheading_positions=body.subheading_positions,
    )


def _chars(article: Article) -> int:
    return sum(len(p) for p in article.paragraphs)


def _words(article: Article) -> Counter[str]:
    return Counter(w.lower() for p in article.paragraphs for w in _WORD.findall(p))


def _link_share(blocks: list[Block], link_texts: frozenset[str]) -> float:
    """Share of the characters of ``blocks`` in lines that are the text of a link on the page.

    trafilatura's fallback joins a list of links into lines of one paragraph.
    """
    total = linked = 0
    for block in blocks:
        for line in block.text.split("\n"):
            text = clean_inline(line).lower()
            total += len(text)
            if text in link_texts:
                linked += len(text)
    return linked / total if total else 0.0


def _covered(part: Counter[str], whole: Counter[str]) -> float:
    """Share of the words of ``part`` that ``whole`` also holds."""
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def _better(ours: Article, theirs: Article) -> bool:
    """Whether trafilatura's body is better supported than ours.

    Theirs must be longer; it wins when it holds most of ours (the same body, more of
    it) or when ours is far shorter (we picked a fragment, a list of excerpts or a
    banner beside the article).
    """
    own, their = _chars(ours), _chars(theirs)
    if their < 1.3 * own or their - own < MIN_GAIN_CHARS:
        return False
    return _covered(_words(ours), _words(theirs)) >= 0.6 or their >= 2 * own


def _agree(ours: Article, theirs: Article) -> bool:
    """Both bodies are mostly the same words."""
    own, their = _words(ours), _words(theirs)
    return _covered(own, their) >= 0.7 and _covered(their, own) >= 0.7
