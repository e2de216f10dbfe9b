"""``--every``: the plain loop used when no Prefect server schedules runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storywatch.flows.schedule import repeat_every


class FakeTime:
    """A clock that advances only when runs take time or the loop sleeps."""

    def __init__(self, run_seconds: float, stop_after: int) -> None:
        self.now = 0.0
        self.run_seconds = run_seconds
        self.stop_after = stop_after
        self.sleeps: list[float] = []
        self.runs: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if len(self.sleeps) >= self.stop_after:
            raise KeyboardInterrupt
        self.now += seconds


def test_runs_start_one_interval_apart_and_failures_do_not_stop_the_loop(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeTime(run_seconds=20, stop_after=3)

    def once() -> str:
        fake.runs.append(fake.now)
        fake.now += fake.run_seconds
        if len(fake.runs) == 2:
            raise RuntimeError("SMTP down")
        return f"run {len(fake.runs)}"

    repeat_every(timedelta(minutes=1), once, sleep=fake.sleep, clock=fake.clock)
    assert fake.runs == [0.0, 60.0, 120.0]
    assert fake.sleeps == [40.0, 40.0, 40.0]
    out = capsys.readouterr().out
    assert "run 1" in out and "run 3" in out and "SMTP down" in out


def test_a_run_longer_than_the_interval_is_followed_at_once() -> None:
    fake = FakeTime(run_seconds=90, stop_after=2)

    def once() -> str:
        fake.runs.append(fake.now)
        fake.now += fake.run_seconds
        return "done"

    repeat_every(timedelta(minutes=1), once, sleep=fake.sleep, clock=fake.clock)
    assert fake.sleeps == [0.0, 0.0] and fake.runs == [0.0, 90.0]
