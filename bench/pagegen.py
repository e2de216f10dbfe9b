# ruff: noqa: E501  (HTML templates read best as long literal lines)
"""Generate fictional news pages with known bodies, for the extraction benchmark.

Every page is built from a seeded random generator: body paragraphs from a small
grammar of invented places, people and events (no real site's text), wrapped in
one of several page templates with the furniture real news pages carry: cookie
banners, navigation, bylines, share bars, ads and newsletter boxes inside the
body, related-article teasers, sidebars, comment sections and multi-page links.
The gold body (paragraphs and subheadings) is returned with each page.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass

PLACES = [
    "Valdoria",
    "Marlow Bay",
    "Kesterholm",
    "Upper Brenn",
    "Saltmarsh",
    "Orvik",
    "Tessaly Cove",
]
PEOPLE = [
    "Harriet Osei",
    "Tomas Reyes",
    "Ingrid Vale",
    "Marcus Bell",
    "Petra Lindqvist",
    "Oskar Brandt",
    "Amara Nwosu",
]
ROLES = [
    "the port director",
    "a local councillor",
    "an economist at the Coastal Institute",
    "the deputy minister",
    "a spokesperson for the union",
]
SUBJECTS = [
    "The regional council",
    "The harbour authority",
    "Engineers at the shipyard",
    "A group of residents",
    "The ministry of transport",
    "Opposition lawmakers",
    "The ferry operator",
    "Local fishermen",
]
VERBS = [
    "approved",
    "rejected",
    "postponed",
    "questioned",
    "announced",
    "criticised",
    "reviewed",
    "funded",
]
OBJECTS = [
    "a plan to deepen the main channel",
    "the new toll on freight lorries",
    "the budget for the coastal railway",
    "a study of the eroding cliffs",
    "the contract for two patrol boats",
    "the closure of the old quay",
    "a scheme to rebuild the sea wall",
]
MODIFIERS = [
    "on Tuesday",
    "after a long debate",
    "despite strong objections",
    "for the third time this year",
    "without a public vote",
    "ahead of the winter storms",
]
CLAUSES = [
    "saying the costs had risen sharply since spring",
    "although the final figures were not published",
    "which critics called rushed and poorly explained",
    "a decision that surprised many observers",
    "and officials promised a review within six months",
    "while unions warned of job losses at the docks",
]
HEADINGS = [
    "What happens next",
    "A long dispute",
    "Costs keep rising",
    "Reaction from the docks",
    "The view from the council",
    "Questions remain",
]
TEASERS = [
    "Ferry timetable changes for the summer season",
    "School roof repairs finished ahead of schedule",
    "Farmers market moves to the old quay",
    "Storm damage bill rises again",
    "Lifeboat crew rescues three sailors",
    "Council delays vote on parking charges",
]
COMMENTS = [
    "I have lived here for forty years and I have never seen the council act so quickly, which makes me wonder who really benefits from all of this.",
    "Another expensive plan that will be forgotten in two years, just like the last one, while the roads in the town centre keep falling apart.",
    "Great reporting, thank you for explaining the numbers so clearly, it is rare to read something this balanced about the harbour.",
    "The fishermen are right to object, nobody asked them and they are the ones who will pay the price when the breeding grounds are gone.",
]


def sentence(rng: random.Random) -> str:
    """One invented news sentence."""
    return (
        f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(MODIFIERS)}, {rng.choice(CLAUSES)}."
    )


def paragraph(rng: random.Random) -> str:
    """A body paragraph: narration, sometimes a quote."""
    parts = [sentence(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        parts.append(
            f"“We cannot keep waiting for answers,” said {rng.choice(PEOPLE)}, {rng.choice(ROLES)}."
        )
    return " ".join(parts)


@dataclass(frozen=True)
class Page:
    """A generated page and its gold body."""

    html: str
    gold: list[str]
    template: str


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _body_blocks(rng: random.Random) -> tuple[list[tuple[str, str]], list[str]]:
    blocks: list[tuple[str, str]] = []
    for i in range(rng.randint(4, 12)):
        if i > 1 and rng.random() < 0.2:
            blocks.append(("h2", rng.choice(HEADINGS)))
        blocks.append(("p", paragraph(rng)))
    return blocks, [text for _, text in blocks]


def _cookie() -> str:
    return (
        '<div class="cookie-consent"><p>We use cookies to personalise content and ads, and to '
        "analyse our traffic. By continuing to browse you agree to our use of cookies.</p>"
        "<button>Accept</button></div>"
    )


def _nav(rng: random.Random) -> str:
    links = "".join(
        f'<li><a href="/{s.lower()}">{s}</a></li>'
        for s in ["News", "Sport", "Business", "Weather", "Opinion"]
    )
    return f'<header class="site-header"><a class="logo" href="/">The {rng.choice(PLACES)} Courier</a><nav><ul>{links}</ul></nav></header>'


def _related(rng: random.Random, cls: str) -> str:
    items = "".join(
        f'<li><a href="/story/{i}"><h3>{_e(t)}</h3></a><p>{_e(sentence(rng))}</p></li>'
        for i, t in enumerate(rng.sample(TEASERS, 3))
    )
    return f'<div class="{cls}"><h2>Related stories</h2><ul>{items}</ul></div>'


def _comments(rng: random.Random) -> str:
    items = "".join(
        f'<div class="comment"><span class="author">reader{i}</span><p>{_e(c)}</p></div>'
        for i, c in enumerate(rng.sample(COMMENTS, rng.randint(2, 4)))
    )
    return f'<section id="comments" class="comment-list"><h2>Comments</h2>{items}</section>'


def _newsletter() -> str:
    return (
        '<div class="newsletter-box"><h3>Morning briefing</h3><p>Sign up for our free newsletter and '
        "get the most important stories from the coast in your inbox every morning.</p>"
        '<form><input type="email"><button>Subscribe</button></form></div>'
    )


def _render(blocks: list[tuple[str, str]], rng: random.Random, inserts: list[str]) -> str:
    out = []
    for i, (tag, text) in enumerate(blocks):
        out.append(f"<{tag}>{_e(text)}</{tag}>")
        if inserts and i == len(blocks) // 2:
            out.append(inserts.pop())
    return "".join(out)


def _head(title: str) -> str:
    return (
        f"<head><meta charset='utf-8'><title>{_e(title)} | Courier</title>"
        "<script>var analytics={id:42};function t(){return 1}</script>"
        "<style>body{font-family:serif}</style></head>"
    )


def template_semantic(rng: random.Random, title: str) -> Page:
    blocks, gold = _body_blocks(rng)
    inner = _render(blocks, rng, ['<div class="ad-slot"><p>Advertisement</p></div>'])
    page = (
        f"<html lang='en'>{_head(title)}<body>{_cookie()}{_nav(rng)}<main><article>"
        f"<h1>{_e(title)}</h1><p class='byline'>By {rng.choice(PEOPLE)}</p>"
        f"<div class='share-bar'><a href='#'>Share on Facebook</a> <a href='#'>Share on X</a></div>"
        f"<figure><img src='a.jpg'><figcaption>The harbour at dawn. Photo: Courier staff</figcaption></figure>"
        f"<div class='article-body'>{inner}</div></article>"
        f"<aside class='sidebar'>{_related(rng, 'most-read')}</aside>{_comments(rng)}</main>"
        f"<footer class='site-footer'><p>© 2024 Courier Media Group. All rights reserved.</p></footer></body></html>"
    )
    return Page(page, gold, "semantic")


def template_divsoup(rng: random.Random, title: str) -> Page:
    blocks, gold = _body_blocks(rng)
    inner = _render(blocks, rng, [_newsletter()])
    page = (
        f"<html>{_head(title)}<body><div id='wrapper'>{_nav(rng)}<div id='main'>"
        f"<div class='col-left'><div class='headline'><h1>{_e(title)}</h1></div>"
        f"<div class='meta'><span class='author'>{rng.choice(PEOPLE)}</span> <span class='date'>14 June 2024</span></div>"
        f"<div id='story-text' class='entry-content'>{inner}"
        f"<p>Read more: <a href='/x'>{_e(rng.choice(TEASERS))}</a></p></div>"
        f"{_related(rng, 'related-articles')}</div>"
        f"<div class='col-right'>{_related(rng, 'trending')}<div class='promo'><p>Subscribe today and get "
        f"three months of unlimited access for the price of one coffee a week.</p></div></div>"
        f"</div>{_cookie()}</div></body></html>"
    )
    return Page(page, gold, "divsoup")


def template_brtext(rng: random.Random, title: str) -> Page:
    blocks, gold = _body_blocks(rng)
    text = "<br><br>".join(f"<b>{_e(t)}</b>" if tag == "h2" else _e(t) for tag, t in blocks)
    page = (
        f"<html>{_head(title)}<body><table width='100%'><tr><td class='nav'>"
        f"<a href='/'>Home</a><br><a href='/news'>News</a><br><a href='/contact'>Contact</a></td>"
        f"<td class='content'><font size='5'>{_e(title)}</font><br>"
        f"<div class='text'>{text}</div></td></tr></table>"
        f"<div class='footer'><a href='/privacy'>Privacy</a> | <a href='/terms'>Terms</a></div></body></html>"
    )
    # In this old-CMS layout the subheadings are bold lines inside the text.
    return Page(page, gold, "brtext")


def template_multipage(rng: random.Random, title: str) -> Page:
    blocks, gold = _body_blocks(rng)
    half = max(1, len(blocks) // 2)
    first = _render(blocks[:half], rng, [])
    second = _render(blocks[half:], rng, [])
    page = (
        f"<html lang='en'>{_head(title)}<body>{_nav(rng)}<div class='container'>"
        f"<h1>{_e(title)}</h1><div class='story-part'>{first}</div>"
        f"<div class='ad-container'><p>Advertisement</p><iframe src='/ad'></iframe></div>"
        f"<div class='story-part'>{second}</div>"
        f"<div class='pagination'><a href='?page=1'>1</a> <a href='?page=2'>2</a> <a href='?page=2'>Next page</a></div>"
        f"</div>{_comments(rng)}<div class='footer-links'>{_related(rng, 'more-from')}</div></body></html>"
    )
    return Page(page, gold, "multipage")


def template_teasers(rng: random.Random, title: str) -> Page:
    blocks, gold = _body_blocks(rng)
    inner = _render(blocks, rng, [_related(rng, "inline-recirc")])
    cards = "".join(
        f"<div class='card'><h3><a href='/c/{i}'>{_e(t)}</a></h3><p>{_e(paragraph(rng))}</p></div>"
        for i, t in enumerate(rng.sample(TEASERS, 4))
    )
    page = (
        f"<html lang='en'>{_head(title)}<body>{_cookie()}<div class='page'>{_nav(rng)}"
        f"<section class='story'><h1>{_e(title)}</h1><div class='dateline'>Updated 2 hours ago</div>"
        f"<section class='story-body'>{inner}</section></section>"
        f"<section class='more-stories'><h2>More from the Courier</h2>{cards}</section>"
        f"{_comments(rng)}</div></body></html>"
    )
    return Page(page, gold, "teasers")


def template_unlabelled(rng: random.Random, title: str) -> Page:
    """No helpful class names anywhere: structure and text density must decide."""
    blocks, gold = _body_blocks(rng)
    inner = _render(blocks, rng, [f"<div class='x7'><p>{_e(rng.choice(TEASERS))}</p></div>"])
    bio = (
        f"<div class='x9'><p>{rng.choice(PEOPLE)} has covered the coast for the Courier since 2015, "
        f"writing about ports, fisheries and local politics.</p></div>"
    )
    discussion = "".join(f"<div class='r'><p>{_e(c)}</p></div>" for c in rng.sample(COMMENTS, 2))
    menu = "".join(f"<a href='/s/{i}'>Section {i}</a> " for i in range(40))
    page = (
        f"<html>{_head(title)}<body><div class='x1'>{menu}</div><div class='x2'>"
        f"<div class='x3'><h1>{_e(title)}</h1>{inner}</div>{bio}"
        f"<div class='x4'><h4>Reader discussion</h4>{discussion}</div></div>"
        f"<div class='x5'>{menu}</div></body></html>"
    )
    return Page(page, gold, "unlabelled")


TEMPLATES: list[Callable[[random.Random, str], Page]] = [
    template_semantic,
    template_divsoup,
    template_brtext,
    template_multipage,
    template_teasers,
    template_unlabelled,
]


def generate_pages(n: int, seed: int = 7) -> list[Page]:
    """``n`` pages cycling through the templates, reproducible from ``seed``."""
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        pages.append(TEMPLATES[i % len(TEMPLATES)](rng, title))
    return pages
