"""URL filters: presets in the viewer's time zone, custom ranges, errors for people, links."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest

from baton.web.filters import FilterError, parse_filters
from baton.web.zones import resolve_zone

NOW = datetime(2026, 11, 2, 3, 30, tzinfo=UTC)  # Monday 03:30 UTC = Sunday evening in New York
NEW_YORK = ZoneInfo("America/New_York")


def test_the_default_is_the_last_30_days_ending_today_in_the_viewers_zone():
    f = parse_filters({}, now=NOW, zone=NEW_YORK)
    assert f.preset == "30d" and (f.start, f.end) == (
        date(2026, 10, 3),
        date(2026, 11, 1),
    )  # still Sunday 1 November there
    assert f.since == datetime(2026, 10, 3, tzinfo=NEW_YORK) and f.until == datetime(
        2026, 11, 2, tzinfo=NEW_YORK
    )
    assert (f.since.astimezone(UTC), f.until.astimezone(UTC)) == (
        datetime(2026, 10, 3, 4, tzinfo=UTC),
        datetime(2026, 11, 2, 5, tzinfo=UTC),
    )  # DST ends inside


@pytest.mark.parametrize(
    "preset, start, end",
    [
        ("today", date(2026, 11, 2), date(2026, 11, 2)),
        ("7d", date(2026, 10, 27), date(2026, 11, 2)),
        ("30d", date(2026, 10, 4), date(2026, 11, 2)),
        ("quarter", date(2026, 10, 1), date(2026, 11, 2)),
    ],
)
def test_presets_cover_whole_local_days_ending_today(preset, start, end):
    f = parse_filters({"range": preset}, now=NOW, zone=ZoneInfo("Europe/Berlin"))
    assert (f.start, f.end, f.days) == (start, end, (end - start).days + 1)


def test_dates_without_a_range_are_a_custom_range_and_both_days_are_included():
    f = parse_filters({"from": "2026-03-01", "to": "2026-03-31"}, now=NOW, zone=NEW_YORK)
    assert (
        f.preset == "custom" and f.days == 31 and f.until == datetime(2026, 4, 1, tzinfo=NEW_YORK)
    )


def test_a_preset_wins_over_dates_left_in_the_form():
    f = parse_filters(
        {"range": "7d", "from": "2020-01-01", "to": "2020-01-02"}, now=NOW, zone=NEW_YORK
    )
    assert f.preset == "7d" and f.start == date(2026, 10, 26)


def test_every_bad_parameter_is_reported_at_once():
    with pytest.raises(FilterError) as caught:
        parse_filters(
            {"range": "custom", "from": "yesterday", "to": "", "source": "x" * 201},
            now=NOW,
            zone=NEW_YORK,
        )
    assert caught.value.messages == [
        "from: 'yesterday' is not a date; expected YYYY-MM-DD, e.g. 2026-11-01",
        "to: a custom range needs both dates; expected YYYY-MM-DD, e.g. 2026-11-01",
        "source: longer than 200 characters",
    ]


def test_links_keep_the_filters_and_read_back_to_the_same_value():
    f = parse_filters(
        {
            "range": "custom",
            "from": "2026-10-01",
            "to": "2026-10-31",
            "source": "web",
            "team": "sdr",
            "owner": "",
        },
        now=NOW,
        zone=NEW_YORK,
        tz="America/New_York",
    )
    url = f.url("/leads", status="open", page=2)
    path, _, query = url.partition("?")
    params = dict(parse_qsl(query))
    assert path == "/leads" and params == {
        "range": "custom",
        "from": "2026-10-01",
        "to": "2026-10-31",
        "tz": "America/New_York",
        "source": "web",
        "team": "sdr",
        "status": "open",
        "page": "2",
    }
    assert parse_filters(params, now=NOW, zone=NEW_YORK, tz="America/New_York") == f


def test_drill_down_helpers_narrow_the_period_or_drop_the_lead_filters():
    f = parse_filters({"source": "web"}, now=NOW, zone=NEW_YORK)
    day = f.between(date(2026, 10, 20), date(2026, 10, 20))
    assert day.params() == {
        "range": "custom",
        "from": "2026-10-20",
        "to": "2026-10-20",
        "source": "web",
    }
    assert f.without_fields().equality() == {} and f.query(
        source=None, from_="2026-01-01"
    ).endswith("from=2026-01-01")
    assert "source" not in f.query(source=None)


def test_the_viewers_zone_is_the_asked_one_else_their_own_else_the_workspaces():
    assert resolve_zone("Asia/Tokyo", "America/Chicago", "America/New_York") == (
        ZoneInfo("Asia/Tokyo"),
        None,
    )
    assert resolve_zone(None, "America/Chicago", "America/New_York") == (
        ZoneInfo("America/Chicago"),
        None,
    )
    assert resolve_zone(None, None, "America/New_York") == (ZoneInfo("America/New_York"), None)
    assert resolve_zone(None, None, None) == (ZoneInfo("UTC"), None)
    zone, problem = resolve_zone("Mars/Olympus", None, "Europe/Berlin")
    assert zone == ZoneInfo("Europe/Berlin") and problem.startswith(
        "tz: 'Mars/Olympus' is not a known IANA time zone"
    )
