"""``storywatch parse FILE_OR_URL``: parse one article and print it.

The only network use of the parsers lives here: a URL argument is fetched with
httpx before parsing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer

from storywatch.parsers.article import extract_article
from storywatch.parsers.enrich import Knowledge, enrich_article
from storywatch.parsers.errors import ConfigError
from storywatch.parsers.models import Article
from storywatch.parsers.serialize import article_to_dict
from storywatch.parsers.text import parse_text

_TIMEOUT = httpx.Timeout(20.0)
_USER_AGENT = "Storywatch/0.1 (+media monitoring; article parser)"


def parse(
    source: Annotated[
        str, typer.Argument(metavar="FILE_OR_URL", help="A file path or an http(s) URL.")
    ],
    text: Annotated[bool, typer.Option("--text", help="Treat the input as plain text.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    config: Annotated[
        Path, typer.Option("--config", help="Folder holding topics.yaml and entities.yaml.")
    ] = Path("config"),
) -> None:
    """Parse and enrich one article (HTML, or plain text with --text) and print it."""
    try:
        knowledge = Knowledge.from_config_dir(config)
    except ConfigError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        raw, url = _read(source)
    except (OSError, httpx.HTTPError) as exc:
        typer.echo(f"cannot read {source}: {exc}", err=True)
        raise typer.Exit(1) from None
    if text or source.lower().endswith(".txt"):
        article = parse_text(raw.decode("utf-8", errors="replace"), url)
    else:
        article = extract_article(raw, url)
    article = enrich_article(article, knowledge)
    if as_json:
        json.dump(article_to_dict(article), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        typer.echo(render_article(article))


def _read(source: str) -> tuple[bytes, str]:
    if source.startswith(("http://", "https://")):
        headers = {"User-Agent": _USER_AGENT}
        with httpx.Client(timeout=_TIMEOUT, follow_redirects=True, headers=headers) as client:
            response = client.get(source)
            response.raise_for_status()
            return response.content, str(response.url)
    path = Path(source)
    return path.read_bytes(), path.resolve().as_uri()


def render_article(article: Article) -> str:
    """A readable plain-text report of a parsed article."""
    if article.skip_reason:
        return f"SKIPPED: {article.skip_reason}\n{article.url}"
    lines = [article.title or "(no headline)", "=" * min(len(article.title) or 13, 78)]
    meta = {
        "authors": ", ".join(article.authors),
        "published": article.published.isoformat() if article.published else "",
        "lang": article.lang or "",
        "site": article.site_name or "",
        "url": article.canonical_url or article.url,
    }
    lines += [f"{key}: {value}" for key, value in meta.items() if value]
    lines.append("")
    headings = dict(zip(article.subheading_positions, article.subheadings, strict=False))
    for i, paragraph in enumerate(article.paragraphs):
        if i in headings:
            lines += [f"## {headings[i]}", ""]
        lines += [paragraph, ""]
    if article.quotes:
        lines.append("QUOTES")
        for q in article.quotes:
            who = q.speaker or "?"
            lines.append(f"  - {who}{f' ({q.role})' if q.role else ''}: “{q.text}”")
    if article.entities:
        lines.append("ENTITIES")
        lines += [f"  {etype}: {', '.join(names)}" for etype, names in article.entities.items()]
    if article.topics:
        lines.append("TOPICS")
        for hit in article.topics:
            spans = "; ".join(dict.fromkeys(e.text for e in hit.evidence))
            lines.append(f"  {hit.id} (score {hit.score}): {spans}")
    facts = article.facts
    if facts.money or facts.dates or facts.counts:
        lines.append("FACTS")
        for label, values in (
            ("money", facts.money),
            ("dates", facts.dates),
            ("counts", facts.counts),
        ):
            if values:
                lines.append(f"  {label}: {', '.join(values)}")
    if article.related:
        lines.append("RELATED")
        lines += [f"  - {r.title}{f' <{r.url}>' if r.url else ''}" for r in article.related]
    lines.append(f"fingerprint: {article.fingerprint}")
    return "\n".join(lines)


app = typer.Typer(add_completion=False, help="Storywatch article parser.")
app.command("parse")(parse)

if __name__ == "__main__":
    app()
