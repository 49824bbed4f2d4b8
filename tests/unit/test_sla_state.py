"""A stored clock's state as of now: the verdict does not wait for the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from baton.domain.sla.state import state_as_of

DUE = datetime(2026, 11, 3, 15, 30, tzinfo=UTC)


def test_a_pending_clock_past_its_deadline_is_a_miss_from_the_deadline_on():
    assert state_as_of("pending", DUE, DUE - timedelta(microseconds=1)) == "pending"
    assert state_as_of("pending", DUE, DUE) == "miss"  # as the miss timer judges it
    assert state_as_of("pending", DUE, DUE + timedelta(days=3)) == "miss"


def test_a_paused_clock_has_no_deadline_and_stays_pending():
    assert state_as_of("pending", None, DUE + timedelta(days=30)) == "pending"


def test_settled_states_are_left_as_they_are():
    for state in ("hit", "miss", "excluded", "released"):
        assert state_as_of(state, DUE, DUE + timedelta(hours=1)) == state
