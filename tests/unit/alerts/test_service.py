"""Delivery life cycle with in-memory store and notifier; the real ones are integration-tested."""

from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from storywatch.alerts.email import build_environment
from storywatch.alerts.errors import DeliveryError
from storywatch.alerts.judging import build_record
from storywatch.alerts.matching import Match
from storywatch.alerts.novelty import Decision, Kind
from storywatch.alerts.records import UNDELIVERED, AlertRecord, AlertState, alert_id, with_state
from storywatch.alerts.service import deliver_pending
from storywatch.alerts.settings import AlertSettings
from storywatch.alerts.storylines import Storyline
from storywatch.index.documents import StoredArticle

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
SETTINGS = AlertSettings(max_attempts=3)


class MemoryStore:
    def __init__(self, records: list[AlertRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.saved_states: list[tuple[str, AlertState]] = []
        self.taken_elsewhere: set[str] = set()

    def undelivered(self, now: datetime, max_attempts: int) -> list[AlertRecord]:
        return [r for r in self.records.values() if r.state in UNDELIVERED]

    def claim(self, records: Sequence[AlertRecord], now: datetime) -> list[AlertRecord]:
        won = [
            with_state(r, AlertState.SENDING, now, attempts=r.attempts + 1)
            for r in records
            if r.id not in self.taken_elsewhere
        ]
        self.save(won)
        return won

    def save(self, records: Sequence[AlertRecord]) -> None:
        for r in records:
            self.records[r.id] = r
            self.saved_states.append((r.id, r.state))


class ScriptedNotifier:
    def __init__(self, outcomes: list[DeliveryError | None]) -> None:
        self.outcomes = outcomes
        self.sent: list[EmailMessage] = []

    def send(self, messages: Sequence[EmailMessage]) -> list[DeliveryError | None]:
        self.sent.extend(messages)
        return self.outcomes[: len(messages)]


def records(
    *storylines: str, recipients: tuple[str, ...] = ("a@example.org",)
) -> list[AlertRecord]:
    story = {
        s: Storyline(id=s, title=s.upper(), query="x", recipients=recipients) for s in storylines
    }
    article = StoredArticle("art-1", "http://x/1", "wire", "Title", "Body")
    decision = Decision(Kind.DEVELOPMENT, 5.0)
    return [
        build_record(
            Match(s, "art-1", 1.0, "Title", "http://x/1", "wire", None, ()),
            article,
            story[s],
            decision,
            NOW,
        )
        for s in storylines
    ]


def test_records_have_deterministic_ids() -> None:
    (rec,) = records("s1")
    assert rec.id == alert_id("s1", "art-1") and rec.state is AlertState.PENDING
    assert records("s1")[0].id == rec.id


def test_sent_alerts_are_marked_and_not_sent_again() -> None:
    store = MemoryStore(records("s1", "s2"))
    notifier = ScriptedNotifier([None, None])
    report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    assert sorted(report.sent) == sorted(store.records)
    assert all(r.state is AlertState.SENT and r.attempts == 1 for r in store.records.values())
    # "sending" is written before the SMTP call, "sent" after it.
    assert [state for _, state in store.saved_states] == [AlertState.SENDING] * 2 + [
        AlertState.SENT
    ] * 2
    again = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    assert again.sent == [] and len(notifier.sent) == 2


def test_an_alert_claimed_by_another_worker_is_not_sent() -> None:
    store = MemoryStore(records("s1", "s2"))
    taken = alert_id("s2", "art-1")
    store.taken_elsewhere.add(taken)
    notifier = ScriptedNotifier([None])
    report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    assert report.sent == [alert_id("s1", "art-1")] and report.emails == 1
    assert [m["X-Storywatch-Alert"] for m in notifier.sent] == [alert_id("s1", "art-1")]
    assert store.records[taken].state is AlertState.PENDING


def test_transient_failures_are_retried_until_max_attempts() -> None:
    store = MemoryStore(records("s1"))
    notifier = ScriptedNotifier([DeliveryError("server busy")])
    for attempt in range(1, 4):
        report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
        (rec,) = store.records.values()
        assert rec.state is AlertState.FAILED and rec.attempts == attempt
        assert rec.last_error == "email: server busy" and list(report.failed) == [rec.id]
    report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    assert report.skipped and len(notifier.sent) == 3


def test_permanent_failure_is_not_retried() -> None:
    store = MemoryStore(records("s1"))
    notifier = ScriptedNotifier([DeliveryError("550 no such user", transient=False)])
    deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    assert len(notifier.sent) == 1 and report.skipped


def test_storyline_without_recipients_is_suppressed() -> None:
    store = MemoryStore(records("s1", recipients=()))
    notifier = ScriptedNotifier([])
    report = deliver_pending(store, notifier, SETTINGS, build_environment(SETTINGS), NOW)  # type: ignore[arg-type]
    (rec,) = store.records.values()
    assert rec.state is AlertState.SUPPRESSED and report.skipped == {rec.id: "no recipients"}
    assert notifier.sent == []


def test_a_record_the_template_cannot_render_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "alert.txt.j2").write_text(
        '{% if alert.storyline_id == "s2" %}{{ no_such_variable }}{% endif %}text\n'
    )
    settings = AlertSettings(max_attempts=3, templates_dir=tmp_path)
    store = MemoryStore(records("s1", "s2"))
    notifier = ScriptedNotifier([None])
    report = deliver_pending(store, notifier, settings, build_environment(settings), NOW)  # type: ignore[arg-type]
    good, bad = alert_id("s1", "art-1"), alert_id("s2", "art-1")
    assert report.sent == [good] and report.emails == 1
    assert store.records[good].state is AlertState.SENT
    failed = store.records[bad]
    assert failed.state is AlertState.FAILED and failed.attempts == settings.max_attempts
    assert "no_such_variable" in (failed.last_error or "")
