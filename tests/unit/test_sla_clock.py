"""SLA clocks, each test named after the situation it pins down.

The office is open 09:00–18:00 Monday to Friday in New York with US holidays.
Week of reference: Tuesday 2026-04-14 to Monday 2026-04-20.
"""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.domain.calendar import BusinessCalendar, HolidaySet
from baton.domain.sla import (
    ClockInput,
    DueKind,
    Escalation,
    OnReassign,
    Outcome,
    SlaPolicy,
    Start,
    VerdictState,
    backfill_suppressed,
    default_escalations,
    reassign,
    schedule,
    still_due,
    verdict,
)

NY = ZoneInfo("America/New_York")
OFFICE = BusinessCalendar(
    "America/New_York",
    {d: [(time(9), time(18))] for d in range(5)},
    HolidaySet(countries=(("US", None),)),
    name="ny-office",
)
ALWAYS = BusinessCalendar(
    "America/New_York", {d: [(time(0), time(0))] for d in range(7)}, name="24/7"
)
DEMO = SlaPolicy("demo request", timedelta(minutes=30), escalations=default_escalations("cro-1"))
CONTENT = SlaPolicy("content download", timedelta(hours=4))


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def due_times(policy, clock, calendar=OFFICE) -> dict[str, datetime]:
    return {d.key: d.due_at.astimezone(NY) for d in schedule(policy, calendar, clock)}


# --- deadlines in business time ------------------------------------------------


def test_lead_arrived_friday_evening_is_not_breached_monday_morning():
    clock = ClockInput(ny(2026, 4, 17, 19, 0), "rep-a")
    result = verdict(CONTENT, OFFICE, clock, now=ny(2026, 4, 20, 10, 0))
    assert result.state is VerdictState.PENDING
    assert result.elapsed_business == hours(1)
    assert result.due_at == ny(2026, 4, 20, 13, 0)


def test_demo_request_assigned_at_1755_friday_30_min_due_monday_0925():
    clock = ClockInput(ny(2026, 4, 17, 17, 55), "rep-a")
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 20, 9, 20)).state is VerdictState.PENDING
    assert due_times(DEMO, clock)["miss"] == ny(2026, 4, 20, 9, 25)
    late = verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 20, 9, 40))
    assert (late.state, late.miss_duration) == (VerdictState.MISS, minutes(15))


def test_notices_at_50_and_80_percent_count_business_time_not_wall_clock():
    dues = {
        d.key: d for d in schedule(CONTENT, OFFICE, ClockInput(ny(2026, 4, 14, 16, 0), "rep-a"))
    }
    assert dues["notice:50"].due_at == ny(
        2026, 4, 14, 18, 0
    )  # lands on closing time and stays there
    assert dues["notice:80"].due_at == ny(2026, 4, 15, 10, 12)
    assert dues["miss"].due_at == ny(2026, 4, 15, 11, 0)
    assert (dues["notice:50"].recipient, dues["notice:50"].cc) == ("owner", ())
    assert (dues["notice:80"].recipient, dues["notice:80"].cc) == ("owner", ("manager",))
    assert all(d.due_at.tzinfo is UTC for d in dues.values())


def test_miss_alerts_the_owner_at_the_deadline_then_tier_2_and_tier_3_escalate():
    dues = schedule(DEMO, OFFICE, ClockInput(ny(2026, 4, 14, 17, 0), "rep-a"))
    assert [(d.key, d.recipient, d.due_at.astimezone(NY)) for d in dues] == [
        ("notice:50", "owner", ny(2026, 4, 14, 17, 15)),
        ("notice:80", "owner", ny(2026, 4, 14, 17, 24)),
        ("miss", "owner", ny(2026, 4, 14, 17, 30)),
        ("escalation:2", "manager", ny(2026, 4, 15, 10, 30)),
        ("escalation:3", "cro-1", ny(2026, 4, 15, 16, 30)),
    ]
    assert [d.kind for d in dues] == [DueKind.NOTICE] * 2 + [DueKind.MISS] + [
        DueKind.ESCALATION
    ] * 2


def test_escalation_stops_once_the_lead_is_touched():
    untouched = ClockInput(ny(2026, 4, 14, 17, 0), "rep-a")
    tier2, tier3 = schedule(DEMO, OFFICE, untouched)[-2:]
    touched = ClockInput(ny(2026, 4, 14, 17, 0), "rep-a", stopped_at=ny(2026, 4, 15, 11, 0))
    assert still_due(tier2, untouched, tier2.due_at)
    assert not still_due(tier3, touched, tier3.due_at)
    assert not still_due(
        tier2, touched, ny(2026, 4, 15, 11, 30)
    )  # a late timer does not fire after the touch


def test_timer_is_not_due_before_its_time():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    notice = schedule(DEMO, OFFICE, clock)[0]
    assert not still_due(notice, clock, notice.due_at - timedelta(seconds=1))
    assert still_due(notice, clock, notice.due_at)


def test_holiday_is_skipped_thanksgiving_lead_due_friday():
    clock = ClockInput(ny(2026, 11, 25, 16, 0), "rep-a")
    assert due_times(CONTENT, clock)["miss"] == ny(2026, 11, 27, 11, 0)


def test_business_hours_deadline_over_the_spring_forward_weekend():
    clock = ClockInput(ny(2026, 3, 6, 17, 0), "rep-a")  # 22:00 UTC, EST
    assert due_times(CONTENT, clock)["miss"] == ny(2026, 3, 9, 12, 0)  # 16:00 UTC, EDT
    assert schedule(CONTENT, OFFICE, clock)[2].due_at == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("started", "due_utc"),
    [
        (
            ny(2026, 3, 7, 12, 0),
            datetime(2026, 3, 8, 17, 0, tzinfo=UTC),
        ),  # 13:00 EDT: the lost hour is not an hour
        (
            ny(2026, 10, 31, 12, 0),
            datetime(2026, 11, 1, 16, 0, tzinfo=UTC),
        ),  # 11:00 EST: the repeated hour counts
    ],
)
def test_round_the_clock_24h_rule_over_a_dst_night_in_new_york_is_24_real_hours(started, due_utc):
    policy = SlaPolicy("event", timedelta(hours=24))
    assert schedule(policy, ALWAYS, ClockInput(started, "rep-a"))[2].due_at == due_utc


# --- verdicts ------------------------------------------------------------------


def test_touch_exactly_at_the_deadline_is_a_hit():
    at_deadline = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", stopped_at=ny(2026, 4, 14, 10, 30))
    result = verdict(DEMO, OFFICE, at_deadline, now=ny(2026, 4, 14, 12, 0))
    assert (result.state, result.response_business, result.miss_duration) == (
        VerdictState.HIT,
        minutes(30),
        None,
    )
    a_second_late = ClockInput(
        ny(2026, 4, 14, 10, 0), "rep-a", stopped_at=ny(2026, 4, 14, 10, 30, 1)
    )
    late = verdict(DEMO, OFFICE, a_second_late, now=ny(2026, 4, 14, 12, 0))
    assert (late.state, late.miss_duration) == (VerdictState.MISS, timedelta(seconds=1))


def test_untouched_lead_exactly_at_the_deadline_is_still_pending():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 10, 30)).state is VerdictState.PENDING
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 10, 30, 1)).state is VerdictState.MISS


def test_touch_in_the_evening_after_a_closing_time_deadline_is_a_miss_of_zero_business_time():
    clock = ClockInput(ny(2026, 4, 14, 17, 30), "rep-a", stopped_at=ny(2026, 4, 14, 18, 45))
    result = verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 19, 0))
    assert result.due_at == ny(2026, 4, 14, 18, 0)
    assert (result.state, result.miss_duration, result.response_business) == (
        VerdictState.MISS,
        timedelta(0),
        minutes(30),
    )


def test_miss_duration_of_an_untouched_lead_grows_in_business_time_only():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 15, 10, 0)).miss_duration == hours(8.5)
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 20, 9, 0)).miss_duration == hours(34.5)


def test_touch_recorded_after_now_is_not_known_yet():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", stopped_at=ny(2026, 4, 14, 10, 20))
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 10, 10)).state is VerdictState.PENDING
    assert verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 10, 20)).state is VerdictState.HIT


# --- pauses --------------------------------------------------------------------


def test_pause_over_lunch_moves_the_deadline_by_the_time_paused():
    clock = ClockInput(
        ny(2026, 4, 14, 10, 0), "rep-a", pauses=((ny(2026, 4, 14, 11, 0), ny(2026, 4, 14, 13, 0)),)
    )
    assert due_times(CONTENT, clock)["miss"] == ny(2026, 4, 14, 16, 0)
    assert verdict(CONTENT, OFFICE, clock, now=ny(2026, 4, 14, 15, 0)).elapsed_business == hours(3)


def test_pause_overnight_moves_the_deadline_only_by_the_business_time_it_covered():
    policy = SlaPolicy("full day", hours(8))
    clock = ClockInput(
        ny(2026, 4, 14, 10, 0), "rep-a", pauses=((ny(2026, 4, 14, 17, 0), ny(2026, 4, 15, 10, 0)),)
    )
    assert due_times(policy, clock)["miss"] == ny(
        2026, 4, 15, 11, 0
    )  # without the pause: Tuesday 18:00


def test_pauses_before_the_start_or_overlapping_each_other_count_once():
    pauses = (
        (ny(2026, 4, 14, 9, 0), ny(2026, 4, 14, 10, 30)),  # began before the start
        (ny(2026, 4, 14, 12, 0), ny(2026, 4, 14, 13, 0)),
        (ny(2026, 4, 14, 12, 30), ny(2026, 4, 14, 13, 30)),
    )
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", pauses=pauses)
    assert due_times(CONTENT, clock)["miss"] == ny(2026, 4, 14, 16, 0)  # 30 min + 90 min paused


def test_lead_still_paused_has_nothing_due_after_the_pause_began():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", pauses=((ny(2026, 4, 14, 12, 30), None),))
    assert list(due_times(CONTENT, clock)) == ["notice:50"]  # 12:00, before the pause
    result = verdict(CONTENT, OFFICE, clock, now=ny(2026, 4, 20, 12, 0))
    assert (result.state, result.due_at, result.elapsed_business) == (
        VerdictState.PENDING,
        None,
        hours(2.5),
    )
    planned = schedule(CONTENT, OFFICE, ClockInput(ny(2026, 4, 14, 10, 0), "rep-a"))[1]
    assert not still_due(
        planned, clock, planned.due_at
    )  # a timer set before the pause does not fire


def test_pause_beginning_exactly_at_the_deadline_comes_too_late_to_move_it():
    clock = ClockInput(
        ny(2026, 4, 14, 10, 0), "rep-a", pauses=((ny(2026, 4, 14, 10, 30), ny(2026, 4, 14, 11, 0)),)
    )
    assert due_times(DEMO, clock)["miss"] == ny(2026, 4, 14, 10, 30)


def test_pause_that_begins_after_the_deadline_does_not_undo_the_miss():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", pauses=((ny(2026, 4, 14, 11, 0), None),))
    result = verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 14, 15, 0))
    assert (result.state, result.due_at, result.miss_duration) == (
        VerdictState.MISS,
        ny(2026, 4, 14, 10, 30),
        minutes(30),
    )
    assert [d.key for d in schedule(DEMO, OFFICE, clock)] == [
        "notice:50",
        "notice:80",
        "miss",
    ]


# --- exclusions and backfill ---------------------------------------------------


def test_disqualified_lead_has_no_verdict_and_no_alerts():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", excluded_reason="disqualified")
    result = verdict(DEMO, OFFICE, clock, now=ny(2026, 4, 15, 10, 0))
    assert (result.state, result.due_at, result.response_business, result.miss_duration) == (
        VerdictState.EXCLUDED,
        None,
        None,
        None,
    )
    assert schedule(DEMO, OFFICE, clock) == []
    planned = schedule(DEMO, OFFICE, ClockInput(ny(2026, 4, 14, 10, 0), "rep-a"))
    assert not any(still_due(d, clock, ny(2026, 4, 15, 10, 0)) for d in planned)


def test_alerts_due_before_the_lead_was_received_are_suppressed_as_backfill():
    dues = schedule(DEMO, OFFICE, ClockInput(ny(2026, 4, 14, 10, 0), "rep-a"))
    received = ny(2026, 4, 14, 12, 30)  # imported late: the tier-2 escalation falls due on receipt
    assert [d.key for d in dues if backfill_suppressed(d, received)] == [
        "notice:50",
        "notice:80",
        "miss",
    ]
    assert [d.key for d in dues if not backfill_suppressed(d, received)] == [
        "escalation:2",
        "escalation:3",
    ]


# --- reassignment --------------------------------------------------------------


def test_reassignment_restarts_the_clock_and_releases_the_previous_owner():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    new_clock, charge = reassign(CONTENT, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 12, 30))
    assert (new_clock.owner_id, new_clock.started_at, new_clock.elapsed_before) == (
        "rep-b",
        ny(2026, 4, 14, 12, 30),
        timedelta(0),
    )
    assert due_times(CONTENT, new_clock)["miss"] == ny(2026, 4, 14, 16, 30)
    assert (charge.owner_id, charge.outcome, charge.ended_at, charge.next_owner_id) == (
        "rep-a",
        Outcome.RELEASED,
        ny(2026, 4, 14, 12, 30),
        "rep-b",
    )
    assert (charge.elapsed_business, charge.miss_duration) == (hours(2.5), None)


def test_reassignment_with_carry_keeps_the_business_time_already_spent():
    policy = SlaPolicy("content download", hours(4), on_reassign=OnReassign.CARRY)
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    new_clock, charge = reassign(policy, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 12, 30))
    assert new_clock.elapsed_before == hours(2.5)
    assert due_times(policy, new_clock) == {  # the 50 % notice was rep-a's
        "notice:80": ny(2026, 4, 14, 13, 12),
        "miss": ny(2026, 4, 14, 14, 0),
        "escalation:2": ny(2026, 4, 14, 16, 0),
        "escalation:3": ny(2026, 4, 15, 13, 0),
    }
    missed = verdict(policy, OFFICE, new_clock, now=ny(2026, 4, 14, 15, 0))
    assert (missed.state, missed.elapsed_business, missed.miss_duration) == (
        VerdictState.MISS,
        hours(5),
        hours(1),
    )
    assert charge.outcome is Outcome.RELEASED


def test_carry_reassigned_exactly_when_a_notice_falls_due_gives_that_notice_to_the_new_owner():
    policy = SlaPolicy("content download", hours(4), on_reassign=OnReassign.CARRY)
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    old_notice = schedule(policy, OFFICE, clock)[0]
    new_clock, _ = reassign(policy, OFFICE, clock, "rep-b", at=old_notice.due_at)
    new_notice = schedule(policy, OFFICE, new_clock)[0]
    assert (new_notice.key, new_notice.owner_id, new_notice.due_at) == (
        "notice:50",
        "rep-b",
        old_notice.due_at,
    )
    assert still_due(new_notice, new_clock, new_notice.due_at)
    assert not still_due(old_notice, new_clock, old_notice.due_at)


def test_carry_reassigned_exactly_at_the_deadline_restarts_the_new_owner():
    policy = SlaPolicy("demo request", minutes(30), on_reassign=OnReassign.CARRY)
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    new_clock, charge = reassign(policy, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 10, 30))
    assert charge.outcome is Outcome.RELEASED  # untouched exactly at the deadline is not yet a miss
    assert new_clock.elapsed_before == timedelta(0)


def test_timers_of_an_earlier_charge_do_not_fire_when_the_lead_comes_back():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    first = schedule(CONTENT, OFFICE, clock)
    to_b, _ = reassign(CONTENT, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 10, 30))
    back_to_a, _ = reassign(CONTENT, OFFICE, to_b, "rep-a", at=ny(2026, 4, 14, 11, 0))
    assert not any(still_due(d, back_to_a, d.due_at) for d in first)
    assert all(still_due(d, back_to_a, d.due_at) for d in schedule(CONTENT, OFFICE, back_to_a))


def test_previous_owner_is_not_charged_with_a_miss_after_losing_the_lead():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    new_clock, charge = reassign(DEMO, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 10, 20))
    late = ClockInput(new_clock.started_at, "rep-b", stopped_at=ny(2026, 4, 14, 11, 0))
    assert charge.outcome is Outcome.RELEASED
    assert (
        verdict(DEMO, OFFICE, late, now=ny(2026, 4, 14, 12, 0)).state is VerdictState.MISS
    )  # rep-b's miss
    old_miss = next(d for d in schedule(DEMO, OFFICE, clock) if d.key == "miss")
    assert not still_due(old_miss, new_clock, old_miss.due_at)


def test_miss_before_the_reassignment_stays_with_the_previous_owner_and_carry_restarts():
    policy = SlaPolicy("demo request", minutes(30), on_reassign="carry")
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a")
    new_clock, charge = reassign(policy, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 11, 0))
    assert (charge.outcome, charge.miss_duration, charge.due_at) == (
        Outcome.MISS,
        minutes(30),
        ny(2026, 4, 14, 10, 30),
    )
    assert new_clock.elapsed_before == timedelta(0)
    assert due_times(policy, new_clock)["miss"] == ny(2026, 4, 14, 11, 30)


def test_reassignment_keeps_an_open_pause_and_an_exclusion():
    clock = ClockInput(
        ny(2026, 4, 14, 10, 0),
        "rep-a",
        pauses=((ny(2026, 4, 14, 10, 10), None),),
        excluded_reason="test lead",
    )
    new_clock, charge = reassign(DEMO, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 11, 0))
    assert new_clock.pauses == ((ny(2026, 4, 14, 11, 0), None),)
    assert (new_clock.excluded_reason, charge.outcome) == ("test lead", Outcome.EXCLUDED)


def test_reassigning_a_clock_already_stopped_is_refused():
    clock = ClockInput(ny(2026, 4, 14, 10, 0), "rep-a", stopped_at=ny(2026, 4, 14, 10, 5))
    with pytest.raises(ValueError, match="settled"):
        reassign(DEMO, OFFICE, clock, "rep-b", at=ny(2026, 4, 14, 11, 0))


# --- rules and inputs ----------------------------------------------------------


def test_policy_defaults_follow_the_playbook():
    assert (DEMO.start, DEMO.on_reassign, DEMO.notices, DEMO.calendar) == (
        Start.ASSIGNED,
        OnReassign.RESTART,
        (0.5, 0.8),
        "owner",
    )
    assert [(e.tier, e.recipient, e.after_miss) for e in CONTENT.escalations] == [
        (2, "manager", hours(2)),
        (3, "executive", hours(8)),
    ]
    assert SlaPolicy("mql", hours(1), start="mql").start is Start.MQL


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": timedelta(0)}, "threshold must be a positive duration"),
        ({"notices": (0.8, 0.5)}, "strictly between 0 and 1 in increasing order"),
        ({"notices": (0.5, 1.0)}, "strictly between 0 and 1"),
        ({"notices": (0.5, 0.5)}, "increasing order"),
        (
            {
                "escalations": (
                    Escalation(2, "manager", hours(3)),
                    Escalation(3, "cro-1", hours(2)),
                )
            },
            "not fire earlier than the tier before",
        ),
        (
            {"escalations": (Escalation(1, "manager", hours(1)),)},
            r"needs a tier from 2 \(tier 1 is the miss alert to the owner\)",
        ),
        (
            {"escalations": (Escalation(2, "manager", hours(1)), Escalation(2, "cro-1", hours(2)))},
            "tiers must increase",
        ),
        ({"on_reassign": "transfer"}, "on_reassign must be one of 'restart', 'carry'"),
    ],
)
def test_invalid_rule_is_refused_with_a_message_for_a_person(kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        SlaPolicy("demo request", **{"threshold": minutes(30), **kwargs})
    assert "SLA rule 'demo request'" in str(error.value)


def test_clock_refuses_naive_datetimes_and_backwards_pauses():
    with pytest.raises(ValueError, match="timezone-aware"):
        ClockInput(datetime(2026, 4, 14, 10, 0), "rep-a")
    with pytest.raises(ValueError, match="must not end"):
        ClockInput(
            ny(2026, 4, 14, 10, 0),
            "rep-a",
            pauses=((ny(2026, 4, 14, 11, 0), ny(2026, 4, 14, 10, 0)),),
        )


# --- against a minute-by-minute reference ---------------------------------------


def _reference_due(start: datetime, threshold_min: int, pauses) -> datetime:
    """Walk local minutes of the 09:00–18:00 weekday office, skipping paused minutes."""
    t, counted = start.replace(tzinfo=None), 0
    while True:
        running = t.weekday() < 5 and 9 <= t.hour < 18 and not any(a <= t < b for a, b in pauses)
        t += timedelta(minutes=1)
        counted += running
        if counted == threshold_min:
            return t.replace(tzinfo=NY)


def test_deadlines_with_random_pauses_agree_with_a_minute_walk():
    rng = random.Random(20260414)
    base = datetime(2026, 4, 13, 0, 0)  # a Monday in a month without DST change or holiday
    for _ in range(40):
        start = base + minutes(rng.randrange(0, 7 * 24 * 60))
        marks = sorted(
            start + minutes(rng.randrange(0, 3 * 24 * 60)) for _ in range(2 * rng.randrange(0, 3))
        )
        pauses = list(zip(marks[::2], marks[1::2], strict=True))  # an even number of marks
        threshold = rng.randrange(1, 600)
        policy = SlaPolicy("random", minutes(threshold))
        clock = ClockInput(
            start.replace(tzinfo=NY),
            "rep-a",
            pauses=tuple((a.replace(tzinfo=NY), b.replace(tzinfo=NY)) for a, b in pauses),
        )
        expected = _reference_due(start, threshold, pauses)
        assert due_times(policy, clock)["miss"] == expected, (start, threshold, pauses)
