"""The ownership timeout's daily sweep in business time (issue 13 item 3), pure: once per
business day of the workspace calendar at ``timeout.run_at`` local time — the exact instant
included, not a moment before; never on a weekend or a holiday; at the same local time across
a DST change; a day's sweep runs once; without a calendar, Monday to Friday. And the
settings checked by ``baton check`` at their line."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from baton.domain.calendar import BusinessCalendar, HolidaySet
from baton.domain.ownership import OwnershipRules, OwnershipTimeout
from baton.domain.ownership.timing import sweep_due, timed_out
from baton.workspace.ownership_compile import compile_ownership
from tests.unit.test_ownership_workspace import load, problems

NY = ZoneInfo("America/New_York")
THANKSGIVING = date(2026, 11, 26)
OFFICE = BusinessCalendar(
    NY, {d: [(time(9), time(17))] for d in range(5)}, HolidaySet(dates=frozenset({THANKSGIVING}))
)
RULES = OwnershipRules(timeout=OwnershipTimeout(run_at=time(7, 0), calendar="office"))
TICK = timedelta(microseconds=1)


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def test_the_sweep_is_due_at_the_exact_local_time_of_a_business_day():
    monday = date(2026, 11, 2)
    friday_run = at(date(2026, 10, 30))
    assert sweep_due(RULES, OFFICE, NY, friday_run, at(monday) - TICK) is None
    assert sweep_due(RULES, OFFICE, NY, friday_run, at(monday)) == at(monday)


def test_a_days_sweep_runs_once_however_often_the_worker_asks():
    tuesday = date(2026, 11, 3)
    ran = sweep_due(RULES, OFFICE, NY, None, at(tuesday, 7, 1))
    assert ran == at(tuesday)
    for minutes in (2, 60, 600):
        assert (
            sweep_due(
                RULES,
                OFFICE,
                NY,
                ran,
                at(tuesday, 7, minutes % 60) + timedelta(hours=minutes // 60),
            )
            is None
        )


def test_no_sweep_on_a_weekend_the_friday_one_stands():
    friday_run = at(date(2026, 11, 6))
    saturday, sunday = date(2026, 11, 7), date(2026, 11, 8)
    assert sweep_due(RULES, OFFICE, NY, friday_run, at(saturday, 12)) is None
    assert sweep_due(RULES, OFFICE, NY, friday_run, at(sunday, 23, 59)) is None
    assert sweep_due(RULES, OFFICE, NY, None, at(sunday, 12)) == friday_run


def test_no_sweep_on_a_holiday_friday_after_thanksgiving_sweeps():
    wednesday_run = at(date(2026, 11, 25))
    assert sweep_due(RULES, OFFICE, NY, wednesday_run, at(THANKSGIVING, 8)) is None
    friday = date(2026, 11, 27)
    assert sweep_due(RULES, OFFICE, NY, wednesday_run, at(friday)) == at(friday)


def test_the_sweep_keeps_its_local_time_across_the_dst_change():
    before, after = date(2026, 10, 30), date(2026, 11, 2)  # DST ends Sunday 1 November
    assert at(before).astimezone(UTC).hour == 11 and at(after).astimezone(UTC).hour == 12
    assert sweep_due(RULES, OFFICE, NY, at(before), at(after) - TICK) is None
    assert sweep_due(RULES, OFFICE, NY, at(before), at(after)) == at(after)


def test_without_a_calendar_it_runs_monday_to_friday_in_the_workspace_zone():
    berlin = ZoneInfo("Europe/Berlin")
    saturday = datetime(2026, 11, 7, 12, tzinfo=berlin)
    friday_run = datetime(2026, 11, 6, 7, tzinfo=berlin)
    assert sweep_due(RULES, None, berlin, None, saturday) == friday_run


def test_an_account_has_its_own_idle_period():
    rules = OwnershipRules(
        timeout=OwnershipTimeout(
            applies_to=("opportunity", "account"), account_after=timedelta(days=90)
        )
    )
    last = datetime(2026, 8, 1, tzinfo=UTC)
    assert timed_out(rules, last, last + timedelta(days=60)).hit
    assert not timed_out(rules, last, last + timedelta(days=90) - TICK, "account").hit
    assert timed_out(rules, last, last + timedelta(days=90), "account").hit
    assert "(an account: 90 days)" in rules.timeout.sentence()


def test_the_schedule_settings_default_and_are_checked_at_their_line(tmp_path):
    timeout = compile_ownership(load(tmp_path, "ownership: {}\n").spec)[0].rules.timeout
    assert (timeout.run_at, timeout.calendar, timeout.account_after) == (time(7), None, None)
    msgs = problems(
        tmp_path,
        """\
        calendars:
          office: {timezone: America/New_York, week: {mon-fri: ["09:00-17:00"]}}
        ownership:
          timeout:
            applies_to: [opportunity, account]
            account_after: soon
            run_at: "25:00"
            calendar: ofice
        """,
    )
    assert len(msgs) == 2
    assert "baton.yaml:18" in msgs[0] and "not a duration" in msgs[0]
    assert "baton.yaml:19" in msgs[1] and "not a time of day HH:MM" in msgs[1]
    msgs = problems(
        tmp_path,
        """\
        calendars:
          office: {timezone: America/New_York, week: {mon-fri: ["09:00-17:00"]}}
        ownership:
          timeout: {calendar: ofice}
        """,
    )
    assert len(msgs) == 1 and "baton.yaml:16" in msgs[0]
    assert "no calendar 'ofice' (did you mean 'office'?)" in msgs[0]
    ws = load(
        tmp_path,
        """\
        calendars:
          office: {timezone: America/New_York, week: {mon-fri: ["09:00-17:00"]}}
        ownership:
          timeout: {run_at: "6:30", account_after: 90d}
        """,
    )
    config, issues = compile_ownership(ws.spec)
    assert (config.rules.timeout.run_at, config.rules.timeout.calendar) == (time(6, 30), "office")
    assert [i.severity for i in issues] == ["warning"]
    assert "accounts do not time out" in issues[0].message
