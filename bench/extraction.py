# ruff: noqa: E501  (table rows read best as long lines)
"""Body-extraction benchmark: Storywatch vs trafilatura vs BeautifulSoup get_text().

Run: ``uv run python bench/extraction.py [--pages 250]``. Prints token-level
precision, recall and F1 of the body against the gold of each generated page
(bench/pagegen.py), and documents per second on one core, side by side; then a
second table on the hand-made CMS set (tests/fixtures/pages/cms: pages imitating
WordPress, Arc, Drupal, AMP, Ghost, a liveblog, a paywall, ... with hand-written
gold), which the extractor was not tuned on when it was written.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from bs4 import BeautifulSoup
from pagegen import TEMPLATES, Page, generate_pages

from storywatch.parsers.article import extract_article

TEMPLATE_NAMES = [t.__name__ for t in TEMPLATES]
CMS_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages" / "cms"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def ours(page: str) -> str:
    article = extract_article(page, "https://courier.example/2024/06/14/story")
    # Subheadings are part of the body text in the gold, as they are in trafilatura's output.
    return " ".join([*article.subheadings, *article.paragraphs])


def trafilatura_default(page: str) -> str:
    return trafilatura.extract(page) or ""


def trafilatura_no_comments(page: str) -> str:
    return trafilatura.extract(page, include_comments=False) or ""


def bs4_get_text(page: str) -> str:
    return BeautifulSoup(page, "lxml").get_text(" ")


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "storywatch": ours,
    "trafilatura": trafilatura_default,
    "trafilatura (no comments)": trafilatura_no_comments,
    "bs4 get_text": bs4_get_text,
}


def score(pages: list[Page], extract: Callable[[str], str]) -> tuple[float, float, float, float]:
    """(precision, recall, F1, docs/s): micro-averaged over all tokens."""
    hit = got = want = 0
    outputs = []
    start = time.perf_counter()
    for page in pages:
        outputs.append(extract(page.html))
    elapsed = time.perf_counter() - start
    for page, output in zip(pages, outputs, strict=True):
        gold, pred = tokens(" ".join(page.gold)), tokens(output)
        hit += sum((gold & pred).values())
        got += sum(pred.values())
        want += sum(gold.values())
    precision = hit / got if got else 0.0
    recall = hit / want if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pages) / elapsed


def cms_pages() -> list[Page]:
    """The hand-made CMS set: ``<name>.html`` with ``<name>.gold.txt`` (one block per line)."""
    pages = []
    for path in sorted(CMS_DIR.glob("*.html")):
        gold = path.with_suffix(".gold.txt").read_text(encoding="utf-8").splitlines()
        pages.append(Page(path.read_text(encoding="utf-8"), [g for g in gold if g], path.stem))
    return pages


def print_table(pages: list[Page]) -> None:
    results = {name: score(pages, fn) for name, fn in EXTRACTORS.items()}
    base_f1, base_speed = results["trafilatura"][2], results["trafilatura"][3]
    print(
        f"{'extractor':28} {'precision':>9} {'recall':>7} {'F1':>7} {'docs/s':>8} {'F1 ratio':>9} {'speed ratio':>12}"
    )
    for name, (p, r, f1, speed) in results.items():
        print(
            f"{name:28} {p:9.3f} {r:7.3f} {f1:7.3f} {speed:8.1f} {f1 / base_f1:9.3f} {speed / base_speed:12.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pages = generate_pages(args.pages, seed=args.seed)
    size = sum(len(p.html) for p in pages) / len(pages)
    print(
        f"{len(pages)} generated pages, {size / 1024:.1f} KiB on average, {len(TEMPLATE_NAMES)} templates, one core"
    )
    print_table(pages)
    for template in sorted({p.template for p in pages}):
        subset = [p for p in pages if p.template == template]
        row = "  ".join(
            f"{name.split()[0][:5]}={score(subset, fn)[2]:.3f}"
            for name, fn in EXTRACTORS.items()
            if "no comments" not in name
        )
        print(f"  F1 on template {template:10} {row}")
    cms = cms_pages()
    size = sum(len(p.html) for p in cms) / max(len(cms), 1)
    print(
        f"\n{len(cms)} hand-made CMS-style pages, {size / 1024:.1f} KiB on average (timings on so few pages are rough)"
    )
    print_table(cms)
    for page in cms:
        row = "  ".join(
            f"{name.split()[0][:5]}={score([page], fn)[2]:.3f}"
            for name, fn in EXTRACTORS.items()
            if "no comments" not in name
        )
        print(f"  F1 on {page.template:12} {row}")


if __name__ == "__main__":
    main()
