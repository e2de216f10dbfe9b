"""URL canonicalisation, facts and near-duplicate fingerprints."""

from __future__ import annotations

import pytest

from storywatch.parsers.facts import extract_facts
from storywatch.parsers.fingerprint import hamming_distance, is_near_duplicate, simhash
from storywatch.parsers.urls import canonicalize_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "HTTPS://News.Example.COM:443/a/b/?utm_source=x&b=2&a=1#top",
            "https://news.example.com/a/b?a=1&b=2",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x/", "http://example.com:8080/x"),
        ("https://example.com/?fbclid=1&gclid=2", "https://example.com/"),
        ("https://example.com/a%7Eb", "https://example.com/a~b"),
        ("not a url", "not a url"),
    ],
)
def test_canonicalize_url(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical


def test_facts() -> None:
    facts = extract_facts(
        "The deal, worth $2.5 billion, was signed in Oct. 2019 after talks in late 2018. "
        "Ankara wants dozens of jets and 120 missiles by March 3, 2021, in the 1990s style."
    )
    assert "$2.5 billion" in facts.money
    assert {"Oct. 2019", "late 2018", "March 3, 2021", "1990s"} <= set(facts.dates)
    assert {"dozens of jets", "120 missiles"} <= set(facts.counts)


def test_counts_run_to_the_counted_noun_not_a_pronoun() -> None:
    facts = extract_facts(
        "The programme employs hundreds of its engineers; about 40 was the estimate, "
        "and two of his ships remain."
    )
    assert facts.counts == ("hundreds of its engineers", "two of his ships")


def test_a_year_before_a_noun_is_not_a_count() -> None:
    facts = extract_facts("The eight senators wrote that the 2017 law requires penalties.")
    assert facts.counts == ("eight senators",)
    assert "2017" in facts.dates


STORY = (
    "The harbour authority approved a plan to deepen the channel by four metres, opening the "
    "port to larger ships. Fishermen objected, saying the work would disturb breeding grounds "
    "in the outer bay. The authority said an independent study would be published in spring "
    "and that work could begin next year if the regional government agrees. "
) * 3


def test_syndicated_copy_is_near_duplicate() -> None:
    a, b = simhash(STORY), simhash(STORY.replace("spring", "April", 1) + " Staff report.")
    other = simhash("A completely different story about a football match and its result. " * 5)
    assert a is not None and b is not None and other is not None
    assert is_near_duplicate(a, b)
    assert hamming_distance(a, other) > 12
    assert simhash("") is None
