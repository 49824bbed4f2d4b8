"""Speed to lead: delays in wall-clock and business time, ratings, outages, statistics."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.domain.calendar import BusinessCalendar
from baton.domain.speed import (
    Anomaly,
    OutageWindow,
    Rating,
    RatingBands,
    Summary,
    excluded_by_outage,
    measure,
    rate,
    summarize,
)

NY = ZoneInfo("America/New_York")
CALENDAR = BusinessCalendar(
    "America/New_York", {d: [(time(9), time(17))] for d in range(5)}, name="ny"
)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# --- measure -------------------------------------------------------------------


def test_systems_human_and_total_delays_in_wall_clock_and_business_time():
    speed = measure(
        ny(2026, 4, 14, 10, 0), ny(2026, 4, 14, 10, 4), ny(2026, 4, 14, 10, 30), CALENDAR
    )
    assert (speed.systems_delay, speed.human_delay, speed.total) == (
        minutes(4),
        minutes(26),
        minutes(30),
    )
    assert (speed.systems_delay_business, speed.human_delay_business, speed.total_business) == (
        minutes(4),
        minutes(26),
        minutes(30),
    )
    assert speed.anomalies == ()


def test_form_on_friday_evening_touched_monday_morning_has_small_business_delays():
    engaged, assigned, touched = (
        ny(2026, 4, 17, 18, 0),
        ny(2026, 4, 17, 18, 12),
        ny(2026, 4, 20, 9, 20),
    )
    speed = measure(engaged, assigned, touched, CALENDAR)
    assert speed.systems_delay == minutes(12)
    assert speed.systems_delay_business == timedelta(0)
    assert speed.human_delay == timedelta(days=2, hours=15, minutes=8)
    assert speed.human_delay_business == minutes(20)
    assert speed.total_business == minutes(20)


def test_delays_with_a_missing_end_are_none_not_zero():
    speed = measure(ny(2026, 4, 14, 10, 0), ny(2026, 4, 14, 10, 4), None, CALENDAR)
    assert speed.systems_delay == minutes(4)
    assert (
        speed.human_delay
        is speed.total
        is speed.human_delay_business
        is speed.total_business
        is None
    )
    unassigned = measure(ny(2026, 4, 14, 10, 0), None, ny(2026, 4, 14, 11, 0), CALENDAR)
    assert unassigned.systems_delay is unassigned.human_delay is None
    assert unassigned.total == timedelta(hours=1)


def test_first_touch_logged_before_assignment_is_zero_human_delay_with_an_anomaly():
    speed = measure(
        ny(2026, 4, 14, 10, 0), ny(2026, 4, 14, 10, 10), ny(2026, 4, 14, 10, 7), CALENDAR
    )
    assert speed.human_delay == speed.human_delay_business == timedelta(0)
    assert speed.total == minutes(7)
    assert speed.anomalies == (Anomaly("human_delay", -minutes(3)),)
    assert "human_delay" in str(speed.anomalies[0])


def test_backfilled_assignment_before_engagement_clamps_systems_delay_and_total():
    speed = measure(ny(2026, 4, 14, 10, 0), ny(2026, 4, 14, 9, 0), ny(2026, 4, 14, 8, 0), CALENDAR)
    assert speed.systems_delay == speed.total == speed.human_delay == timedelta(0)
    assert [a.measure for a in speed.anomalies] == ["systems_delay", "human_delay", "total"]


# --- rating --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delay", "expected"),
    [
        (timedelta(0), Rating.BEST_POSSIBLE),
        (minutes(3), Rating.BEST_POSSIBLE),
        (minutes(3) + timedelta(seconds=1), Rating.BEST_IN_CLASS),
        (minutes(5), Rating.BEST_IN_CLASS),
        (minutes(5) + timedelta(seconds=1), Rating.ACCEPTABLE),
        (minutes(10) - timedelta(seconds=1), Rating.ACCEPTABLE),
        (minutes(10), Rating.YELLOW),
        (minutes(15) - timedelta(seconds=1), Rating.YELLOW),
        (minutes(15), Rating.RED),
        (minutes(30) - timedelta(seconds=1), Rating.RED),
        (minutes(30), Rating.CRITICAL),
        (timedelta(hours=5), Rating.CRITICAL),
    ],
)
def test_systems_delay_rating_at_each_boundary(delay, expected):
    assert rate(delay) is expected


def test_rating_bands_are_configuration():
    strict = RatingBands(
        best_possible=minutes(1),
        best_in_class=minutes(2),
        yellow=minutes(4),
        red=minutes(6),
        critical=minutes(8),
    )
    assert rate(minutes(3), strict) is Rating.ACCEPTABLE
    assert rate(minutes(8), strict) is Rating.CRITICAL


def test_rating_bands_out_of_order_are_refused_with_the_values():
    with pytest.raises(ValueError, match="increase"):
        RatingBands(yellow=minutes(20))


# --- outages -------------------------------------------------------------------

OUTAGE = OutageWindow(ny(2026, 4, 14, 10, 0), ny(2026, 4, 14, 11, 0), "CRM sync down")


@pytest.mark.parametrize(
    ("engaged", "assigned", "excluded"),
    [
        ((9, 50), (10, 5), True),  # assignment delayed into the outage
        ((10, 20), (10, 30), True),  # entirely inside
        ((10, 59), (11, 20), True),  # engaged during, assigned after
        ((9, 0), (12, 0), True),  # spans it
        ((9, 0), (10, 0), False),  # assigned exactly as it began
        ((11, 0), (11, 5), False),  # engaged exactly as it ended
        ((10, 30), (10, 30), True),  # instant assignment inside
        ((11, 0), (11, 0), False),  # instant assignment at its end
    ],
)
def test_lead_whose_systems_delay_meets_an_outage_is_excluded(engaged, assigned, excluded):
    assert (
        excluded_by_outage(ny(2026, 4, 14, *engaged), ny(2026, 4, 14, *assigned), [OUTAGE])
        is excluded
    )


def test_unassigned_lead_is_excluded_by_any_later_outage():
    assert excluded_by_outage(ny(2026, 4, 14, 9, 0), None, [OUTAGE])
    assert not excluded_by_outage(ny(2026, 4, 14, 11, 0), None, [OUTAGE])
    assert not excluded_by_outage(ny(2026, 4, 14, 9, 0), ny(2026, 4, 14, 9, 5), [])


def test_outage_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="must end after it starts"):
        OutageWindow(ny(2026, 4, 14, 11, 0), ny(2026, 4, 14, 10, 0), "typo")


# --- summary -------------------------------------------------------------------


def test_summary_of_ten_delays_uses_nearest_rank_p90():
    values = [minutes(n) for n in (7, 1, 2, 3, 4, 5, 6, 8, 9, 100)]
    assert summarize(values) == Summary(10, minutes(14.5), minutes(5.5), minutes(9))


def test_summary_of_odd_count_has_the_middle_value_as_median():
    assert summarize([minutes(3), minutes(1), minutes(2)]) == Summary(
        3, minutes(2), minutes(2), minutes(3)
    )


def test_summary_p90_is_the_ceiling_rank_for_counts_not_divisible_by_ten():
    values = [timedelta(seconds=s) for s in range(1, 31)]  # rank ceil(27.0) = 27, not 28
    assert summarize(values).p90 == timedelta(seconds=27)
    assert summarize([timedelta(seconds=s) for s in range(1, 12)]).p90 == timedelta(seconds=10)


def test_summary_of_nothing_has_no_statistics():
    assert summarize([]) == Summary(0, None, None, None)


def test_summary_accepts_aware_utc_business_delays():
    speed = measure(
        datetime(2026, 4, 14, 14, tzinfo=UTC),
        datetime(2026, 4, 14, 14, 2, tzinfo=UTC),
        None,
        CALENDAR,
    )
    assert summarize([speed.systems_delay_business]).mean == minutes(2)
