from datetime import UTC, datetime

from storywatch.index.schema import TEMPLATE_NAMES, IndexNames, load_template


def test_names_derive_from_prefix() -> None:
    names = IndexNames("sw-test")
    assert names.articles == "sw-test-articles"
    assert names.articles_for(datetime(2026, 3, 9, tzinfo=UTC)) == "sw-test-articles-2026.03"
    assert names.feeds == "sw-test-feeds"
    assert names.template("alerts") == "sw-test-alerts"


def test_templates_fill_in_the_prefix_everywhere() -> None:
    for name in TEMPLATE_NAMES:
        body = load_template(name, "abc")
        assert "{prefix}" not in repr(body)
        assert all(p.startswith("abc-") for p in body["index_patterns"])
        assert body["template"]["mappings"]["dynamic"] == "strict"
    articles = load_template("articles", "abc")
    assert articles["template"]["aliases"] == {"abc-articles": {}}
