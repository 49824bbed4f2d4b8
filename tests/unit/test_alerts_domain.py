"""Delivery rules without I/O: routes, backoff with jitter, give-up, bursts, weekly slots."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from baton.domain.alerts import (
    AlertKind,
    AlertState,
    RetryPolicy,
    Route,
    RouteMode,
    after_failure,
    backoff,
    burst_groups,
    channels_to_try,
    route_for,
    weekly_slot,
)
from baton.domain.calendar import BusinessCalendar, HolidaySet
from baton.domain.sla import DueKind

POLICY = RetryPolicy(
    first_delay=timedelta(seconds=30),
    max_delay=timedelta(minutes=30),
    give_up_after=timedelta(hours=24),
)
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_first_matching_route_wins_and_wildcards_match_kinds():
    routes = [
        Route(("sla.miss",), ("slack",)),
        Route(("sla.*",), ("email",)),
        Route(("*",), ("hook",)),
    ]
    assert route_for("sla.miss", routes).channels == ("slack",)
    assert route_for("sla.notice", routes).channels == ("email",)
    assert route_for("handoff.ready", routes).channels == ("hook",)
    assert route_for("x", routes[:2]) is None


def test_fallback_stops_after_one_delivery_and_all_needs_every_channel():
    fallback, every = Route(("*",), ("slack", "email")), Route(("*",), ("slack", "email"), "all")
    assert channels_to_try(fallback, set()) == ["slack", "email"]
    assert channels_to_try(fallback, {"email"}) == []
    assert channels_to_try(every, {"slack"}) == ["email"]
    assert channels_to_try(every, {"slack", "email"}) == []


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(7)
    for attempt in range(1, 15):
        ceiling = min(timedelta(seconds=30) * 2 ** (attempt - 1), timedelta(minutes=30))
        for _ in range(50):
            delay = backoff(attempt, POLICY, rng)
            assert ceiling / 2 <= delay <= ceiling
    delays = {backoff(3, POLICY, rng) for _ in range(20)}
    assert len(delays) > 10  # jitter: failed alerts do not retry in step


def test_retry_after_is_a_floor_on_the_next_attempt():
    verdict = after_failure(NOW, NOW, 1, POLICY, random.Random(1), retry_after=120)
    assert verdict.state == "failed" and verdict.next_attempt_at >= NOW + timedelta(seconds=120)


def test_an_alert_is_dead_lettered_once_the_next_try_would_pass_the_give_up_time():
    created = NOW - timedelta(hours=23, minutes=59)
    assert after_failure(NOW, created, 12, POLICY, random.Random(1)).state == "dead"
    assert after_failure(NOW, NOW, 12, POLICY, random.Random(1)).state == "failed"


def test_a_burst_counts_alerts_already_sent_in_the_window():
    pending = {("sam", "sla.miss"): 4, ("ana", "sla.miss"): 11, ("lee", "sla.notice"): 2}
    recent = {("sam", "sla.miss"): 7}
    assert burst_groups(pending, recent, 10) == [("ana", "sla.miss"), ("sam", "sla.miss")]
    assert burst_groups(pending, {}, 10) == [("ana", "sla.miss")]


def test_weekly_slot_is_the_local_time_on_the_weekday_of_this_iso_week():
    period, slot = weekly_slot(
        datetime(2026, 11, 4, 12, tzinfo=UTC), "mon", "09:00", "America/New_York"
    )
    assert period == "2026-W45"
    assert slot == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


def test_weekly_slot_on_a_holiday_moves_to_the_next_business_opening():
    holiday = date(2026, 12, 28)
    cal = BusinessCalendar(
        "Europe/Berlin",
        {d: [(time(9), time(17))] for d in range(5)},
        HolidaySet(dates=frozenset({holiday})),
    )
    _, slot = weekly_slot(
        datetime(2026, 12, 29, 12, tzinfo=UTC), "mon", "09:00", "Europe/Berlin", cal
    )
    assert slot == datetime(2026, 12, 29, 8, 0, tzinfo=UTC)  # Tuesday 09:00 CET


def test_weekly_slot_keeps_local_time_across_dst():
    _, before = weekly_slot(
        datetime(2026, 10, 21, tzinfo=UTC), "mon", "09:00", "Europe/Berlin"
    )  # Mon 19 Oct, CEST
    _, after = weekly_slot(datetime(2026, 11, 4, tzinfo=UTC), "mon", "09:00", "Europe/Berlin")
    assert (before.hour, after.hour) == (7, 8)


def test_each_sla_timer_sends_the_alert_of_its_kind():
    assert {k: AlertKind.for_due(k) for k in DueKind} == {
        DueKind.NOTICE: AlertKind.SLA_NOTICE,
        DueKind.MISS: AlertKind.SLA_MISS,
        DueKind.ESCALATION: AlertKind.SLA_ESCALATION,
    }
    assert AlertKind.for_due(DueKind.MISS) == "sla.miss"  # as stored and as routes match it


def test_only_digest_kinds_are_digests():
    assert {k for k in AlertKind if k.is_digest} == {"digest.burst", "digest.weekly"}


def test_a_route_mode_given_as_a_word_behaves_as_its_member():
    assert Route(("*",), ("slack",), "all").mode is RouteMode.ALL
    assert Route(("*",), ("slack",)).mode is RouteMode.FALLBACK
    with pytest.raises(ValueError):
        Route(("*",), ("slack",), "both")


def test_a_failed_attempt_is_failed_or_dead_in_the_outbox_words():
    retry = after_failure(NOW, NOW, 1, POLICY, random.Random(1))
    dead = after_failure(NOW, NOW - timedelta(days=2), 1, POLICY, random.Random(1))
    assert (retry.state, dead.state) == (AlertState.FAILED, AlertState.DEAD)
