"""Issue 7: real markup must never lose the article (one test per cause measured).

Every page here is fictional and written for the test; the class names imitate those
that made the extractor drop the whole article on real pages.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from storywatch.parsers.article import extract_article

URL = "https://tidewater.example/2026/05/harbour-dredging"

BODY = [
    "The harbour board of Tidewater voted on Tuesday to dredge the eastern channel, "
    "ending a dispute with the ferry operators that had lasted almost three years.",
    "Dredging will start in September and take about eleven weeks, according to the "
    "board's engineer, who said the channel had silted up faster than any survey predicted.",
    "Fishermen, who moor on the eastern quay, said they had not been consulted about the "
    "timetable, and asked for the work to pause during the autumn herring run.",
    "The board said it would publish a revised plan next month, after meeting the "
    "fishermen's association and the two ferry companies that use the channel daily.",
    "The cost, estimated at 4.2 million crowns, will be shared between the board, the "
    "regional council and the ferry operators, under an agreement signed last spring.",
]
SUBHEADING = "What happens to the ferries"
SIDEBAR_TEXT = "Most read this week: a lighthouse keeper retires after forty years"
COMMENT_TEXT = "Reader comment: the dredging is long overdue, the channel is a disgrace today."


def _tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in re.findall(r"\w+", text))


def _recall_precision(article_text: str, gold: str) -> tuple[float, float]:
    want, have = _tokens(gold), _tokens(article_text)
    overlap = sum((want & have).values())
    return overlap / max(sum(want.values()), 1), overlap / max(sum(have.values()), 1)


def _page(wrapper_open: str, wrapper_close: str = "</div>") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY[:3])
    paragraphs += f"<h2>{SUBHEADING}</h2>" + "".join(f"<p>{p}</p>" for p in BODY[3:])
    return (
        "<html><head><title>Harbour board votes to dredge the channel</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<h1>Harbour board votes to dredge the channel</h1>{wrapper_open}{paragraphs}"
        f"{wrapper_close}<div class='sidebar'><p>{SIDEBAR_TEXT}</p></div>"
        f"<div class='post-comments'><p>{COMMENT_TEXT}</p></div>"
        "<footer><p>Tidewater Courier, all rights reserved.</p></footer></body></html>"
    )


def _body_text(url: str, html: str) -> tuple[str, tuple[str, ...]]:
    article = extract_article(html, url)
    assert article.is_article, article.skip_reason
    return " ".join([*article.subheadings, *article.paragraphs]), article.problems


# Class names of containers that wrapped whole articles on real pages (issue 7), each
# holding a noise word: in the middle of a token, or as a state of the article box.
WRAPPERS = {
    "sidebar-in-middle": "<div class='content-with-sidebar-wrp'>",
    "sidebar-camel-case": "<div class='theiaStickySidebar'>",
    "sidebar-layout-segment": "<div class='l-sidebar-fixed l-article-body-segment'>",
    "widget-blogger": "<div class='widget Blog' id='Blog1'>",
    "widget-elementor": "<div class='elementor-widget-container'>",
    "paywall-state": "<div class='ArticlePage-content paywall'>",
    "overlay-handle": "<div class='article__body article-overlay-handle'>",
    "read-more": "<div class='entry-content-read-more'>",
    "meta-field": "<div class='hs_cos_wrapper hs_cos_wrapper_meta_field'>",
    "ad-body": "<div class='ad_body'>",
    "non-ad-column": "<div class='non-ad-column'>",
    "pull-left": "<div class='pull-left'>",
    "pagination-first": "<div class='article-body pagination-first'>",
    "menu-wrapper": "<div id='menu-content'><div class='menu'>",
}


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_noise_word_in_the_article_container_keeps_the_article(name: str) -> None:
    opener = WRAPPERS[name]
    closer = "</div>" * opener.count("<div")
    text, problems = _body_text(URL, _page(opener, closer))
    recall, precision = _recall_precision(text, " ".join([*BODY, SUBHEADING]))
    assert recall >= 0.97, (name, text[:200])
    assert SUBHEADING in text
    assert SIDEBAR_TEXT not in text and COMMENT_TEXT not in text
    assert precision >= 0.95
    # The cause is fixed in our extractor: no second opinion was needed.
    assert not any("second opinion" in p for p in problems)


@pytest.mark.parametrize(
    "cls", ["sidebar", "share-buttons", "post-comments", "related-posts", "ad-slot"]
)
def test_noise_boxes_beside_the_article_are_still_pruned(cls: str) -> None:
    noise = "Boilerplate box text that should never reach the body of the story, honestly."
    html = _page("<div class='story'>").replace(
        "<footer>", f"<div class='{cls}'><p>{noise}</p><p>{noise} Again.</p></div><footer>"
    )
    text, _ = _body_text(URL, html)
    assert "Boilerplate box text" not in text
    assert BODY[0] in text


def test_a_box_holding_most_text_is_kept_but_readers_comments_are_not() -> None:
    html = _page("<div class='comments'>")
    article = extract_article(html, URL)
    # A "comments" box is never rescued by its size: the article goes with it, and the
    # second opinion (which finds nothing else either) cannot call it a lost body.
    assert BODY[0] not in " ".join(article.paragraphs)


def test_body_split_over_sibling_blocks_is_merged() -> None:
    blocks = "".join(
        f"<div class='story-body__block'>{p}</div>"
        + ("<div class='ad-slot'>Advertisement</div>" if i == 2 else "")
        for i, p in enumerate(BODY)
    )
    html = _page(f"<div class='l-container'>{blocks}", "</div>").replace(
        "".join(f"<p>{p}</p>" for p in BODY[:3]), ""
    )
    text, _ = _body_text(URL, html)
    for paragraph in BODY:
        assert paragraph in text
    assert "Advertisement" not in text


def test_body_split_over_sections_of_the_same_class_is_merged() -> None:
    sections = "".join(
        f"<section class='outer'><div class='post__content'><p>{BODY[i]}</p>"
        f"<p>{BODY[i + 1]}</p></div></section><figure><img src='x.jpg'></figure>"
        for i in (0, 2)
    )
    html = _page(f"<main>{sections}", "</main>").replace(
        "".join(f"<p>{p}</p>" for p in BODY[:3]), ""
    )
    text, _ = _body_text(URL, html)
    for paragraph in BODY[:4]:
        assert paragraph in text


def test_a_list_of_other_posts_excerpts_does_not_beat_the_body() -> None:
    excerpts = "".join(
        f"<article class='post-excerpt'><h2><a href='/2026/0{i}/story-{i}'>Other story "
        f"number {i} from the archive</a></h2><p>Excerpt {i}: the council met again to "
        "discuss parking, and residents asked questions about the new bus timetable.</p>"
        "</article>"
        for i in range(1, 7)
    )
    html = _page("<article class='post'>", f"</article><section>{excerpts}</section>")
    text, _ = _body_text(URL, html)
    assert BODY[0] in text and BODY[-1] in text
    assert "Excerpt 3" not in text


def test_a_photo_gallery_longer_than_the_story_stays_out_of_the_body() -> None:
    captions = "".join(
        f"<li><p>Photo {i}: the eastern quay at low tide, with the ferries moored two deep "
        "and the dredger waiting offshore for the weather to clear.</p></li>"
        for i in range(30)
    )
    gallery = f"<div class='media-wrapper type-gallery'><ul class='legends'>{captions}</ul></div>"
    html = _page(f"<div class='text-wrapper'>{gallery}", "</div>")
    text, problems = _body_text(URL, html)
    assert BODY[0] in text and BODY[-1] in text
    assert "Photo 7" not in text
    assert not any("second opinion" in p for p in problems)
