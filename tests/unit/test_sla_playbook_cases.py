"""Playbook 004 §2d, phase 1 of QA: the test case spreadsheet, one row per combination.

Axes: lead type (hand-raiser 30 min, non-hand-raiser 4 h, event 24 h) × business
hours of arrival (inside, outside, weekend) × edge case (none, disqualified
before follow-up, ghosted entirely, reassigned mid-window) × response × kind
of first touch (call, email, linkedin).

The playbook's "SLA outcome" and "escalation tier reached" axes combine into
one response axis, because a hit reaches no tier: hit (touch exactly at the
deadline), miss reaching tier 1 only — the miss alert to the owner, there is no
escalation tier 1 (touch exactly when tier 2 falls due),
tier 2 (touch exactly when tier 3 falls due), tier 3 (touch a minute after it).
Every touch sits on a boundary on purpose. Where an axis has no effect the rows
collapse: a ghosted lead has no touch (no response, no kind), a disqualified
lead is disqualified at the response moment instead of being touched (no kind).
So each (lead type, arrival) has 12 + 12 (none, reassigned) + 4 + 1 = 29 rows,
261 in all. Only call and email count as a first touch here (the client's
definition, a parameter of this harness); a LinkedIn message does not stop
the clock, so those rows end like a ghosted lead.

The expected verdict and alerts come from the hand-stated deadlines below on a
09:00–17:00 Monday–Friday New York calendar and from a day-by-day reference of
that calendar written here, never from ``baton.domain.sla``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from baton.domain.calendar import BusinessCalendar
from baton.domain.sla import (
    ClockInput,
    Outcome,
    SlaPolicy,
    VerdictState,
    reassign,
    schedule,
    still_due,
    verdict,
)

NY = ZoneInfo("America/New_York")
CALENDAR = BusinessCalendar(
    "America/New_York", {d: [(time(9), time(17))] for d in range(5)}, name="ny-9-17"
)
POLICIES = {
    "hand-raiser": SlaPolicy("hand-raiser", timedelta(minutes=30)),
    "non-hand-raiser": SlaPolicy("non-hand-raiser", timedelta(hours=4)),
    "event": SlaPolicy("event", timedelta(hours=24)),
}
QUALIFYING_TOUCHES = frozenset({"call", "email"})
TIER_2_AFTER, TIER_3_AFTER = timedelta(hours=2), timedelta(hours=8)
KEYS = ("notice:50", "notice:80", "miss", "escalation:2", "escalation:3")


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


# Arrivals: Tuesday 10:00, Tuesday 19:30 (counts from Wednesday 09:00), Saturday 11:00
# (from Monday 09:00).
ARRIVALS = {"inside": ny(4, 14, 10), "outside": ny(4, 14, 19, 30), "weekend": ny(4, 18, 11)}

# Hand-stated: 50 % notice, 80 % notice, miss (the owner's alert, tier 1), tier 2, tier 3.
DEADLINES = {
    ("hand-raiser", "inside"): (
        ny(4, 14, 10, 15),
        ny(4, 14, 10, 24),
        ny(4, 14, 10, 30),
        ny(4, 14, 12, 30),
        ny(4, 15, 10, 30),
    ),
    ("hand-raiser", "outside"): (
        ny(4, 15, 9, 15),
        ny(4, 15, 9, 24),
        ny(4, 15, 9, 30),
        ny(4, 15, 11, 30),
        ny(4, 16, 9, 30),
    ),
    ("hand-raiser", "weekend"): (
        ny(4, 20, 9, 15),
        ny(4, 20, 9, 24),
        ny(4, 20, 9, 30),
        ny(4, 20, 11, 30),
        ny(4, 21, 9, 30),
    ),
    ("non-hand-raiser", "inside"): (
        ny(4, 14, 12),
        ny(4, 14, 13, 12),
        ny(4, 14, 14),
        ny(4, 14, 16),
        ny(4, 15, 14),
    ),
    ("non-hand-raiser", "outside"): (
        ny(4, 15, 11),
        ny(4, 15, 12, 12),
        ny(4, 15, 13),
        ny(4, 15, 15),
        ny(4, 16, 13),
    ),
    ("non-hand-raiser", "weekend"): (
        ny(4, 20, 11),
        ny(4, 20, 12, 12),
        ny(4, 20, 13),
        ny(4, 20, 15),
        ny(4, 21, 13),
    ),
    ("event", "inside"): (
        ny(4, 15, 14),
        ny(4, 16, 13, 12),
        ny(4, 17, 10),
        ny(4, 17, 12),
        ny(4, 20, 10),
    ),
    ("event", "outside"): (
        ny(4, 16, 13),
        ny(4, 17, 12, 12),
        ny(4, 17, 17),
        ny(4, 20, 11),
        ny(4, 20, 17),
    ),
    ("event", "weekend"): (
        ny(4, 21, 13),
        ny(4, 22, 12, 12),
        ny(4, 22, 17),
        ny(4, 23, 11),
        ny(4, 23, 17),
    ),
}


# --- an independent reference of the 09:00–17:00 weekday calendar -------------


def _local(t: datetime) -> datetime:
    return t.astimezone(NY).replace(tzinfo=None)  # April 2026: no DST change in play


def ref_add(start: datetime, duration: timedelta) -> datetime:
    t, left = _local(start), duration
    while left:
        opens, closes = (t.replace(hour=h, minute=0, second=0, microsecond=0) for h in (9, 17))
        if t.weekday() < 5 and t < closes:
            t = max(t, opens)
            if left <= closes - t:
                return (t + left).replace(tzinfo=NY)
            left -= closes - t
        t = (t + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start


def ref_between(a: datetime, b: datetime) -> timedelta:
    a, b = _local(a), _local(b)
    total, day = timedelta(0), a.date()
    while day <= b.date():
        if day.weekday() < 5:
            lo, hi = max(a, datetime.combine(day, time(9))), min(b, datetime.combine(day, time(17)))
            total += max(hi - lo, timedelta(0))
        day += timedelta(days=1)
    return total


def ref_deadlines(start: datetime, threshold: timedelta) -> dict[str, datetime]:
    offsets = (
        threshold / 2,
        threshold * 4 / 5,
        threshold,
        threshold + TIER_2_AFTER,
        threshold + TIER_3_AFTER,
    )
    return dict(zip(KEYS, (ref_add(start, o) for o in offsets), strict=True))


# --- the rows --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    lead_type: str
    arrival: str
    edge: str  # none | disqualified | ghosted | reassigned
    response: str | None  # hit | miss-tier-1 | miss-tier-2 | miss-tier-3
    kind: str | None  # call | email | linkedin

    @property
    def policy(self) -> SlaPolicy:
        return POLICIES[self.lead_type]

    @property
    def first_deadlines(self) -> dict[str, datetime]:
        return dict(zip(KEYS, DEADLINES[self.lead_type, self.arrival], strict=True))

    @property
    def reassigned_at(self) -> datetime | None:
        """When the 80 % notice falls due: rep-a had the 50 % reminder, not the 80 % one."""
        return self.first_deadlines["notice:80"] if self.edge == "reassigned" else None

    @property
    def final_deadlines(self) -> dict[str, datetime]:
        if self.reassigned_at is None:
            return self.first_deadlines
        return ref_deadlines(self.reassigned_at, self.policy.threshold)  # restarts for rep-b

    @property
    def moment(self) -> datetime | None:
        """When the touch (or the disqualification) happens, on the final owner's deadlines."""
        d = self.final_deadlines
        return {
            "hit": d["miss"],
            "miss-tier-1": d["escalation:2"],
            "miss-tier-2": d["escalation:3"],
            "miss-tier-3": d["escalation:3"] + timedelta(minutes=1),
            None: None,
        }[self.response]


def rows() -> list[Row]:
    result = []
    for lead_type, arrival in product(POLICIES, ARRIVALS):
        responses = ("hit", "miss-tier-1", "miss-tier-2", "miss-tier-3")
        result.append(Row(lead_type, arrival, "ghosted", None, None))
        result += [Row(lead_type, arrival, "disqualified", r, None) for r in responses]
        result += [
            Row(lead_type, arrival, edge, r, k)
            for edge, r, k in product(
                ("none", "reassigned"), responses, ("call", "email", "linkedin")
            )
        ]
    return result


# --- expectations, from the table and the reference only -------------------------


@dataclass(frozen=True)
class Expected:
    state: VerdictState
    due_at: datetime | None
    response_business: timedelta | None
    miss_duration: timedelta | None
    alerts: frozenset[tuple[str, str, datetime]]  # (owner, key, fired at)
    end: datetime  # when the verdict is taken


def expected(row: Row) -> Expected:
    alerts: set[tuple[str, str, datetime]] = set()
    owner, final = "rep-a", row.final_deadlines
    if row.reassigned_at is not None:
        alerts = {("rep-a", k, t) for k, t in row.first_deadlines.items() if t < row.reassigned_at}
        owner = "rep-b"
    threshold = row.policy.threshold
    if row.edge == "ghosted" or row.kind == "linkedin":  # nothing stops the clock: all tiers fire
        end = final["escalation:3"]
        alerts |= {(owner, k, t) for k, t in final.items() if t <= end}
        return Expected(
            VerdictState.MISS, final["miss"], None, TIER_3_AFTER, frozenset(alerts), end
        )
    end = row.moment
    alerts |= {(owner, k, t) for k, t in final.items() if t < end}  # a touch at a due time stops it
    if row.edge == "disqualified":
        return Expected(VerdictState.EXCLUDED, None, None, None, frozenset(alerts), end)
    if row.response == "hit":
        return Expected(VerdictState.HIT, final["miss"], threshold, None, frozenset(alerts), end)
    late = ref_between(final["miss"], end)
    return Expected(
        VerdictState.MISS, final["miss"], threshold + late, late, frozenset(alerts), end
    )


# --- the harness: a scheduler that knows the history as of each instant ----------


def clock_at(row: Row, t: datetime) -> ClockInput:
    clock = ClockInput(ARRIVALS[row.arrival], "rep-a")
    if row.reassigned_at is not None and row.reassigned_at <= t:
        clock, _ = reassign(row.policy, CALENDAR, clock, "rep-b", row.reassigned_at)
    if row.moment is not None and row.moment <= t:
        if row.edge == "disqualified":
            clock = replace(clock, excluded_reason="disqualified")
        elif row.kind in QUALIFYING_TOUCHES:
            clock = replace(clock, stopped_at=row.moment)
    return clock


def fired_alerts(row: Row, end: datetime) -> set[tuple[str, str, datetime]]:
    starts = [ARRIVALS[row.arrival]] + ([row.reassigned_at] if row.reassigned_at else [])
    fired = set()
    for start in starts:
        for due in schedule(row.policy, CALENDAR, clock_at(row, start)):
            if due.due_at <= end and still_due(due, clock_at(row, due.due_at), due.due_at):
                fired.add((due.owner_id, due.key, due.due_at))
    return fired


ROWS = rows()


def _row_id(row: Row) -> str:
    return "-".join(
        part for part in (row.lead_type, row.arrival, row.edge, row.response, row.kind) if part
    )


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_playbook_case(row: Row):
    want = expected(row)
    got = verdict(row.policy, CALENDAR, clock_at(row, want.end), want.end)
    assert (got.state, got.due_at, got.response_business, got.miss_duration) == (
        want.state,
        want.due_at,
        want.response_business,
        want.miss_duration,
    )
    assert fired_alerts(row, want.end) == want.alerts
    if row.reassigned_at is not None:
        _, charge = reassign(
            row.policy, CALENDAR, clock_at(row, ARRIVALS[row.arrival]), "rep-b", row.reassigned_at
        )
        assert (charge.owner_id, charge.outcome) == ("rep-a", Outcome.RELEASED)


def test_spreadsheet_has_29_rows_per_lead_type_and_arrival():
    assert len(ROWS) == len(set(ROWS)) == 9 * 29


@pytest.mark.parametrize(("lead_type", "arrival"), list(DEADLINES))
def test_hand_stated_deadlines_agree_with_the_reference_calendar(lead_type, arrival):
    got = ref_deadlines(ARRIVALS[arrival], POLICIES[lead_type].threshold)
    assert [got[k] for k in KEYS] == list(DEADLINES[lead_type, arrival])
