"""Which task failures the ingest flow retries (Prefect's state object faked)."""

from __future__ import annotations

from storywatch.alerts.errors import AlertError
from storywatch.flows.ingest import _transient_failure


class FailedState:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def result(self, raise_on_failure: bool = True) -> BaseException:
        return self.exc


def test_alert_errors_are_retried_only_when_transient() -> None:
    assert _transient_failure(None, None, FailedState(AlertError("busy", transient=True)))
    assert not _transient_failure(None, None, FailedState(AlertError("bad", transient=False)))
