"""Pruning what is never article body, without ever pruning the article itself.

Two rules keep real pages whole (issue 7: on real markup, class-name pruning used to
delete the article container on 1 page in 6):

- a noise word counts only as the first or the last part of a class token
  (``sidebar-left``, ``post-comments``, ``theiaStickySidebar``), never in the middle
  (``content-with-sidebar-wrp``, ``elementor-widget-container``,
  ``article-overlay-handle``, ``hs_cos_wrapper_meta_field``, ``non-ad-column``);
- an element holding most of the page's paragraph text is never pruned for its
  class, id or hidden state, whatever it is called (``ArticlePage-content paywall``,
  ``ad_body``, ``article-body pagination-first``): the words describe a state or a
  decoration of the article, not a box beside it. Readers' comments and photo
  galleries are the exception: they can outweigh a short story.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from storywatch.parsers.patterns import word_set

#: Tags that never hold article text: dropped whatever they wrap.
NEVER_TEXT_TAGS = word_set(
    """
    script style noscript template svg canvas iframe object embed button select textarea
    input map dialog head title link meta video audio picture
    """
)
#: Page furniture by tag; dropped unless it wraps most of the page's text.
FURNITURE_TAGS = word_set("nav aside footer header label figure figcaption menu")
KEEP_TAGS = frozenset({"html", "body", "main", "article"})
#: Words in running text: their class names style them ("popup" glossary links), they
#: never box boilerplate, and pruning them would cut sentences.
_INLINE_TAGS = word_set("a em strong i b u font abbr cite q dfn mark small sup sub")
# Parts of class/id names (split at "-", "_" and camel case) that mark boilerplate.
BOILER_PARTS = word_set(
    """
    share sharing sharebar social comment comments disqus related recirc recirculation
    newsletter subscribe subscription signup cookie cookies consent gdpr ad ads adslot
    advert advertisement adunit sponsor sponsored promo promotion sidebar nav navbar
    navigation menu breadcrumb breadcrumbs footer masthead byline bio tags taglist outbrain
    taboola popular trending mostread paywall modal popup overlay toolbar widget banner
    pagination pager rating reactions caption credit sr srOnly visually skip pullquote
    tweet embed instagram
    teaser teasers readmore author authors dateline timestamp meta print tools follow
    donate relatedposts sharedaddy gallery slideshow carousel lightbox
    """
)
# Readers' comments and photo galleries stay noise even when they outweigh a short
# article (fifty captions can be longer than the story around them).
_NEVER_RESCUED = word_set("comment comments disqus respond gallery slideshow carousel lightbox")
# Microdata for the byline and dates: metadata, read by html_meta, never body text.
_META_ITEMPROPS = frozenset({"author", "datePublished", "dateModified", "publisher", "creator"})
# "hidden" is not a boilerplate word: Drupal marks the body field "field--label-hidden".
_STATE_PREFIXES = ("has-", "is-", "with-", "no-", "js-")
_CLASS_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_DIRECT_TEXT_TAGS = frozenset({"div", "td", "section", "article", "blockquote"})
#: Share of the page's paragraph text above which an element is the article, not noise.
MOST_TEXT = 0.5


def class_parts(el: HtmlElement) -> Iterator[str]:
    """Every lower-case part of the element's class, id and role tokens."""
    for token in _tokens(el):
        for part in _CLASS_SPLIT.split(token):
            if part:
                yield part.lower()


def edge_parts(el: HtmlElement) -> Iterator[str]:
    """The first and last part of each class, id and role token (their head words)."""
    for token in _tokens(el):
        parts = [p for p in _CLASS_SPLIT.split(token) if p]
        if parts:
            yield parts[0].lower()
            if len(parts) > 1:
                yield parts[-1].lower()


def _tokens(el: HtmlElement) -> Iterator[str]:
    for attr in (el.get("class"), el.get("id"), el.get("role")):
        if attr:
            for token in attr.split():
                if not token.lower().startswith(_STATE_PREFIXES):
                    yield token


def _is_hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _noise_words(el: HtmlElement) -> set[str]:
    return {part for part in edge_parts(el) if part in BOILER_PARTS}


def prune(page: HtmlElement) -> int:
    """Remove elements that are never article body, keeping their tail text.

    Returns the characters of paragraph text the page shows before pruning, less what
    is surely not body (hidden elements, readers' comments, galleries).
    """
    para_text = _paragraph_text(page)
    total = para_text.get(page, 0)
    doomed: list[HtmlElement] = []
    hidden: set[HtmlElement] = set()
    for el in page.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in NEVER_TEXT_TAGS:
            doomed.append(el)  # comments, processing instructions, never-text tags
            continue
        if tag in KEEP_TAGS:
            continue
        noise = set() if tag in _INLINE_TAGS else _noise_words(el)
        flagged = (
            tag in FURNITURE_TAGS
            or bool(noise)
            or _is_hidden(el)
            or el.get("itemprop") in _META_ITEMPROPS
            or (tag == "form" and not el.xpath(".//p"))
        )
        if not flagged:
            continue
        holds_most = total > 0 and para_text.get(el, 0) >= MOST_TEXT * total
        if holds_most and not noise & _NEVER_RESCUED:
            continue
        doomed.append(el)
        surely_not_body = _is_hidden(el) or bool(noise & _NEVER_RESCUED)
        if surely_not_body and not any(a in hidden for a in el.iterancestors()):
            hidden.add(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    # Hidden text, comments and galleries are no body a second opinion should look for.
    return total - sum(para_text.get(el, 0) for el in hidden)


def _paragraph_text(page: HtmlElement) -> dict[HtmlElement, int]:
    """Characters of paragraph-like text under each element, in one bottom-up pass.

    A block is a ``<p>`` or ``<pre>``, or the text sitting directly in a ``<div>``,
    ``<td>``, ``<section>``, ``<article>`` or ``<blockquote>`` (pages written with
    ``<br>`` instead of paragraphs); runs under 25 characters are not paragraphs.
    """
    totals: dict[HtmlElement, int] = {}
    # Reversed document order visits every element after all of its descendants.
    for el in reversed(list(page.iter())):
        tag = el.tag
        if tag in ("p", "pre"):
            size = sum(len(t.strip()) for t in el.itertext())
            own = size if size >= 25 else 0
            totals[el] = own
        else:
            own = 0
            if tag in _DIRECT_TEXT_TAGS:
                size = len((el.text or "").strip()) + sum(
                    len((child.tail or "").strip()) for child in el
                )
                own = size if size >= 25 else 0
            totals[el] = totals.get(el, 0) + own
        if totals[el]:
            parent = el.getparent()
            if parent is not None:
                totals[parent] = totals.get(parent, 0) + totals[el]
    return totals
