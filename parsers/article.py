"""HTML pages into ``Article``: decoding, guards for hostile input, metadata and body.

``extract_article`` never raises on bad input: an empty page, a page of scripts,
a homepage or a video page comes back as an Article with ``skip_reason`` set.
Skip reasons start with a stable code (``empty``, ``too-large``, ``not-html``,
``no-main-text``, ``non-article``, ``body-lost``, ``parser-error``) followed by a colon and detail,
so flows can count them by code.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from storywatch.parsers.blocks import assemble_body
from storywatch.parsers.html_body import extract_body
from storywatch.parsers.html_meta import ARTICLE_TYPES, PageMeta, extract_meta
from storywatch.parsers.language import guess_language
from storywatch.parsers.models import Article
from storywatch.parsers.second_opinion import review_body

#: Inputs above this are refused outright (bounded memory for each document).
MAX_INPUT_BYTES = 32 * 1024 * 1024
#: Markup left after scripts and styles are cut is truncated here before parsing.
MAX_MARKUP_CHARS = 3 * 1024 * 1024
#: Below this many characters of body text, a page is not an article.
MIN_BODY_CHARS = 250

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
#: A declared charset that cannot be right when the declaration itself reads as ASCII;
#: browsers read such pages as UTF-8 (WHATWG encoding sniffing).
_ASCII_INCOMPATIBLE = re.compile(r"utf-?(?:16|32)(?:-?[bl]e)?|ucs-?[24]|utf-?7")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]{0,500}>")
# Openers and closers are found one at a time (see _cut_noise and _ld_json_blobs):
# one regex with a lazy ``.*?`` up to the closer rescans to the end of the page for
# every unclosed opener, quadratic on a page of thousands of stray "<script>".
_LD_JSON_OPEN = re.compile(r"<script[^>]{0,200}?application/ld\+json[^>]{0,100}>", re.I)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.I)
# Cut before parsing: they are never body, and a page of megabytes of inline
# script would otherwise dominate the parse time.
_NOISE_OPEN = re.compile(r"<(?:(script|style|noscript|template|svg)\b|!--)", re.I)
_NOISE_CLOSE = {
    tag: re.compile(rf"</{tag}\s*>", re.I)
    for tag in ("script", "style", "noscript", "template", "svg")
}
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
    ld_blobs = _ld_json_blobs(text[:MAX_MARKUP_CHARS])
    # lxml refuses a str that declares its encoding (XHTML pages): the text is decoded.
    markup = _XML_DECLARATION.sub("", _cut_noise(text), count=1)
    if len(markup) > MAX_MARKUP_CHARS:
        markup = markup[:MAX_MARKUP_CHARS]
        problems.append(f"markup truncated to {MAX_MARKUP_CHARS} characters")
    if not re.search(r"[^\s<]", _strip_tags(markup[:200_000])):
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

    def verdict(candidate: Article) -> str | None:
        return _non_article_reason(
            candidate, meta, url, body.page_link_density, body.teaser_headlines
        )

    return review_body(article, verdict, markup, body)


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
        encoding = declared.group(1).decode("ascii", "replace").lower()
        if not _ASCII_INCOMPATIBLE.fullmatch(encoding):
            candidates.insert(0, encoding)
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        # UnicodeError, not only UnicodeDecodeError: codecs such as "punycode" raise it.
        except (UnicodeError, LookupError):
            continue
    problems.append("encoding guessed: cp1252 with replacement characters")
    return raw.decode("cp1252", errors="replace")


def _cut_noise(text: str) -> str:
    """Replace scripts, styles, templates, SVG and comments by a space.

    Each opener goes up to the first closer of its kind after it; an opener with no
    closer is left alone. Once a closer is known to be missing, later openers of the
    same kind are not searched again, so the cost stays linear.
    """
    out: list[str] = []
    pos = kept = 0
    unclosed: set[str] = set()
    while (opener := _NOISE_OPEN.search(text, pos)) is not None:
        tag = (opener.group(1) or "!--").lower()
        end = -1
        if tag not in unclosed:
            if tag == "!--":
                close = text.find("-->", opener.end())
                end = close + 3 if close >= 0 else -1
            else:
                head_end = text.find(">", opener.end())
                if head_end < 0:
                    break  # no ">" left: no opener can complete
                closer = _NOISE_CLOSE[tag].search(text, head_end + 1)
                end = closer.end() if closer is not None else -1
            if end < 0:
                unclosed.add(tag)
        if end < 0:
            pos = opener.start() + 1
            continue
        out.append(text[kept : opener.start()])
        out.append(" ")
        pos = kept = end
    out.append(text[kept:])
    return "".join(out)


def _ld_json_blobs(text: str) -> list[str]:
    """The bodies of the JSON-LD scripts, in page order."""
    blobs: list[str] = []
    pos = 0
    while (opener := _LD_JSON_OPEN.search(text, pos)) is not None:
        closer = _SCRIPT_CLOSE.search(text, opener.end())
        if closer is None:
            break  # no closer after this opener: none after the later ones either
        blobs.append(text[opener.end() : closer.start()])
        pos = closer.end()
    return blobs


def _strip_tags(markup: str) -> str:
    """``markup`` without its tags; a "<" that no ">" follows is kept as text."""
    # Only the part up to the last ">" can hold tags: on the rest, the regex would
    # rescan to the end for every "<".
    last = markup.rfind(">") + 1
    return re.sub(r"<[^>]*>", "", markup[:last]) + markup[last:]


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
