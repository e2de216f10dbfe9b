"""Judge a batch of matches against storyline memories and turn verdicts into records.

Pure: no Elasticsearch. Articles are judged in batch order (first ingested, then first
published), so within one batch the original report is the development and later copies
are its repeats; the memory grows as the batch is judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storywatch.index.documents import StoredArticle

from .features import extract_features
from .matching import Match
from .novelty import Decision, Kind, StorylineMemory, decide, remember
from .records import AlertRecord, AlertState, AlsoReported, Suppression, alert_id
from .storylines import Storyline


@dataclass(frozen=True, slots=True)
class Verdict:
    """One judged (storyline, article) match and the record it produced."""

    match: Match
    decision: Decision
    record: AlertRecord


@dataclass(slots=True)
class BatchOutcome:
    """What judging a batch produced: records to create, copies to attach, new memories."""

    verdicts: list[Verdict] = field(default_factory=list)
    repeats: dict[str, list[AlsoReported]] = field(default_factory=lambda: defaultdict(list))
    memories: dict[str, StorylineMemory] = field(default_factory=dict)
    matched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    developments: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    already_judged: int = 0

    @property
    def records(self) -> list[AlertRecord]:
        """Every record of the batch, in judging order."""
        return [v.record for v in self.verdicts]


def build_record(
    match: Match,
    article: StoredArticle,
    storyline: Storyline,
    decision: Decision,
    now: datetime,
) -> AlertRecord:
    """The alert record of one verdict: pending for a development, suppressed otherwise."""
    if decision.kind is Kind.DEVELOPMENT:
        state, reason = AlertState.PENDING, None
    else:
        state = AlertState.SUPPRESSED
        reason = str(Suppression.REPEAT if decision.kind is Kind.REPEAT else Suppression.MINOR)
    return AlertRecord(
        id=alert_id(storyline.id, match.article_id),
        storyline_id=storyline.id,
        storyline_title=storyline.title,
        article_id=match.article_id,
        article_url=match.url,
        title=match.title,
        source=match.source,
        published=match.published,
        kind=str(decision.kind),
        state=state,
        recipients=tuple(storyline.recipients),
        created_at=now,
        updated_at=now,
        score=match.score,
        highlights=match.highlights,
        topics=match.topics,
        ingested_at=article.ingested_at,
        suppressed_reason=reason,
        repeat_of=decision.repeat_of.alert_id if decision.repeat_of else None,
        channels=storyline.channels,
        cadence=storyline.cadence,
        novelty_score=decision.score,
        reasons=decision.reasons,
        whats_new=decision.whats_new,
        source_title=article.feed_title or "",
        topic_titles=article.topic_names,
        timezone=storyline.zone,
    )


def judge_batch(
    matches: Sequence[Match],
    articles: Mapping[str, StoredArticle],
    storylines: Mapping[str, Storyline],
    memories: Mapping[str, StorylineMemory],
    order: Sequence[str],
    now: datetime,
) -> BatchOutcome:
    """Judge every match, article by article in ``order``, updating the memories as it goes.

    A match whose article the storyline's memory already holds was judged by an earlier
    run that stopped before marking the batch matched: it is counted, not judged again.
    """
    outcome = BatchOutcome()
    position = {article_id: i for i, article_id in enumerate(order)}
    ordered = sorted(matches, key=lambda m: (position.get(m.article_id, len(position)), m.url))
    current = dict(memories)
    for match in ordered:
        outcome.matched[match.article_id].add(match.storyline_id)
        article = articles.get(match.article_id)
        storyline = storylines[match.storyline_id]
        memory = current.get(storyline.id) or StorylineMemory(storyline.id)
        if article is None:
            continue  # deleted between search and read: nothing to judge
        if memory.knows(match.article_id):
            outcome.already_judged += 1
            known = next(a for a in memory.articles if a.article_id == match.article_id)
            if known.kind == Kind.DEVELOPMENT:
                outcome.developments[match.article_id].add(storyline.id)
            continue
        features = extract_features(article)
        decision = decide(features, memory, storyline.novelty)
        record = build_record(match, article, storyline, decision, now)
        outcome.verdicts.append(Verdict(match, decision, record))
        owner = record.id
        if decision.repeat_of is not None:
            owner = decision.repeat_of.alert_id
            outcome.repeats[owner].append(
                AlsoReported(
                    match.article_id,
                    article.feed_title or match.source,
                    match.title,
                    match.url,
                    now,
                )
            )
        elif decision.kind is Kind.DEVELOPMENT:
            outcome.developments[match.article_id].add(storyline.id)
        current[storyline.id] = remember(memory, features, owner, decision.kind, storyline.novelty)
        outcome.memories[storyline.id] = current[storyline.id]
    outcome.repeats = dict(outcome.repeats)
    outcome.matched = dict(outcome.matched)
    outcome.developments = dict(outcome.developments)
    return outcome
