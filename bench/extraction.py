# ruff: noqa: E501  (table rows read best as long lines)
"""Body-extraction benchmark: Storywatch vs trafilatura vs readability-lxml vs BeautifulSoup.

Run: ``uv run python bench/extraction.py [--corpus DIR] [--pages 250] [--per-page]``.

Headline table, on REAL pages: the 130 pages of ``../shared/corpora/readability-pages``
(Mozilla Readability.js's test pages; gold = the text of each ``expected.html``, which is
Readability.js's own output, not a hand-made gold). Every folder is counted; the small
hand-written pages that test one Readability rule (source under 20 KB) are listed as
"unit cases" and also scored apart. A page that Storywatch skips (``skip_reason`` set)
counts as empty: the pipeline would index nothing for it.

Then the DEVELOPMENT tables (pages written alongside the extractor, so they flatter
it): generated pages (bench/pagegen.py) and the hand-made CMS set
(tests/fixtures/pages/cms).

Score: token precision / recall / F1 (bag of words, micro-averaged over all tokens of
all pages); "empty" = fewer than 100 characters of body; docs/s on one core, every
extractor on the same pages in the same run (CPU time of the process, so other load on a
shared machine does not count).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from pagegen import TEMPLATES, Page, generate_pages
from readability import Document

from storywatch.parsers.article import extract_article

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_NAMES = [t.__name__ for t in TEMPLATES]
CMS_DIR = REPO / "tests" / "fixtures" / "pages" / "cms"
READABILITY_DIR = REPO / ".." / "shared" / "corpora" / "readability-pages"
#: Readability's one-rule test pages are hand-written and small; real pages are larger.
UNIT_CASE_BYTES = 20_000
EMPTY_CHARS = 100
SUBSTANTIAL_CHARS = 500
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def ours(page: str) -> str:
    """Storywatch's body; empty when the page is skipped (the pipeline indexes nothing)."""
    article = extract_article(page, "https://courier.example/2024/06/14/story")
    if article.skip_reason:
        return ""
    # Subheadings are part of the body text in the gold, as they are in trafilatura's output.
    return " ".join([*article.subheadings, *article.paragraphs])


def ours_dev(page: str) -> str:
    """Storywatch's body regardless of skips (the development tables' historical scoring)."""
    article = extract_article(page, "https://courier.example/2024/06/14/story")
    return " ".join([*article.subheadings, *article.paragraphs])


def trafilatura_default(page: str) -> str:
    return trafilatura.extract(page) or ""


def trafilatura_no_comments(page: str) -> str:
    return trafilatura.extract(page, include_comments=False) or ""


def readability_lxml(page: str) -> str:
    try:
        summary = Document(page).summary(html_partial=True)
    except Exception:  # readability raises on some markup: an empty result, as a user sees it
        return ""
    return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""


def bs4_get_text(page: str) -> str:
    return BeautifulSoup(page, "lxml").get_text(" ")


DEV_EXTRACTORS: dict[str, Callable[[str], str]] = {
    "storywatch": ours_dev,
    "trafilatura": trafilatura_default,
    "trafilatura (no comments)": trafilatura_no_comments,
    "bs4 get_text": bs4_get_text,
}
REAL_EXTRACTORS: dict[str, Callable[[str], str]] = {
    "storywatch": ours,
    "trafilatura (no comments)": trafilatura_no_comments,
    "readability-lxml": readability_lxml,
    "bs4 get_text": bs4_get_text,
}
BASELINE = "trafilatura (no comments)"


@dataclass(frozen=True)
class Run:
    """One extractor's outputs on a page set, and the seconds they took."""

    outputs: list[str]
    seconds: float


def run(pages: list[Page], extract: Callable[[str], str]) -> Run:
    # CPU time of this process: the machine is shared, and wall-clock time would count
    # other processes' turns on the core.
    start = time.process_time()
    outputs = [extract(page.html) for page in pages]
    return Run(outputs, time.process_time() - start)


def prf(pages: list[Page], outputs: list[str]) -> tuple[float, float, float]:
    """(precision, recall, F1), micro-averaged over all tokens."""
    hit = got = want = 0
    for page, output in zip(pages, outputs, strict=True):
        gold, pred = tokens(" ".join(page.gold)), tokens(output)
        hit += sum((gold & pred).values())
        got += sum(pred.values())
        want += sum(gold.values())
    precision = hit / got if got else 0.0
    recall = hit / want if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(pages: list[Page], extract: Callable[[str], str]) -> tuple[float, float, float, float]:
    """(precision, recall, F1, docs/s)."""
    result = run(pages, extract)
    return (*prf(pages, result.outputs), len(pages) / result.seconds)


def cms_pages() -> list[Page]:
    """The hand-made CMS set: ``<name>.html`` with ``<name>.gold.txt`` (one block per line)."""
    pages = []
    for path in sorted(CMS_DIR.glob("*.html")):
        gold = path.with_suffix(".gold.txt").read_text(encoding="utf-8").splitlines()
        pages.append(Page(path.read_text(encoding="utf-8"), [g for g in gold if g], path.stem))
    return pages


def readability_pages(corpus: Path) -> list[Page]:
    """Every folder of the Readability corpus: source page, gold = text of expected.html."""
    pages = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "source.html").exists()):
        html = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        expected = (folder / "expected.html").read_text(encoding="utf-8", errors="replace")
        gold = lxml.html.fromstring(expected).text_content() if expected.strip() else ""
        pages.append(Page(html, [gold], folder.name))
    return pages


def print_table(pages: list[Page]) -> None:
    results = {name: score(pages, fn) for name, fn in DEV_EXTRACTORS.items()}
    base_f1, base_speed = results["trafilatura"][2], results["trafilatura"][3]
    print(
        f"{'extractor':28} {'precision':>9} {'recall':>7} {'F1':>7} {'docs/s':>8} {'F1 ratio':>9} {'speed ratio':>12}"
    )
    for name, (p, r, f1, speed) in results.items():
        print(
            f"{name:28} {p:9.3f} {r:7.3f} {f1:7.3f} {speed:8.1f} {f1 / base_f1:9.3f} {speed / base_speed:12.2f}"
        )


def real_table(pages: list[Page], per_page: bool) -> None:
    """The headline table on real pages, with empty-page counts."""
    runs = {name: run(pages, fn) for name, fn in REAL_EXTRACTORS.items()}
    base = runs[BASELINE]
    substantial = [len(out.strip()) >= SUBSTANTIAL_CHARS for out in base.outputs]
    unit = [len(p.html.encode()) < UNIT_CASE_BYTES for p in pages]
    print(
        f"{'extractor':26} {'precision':>9} {'recall':>7} {'F1':>6} {'F1 real':>7} {'F1 unit':>7} "
        f"{'empty':>5} {'empty, traf 500+':>16} {'docs/s':>7} {'speed ratio':>11}"
    )
    for name, result in runs.items():
        p, r, f1 = prf(pages, result.outputs)
        real_f1 = prf(*_subset(pages, result.outputs, [not u for u in unit]))[2]
        unit_f1 = prf(*_subset(pages, result.outputs, unit))[2]
        empty = [len(out.strip()) < EMPTY_CHARS for out in result.outputs]
        lost = sum(e and s for e, s in zip(empty, substantial, strict=True))
        speed = len(pages) / result.seconds
        print(
            f"{name:26} {p:9.4f} {r:7.4f} {f1:6.4f} {real_f1:7.4f} {unit_f1:7.4f} {sum(empty):5d} "
            f"{lost:16d} {speed:7.1f} {speed / (len(pages) / base.seconds):11.2f}"
        )
    lost_pages = [
        p.template
        for p, out, s in zip(pages, runs["storywatch"].outputs, substantial, strict=True)
        if s and len(out.strip()) < EMPTY_CHARS
    ]
    print(f"  storywatch empty where trafilatura finds {SUBSTANTIAL_CHARS}+ chars: {lost_pages}")
    print(
        f"  unit cases ({sum(unit)}): {[p.template for p, u in zip(pages, unit, strict=True) if u]}"
    )
    if per_page:
        for i, page in enumerate(pages):
            row = "  ".join(
                f"{name.split()[0][:5]}={prf([page], [result.outputs[i]])[2]:.3f}"
                for name, result in runs.items()
            )
            print(f"  F1 on {page.template:40} {row}")


def _subset(
    pages: list[Page], outputs: list[str], keep: list[bool]
) -> tuple[list[Page], list[str]]:
    chosen = [(p, o) for p, o, k in zip(pages, outputs, keep, strict=True) if k]
    return [p for p, _ in chosen], [o for _, o in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=250, help="generated pages (development)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=READABILITY_DIR)
    parser.add_argument("--per-page", action="store_true", help="F1 of every real page")
    parser.add_argument("--real-only", action="store_true", help="skip the development tables")
    args = parser.parse_args()
    if args.corpus.is_dir():
        real = readability_pages(args.corpus)
        size = sum(len(p.html) for p in real) / len(real)
        print(
            f"REAL PAGES: {len(real)} pages of {args.corpus.name} (all folders counted), "
            f"{size / 1024:.1f} KiB on average, one core"
        )
        real_table(real, args.per_page)
    else:
        print(f"real-page corpus not found at {args.corpus}: headline table skipped")
    if args.real_only:
        return
    pages = generate_pages(args.pages, seed=args.seed)
    size = sum(len(p.html) for p in pages) / len(pages)
    print(
        f"\nDEVELOPMENT SET: {len(pages)} generated pages, {size / 1024:.1f} KiB on average, "
        f"{len(TEMPLATE_NAMES)} templates, one core"
    )
    print_table(pages)
    for template in sorted({p.template for p in pages}):
        subset = [p for p in pages if p.template == template]
        row = "  ".join(
            f"{name.split()[0][:5]}={score(subset, fn)[2]:.3f}"
            for name, fn in DEV_EXTRACTORS.items()
            if "no comments" not in name
        )
        print(f"  F1 on template {template:10} {row}")
    cms = cms_pages()
    size = sum(len(p.html) for p in cms) / max(len(cms), 1)
    print(
        f"\nDEVELOPMENT SET: {len(cms)} hand-made CMS-style pages, {size / 1024:.1f} KiB on average "
        "(timings on so few pages are rough)"
    )
    print_table(cms)
    for page in cms:
        row = "  ".join(
            f"{name.split()[0][:5]}={score([page], fn)[2]:.3f}"
            for name, fn in DEV_EXTRACTORS.items()
            if "no comments" not in name
        )
        print(f"  F1 on {page.template:12} {row}")


if __name__ == "__main__":
    main()
