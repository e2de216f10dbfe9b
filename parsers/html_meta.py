"""Page metadata: headline, authors, dates, language, site, section, canonical URL.

Sources in order of trust: JSON-LD (what the publisher declares for search
engines), then OpenGraph / article / Dublin Core / parsely meta tags, then
markup (``<time>``, bylines, ``<h1>``, ``<title>``), then the URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from storywatch.parsers.blocks import clean_inline
from storywatch.parsers.dates import date_from_url, parse_date
from storywatch.parsers.language import normalize_lang
from storywatch.parsers.urls import resolve_http_url

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)
_MAX_LD_CHARS = 500_000
_BY_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b)\s*")
_TITLE_SUFFIX = re.compile(r"\s+[|–—·:-]\s+[^|–—·:]{2,60}$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page says about itself."""

    title: str = ""
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    lang: str | None = None
    site_name: str | None = None
    section: str | None = None
    canonical_url: str | None = None
    description: str = ""
    #: Lower-cased og:type and JSON-LD @type values ("article", "videoobject", ...).
    page_types: frozenset[str] = frozenset()


def extract_meta(tree: HtmlElement, url: str, ld_blobs: list[str]) -> PageMeta:
    """Read the metadata of a parsed page; ``ld_blobs`` are its JSON-LD script bodies."""
    meta = _meta_tags(tree)
    ld_items = list(_ld_items(ld_blobs))
    ld_article = next((i for i in ld_items if _types(i) & ARTICLE_TYPES), {})
    page_types = frozenset(t for item in ld_items for t in _types(item))
    if "og:type" in meta:
        page_types |= {meta["og:type"].lower()}

    title = (
        _text(ld_article.get("headline"))
        or _first_text(tree, "//h1")
        or _strip_site(meta.get("og:title") or meta.get("twitter:title") or "")
        or _strip_site(_first_text(tree, "//title"))
    )
    authors = _ld_authors(ld_article.get("author")) or _meta_authors(meta) or _byline(tree)
    published = (
        parse_date(_text(ld_article.get("datePublished")))
        or _first_date(
            meta,
            "article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "parsely-pub-date",
            "sailthru.date",
            "dc.date",
            "dc.date.issued",
            "date",
        )
        or _time_element(tree)
        or date_from_url(url)
    )
    updated = parse_date(_text(ld_article.get("dateModified"))) or _first_date(
        meta, "article:modified_time", "og:updated_time", "datemodified", "last-modified"
    )
    lang = (
        normalize_lang(tree.get("lang") or tree.get("xml:lang"))
        or normalize_lang(_text(ld_article.get("inLanguage")))
        or normalize_lang(meta.get("og:locale") or meta.get("content-language"))
    )
    publisher = ld_article.get("publisher")
    site_name = (
        meta.get("og:site_name")
        or (_text(publisher.get("name")) if isinstance(publisher, dict) else "")
        or meta.get("application-name")
        or None
    )
    section = (
        _text(ld_article.get("articleSection"))
        or meta.get("article:section")
        or meta.get("parsely-section")
        or None
    )
    # A canonical that does not resolve to a real http(s) URL (an unfilled template
    # placeholder, a relative path on a page read from disk) is dropped, not guessed.
    canonical = resolve_http_url(
        url, _first_attr(tree, "//link[@rel='canonical']/@href")
    ) or resolve_http_url(url, meta.get("og:url"))
    description = meta.get("og:description") or meta.get("description") or ""
    return PageMeta(
        title=clean_inline(title),
        authors=authors,
        published=published,
        updated=updated,
        lang=lang,
        site_name=clean_inline(site_name) if site_name else None,
        section=clean_inline(section) if section else None,
        canonical_url=canonical,
        description=clean_inline(description),
        page_types=page_types,
    )


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _ld_items(blobs: list[str]) -> Iterator[dict[str, Any]]:
    """Every JSON object of the JSON-LD blocks, flattening lists and @graph."""
    for blob in blobs:
        if len(blob) > _MAX_LD_CHARS:
            continue
        try:
            data = json.loads(blob.strip().rstrip(";"))
        except (ValueError, RecursionError):
            continue
        stack: list[Any] = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                yield node
                graph = node.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _types(item: dict[str, Any]) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    return ""


def _ld_authors(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    names = [_text(v) for v in values]
    return _clean_authors(names)


def _meta_authors(meta: dict[str, str]) -> tuple[str, ...]:
    for key in (
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "byl",
    ):
        value = meta.get(key)
        # article:author is often a profile URL, which names nobody.
        if value and not value.startswith(("http://", "https://", "/")):
            return _clean_authors([value])
    return ()


def _byline(tree: HtmlElement) -> tuple[str, ...]:
    nodes = tree.xpath(
        "//*[@rel='author' or @itemprop='author' or contains(@class,'byline') or "
        "contains(@class,'author-name')]"
    )
    for node in nodes[:5]:
        text = clean_inline(node.text_content())
        if 2 < len(text) < 120:
            return _clean_authors([text])
    return ()


def _clean_authors(names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        name = _BY_PREFIX.sub("", clean_inline(name))
        for part in _AUTHOR_SPLIT.split(name):
            part = part.strip(" .")
            if part and len(part) < 60 and part not in out and not part.startswith("http"):
                out.append(part)
    return tuple(out)


def _first_date(meta: dict[str, str], *keys: str) -> datetime | None:
    for key in keys:
        parsed = parse_date(meta.get(key))
        if parsed is not None:
            return parsed
    return None


def _time_element(tree: HtmlElement) -> datetime | None:
    for value in tree.xpath(
        "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
        " | //time[@pubdate]/@datetime | //time/@datetime"
    )[:5]:
        parsed = parse_date(str(value))
        if parsed is not None:
            return parsed
    return None


def _first_text(tree: HtmlElement, xpath: str) -> str:
    for node in tree.xpath(xpath)[:3]:
        text = clean_inline(node.text_content())
        if text:
            return text
    return ""


def _first_attr(tree: HtmlElement, xpath: str) -> str | None:
    values = tree.xpath(xpath)
    return str(values[0]).strip() if values else None


def _strip_site(title: str) -> str:
    """Drop a trailing " | Site Name" from a <title>."""
    return _TITLE_SUFFIX.sub("", title.strip())
