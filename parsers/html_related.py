"""Related-article teasers inside an article body ("Related: <a>...</a>" boxes).

Teaser boxes carry class names that the boilerplate pruning removes, so they are
swapped for placeholders first; only the placeholders inside the chosen body
container become ``Article.related`` (a sidebar of "most read" links is page
furniture, not a teaser of this story).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from lxml.html import HtmlElement

from storywatch.parsers.blocks import clean_inline
from storywatch.parsers.models import RelatedLink
from storywatch.parsers.patterns import word_set
from storywatch.parsers.urls import resolve_http_url

#: Parts of class/id names that mark a teaser box.
RELATED_PARTS = word_set("related recirc recirculation readmore seealso alsoread")
#: A box with more links than this is a link farm (a "more from us" module), not a teaser.
_MAX_BOX_LINKS = 8
_MIN_TITLE_CHARS = 12
#: Splits an element's class, id and role into lower-case parts.
ClassParts = Callable[[HtmlElement], Iterable[str]]
# Labels that open a teaser box or a teaser link's text.
TEASER_LABEL = re.compile(
    r"^(?:related(?: articles?| stor(?:y|ies)| coverage| content| reading)?|read more|"
    r"read also|also read|see also|more on this(?: story)?|recommended|further reading|"
    r"more \w+(?: \w+)?)(?:\s*[:|»>–—-]\s*|\s+(?=[A-Z]))",
    re.IGNORECASE,
)


#: Tag of the placeholder left where a teaser box was, so the body walk meets it in order.
MARKER_TAG = "storywatch-related"


def replace_teaser_boxes(
    page: HtmlElement, url: str, class_parts: ClassParts
) -> list[tuple[RelatedLink, ...]]:
    """Swap each teaser box for a placeholder; return the boxes' links by placeholder number.

    The placeholder (``<storywatch-related data-box="N">``) survives boilerplate
    pruning, so only boxes inside the chosen body container are met by the body
    walk, in reading order.
    """
    found: list[HtmlElement] = []
    inside: set[HtmlElement] = set()
    for el in page.iter():
        if not isinstance(el.tag, str) or el in inside:
            continue
        if _is_teaser_class(el, class_parts) or _is_labelled_box(el):
            inside.update(el.iter())
            found.append(el)
    boxes: list[tuple[RelatedLink, ...]] = []
    for el in found:
        anchors = el.xpath(".//a[@href]")
        parent = el.getparent()
        if not anchors or len(anchors) > _MAX_BOX_LINKS or parent is None:
            continue
        marker = el.makeelement(MARKER_TAG, {"data-box": str(len(boxes))})
        marker.tail = el.tail
        parent.replace(el, marker)
        boxes.append(tuple(teaser_links(anchors, url)))
    return boxes


def teaser_links(anchors: Iterable[HtmlElement], url: str) -> Iterator[RelatedLink]:
    """A RelatedLink for every anchor whose text reads like a headline."""
    for anchor in anchors:
        title = TEASER_LABEL.sub("", clean_inline(anchor.text_content()))
        if len(title) >= _MIN_TITLE_CHARS:
            yield RelatedLink(title=title, url=resolve_http_url(url, anchor.get("href")))


def unique_links(links: Iterable[RelatedLink]) -> tuple[RelatedLink, ...]:
    """Drop repeated teasers (the same link twice, or the same title without a link)."""
    seen: set[str] = set()
    out: list[RelatedLink] = []
    for link in links:
        key = link.url or link.title.lower()
        if key not in seen:
            seen.add(key)
            out.append(link)
    return tuple(out)


def _is_teaser_class(el: HtmlElement, class_parts: ClassParts) -> bool:
    return el.tag not in ("a", "html", "body") and any(
        part in RELATED_PARTS for part in class_parts(el)
    )


def _is_labelled_box(el: HtmlElement) -> bool:
    """A small box whose text opens with "Related:" and holds links."""
    if el.tag not in ("div", "p", "aside", "section", "ul"):
        return False
    # Only the first few text nodes: reading all text of every element is quadratic.
    head = clean_inline(" ".join(islice(el.itertext(), 4))[:40])
    return bool(TEASER_LABEL.match(head)) and head.lower().startswith(("related", "read", "see"))
