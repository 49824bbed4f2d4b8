"""CRM export dates: what is read, and an error that suggests only what the caller offers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from baton.services.records.csvdates import parse_crm_datetime

NY = ZoneInfo("America/New_York")


def test_naive_dates_are_read_in_the_zone_and_day_first_on_request():
    assert parse_crm_datetime("03/04/2026 10:00", NY).isoformat() == "2026-03-04T15:00:00+00:00"
    day_first = parse_crm_datetime("03/04/2026 10:00", NY, day_first=True)
    assert day_first.isoformat() == "2026-04-03T14:00:00+00:00"  # EDT from March 8


def test_the_error_suggests_day_first_only_where_the_command_has_it():
    with pytest.raises(ValueError) as without:
        parse_crm_datetime("31/12/2026", NY)  # e.g. a scenario's `at` in `baton test`
    assert "--day-first" not in str(without.value) and "MM/DD/YYYY" in str(without.value)
    with pytest.raises(ValueError) as importing:
        parse_crm_datetime("31/12/2026", NY, day_first_option=True)  # baton import
    assert "pass --day-first for DD/MM/YYYY" in str(importing.value)
