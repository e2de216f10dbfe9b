"""Quote-attribution benchmark: precision and recall of (speaker, quote) pairs.

Run: ``uv run python bench/quotes.py``. Gold for the project's own fixtures is
complete (every direct quote listed), so precision and recall are both exact.
The seed's expected.json lists nine quotes but not every one (its last
paragraph holds a tenth), so on the seed only recall is exact; quotes beyond
the list are printed for a reader to judge.
"""

from __future__ import annotations

import json
from pathlib import Path

from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.text import parse_text

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / ".." / "shared" / "seed"
# (fixture, [(speaker, first words of the quote)]): every direct quote in the text.
FIXTURE_GOLD: dict[str, list[tuple[str, str]]] = {
    "quotes-variety.txt": [
        ("Harriet Osei", "This is the largest investment"),
        ("Harriet Osei", "It will keep the channel open"),
        ("Tomas Reyes", "We were never asked"),
        ("Tomas Reyes", "Nobody came to the docks"),
        ("Ingrid Vale", "Somebody has to ask who pays"),
        ("Marcus Bell", "The numbers simply do not add up"),
        ("Marcus Bell", "Every estimate so far has been too low"),
        ("Marcus Bell", "I will keep asking questions"),
        ("Tomas Reyes", "a gift to the shipping lines"),
    ],
    "wire-hyphen-pagebreak.txt": [
        ("Petra Lindqvist", "We are confident that the system"),
        ("Petra Lindqvist", "Nobody should doubt our resolve"),
        ("Petra Lindqvist", "a question of national"),
    ],
    "quotes-roles-british.txt": [
        ("Lena Marsk", "This is the order we have been waiting for"),
        ("Lena Marsk", "It keeps four hundred people in work"),
        ("Piet Hallan", "The fleet is older than"),
        ("Ansa Rohde", "Boats without crews"),
        ("Tobias Wren", "We were told the price"),
        ("Ivo Brandt", "We will hold management"),
    ],
    "patriots-football-report.txt": [
        ("Mara Quist", "quiet but angry"),
        ("Dario Fenn", "I just hit it and hoped"),
        ("Dario Fenn", "The fans pushed us"),
    ],
    "patriot-act-debate.txt": [
        ("Ellen Marsh", "Twenty-five years on"),
    ],
}


def pairs_found(path: Path) -> list[tuple[str | None, str]]:
    knowledge = Knowledge.from_config_dir(REPO / "config")
    article = enrich_article(parse_text(path.read_text(encoding="utf-8")), knowledge)
    return [(q.speaker, q.text) for q in article.quotes]


def match(found: list[tuple[str | None, str]], gold: list[tuple[str, str]]) -> tuple[int, int]:
    """(correct found pairs, gold pairs recovered)."""
    correct = sum(any(s == gs and t.startswith(gt) for gs, gt in gold) for s, t in found)
    recovered = sum(any(s == gs and t.startswith(gt) for s, t in found) for gs, gt in gold)
    return correct, recovered


def main() -> None:
    total_found = total_correct = total_gold = total_recovered = 0
    for name, gold in FIXTURE_GOLD.items():
        found = pairs_found(REPO / "tests" / "fixtures" / "texts" / name)
        correct, recovered = match(found, gold)
        total_found += len(found)
        total_correct += correct
        total_gold += len(gold)
        total_recovered += recovered
        print(f"{name:28} precision {correct}/{len(found)}  recall {recovered}/{len(gold)}")
    print(
        f"{'fixtures (all)':28} precision {total_correct / total_found:.3f}  "
        f"recall {total_recovered / total_gold:.3f}"
    )
    expected = SEED / "s400-turkey-f35.expected.json"
    if expected.exists():
        gold = [
            (q["speaker"], q["text_starts"]) for q in json.loads(expected.read_text())["quotes"]
        ]
        found = pairs_found(SEED / "s400-turkey-f35.txt")
        correct, recovered = match(found, gold)
        print(f"{'seed':28} recall {recovered}/{len(gold)}  (found {len(found)} quotes)")
        for speaker, text in found:
            if not any(speaker == gs and text.startswith(gt) for gs, gt in gold):
                print(f"  beyond the list: {speaker}: {text[:70]}")
    else:
        print("seed: ../shared/seed absent, skipped")


if __name__ == "__main__":
    main()
