"""Business calendar regressions, each named after the situation it pins down."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.domain.calendar import BusinessCalendar, HolidaySet, check_holiday_country

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = range(5)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def every_day(zone: str, *windows: tuple[time, time], days=range(7), **kw) -> BusinessCalendar:
    return BusinessCalendar(zone, {d: list(windows) for d in days}, **kw)


@pytest.fixture
def office() -> BusinessCalendar:
    """New York office: 9-12 and 13-18 on weekdays, US holidays, Christmas Eve, a half-day."""
    return BusinessCalendar(
        "America/New_York",
        {d: [(time(9), time(12)), (time(13), time(18))] for d in WEEKDAYS},
        HolidaySet(
            countries=(("US", None),),
            dates=frozenset({date(2026, 12, 24)}),
            special_days={date(2026, 12, 31): ((time(9), time(13)),)},
        ),
        name="us-east",
    )


# --- nights, weekends, lunch --------------------------------------------------


def test_lead_on_friday_1755_with_30_minute_sla_is_due_monday_0925(office):
    assert office.add(ny(2026, 2, 6, 17, 55), minutes(30)) == ny(2026, 2, 9, 9, 25)


def test_lead_on_saturday_is_due_monday_counting_from_opening(office):
    assert office.add(ny(2026, 2, 7, 11, 0), hours(2)) == ny(2026, 2, 9, 11, 0)


def test_lead_in_lunch_break_starts_counting_at_1300(office):
    assert office.add(ny(2026, 2, 10, 12, 30), minutes(30)) == ny(2026, 2, 10, 13, 30)


def test_sla_running_into_lunch_resumes_after_it(office):
    assert office.add(ny(2026, 2, 10, 11, 45), minutes(30)) == ny(2026, 2, 10, 13, 15)


def test_lunch_break_is_closed_and_next_open_is_1300(office):
    assert not office.is_open(ny(2026, 2, 10, 12, 30))
    assert office.next_open(ny(2026, 2, 10, 12, 30)) == ny(2026, 2, 10, 13, 0)


def test_open_at_opening_instant_and_closed_at_closing_instant(office):
    assert office.is_open(ny(2026, 2, 10, 9, 0))
    assert not office.is_open(ny(2026, 2, 10, 18, 0))
    assert office.is_open(ny(2026, 2, 10, 17, 59, 59, 999_999))


def test_next_open_of_an_open_instant_is_itself_in_utc(office):
    t = ny(2026, 2, 10, 10, 15, 7, 123)
    assert office.next_open(t) == t
    assert office.next_open(t).tzinfo is UTC


# --- the closing-time convention and zero durations -----------------------------


def test_deadline_exactly_at_closing_time_stays_at_closing_time(office):
    assert office.add(ny(2026, 2, 10, 17, 0), hours(1)) == ny(2026, 2, 10, 18, 0)
    assert office.add(ny(2026, 2, 10, 11, 0), hours(1)) == ny(2026, 2, 10, 12, 0)


def test_deadline_one_microsecond_past_closing_moves_to_next_opening(office):
    due = office.add(ny(2026, 2, 10, 17, 0), hours(1) + timedelta(microseconds=1))
    assert due == ny(2026, 2, 11, 9, 0, 0, 1)


def test_zero_duration_returns_start_even_when_closed(office):
    sunday = ny(2026, 2, 8, 3, 0)
    assert office.add(sunday, timedelta(0)) == sunday
    assert office.add(sunday, timedelta(0)).tzinfo is UTC


def test_negative_duration_is_refused(office):
    with pytest.raises(ValueError, match="negative"):
        office.add(ny(2026, 2, 10, 10), -minutes(1))


# --- holidays ---------------------------------------------------------------------


def test_lead_on_thanksgiving_is_due_the_friday_after(office):
    assert not office.is_open(ny(2026, 11, 26, 10, 0))
    assert office.add(ny(2026, 11, 26, 10, 0), hours(1)) == ny(2026, 11, 27, 10, 0)


def test_lead_the_evening_before_thanksgiving_skips_the_holiday(office):
    assert office.add(ny(2026, 11, 25, 17, 30), hours(1)) == ny(2026, 11, 27, 9, 30)


def test_lead_on_a_custom_closed_date_waits_past_christmas(office):
    # Dec 24 is a custom closed date, Dec 25 Christmas, then the weekend.
    assert office.add(ny(2026, 12, 24, 10, 0), hours(2)) == ny(2026, 12, 28, 11, 0)


def test_observed_independence_day_closes_the_friday(office):
    assert office.windows_on(date(2026, 7, 3)) == ()
    assert office.next_open(ny(2026, 7, 3, 10)) == ny(2026, 7, 6, 9)


def test_half_day_on_new_years_eve_closes_at_1300(office):
    assert office.between(ny(2026, 12, 31, 0), ny(2027, 1, 1, 0)) == hours(4)
    # 30 minutes left on the half-day, New Year's Day, the weekend, then Monday.
    assert office.add(ny(2026, 12, 31, 12, 30), hours(1)) == ny(2027, 1, 4, 9, 30)


def test_special_hours_override_a_country_holiday():
    cal = BusinessCalendar(
        "America/New_York",
        {d: [(time(9), time(17))] for d in WEEKDAYS},
        HolidaySet(
            countries=(("US", None),), special_days={date(2026, 11, 26): ((time(10), time(12)),)}
        ),
    )
    assert cal.between(ny(2026, 11, 26, 0), ny(2026, 11, 27, 0)) == hours(2)
    assert cal.add(ny(2026, 11, 26, 8), minutes(30)) == ny(2026, 11, 26, 10, 30)


def test_special_day_with_no_windows_closes_a_working_day():
    cal = BusinessCalendar(
        "UTC",
        {d: [(time(9), time(17))] for d in WEEKDAYS},
        HolidaySet(special_days={date(2026, 3, 3): ()}),
    )
    assert cal.between(
        datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)
    ) == timedelta(0)


def test_corpus_christi_closes_bavaria_but_not_berlin():
    weekdays = {d: [(time(9), time(17))] for d in WEEKDAYS}
    bavaria = BusinessCalendar("Europe/Berlin", weekdays, HolidaySet(countries=(("DE", "BY"),)))
    berlin_office = BusinessCalendar(
        "Europe/Berlin", weekdays, HolidaySet(countries=(("DE", "BE"),))
    )
    corpus_christi = berlin(2026, 6, 4, 10)
    assert not bavaria.is_open(corpus_christi)
    assert berlin_office.is_open(corpus_christi)


def test_holidays_of_two_countries_both_close():
    cal = BusinessCalendar(
        "Europe/Berlin",
        {d: [(time(9), time(17))] for d in WEEKDAYS},
        HolidaySet(countries=(("US", None), ("DE", "BY"))),
    )
    assert not cal.is_open(berlin(2026, 11, 26, 10))  # US Thanksgiving
    assert not cal.is_open(berlin(2026, 1, 6, 10))  # Epiphany in Bavaria


# --- windows past midnight and midnight boundaries -------------------------------


def night_desk() -> BusinessCalendar:
    return BusinessCalendar("Europe/Berlin", {d: [(time(22), time(2))] for d in WEEKDAYS})


def test_window_past_midnight_counts_across_midnight():
    assert night_desk().add(berlin(2026, 2, 9, 23, 30), hours(1)) == berlin(2026, 2, 10, 0, 30)


def test_friday_night_window_runs_into_saturday_then_waits_for_monday_night():
    desk = night_desk()
    assert desk.is_open(berlin(2026, 2, 14, 1, 30))  # Saturday 01:30, Friday's window
    assert desk.add(berlin(2026, 2, 14, 1, 30), hours(1)) == berlin(2026, 2, 16, 22, 30)


def test_holiday_closes_windows_opening_on_it_not_last_nights_tail():
    desk = BusinessCalendar(
        "Europe/Berlin",
        {d: [(time(22), time(2))] for d in WEEKDAYS},
        HolidaySet(dates=frozenset({date(2026, 2, 10)})),
    )
    assert desk.is_open(berlin(2026, 2, 10, 1, 0))  # Monday's window, after midnight
    assert not desk.is_open(berlin(2026, 2, 10, 23, 0))


def test_past_midnight_window_merges_with_next_days_early_window():
    cal = BusinessCalendar("UTC", {0: [(time(20), time(3))], 1: [(time(1), time(5))]})
    intervals = list(
        cal.open_intervals(datetime(2026, 2, 9, tzinfo=UTC), datetime(2026, 2, 11, tzinfo=UTC))
    )
    assert intervals == [
        (datetime(2026, 2, 9, 20, tzinfo=UTC), datetime(2026, 2, 10, 5, tzinfo=UTC))
    ]


def test_window_ending_at_midnight_written_as_time_zero():
    cal = every_day("America/New_York", (time(9), time(0)))
    assert cal.between(ny(2026, 2, 10, 0), ny(2026, 2, 11, 0)) == hours(15)
    assert not cal.is_open(ny(2026, 2, 11, 0, 0))
    assert cal.add(ny(2026, 2, 10, 23, 59), minutes(2)) == ny(2026, 2, 11, 9, 1)


def test_deadline_at_midnight_closing_stays_at_midnight():
    cal = every_day("America/New_York", (time(9), time(0)))
    assert cal.add(ny(2026, 2, 10, 23, 0), hours(1)) == ny(2026, 2, 11, 0, 0)


def test_round_the_clock_calendar_is_plain_elapsed_time():
    cal = every_day("Europe/Berlin", (time(0), time(0)))
    start = berlin(2026, 3, 28, 12, 0)
    # Aware arithmetic in one zone is wall-clock in Python, so compare in UTC.
    assert cal.add(start, hours(30)) == start.astimezone(UTC) + hours(30)
    assert cal.between(berlin(2026, 3, 29, 0), berlin(2026, 3, 30, 0)) == hours(23)


# --- daylight saving time --------------------------------------------------------


def test_new_york_spring_forward_night_window_is_one_real_hour():
    cal = every_day("America/New_York", (time(1), time(3)))
    assert cal.between(ny(2026, 3, 8, 0), ny(2026, 3, 8, 4)) == hours(1)
    assert cal.add(ny(2026, 3, 8, 1, 30), minutes(30)) == ny(2026, 3, 8, 3, 0)


def test_new_york_fall_back_night_window_is_three_real_hours():
    cal = every_day("America/New_York", (time(1), time(3)))
    assert cal.between(ny(2026, 11, 1, 0), ny(2026, 11, 1, 4)) == hours(3)
    start = ny(2026, 11, 1, 1, 30)  # fold=0: the first 01:30, EDT
    assert cal.add(start, hours(2)) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 02:30 EST


def test_new_york_window_opening_in_the_spring_gap_opens_an_hour_later_local():
    cal = every_day("America/New_York", (time(2, 30), time(5)))
    assert cal.next_open(ny(2026, 3, 8, 0)) == ny(2026, 3, 8, 3, 30)
    assert cal.between(ny(2026, 3, 8, 0), ny(2026, 3, 8, 6)) == minutes(90)


def test_new_york_window_opening_in_the_autumn_fold_opens_at_first_occurrence():
    cal = every_day("America/New_York", (time(1, 30), time(5)))
    assert cal.next_open(ny(2026, 11, 1, 0)) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_berlin_spring_forward_window_spanning_the_change():
    cal = every_day("Europe/Berlin", (time(1), time(4)))
    assert cal.between(berlin(2026, 3, 29, 0), berlin(2026, 3, 29, 5)) == hours(2)
    assert cal.add(berlin(2026, 3, 29, 1, 30), hours(1)) == berlin(2026, 3, 29, 3, 30)


def test_berlin_fall_back_window_spanning_the_change():
    cal = every_day("Europe/Berlin", (time(1), time(4)))
    assert cal.between(berlin(2026, 10, 25, 0), berlin(2026, 10, 25, 5)) == hours(4)
    assert cal.add(berlin(2026, 10, 25, 1, 0), hours(4)) == berlin(2026, 10, 25, 4, 0)


def test_business_week_across_us_spring_forward_keeps_local_hours():
    cal = BusinessCalendar("America/New_York", {d: [(time(9), time(17))] for d in WEEKDAYS})
    assert cal.between(ny(2026, 3, 6, 9), ny(2026, 3, 10, 9)) == hours(16)
    assert cal.add(ny(2026, 3, 6, 16), hours(2)) == ny(2026, 3, 9, 10)


# --- time zones -------------------------------------------------------------------


def test_rep_in_another_time_zone_gets_their_own_deadline_for_the_same_instant():
    weekdays = {d: [(time(9), time(17))] for d in WEEKDAYS}
    new_york = BusinessCalendar("America/New_York", weekdays)
    berlin_rep = BusinessCalendar("Europe/Berlin", weekdays)
    both_open = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)  # 16:00 Berlin, 10:00 New York
    assert new_york.add(both_open, minutes(30)) == berlin_rep.add(both_open, minutes(30))
    berlin_closed = datetime(2026, 2, 10, 16, 30, tzinfo=UTC)  # 17:30 Berlin, 11:30 New York
    assert new_york.add(berlin_closed, minutes(30)) == datetime(2026, 2, 10, 17, 0, tzinfo=UTC)
    assert berlin_rep.add(berlin_closed, minutes(30)) == berlin(2026, 2, 11, 9, 30)


def test_input_zone_does_not_matter_only_the_instant(office):
    t = ny(2026, 2, 10, 10, 0)
    tokyo = t.astimezone(ZoneInfo("Asia/Tokyo"))
    assert office.add(tokyo, hours(3)) == office.add(t, hours(3))
    assert office.add(tokyo, hours(3)).tzinfo is UTC


def test_kolkata_half_hour_offset():
    cal = BusinessCalendar("Asia/Kolkata", {d: [(time(9, 30), time(18))] for d in WEEKDAYS})
    assert cal.next_open(datetime(2026, 2, 10, 0, 0, tzinfo=UTC)) == datetime(
        2026, 2, 10, 4, 0, tzinfo=UTC
    )


# --- between and open_intervals -------------------------------------------------


def test_between_is_negative_when_end_is_before_start(office):
    a, b = ny(2026, 2, 9, 10), ny(2026, 2, 10, 10)
    assert office.between(a, b) == hours(8)
    assert office.between(b, a) == -hours(8)


def test_microseconds_are_preserved(office):
    start = ny(2026, 2, 10, 17, 59, 59, 500_000)
    assert office.add(start, timedelta(seconds=1)) == ny(2026, 2, 11, 9, 0, 0, 500_000)
    assert office.between(start, ny(2026, 2, 11, 9, 0, 0, 500_001)) == timedelta(
        seconds=1, microseconds=1
    )


def test_open_intervals_are_clipped_and_in_utc(office):
    intervals = list(office.open_intervals(ny(2026, 2, 6, 17), ny(2026, 2, 9, 10)))
    assert intervals == [
        (ny(2026, 2, 6, 17), ny(2026, 2, 6, 18)),
        (ny(2026, 2, 9, 9), ny(2026, 2, 9, 10)),
    ]
    assert all(s.tzinfo is UTC and e.tzinfo is UTC for s, e in intervals)


def test_long_sla_over_a_year_matches_between(office):
    start = ny(2026, 1, 5, 9)
    due = office.add(start, hours(8 * 300))
    assert office.between(start, due) == hours(8 * 300)
    assert due.year == 2027


# --- errors for people ------------------------------------------------------------


@pytest.mark.parametrize("call", ["is_open", "next_open", "add", "between", "open_intervals"])
def test_naive_datetime_is_rejected(office, call):
    naive = datetime(2026, 2, 10, 10, 0)
    args = {
        "add": (naive, hours(1)),
        "between": (naive, ny(2026, 2, 11)),
        "open_intervals": (ny(2026, 2, 9), naive),
    }.get(call, (naive,))
    with pytest.raises(ValueError, match="timezone-aware"):
        getattr(office, call)(*args)


def test_bad_time_zone_is_rejected_naming_it():
    with pytest.raises(ValueError, match="'America/New_Yrok'"):
        BusinessCalendar("America/New_Yrok", {})


def test_overlapping_windows_in_a_day_are_rejected():
    with pytest.raises(ValueError, match="Monday.*overlap"):
        BusinessCalendar("UTC", {0: [(time(9), time(12)), (time(11), time(14))]})


def test_past_midnight_window_overlapping_a_later_window_is_rejected():
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar("UTC", {0: [(time(20), time(2)), (time(23), time(23, 30))]})


def test_weekday_out_of_range_is_rejected():
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        BusinessCalendar("UTC", {7: [(time(9), time(17))]})


def test_unknown_holiday_country_message_names_it_and_gives_examples():
    message = check_holiday_country("XX", None)
    assert message == (
        "unknown holiday country 'XX' — expected an ISO 3166 code supported by "
        "the holidays package, e.g. US, DE, GB"
    )
    with pytest.raises(ValueError, match="unknown holiday country 'XX'"):
        HolidaySet(countries=(("XX", None),))


def test_unknown_subdivision_message_lists_valid_ones():
    message = check_holiday_country("DE", "XY")
    assert "unknown subdivision 'XY'" in message and "BY" in message


def test_known_country_and_subdivision_pass_the_check():
    assert check_holiday_country("US", None) is None
    assert check_holiday_country("DE", "BY") is None


def test_a_date_both_closed_and_special_is_rejected():
    with pytest.raises(ValueError, match="2026-12-31 is both"):
        HolidaySet(dates=frozenset({date(2026, 12, 31)}), special_days={date(2026, 12, 31): ()})


def test_calendar_with_no_windows_never_opens():
    never = BusinessCalendar("UTC", {})
    with pytest.raises(ValueError, match="no open time"):
        never.next_open(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="no open time"):
        never.add(datetime(2026, 1, 1, tzinfo=UTC), hours(1))
    assert never.between(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    ) == timedelta(0)
