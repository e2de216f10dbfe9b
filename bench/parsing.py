"""Parse + enrich throughput on the bundled sample pages, against trafilatura alone.

    uv run python bench/parsing.py [--rounds 20]

Per core (one process, one thread): articles per second of ``extract_article`` alone,
``enrich_article`` alone (on the parsed article), both (what ``pipeline.parse_pages``
does per page), and ``trafilatura.extract`` with its defaults (body text only: no quotes,
entities, topics, facts or fingerprint). The 12 pages of ``samples/articles/`` (with
``{{base_url}}`` filled in) are run ``--rounds`` times; within each round every variant
runs over all pages in turn, so drift on a shared machine hits them alike.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.models import Article

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "http://127.0.0.1:8765"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    knowledge = Knowledge.from_config_dir(REPO / "config")
    pages = [
        (
            f"{BASE_URL}/articles/{p.name}",
            p.read_bytes().replace(b"{{base_url}}", BASE_URL.encode()),
        )
        for p in sorted((REPO / "samples" / "articles").glob("*.html"))
    ]
    parsed: list[Article] = [extract_article(html, url) for url, html in pages]
    if not all(a.is_article for a in parsed):
        raise SystemExit("a sample page no longer parses as an article")

    def storywatch_both() -> None:
        for url, html in pages:
            enrich_article(extract_article(html, url), knowledge)

    def storywatch_extract() -> None:
        for url, html in pages:
            extract_article(html, url)

    def storywatch_enrich() -> None:
        for article in parsed:
            enrich_article(article, knowledge)

    def trafilatura_extract() -> None:
        for url, html in pages:
            trafilatura.extract(html, url=url)

    variants: list[tuple[str, Callable[[], None]]] = [
        ("extract_article + enrich_article", storywatch_both),
        ("  extract_article alone", storywatch_extract),
        ("  enrich_article alone", storywatch_enrich),
        ("trafilatura.extract (baseline)", trafilatura_extract),
    ]
    for _, run in variants:  # warm-up: imports, compiled patterns, caches
        run()
    spent = dict.fromkeys((name for name, _ in variants), 0.0)
    for _ in range(args.rounds):
        for name, run in variants:
            start = time.perf_counter()
            run()
            spent[name] += time.perf_counter() - start
    docs = len(pages) * args.rounds
    size = sum(len(html) for _, html in pages) / len(pages) / 1024
    print(
        f"{len(pages)} sample pages ({size:.1f} KiB of HTML on average) x {args.rounds} rounds, "
        "one core"
    )
    base = docs / spent["trafilatura.extract (baseline)"]
    print(f"{'variant':34} {'docs/s':>8} {'ms/doc':>8} {'vs trafilatura':>15}")
    for name, seconds in spent.items():
        rate = docs / seconds
        print(f"{name:34} {rate:8.1f} {seconds / docs * 1000:8.2f} {rate / base:14.2f}x")
    share = spent["  enrich_article alone"] / spent["extract_article + enrich_article"]
    print(f"enrichment share of parse + enrich time: {share:.0%}")


if __name__ == "__main__":
    main()
