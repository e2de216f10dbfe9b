"""Topic configuration (``config/topics.yaml``) and the compiled topic tagger.

A topic fires when the weights of its matching rules add up to ``min_score``.
Each rule is a phrase or a regex, optionally required to have context ``near``
it (every ``near`` pattern must match within ``window`` characters), vetoed
when an ``exclude`` pattern overlaps the match ("Patriot Act" is not the
missile) and when ``not_near`` patterns show another subject around it (a
football report about a team called the Patriots). Users add topics in the
YAML file without code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from storywatch.configfile import load_yaml_model
from storywatch.parsers.models import Evidence, TopicHit
from storywatch.parsers.patterns import check_regex, compile_regex, phrase_regex

Regex = Annotated[str, AfterValidator(check_regex)]
#: A title match weighs this many times a body match: headlines state what a story is about.
TITLE_WEIGHT = 2.0
#: How much of the body lends context (``near``, ``not_near``) to a headline match.
_TITLE_CONTEXT_CHARS = 1500


class TopicRule(BaseModel):
    """One way a topic shows in text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str | None = Field(default=None, min_length=1)
    pattern: Regex | None = None
    weight: float = Field(default=1.0, gt=0)
    case_sensitive: bool = False
    near: list[Regex] = Field(default_factory=list)
    window: int = Field(default=200, ge=10, le=5000)
    exclude: list[Regex] = Field(default_factory=list)
    not_near: list[Regex] = Field(default_factory=list)
    not_near_window: int = Field(default=1000, ge=10, le=20000)
    not_near_min: int = Field(default=1, ge=1)
    max_hits: int = Field(default=3, ge=1)

    @model_validator(mode="after")
    def _one_matcher(self) -> TopicRule:
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'phrase' or 'pattern'")
        return self


class TopicConfig(BaseModel):
    """A topic: an id for storylines and the index, and the rules that detect it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = ""
    description: str = ""
    min_score: float = Field(default=1.0, gt=0)
    rules: list[TopicRule] = Field(min_length=1)


class TopicsFile(BaseModel):
    """The whole ``topics.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topics: list[TopicConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> TopicsFile:
        seen: set[str] = set()
        for topic in self.topics:
            if topic.id in seen:
                raise ValueError(f"topic id {topic.id!r} is defined twice")
            seen.add(topic.id)
        return self


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its regexes compiled once."""

    label: str
    regex: re.Pattern[str]
    weight: float
    near: tuple[re.Pattern[str], ...]
    window: int
    exclude: tuple[re.Pattern[str], ...]
    max_hits: int
    not_near: tuple[re.Pattern[str], ...] = ()
    not_near_window: int = 1000
    not_near_min: int = 1

    def find(self, text: str, limit: int | None = None) -> list[tuple[int, int]]:
        """Spans where this rule fires in ``text`` (ending by ``limit``, when given).

        Text past ``limit`` only lends context: a headline is searched with the
        start of the body after it, so "Patriots top of the league" sees the
        football report below it.
        """
        spans: list[tuple[int, int]] = []
        for match in self.regex.finditer(text, 0, len(text) if limit is None else limit):
            start, end = match.span()
            if (
                self._vetoed(text, start, end)
                or not self._has_context(text, start, end)
                or self._in_other_context(text, start, end)
            ):
                continue
            spans.append((start, end))
            if len(spans) >= self.max_hits:
                break
        return spans

    def _vetoed(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - 60)
        window = text[lo : end + 60]
        return any(
            m.start() + lo < end and m.end() + lo > start
            for pattern in self.exclude
            for m in pattern.finditer(window)
        )

    def _in_other_context(self, text: str, start: int, end: int) -> bool:
        """True when ``not_near`` patterns match often enough around the match."""
        if not self.not_near:
            return False
        window = text[max(0, start - self.not_near_window) : end + self.not_near_window]
        hits = 0
        for pattern in self.not_near:
            for _ in pattern.finditer(window):
                hits += 1
                if hits >= self.not_near_min:
                    return True
        return False

    def _has_context(self, text: str, start: int, end: int) -> bool:
        if not self.near:
            return True
        window = text[max(0, start - self.window) : end + self.window]
        return all(pattern.search(window) for pattern in self.near)


@dataclass(frozen=True, slots=True)
class CompiledTopic:
    """A topic ready to tag articles."""

    id: str
    name: str
    min_score: float
    rules: tuple[CompiledRule, ...]

    def tag(self, title: str, text: str) -> TopicHit | None:
        """The hit for this topic in an article, or None when the score stays low."""
        evidence: list[Evidence] = []
        score = 0.0
        # Rules are listed strongest first; a weaker rule re-matching the same
        # words ("Patriot" inside "Patriot missiles") must not count twice.
        taken: dict[str, list[tuple[int, int]]] = {"title": [], "text": []}
        headed = f"{title}\n\n{text[:_TITLE_CONTEXT_CHARS]}"
        for rule in self.rules:
            for field_name, source, factor in (("title", title, TITLE_WEIGHT), ("text", text, 1.0)):
                found = rule.find(headed, len(title)) if field_name == "title" else rule.find(text)
                for start, end in found:
                    if any(s < end and start < e for s, e in taken[field_name]):
                        continue
                    taken[field_name].append((start, end))
                    evidence.append(Evidence(source[start:end], start, end, rule.label, field_name))
                    score += rule.weight * factor
        if score < self.min_score:
            return None
        evidence.sort(key=lambda e: (e.field != "title", e.start))
        return TopicHit(id=self.id, score=round(score, 3), evidence=tuple(evidence), name=self.name)


def compile_topics(config: TopicsFile) -> tuple[CompiledTopic, ...]:
    """Compile every rule of every topic once."""
    return tuple(
        CompiledTopic(
            id=topic.id,
            name=topic.name or topic.id,
            min_score=topic.min_score,
            rules=tuple(_compile_rule(rule) for rule in topic.rules),
        )
        for topic in config.topics
    )


def _compile_rule(rule: TopicRule) -> CompiledRule:
    if rule.phrase is not None:
        source, label = phrase_regex(rule.phrase), f"phrase:{rule.phrase}"
    else:
        source, label = str(rule.pattern), f"pattern:{rule.pattern}"
    if rule.near:
        label += " near " + " & ".join(rule.near)
    return CompiledRule(
        label=label,
        regex=compile_regex(source, case_sensitive=rule.case_sensitive),
        weight=rule.weight,
        near=tuple(compile_regex(p, case_sensitive=rule.case_sensitive) for p in rule.near),
        window=rule.window,
        exclude=tuple(compile_regex(p, case_sensitive=False) for p in rule.exclude),
        max_hits=rule.max_hits,
        not_near=tuple(compile_regex(p, case_sensitive=False) for p in rule.not_near),
        not_near_window=rule.not_near_window,
        not_near_min=rule.not_near_min,
    )


def load_topics(path: Path) -> tuple[CompiledTopic, ...]:
    """Load and compile ``topics.yaml``; raises ConfigError naming file, field and reason."""
    return compile_topics(load_yaml_model(path, TopicsFile))


def tag_topics(topics: Sequence[CompiledTopic], title: str, text: str) -> tuple[TopicHit, ...]:
    """All topics that fire on an article, best score first."""
    hits = [hit for topic in topics if (hit := topic.tag(title, text)) is not None]
    return tuple(sorted(hits, key=lambda h: (-h.score, h.id)))
