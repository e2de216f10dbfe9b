"""HTML pages into ``Article``: decoding, guards for hostile input, metadata and body.

``extract_article`` never raises on bad input: an empty page, a page of scripts,
a homepage or a video page comes back as an Article with ``skip_reason`` set.
Skip reasons start with a stable code (``empty``, ``too-large``, ``not-html``,
``no-main-text``, ``non-article``, ``parser-error``) followed by a colon and detail,
so flows can count them by code.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from storywatch.parsers.blocks import assemble_body
from storywatch.parsers.html_body import extract_body
from storywatch.parsers.html_meta import ARTICLE_TYPES, PageMeta, extract_meta
from storywatch.parsers.language import guess_language
from storywatch.parsers.models import Article

#: Inputs above this are refused outright (bounded memory for each document).
MAX_INPUT_BYTES = 32 * 1024 * 1024
#: Markup left after scripts and styles are cut is truncated here before parsing.
MAX_MARKUP_CHARS = 3 * 1024 * 1024
#: Below this many characters of body text, a page is not an article.
MIN_BODY_CHARS = 250

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
_LD_JSON = re.compile(
    r"<script[^>]{0,200}?application/ld\+json[^>]{0,100}>(.*?)</script\s*>", re.I | re.S
)
# Cut before parsing: they are never body, and a page of megabytes of inline
# script would otherwise dominate the parse time.
_NOISE = re.compile(
    r"<(script|style|noscript|template|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S
)
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a]")


def extract_article(html: str | bytes, url: str) -> Article:
    """Parse an HTML page into an Article (not enriched); never raises on bad input."""
    if not isinstance(html, str | bytes):
        return _skip(url, "not-html: expected str or bytes")
    if len(html) > MAX_INPUT_BYTES:
        return _skip(url, f"too-large: {len(html)} bytes > {MAX_INPUT_BYTES}")
    problems: list[str] = []
    text = _decode(html, problems) if isinstance(html, bytes) else html
    if not text.strip():
        return _skip(url, "empty: no content")
    if len(_BINARY.findall(text[:4096])) > 40:
        return _skip(url, "not-html: binary content")
    ld_blobs = _LD_JSON.findall(text[:MAX_MARKUP_CHARS])
    markup = _NOISE.sub(" ", text)
    if len(markup) > MAX_MARKUP_CHARS:
        markup = markup[:MAX_MARKUP_CHARS]
        problems.append(f"markup truncated to {MAX_MARKUP_CHARS} characters")
    if not re.search(r"[^\s<]", re.sub(r"<[^>]*>", "", markup[:200_000])):
        return _skip(url, "empty: no text outside scripts and markup")
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as exc:
        return _skip(url, f"parser-error: {exc}")
    try:
        meta = extract_meta(root, url, ld_blobs)
        body = extract_body(root, url)
    except RecursionError:
        return _skip(url, "parser-error: markup nested too deeply")
    assembled = assemble_body(body.blocks)
    paragraphs = _drop_title_echo(assembled.paragraphs, meta.title)
    article = Article(
        url=url,
        title=meta.title,
        paragraphs=paragraphs,
        subheadings=assembled.subheadings,
        subheading_positions=assembled.subheading_positions,
        authors=meta.authors,
        published=meta.published,
        updated=meta.updated,
        lang=meta.lang or guess_language(" ".join(paragraphs)),
        site_name=meta.site_name,
        section=meta.section,
        canonical_url=meta.canonical_url,
        description=meta.description,
        related=tuple(body.related),
        source_kind="html",
        problems=tuple(problems),
    )
    reason = _non_article_reason(article, meta, url, body.page_link_density, body.teaser_headlines)
    return replace(article, skip_reason=reason) if reason else article


def _skip(url: str, reason: str) -> Article:
    return Article(url=url, skip_reason=reason, source_kind="html")


def _decode(raw: bytes, problems: list[str]) -> str:
    """Decode by BOM, then declared charset, then UTF-8, then cp1252 (never fails)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = _CHARSET.search(raw[:4096])
    candidates = ["utf-8"]
    if declared:
        candidates.insert(0, declared.group(1).decode("ascii", "replace").lower())
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    problems.append("encoding guessed: cp1252 with replacement characters")
    return raw.decode("cp1252", errors="replace")


def _drop_title_echo(paragraphs: tuple[str, ...], title: str) -> tuple[str, ...]:
    """Drop a first paragraph that only repeats the headline."""
    if paragraphs and title and paragraphs[0].strip().lower() == title.strip().lower():
        return paragraphs[1:]
    return paragraphs


def _non_article_reason(
    article: Article, meta: PageMeta, url: str, link_density: float, teaser_headlines: int
) -> str | None:
    body_chars = sum(len(p) for p in article.paragraphs)
    declared_article = bool(meta.page_types & ARTICLE_TYPES)
    video = meta.page_types & {"videoobject", "video", "video.other", "video.episode"}
    if video and not declared_article and body_chars < 1500:
        return "non-article: video page"
    path = urlsplit(url).path.strip("/")
    if not declared_article and (
        teaser_headlines >= 5 or (link_density > 0.5 and body_chars < 2000)
    ):
        kind = "homepage" if not path else "index page"
        return f"non-article: {kind} (teaser links, little running text)"
    if body_chars < MIN_BODY_CHARS:
        return f"no-main-text: {body_chars} characters of body text"
    return None
