"""Main-text extraction: the article body of a page, without the page around it.

The approach is Readability's, tightened for news templates:

1. prune what is never body: scripts, navigation, asides, forms, and elements whose
   class or id names boilerplate (share bars, comments, related teasers,
   newsletter boxes, cookie banners, ads);
2. score the containers of text-rich paragraphs (length and commas, minus link
   text) and pick the best, then add sibling containers that look like more of
   the same body (a body split in two by an ad slot or a "page 2");
3. walk the winner in reading order, emitting paragraphs and subheadings, and
   moving "Read more: ..." teasers into the related links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from storywatch.parsers.blocks import Block, clean_inline
from storywatch.parsers.html_noise import class_parts, prune
from storywatch.parsers.html_related import (
    MARKER_TAG,
    replace_teaser_boxes,
    teaser_links,
    unique_links,
)
from storywatch.parsers.models import RelatedLink
from storywatch.parsers.patterns import word_set

_BLOCK_TAGS = word_set(
    """
    p div section article main blockquote pre ul ol li dl dt dd table tbody thead tr td th
    h1 h2 h3 h4 h5 h6 form fieldset address center hr
    """
)
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li", "dd", "td"})
_POSITIVE_PARTS = word_set(
    """
    article body content entry main story text post prose richtext
    """
)
_BOILER_TEXT = re.compile(
    r"^(?:advertisement|sponsored|share(?: this(?: article| story)?)?(?: on \w+)?|"
    r"(?:click|tap) (?:here|to) .{0,40}|sign up.{0,60}|subscribe.{0,60}|"
    r"follow us.{0,40}|print|email|comments?(?: \(\d+\))?|photo:.{0,80}|image:.{0,80}|"
    r"(?:all )?rights reserved.{0,40}|© ?.{0,80}|copyright .{0,80}|"
    r"(?:next|previous) page|page \d+(?: of \d+)?|continue reading.{0,40}|"
    r"we use cookies.{0,200}|"
    r"(?:posted|published|updated|last updated)(?: on)?:? [\w ,:.]{0,40}\d{4}.{0,20}|"
    r"(?:print|e-?mail|share)[^|]{0,25}(?:\s*\|\s*(?:print|e-?mail|share)[^|]{0,25})+)$",
    re.IGNORECASE,
)
_TEASER_TEXT = re.compile(
    r"^(?:related(?: article| story| stories| coverage)?|read more|read also|see also|"
    r"more on this(?: story)?|recommended|also read)(?:\s*[:|»>–—-]\s*|\s+(?=[A-Z]))(?P<title>.+)$",
    re.IGNORECASE,
)
_MIN_PARAGRAPH_CHARS = 25
# Layout classes shared by unrelated boxes: never a sign of "more of the same body".
_GENERIC_CLASS = re.compile(
    r"(?:row|col|column|container|wrap|wrapper|clearfix|clear|grid|inner|outer|section|"
    r"block|box|module|widget|card|item|content|main|left|right|span\d*|col-\S*|grid_\d+)"
)


@dataclass(slots=True)
class BodyResult:
    """Body blocks in reading order, teasers pulled out of them, and page statistics."""

    blocks: list[Block] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    #: Share of the whole page's text that sits inside links (menus, teaser lists).
    page_link_density: float = 0.0
    #: Headline-like links in the chosen container (many suggest a section front).
    teaser_headlines: int = 0
    #: The text of every link on the page, lower-cased (to tell a link list from a body).
    page_link_texts: frozenset[str] = frozenset()
    #: Characters of paragraph text on the page before pruning (what a body could hold).
    page_paragraph_chars: int = 0
    #: Links of the teaser boxes swapped out of the page, by placeholder number.
    teaser_boxes: list[tuple[RelatedLink, ...]] = field(default_factory=list)


def extract_body(root: HtmlElement, url: str) -> BodyResult:
    """Find and linearise the article body of ``root`` (mutates the tree: prunes it)."""
    result = BodyResult()
    body = root.find("body")
    page = body if body is not None else root
    page_text = _text_len(page)
    link_texts = [clean_inline(" ".join(a.itertext())) for a in page.iter("a")]
    result.page_link_texts = frozenset(t.lower() for t in link_texts if t)
    page_links = sum(len(t) for t in link_texts)
    result.page_link_density = page_links / page_text if page_text else 0.0
    result.teaser_boxes = replace_teaser_boxes(page, url, class_parts)
    result.page_paragraph_chars = prune(page)
    container = _best_container(page)
    if container is None:
        return result
    parts = _with_siblings(container)
    result.teaser_headlines = sum(_headline_links(part) for part in parts)
    for part in parts:
        for kind, el, text in _linearize(part):
            _emit(result, kind, el, text, url)
    result.related = list(unique_links(result.related))
    return result


def _text_len(el: HtmlElement) -> int:
    return sum(len(t.strip()) for t in el.itertext())


def is_furniture_text(text: str) -> bool:
    """Whether a block's text is page furniture ("Share", "Advertisement", "Read more: ...")."""
    return bool(_BOILER_TEXT.match(text) or _TEASER_TEXT.match(text))


def _class_weight(el: HtmlElement) -> float:
    return 25.0 if any(p in _POSITIVE_PARTS for p in class_parts(el)) else 0.0


def _best_container(page: HtmlElement) -> HtmlElement | None:
    """Score parents of text blocks (Readability) and return the best one."""
    scores: dict[HtmlElement, float] = {}
    for el in page.iter("p", "pre", "td", "div", "section", "blockquote", "li"):
        text = _own_text(el)
        if len(text) < _MIN_PARAGRAPH_CHARS:
            continue
        link_chars = sum(len(" ".join(a.itertext())) for a in el.iter("a"))
        if link_chars > 0.5 * len(text):
            continue
        score = 1.0 + text.count(",") + min(len(text) / 100.0, 3.0)
        # A div of bare text is a paragraph too (Readability): its container gets the credit.
        is_paragraph = el.tag in _PARAGRAPH_TAGS or not any(
            isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el
        )
        parent = el.getparent() if is_paragraph else el
        for depth, ancestor in enumerate(_ancestors(parent, 3)):
            if ancestor not in scores:
                scores[ancestor] = _class_weight(ancestor)
            scores[ancestor] += score / (1.0 if depth == 0 else depth * 2.0)
    if not scores:
        return None
    best, best_score = None, 0.0
    for el, score in scores.items():
        adjusted = score * (1.0 - _link_density(el))
        if adjusted > best_score:
            best, best_score = el, adjusted
    return best


def _headline_links(part: HtmlElement) -> int:
    """Headings that are links to other pages (a section front's teasers).

    A heading with an anchor or "edit" link beside its text (a table of contents,
    a wiki section) is not a teaser.
    """
    count = 0
    for heading in part.xpath(".//h2[.//a] | .//h3[.//a] | .//h4[.//a]"):
        text = len(clean_inline(heading.text_content()))
        linked = sum(
            len(clean_inline(a.text_content()))
            for a in heading.iter("a")
            if not (a.get("href") or "#").startswith("#")
        )
        if text and linked >= 0.8 * text:
            count += 1
    return count


def _ancestors(el: HtmlElement | None, n: int) -> Iterator[HtmlElement]:
    while el is not None and n > 0:
        yield el
        el = el.getparent()
        n -= 1


def _link_density(el: HtmlElement) -> float:
    total = sum(len(t) for t in el.itertext())
    if not total:
        return 1.0
    links = sum(len(t) for a in el.iter("a") for t in a.itertext())
    return links / total


def _own_text(el: HtmlElement) -> str:
    """Text of ``el`` excluding nested block elements (so each text is counted once)."""
    chunks = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _BLOCK_TAGS:
            chunks.append(" ".join(child.itertext()))
        chunks.append(child.tail or "")
    return clean_inline(" ".join(chunks))


def _repeated_posts(best: HtmlElement) -> list[HtmlElement] | None:
    """The posts of a liveblog: three or more same-class siblings around ``best``, all text."""
    node = best
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            return None
        cls = node.get("class")
        if cls:
            same = [s for s in parent if s.tag == node.tag and s.get("class") == cls]
            if len(same) >= 3 and all(
                any(len(_own_text(p)) >= 80 for p in s.iter("p")) and _link_density(s) < 0.3
                for s in same
            ):
                return same
        node = parent
    return None


def _with_siblings(best: HtmlElement) -> list[HtmlElement]:
    """The container plus siblings that carry more of the same body."""
    posts = _repeated_posts(best)
    if posts:
        return posts
    # Rows of a data table in an article: the table is the unit beside the paragraphs.
    while best.tag in ("tbody", "thead", "tr") and best.getparent() is not None:
        best = best.getparent()
    parent = best.getparent()
    if parent is None:
        return [best]
    parts: list[HtmlElement] = []
    for sibling in parent:
        if sibling is best:
            parts.append(sibling)
            continue
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag == "p" and best.tag != "p":
            # Paragraphs beside the container (Readability's rule): the body's opening
            # paragraphs before a "continue reading" box, say.
            if len(_own_text(sibling)) >= 80 and _link_density(sibling) < 0.25:
                parts.append(sibling)
            continue
        if sibling.tag != best.tag:
            continue
        paragraphs = [p for p in sibling.iter("p") if len(_own_text(p)) >= 80]
        # A sibling of the same class is the same kind of body block (a CMS that writes
        # each paragraph, or each run of them, in its own div): one paragraph is enough.
        same_kind = bool(best.get("class")) and sibling.get("class") == best.get("class")
        enough = len(paragraphs) >= (1 if same_kind else 2) or (
            same_kind and len(_own_text(sibling)) >= 80
        )
        if enough and _link_density(sibling) < 0.2:
            parts.append(sibling)
    return _with_same_class(best, parts)


def _with_same_class(best: HtmlElement, parts: list[HtmlElement]) -> list[HtmlElement]:
    """Add the body blocks of the same tag and class elsewhere on the page, in page order.

    A body cut into sections by figures or ads is often several containers of the
    container's own class under different parents (one per section).
    """
    kind = _first_class(best)
    if not kind:
        return parts
    chosen = set(parts)
    inside = {node for part in parts for node in part.iter()}
    found = False
    for el in best.getroottree().getroot().iter(best.tag):
        if _first_class(el) != kind or el in inside or _has_ancestor_in(el, chosen):
            continue
        paragraphs = [p for p in el.iter("p") if len(_own_text(p)) >= 80]
        if (paragraphs or len(_own_text(el)) >= 80) and _link_density(el) < 0.2:
            chosen.add(el)
            inside.update(el.iter())
            found = True
    if not found:
        return parts
    order = {el: i for i, el in enumerate(best.getroottree().getroot().iter(best.tag))}
    return sorted(chosen, key=lambda el: order.get(el, -1))


def _first_class(el: HtmlElement) -> str:
    """The element's first class token, unless it is a generic layout word."""
    tokens = (el.get("class") or "").split()
    if not tokens or _GENERIC_CLASS.fullmatch(tokens[0].lower()):
        return ""
    return tokens[0]


def _has_ancestor_in(el: HtmlElement, chosen: set[HtmlElement]) -> bool:
    return any(ancestor in chosen for ancestor in el.iterancestors())


def _linearize(el: HtmlElement) -> Iterator[tuple[str, HtmlElement, str]]:
    """Yield (kind, element, text) for each text block under ``el`` in reading order."""
    buffer: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == MARKER_TAG:
            yield from _flush(el, buffer)
            buffer = []
            yield ("related", child, child.get("data-box", ""))
        elif tag == "br":
            # Only a paragraph-level container (a div of <br>-separated text) breaks here.
            if el.tag not in _PARAGRAPH_TAGS:
                yield from _flush(el, buffer)
                buffer = []
        elif tag in _BLOCK_TAGS or tag in {"h1"}:
            yield from _flush(el, buffer)
            buffer = []
            if tag in _HEADING_TAGS:
                yield ("heading", child, clean_inline(child.text_content()))
            elif tag != "h1":
                yield from _linearize(child)
        else:
            buffer.append(" ".join(child.itertext()) if tag else "")
        buffer.append(child.tail or "")
    yield from _flush(el, buffer)


def _flush(el: HtmlElement, buffer: list[str]) -> Iterator[tuple[str, HtmlElement, str]]:
    text = clean_inline(" ".join(buffer))
    if text:
        yield ("paragraph", el, text)


def _emit(result: BodyResult, kind: str, el: HtmlElement, text: str, url: str) -> None:
    if kind == "related":
        if text.isdigit() and int(text) < len(result.teaser_boxes):
            result.related.extend(result.teaser_boxes[int(text)])
        return
    teaser = _TEASER_TEXT.match(text)
    if teaser:
        links = list(teaser_links(el.xpath(".//a[@href]"), url))
        result.related.extend(links or [RelatedLink(title=teaser["title"].strip())])
        return
    if _BOILER_TEXT.match(text):
        return
    if kind == "heading":
        if len(text) <= 150:
            result.blocks.append(Block("heading", text))
        return
    # Short fragments and list items count only when they are mostly not links.
    if (el.tag == "li" or len(text) < _MIN_PARAGRAPH_CHARS) and _link_density(el) > 0.5:
        return
    result.blocks.append(Block("paragraph", text))
