"""Plain text (wire copy, newsletters, text pulled out of PDFs) into an ``Article``.

What it repairs: hard-wrapped lines (reflowed into paragraphs), words hyphenated
across lines ("anti-\\naircraft" stays "anti-aircraft", "govern-\\nment" becomes
"government"), page artifacts (a stray URL or page number between two halves of a
sentence), subheadings (kept apart from paragraphs) and "Related article: ..."
teasers (moved into ``Article.related``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from storywatch.parsers.blocks import Block, assemble_body, clean_inline
from storywatch.parsers.language import guess_language
from storywatch.parsers.models import Article, RelatedLink
from storywatch.parsers.patterns import word_set

#: Longer texts are cut here: nothing an analyst reads is this long, and it keeps
#: time and memory bounded for each document.
MAX_TEXT_CHARS = 2_000_000

_URL_LINE = re.compile(r"^(?:<?(?:https?://|www\.)\S+>?)$", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_PAGE_LINE = re.compile(
    r"^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*[-–—])?$", re.IGNORECASE
)
_RELATED = re.compile(
    r"^(?:related(?:\s+(?:article|articles|story|stories|coverage|content|reading))?|"
    r"read\s+(?:more|also|next)|see\s+also|also\s+read|more\s+on\s+this(?:\s+story)?|"
    r"recommended|further\s+reading)\s*[:|»>–—-]\s*(?P<title>.+)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^[Bb][Yy]\s+(?P<names>[A-Z][\w.'’-]+(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]+){0,8})$"
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_BOILERPLATE_LINE = re.compile(
    r"^(?:view (?:this email )?in (?:your )?browser|unsubscribe|click here to subscribe|"
    r"forward to a friend|advertisement|share this article|©.*|copyright \d{4}.*)$",
    re.IGNORECASE,
)
# A sentence is over when it ends with terminal punctuation, maybe inside quotes.
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_STARTS_LOWER = re.compile(r"^[\"'“‘(]?[a-z]")
# The lookbehind makes the match start where the word starts, so it can be searched
# for in the tail of a paragraph only (see _reflow).
_HYPHEN_BREAK = re.compile(r"(?<![^\W\d_])(?P<left>[^\W\d_]+)-$")
#: Longer "words" are not split across lines (and searching the whole paragraph for
#: each line is quadratic).
_MAX_WORD_CHARS = 100
_LEADING_WORD = re.compile(r"^(?P<right>[^\W_]+)")
# Left halves that make real compounds ("anti-aircraft", "well-known").
_COMPOUND_PREFIXES = word_set(
    """
    anti non pro co counter cross ex multi post pre self semi so well long short high low
    full half mid all over under inter intra extra ultra mega super sub neo pan quasi vice
    first second third one two three four five ten air sea land cold hard soft state
    government foreign russian turkish nato us
    """
)
# Right halves that only ever finish a word split by a soft hyphen ("govern-ment").
_SUFFIX_FRAGMENTS = word_set(
    """
    tion tions sion sions ment ments ness ity ities ing ings ed ly ance ances ence ences
    able ible ure ures ous ive ives ism isms ist ists al ally ate ated ates ation ations ial
    ical er ers est ful less ship ships ward wards ize ized izes ise ised
    """
)
_SUBHEADING_MAX_CHARS = 80
_SUBHEADING_MAX_WORDS = 10


def parse_text(text: str, url: str = "") -> Article:
    """Parse plain text into an Article (not enriched); never raises on odd input."""
    if not isinstance(text, str):
        return Article(url=url, source_kind="text", skip_reason="not-text: expected str")
    problems: list[str] = []
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        problems.append(f"text truncated to {MAX_TEXT_CHARS} characters")
    raw_blocks = _split_blocks(_normalize(text))
    if not raw_blocks:
        return Article(url=url, source_kind="text", skip_reason="empty: no text")

    related: list[RelatedLink] = []
    stray_urls: list[str] = []
    authors: tuple[str, ...] = ()
    kept: list[list[str]] = []
    repeated = _repeated_lines(raw_blocks)
    for index, lines in enumerate(raw_blocks):
        lines = [ln for ln in lines if ln not in repeated and not _BOILERPLATE_LINE.match(ln)]
        body_lines: list[str] = []
        for line in lines:
            if _URL_LINE.match(line):
                stray_urls.append(line.strip("<>"))
            elif not _PAGE_LINE.match(line):
                body_lines.append(line)
        if not body_lines:
            continue
        teaser = _RELATED.match(body_lines[0]) if len(body_lines) <= 2 else None
        if teaser:
            related.append(_related_link(" ".join([teaser["title"], *body_lines[1:]])))
            continue
        byline = _BYLINE.match(body_lines[0]) if index < 4 and len(body_lines) == 1 else None
        if byline and not authors:
            authors = tuple(n for n in _AUTHOR_SPLIT.split(byline["names"]) if n)
            continue
        kept.append(body_lines)

    vocabulary = _vocabulary(kept)
    reflowed = [(_reflow(lines, vocabulary), len(lines)) for lines in kept]
    merged = _join_broken_sentences(reflowed)
    title, blocks = _classify(merged)
    body = assemble_body(blocks)
    related = _attach_stray_urls(related, stray_urls)
    article = Article(
        url=url,
        title=title,
        paragraphs=body.paragraphs,
        subheadings=body.subheadings,
        subheading_positions=body.subheading_positions,
        authors=authors,
        lang=guess_language(" ".join(body.paragraphs)),
        related=tuple(related),
        source_kind="text",
        problems=tuple(problems),
    )
    if not article.paragraphs:
        return replace(article, skip_reason="no-main-text: no paragraphs in text")
    return article


def _normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return text.replace("\ufeff", "").replace("\t", " ")


def _split_blocks(text: str) -> list[list[str]]:
    """Groups of consecutive non-blank lines, each line stripped."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = clean_inline(line)
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _repeated_lines(blocks: list[list[str]]) -> set[str]:
    """Short lines repeated on every page (running headers and footers of a PDF)."""
    counts = Counter(line for lines in blocks for line in lines if len(line) < 60)
    return {line for line, n in counts.items() if n >= 3 and not _ENDS_SENTENCE.search(line)}


def _vocabulary(blocks: list[list[str]]) -> Counter[str]:
    """Word counts of the document, to tell soft hyphens from real compounds."""
    words: Counter[str] = Counter()
    for lines in blocks:
        for line in lines:
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", line))
    return words


def _reflow(lines: list[str], vocabulary: Counter[str]) -> str:
    """Join hard-wrapped lines into one paragraph, repairing line-end hyphens."""
    out = lines[0]
    for line in lines[1:]:
        broken = _HYPHEN_BREAK.search(out, max(0, len(out) - _MAX_WORD_CHARS - 1))
        right = _LEADING_WORD.match(line)
        if broken and right:
            if _keep_hyphen(broken["left"], right["right"], vocabulary):
                out += line
            else:
                out = out[:-1] + line
        else:
            out += " " + line
    return out


def _keep_hyphen(left: str, right: str, vocabulary: Counter[str]) -> bool:
    """Decide whether "left-\\nright" is a compound (keep "-") or a split word."""
    if right[0].isupper() or right[0].isdigit() or (left[0].isupper() and len(left) <= 3):
        return True
    joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
    if vocabulary[joined] != vocabulary[hyphenated]:
        return vocabulary[hyphenated] > vocabulary[joined]
    if left.lower() in _COMPOUND_PREFIXES:
        return True
    # Modern copy hyphenates real compounds; a bare suffix on the next line is
    # the mark of a typesetter's soft hyphen.
    return right.lower() not in _SUFFIX_FRAGMENTS


def _join_broken_sentences(blocks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Re-join a sentence cut by a page break: no end punctuation, then lowercase."""
    out: list[tuple[str, int]] = []
    for text, n_lines in blocks:
        if out and not _ENDS_SENTENCE.search(out[-1][0]) and _STARTS_LOWER.match(text):
            prev_text, prev_lines = out[-1]
            out[-1] = (f"{prev_text} {text}", prev_lines + n_lines)
        else:
            out.append((text, n_lines))
    return out


def _looks_like_heading(text: str, n_lines: int) -> bool:
    if n_lines != 1 or len(text) > _SUBHEADING_MAX_CHARS:
        return False
    if len(text.split()) > _SUBHEADING_MAX_WORDS or _ENDS_SENTENCE.search(text):
        return False
    if text.endswith(","):
        return False
    first = text.lstrip("\"'“‘«(")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _classify(blocks: list[tuple[str, int]]) -> tuple[str, list[Block]]:
    """Tell the title (a heading-like first line) and subheadings from paragraphs."""
    title = ""
    out: list[Block] = []
    for index, (text, n_lines) in enumerate(blocks):
        heading = _looks_like_heading(text, n_lines) and index + 1 < len(blocks)
        if heading and index == 0:
            title = text
        else:
            out.append(Block("heading" if heading else "paragraph", text))
    return title, out


def _related_link(teaser: str) -> RelatedLink:
    match = _URL.search(teaser)
    if match is None:
        return RelatedLink(title=teaser.strip(" -–—|"))
    title = (teaser[: match.start()] + teaser[match.end() :]).strip(" -–—|()<>")
    return RelatedLink(title=title, url=match.group(0).rstrip(".,;)>"))


def _slug_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _attach_stray_urls(related: list[RelatedLink], urls: list[str]) -> list[RelatedLink]:
    """Give a teaser without a link the stray URL whose slug spells its title."""
    out = list(related)
    for url in urls:
        slug = _slug_words(url.rsplit("/", 1)[-1] or url)
        best, best_overlap = -1, 0.5
        for i, link in enumerate(out):
            title_words = _slug_words(link.title)
            if link.url is None and title_words:
                overlap = len(slug & title_words) / len(title_words)
                if overlap > best_overlap:
                    best, best_overlap = i, overlap
        if best >= 0:
            out[best] = replace(out[best], url=url)
    return out
