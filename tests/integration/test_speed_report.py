"""The speed-to-lead report against figures computed here, independently of it.

Leads are sent as CRM backfills (owner and ``assigned_at`` given, so routing keeps
them) and touched through ``POST /v1/activities``. Expected delays come from hand
arithmetic (named situations) or from ``BusinessCalendar.between`` on the known
inputs, and the statistics from plain ``statistics``/nearest-rank code below —
never from the report's own query or from ``domain.speed``.

Template calendars: 'americas' Mon–Fri 09:00–12:00 + 13:00–17:30 New York with US
holidays (Sam, Priya, Maria); 'emea' Mon–Thu 09:00–17:00, Fri 09:00–15:00 Berlin
(Emma); the VP has no calendar and no team: 24/7.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.workspace.calendars import build_calendar
from baton.workspace.loader import load_workspace

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
CALENDAR_OF = {
    "sam-ortiz": "americas",
    "priya-nair": "americas",
    "maria-chen": "americas",
    "emma-schulz": "emea",
    "vp-sales": None,
}
TEAM_OF = {
    "sam-ortiz": "sdr-americas",
    "priya-nair": "sdr-americas",
    "maria-chen": "sdr-americas",
    "emma-schulz": "ae-emea",
    "vp-sales": "(none)",
}
MEASURES = ("systems_delay", "human_delay", "total")
LATER = datetime(
    2026, 11, 20, 12, 0, tzinfo=UTC
)  # when the backfills are sent: after every lead's history


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def send(api, clock, leads: list[dict], now: datetime = LATER) -> list[int]:
    """Backfill leads (dicts with owner, engaged, assigned, touched) and their first touches."""
    clock.set(now)
    body = [
        {
            "email": f"lead{i}@example.com",
            "company": f"Co {i}",
            "source": lead.get("source", "website"),
            "lead_type": lead.get("lead_type", "demo-request"),
            "owner_id": lead["owner"],
            "engaged_at": lead["engaged"].isoformat(),
            "assigned_at": lead["assigned"].isoformat(),
        }
        for i, lead in enumerate(leads)
    ]
    response = api.post("/v1/leads", json={"items": body})
    assert response.status_code == 201 and response.json()["created"] == len(leads), response.text
    ids = [item["id"] for item in response.json()["items"]]
    touches = [
        {
            "kind": "call",
            "person_id": lead["owner"],
            "occurred_at": lead["touched"].isoformat(),
            "lead_id": lead_id,
        }
        for lead_id, lead in zip(ids, leads, strict=True)
        if lead.get("touched")
    ]
    if touches:
        assert api.post("/v1/activities", json={"items": touches}).status_code == 201
    return ids


def report(api, **params) -> dict:
    response = api.get(
        "/v1/reports/speed-to-lead",
        params={k: v.isoformat() if isinstance(v, datetime) else v for k, v in params.items()},
    )
    assert response.status_code == 200, response.text
    return response.json()


def seconds(g: dict, measure: str, kind: str = "wall") -> dict:
    return g[measure][kind]


# --- named situations, figures by hand ----------------------------------------------


def test_friday_evening_lead_waits_the_weekend_in_wall_clock_but_not_in_business_time(api, clock):
    send(
        api,
        clock,
        [
            {
                "owner": "sam-ortiz",
                "engaged": at(NY, 2026, 11, 6, 17, 10),
                "assigned": at(NY, 2026, 11, 6, 17, 20),
                "touched": at(NY, 2026, 11, 9, 9, 5),
            }
        ],
    )
    r = report(api, since=at(NY, 2026, 11, 1), until=at(NY, 2026, 11, 15))
    assert (r["leads"], r["measured"], r["excluded"]) == (1, 1, 0)
    assert seconds(r, "systems_delay")["mean_seconds"] == 10 * 60
    assert seconds(r, "systems_delay", "business")["mean_seconds"] == 10 * 60  # 17:10–17:20 is open
    assert seconds(r, "human_delay")["mean_seconds"] == (
        2 * 86400 + 15 * 3600 + 45 * 60
    )  # Fri 17:20 → Mon 09:05
    assert (
        seconds(r, "human_delay", "business")["mean_seconds"] == 15 * 60
    )  # 17:20–17:30 + 09:00–09:05
    assert seconds(r, "total", "business")["mean_seconds"] == 25 * 60
    assert (
        r["systems_rating"]["yellow"] == 1 and r["rating_of_mean"] == "yellow"
    )  # 10 min: yellow from 10 on
    assert [g["key"] for g in r["by_day"]] == ["2026-11-06"] and [
        g["key"] for g in r["by_week"]
    ] == ["2026-W45"]


def test_veterans_day_does_not_count_as_business_time(api, clock):
    send(
        api,
        clock,
        [
            {
                "owner": "priya-nair",
                "engaged": at(NY, 2026, 11, 10, 16, 58),
                "assigned": at(NY, 2026, 11, 10, 17, 0),
                "touched": at(NY, 2026, 11, 12, 9, 30),
            }
        ],
    )
    r = report(api, since=at(NY, 2026, 11, 1), until=at(NY, 2026, 11, 15))
    assert (
        seconds(r, "human_delay", "business")["mean_seconds"] == 60 * 60
    )  # Tue 17:00–17:30, Wed closed, Thu 09:00–09:30
    assert seconds(r, "human_delay")["mean_seconds"] == 40 * 3600 + 30 * 60


def test_fall_back_night_counts_the_real_hour_not_the_local_clock(api, clock):
    # 01:30 EDT, then 01:15 EST on the same night: the local clock went back, 45 real minutes
    # passed.
    engaged = datetime(2026, 11, 1, 1, 30, tzinfo=NY)  # fold=0: the first 01:30 (EDT)
    assigned = datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY).astimezone(
        UTC
    )  # the second 01:15 (EST)
    send(
        api,
        clock,
        [
            {
                "owner": "vp-sales",
                "engaged": engaged,
                "assigned": assigned,
                "touched": assigned + timedelta(minutes=5),
            }
        ],
    )
    r = report(api, since=at(NY, 2026, 10, 31), until=at(NY, 2026, 11, 2))
    assert seconds(r, "systems_delay")["mean_seconds"] == 45 * 60
    assert (
        seconds(r, "systems_delay", "business")["mean_seconds"] == 45 * 60
    )  # the VP has no calendar: 24/7
    assert (
        r["anomalies"] == 0
        and r["by_day"][0]["key"] == "2026-11-01"
        and r["by_week"][0]["key"] == "2026-W44"
    )
    assert r["by_team"][0]["key"] == "(none)"


def test_emea_rep_over_the_berlin_dst_weekend_in_her_own_calendar(api, clock):
    send(
        api,
        clock,
        [
            {
                "owner": "emma-schulz",
                "engaged": at(BERLIN, 2026, 10, 23, 14, 50),
                "assigned": at(BERLIN, 2026, 10, 23, 14, 55),
                "touched": at(BERLIN, 2026, 10, 26, 9, 10),
            }
        ],
    )
    r = report(api, since=at(NY, 2026, 10, 1), until=at(NY, 2026, 11, 1))
    assert (
        seconds(r, "human_delay", "business")["mean_seconds"] == 15 * 60
    )  # Fri until 15:00 + Mon from 09:00 (Berlin)
    assert (
        seconds(r, "human_delay")["mean_seconds"] == 2 * 86400 + 19 * 3600 + 15 * 60
    )  # 18 h 15 local + the hour given back
    assert r["by_day"][0]["key"] == "2026-10-23" and r["by_team"][0]["key"] == "ae-emea"


def test_day_and_week_are_the_workspace_time_zone_not_utc(api, clock):
    late_monday_ny = at(UTC, 2026, 11, 3, 3, 0)  # Monday 22:00 in New York, Tuesday in UTC
    send(
        api,
        clock,
        [
            {
                "owner": "vp-sales",
                "engaged": late_monday_ny,
                "assigned": late_monday_ny + timedelta(minutes=2),
            },
            {
                "owner": "vp-sales",
                "engaged": at(UTC, 2026, 11, 9, 4, 0),
                "assigned": at(UTC, 2026, 11, 9, 4, 1),
            },
        ],
    )
    r = report(api, since=at(UTC, 2026, 11, 1), until=at(UTC, 2026, 11, 15))
    assert [(g["key"], g["leads"]) for g in r["by_day"]] == [("2026-11-02", 1), ("2026-11-08", 1)]
    assert [(g["key"], g["leads"]) for g in r["by_week"]] == [
        ("2026-W45", 2)
    ]  # Sunday 23:00 in New York is still W45
    assert r["timezone"] == "America/New_York"


def test_engagement_after_assignment_is_an_anomaly_reported_as_zero(api, clock):
    send(
        api,
        clock,
        [
            {
                "owner": "sam-ortiz",
                "engaged": at(NY, 2026, 11, 4, 10, 5),
                "assigned": at(NY, 2026, 11, 4, 10, 0),
            }
        ],
    )
    r = report(api, since=at(NY, 2026, 11, 1), until=at(NY, 2026, 11, 15))
    assert r["anomalies"] == 1 and seconds(r, "systems_delay")["mean_seconds"] == 0
    assert (
        seconds(r, "human_delay")["count"] == 0
    )  # not touched yet: no human delay at all, not zero


def test_outage_leaves_the_leads_it_delayed_out_of_averages_but_counts_them(api, clock):
    assert (
        api.post(
            "/v1/outages",
            json={
                "starts_at": at(NY, 2026, 11, 4, 14).isoformat(),
                "ends_at": at(NY, 2026, 11, 4, 15).isoformat(),
                "reason": "form webhook failing",
            },
        ).status_code
        == 201
    )
    send(
        api,
        clock,
        [
            {
                "owner": "sam-ortiz",
                "engaged": at(NY, 2026, 11, 4, 13, 50),
                "assigned": at(NY, 2026, 11, 4, 14, 40),
            },  # waited through it
            {
                "owner": "sam-ortiz",
                "engaged": at(NY, 2026, 11, 4, 13, 40),
                "assigned": at(NY, 2026, 11, 4, 14, 0),
            },  # assigned as it began
            {
                "owner": "priya-nair",
                "engaged": at(NY, 2026, 11, 4, 15, 0),
                "assigned": at(NY, 2026, 11, 4, 15, 2),
            },  # after it ended
        ],
    )
    r = report(api, since=at(NY, 2026, 11, 1), until=at(NY, 2026, 11, 15))
    assert (r["leads"], r["excluded"], r["measured"]) == (3, 1, 2)
    assert (
        seconds(r, "systems_delay")["count"] == 2
        and seconds(r, "systems_delay")["mean_seconds"] == (20 * 60 + 2 * 60) / 2
    )
    assert sum(r["systems_rating"].values()) == 2
    sam = next(g for g in r["by_owner"] if g["key"] == "sam-ortiz")
    assert (sam["leads"], sam["excluded"], seconds(sam, "systems_delay")["mean_seconds"]) == (
        2,
        1,
        20 * 60,
    )
    assert r["outages"][0]["reason"] == "form webhook failing"


def test_empty_period_has_counts_of_zero_and_no_statistics(api, clock):
    r = report(api, since=at(UTC, 2020, 1, 1), until=at(UTC, 2020, 2, 1))
    assert (r["leads"], r["excluded"], r["anomalies"]) == (0, 0, 0)
    assert seconds(r, "total") == {
        "count": 0,
        "mean_seconds": None,
        "median_seconds": None,
        "p90_seconds": None,
    }
    assert r["by_day"] == [] and r["by_owner"] == [] and r["rating_of_mean"] is None


def test_default_period_is_the_last_30_calendar_days_of_the_workspace_zone(api, clock):
    send(
        api,
        clock,
        [
            {
                "owner": "vp-sales",
                "engaged": at(UTC, 2026, 10, 22, 4),
                "assigned": at(UTC, 2026, 10, 22, 4, 1),
            },  # midnight in New York, 30 calendar days with today: in
            {
                "owner": "vp-sales",
                "engaged": at(UTC, 2026, 10, 22, 3, 59),
                "assigned": at(UTC, 2026, 10, 22, 4, 1),
            },  # 23:59 the day before: out
        ],
        now=at(UTC, 2026, 11, 20, 12, 0),
    )
    r = report(api)
    assert (
        r["leads"] == 1
        and r["since"] == "2026-10-22T04:00:00Z"
        and r["until"] == "2026-11-20T12:00:00Z"
        and r["timezone"] == "America/New_York"
    )


# --- many leads: every group against an independent computation ---------------------

OUTAGES = [
    (at(UTC, 2026, 10, 14, 15, 0, 30), at(UTC, 2026, 10, 14, 17, 30, 30)),
    (at(UTC, 2026, 11, 3, 13, 10, 30), at(UTC, 2026, 11, 3, 18, 0, 30)),
]


def _random_leads(seed: int, n: int) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        engaged = at(UTC, 2026, 10, 5) + timedelta(minutes=rnd.randrange(0, 39 * 24 * 60))
        assigned = engaged + timedelta(minutes=rnd.choice([0, 1, 2, 4, 7, 12, 20, 45, 300]))
        touched = (
            assigned + timedelta(minutes=rnd.randrange(0, 3 * 24 * 60))
            if rnd.random() < 0.8
            else None
        )
        out.append(
            {
                "owner": rnd.choice(list(CALENDAR_OF)),
                "engaged": engaged,
                "assigned": assigned,
                "touched": touched,
                "source": rnd.choice(["website", "event", "paid-search"]),
                "lead_type": rnd.choice(["demo-request", "content", "webinar"]),
            }
        )
    return out


def _excluded(lead: dict) -> bool:
    e, a = lead["engaged"], lead["assigned"]
    return any((s <= e < end) if a == e else (e < end and s < a) for s, end in OUTAGES)


def _band(s: float) -> str:  # playbook 004, in seconds
    return (
        "critical"
        if s >= 1800
        else "red"
        if s >= 900
        else "yellow"
        if s >= 600
        else "best_possible"
        if s <= 180
        else "best_in_class"
        if s <= 300
        else "acceptable"
    )


def _stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "mean_seconds": None, "median_seconds": None, "p90_seconds": None}
    v = sorted(values)
    return {
        "count": len(v),
        "mean_seconds": pytest.approx(statistics.fmean(v), abs=1e-6),
        "median_seconds": pytest.approx(statistics.median(v), abs=1e-6),
        "p90_seconds": v[math.ceil(0.9 * len(v)) - 1],
    }


def _expected(leads: list[dict], calendars: dict) -> dict:
    """Group → {'leads', 'excluded', 'delays': {(measure, kind): [seconds]},
    'ratings': {band: n}}."""
    groups: dict = defaultdict(
        lambda: {
            "leads": 0,
            "excluded": 0,
            "delays": defaultdict(list),
            "ratings": defaultdict(int),
        }
    )
    for lead in leads:
        local = lead["engaged"].astimezone(NY)
        year, week, _ = local.isocalendar()
        keys = [
            ("all", "all"),
            ("day", local.date().isoformat()),
            ("week", f"{year}-W{week:02d}"),
            ("source", lead["source"]),
            ("lead_type", lead["lead_type"]),
            ("owner", lead["owner"]),
            ("team", TEAM_OF[lead["owner"]]),
        ]
        calendar = calendars[CALENDAR_OF[lead["owner"]]] if CALENDAR_OF[lead["owner"]] else None
        business = (lambda a, b: b - a) if calendar is None else calendar.between
        spans = {
            "systems_delay": (lead["engaged"], lead["assigned"]),
            "human_delay": (lead["assigned"], lead["touched"]),
            "total": (lead["engaged"], lead["touched"]),
        }
        for key in keys:
            g = groups[key]
            g["leads"] += 1
            if _excluded(lead):
                g["excluded"] += 1
                continue
            g["ratings"][_band((lead["assigned"] - lead["engaged"]).total_seconds())] += 1
            for measure, (a, b) in spans.items():
                if b is not None:
                    g["delays"][(measure, "wall")].append((b - a).total_seconds())
                    g["delays"][(measure, "business")].append(business(a, b).total_seconds())
    return groups


def _check(group: dict, expected: dict) -> None:
    assert (group["leads"], group["excluded"]) == (expected["leads"], expected["excluded"])
    for measure in MEASURES:
        for kind in ("wall", "business"):
            assert group[measure][kind] == _stats(expected["delays"][(measure, kind)]), (
                group.get("key"),
                measure,
                kind,
            )
    assert {k: v for k, v in group["systems_rating"].items() if v} == dict(expected["ratings"])


def test_every_group_and_filter_matches_an_independent_computation(api, clock, workspace_dir):
    spec = load_workspace(workspace_dir).spec
    calendars = {name: build_calendar(name, spec.calendars[name]) for name in ("americas", "emea")}
    for starts, ends in OUTAGES:
        assert (
            api.post(
                "/v1/outages",
                json={
                    "starts_at": starts.isoformat(),
                    "ends_at": ends.isoformat(),
                    "reason": "sync down",
                },
            ).status_code
            == 201
        )
    leads = _random_leads(seed=45, n=60)
    send(api, clock, leads)
    since, until = at(NY, 2026, 10, 12), at(NY, 2026, 11, 10)
    in_period = [lead for lead in leads if since <= lead["engaged"] < until]
    expected = _expected(in_period, calendars)
    r = report(api, since=since, until=until)
    _check(r, expected[("all", "all")])
    assert (
        0 < r["excluded"] < r["leads"] < len(leads)
    )  # the data covers outages and leads outside the period
    for dimension in ("day", "week", "source", "lead_type", "owner", "team"):
        assert {g["key"] for g in r[f"by_{dimension}"]} == {
            k for d, k in expected if d == dimension
        }
        for g in r[f"by_{dimension}"]:
            _check(g, expected[(dimension, g["key"])])
    for name, value, pick in [
        ("owner", "emma-schulz", lambda lead: lead["owner"] == "emma-schulz"),
        ("team", "sdr-americas", lambda lead: TEAM_OF[lead["owner"]] == "sdr-americas"),
        ("source", "event", lambda lead: lead["source"] == "event"),
        ("lead_type", "content", lambda lead: lead["lead_type"] == "content"),
    ]:
        filtered = report(api, since=since, until=until, **{name: value})
        _check(
            filtered,
            _expected([lead for lead in in_period if pick(lead)], calendars)[("all", "all")],
        )
        assert filtered["filters"] == {name: value}


# --- bad input --------------------------------------------------------------------------


def test_since_after_until_is_422_naming_the_field(api):
    response = api.get(
        "/v1/reports/speed-to-lead",
        params={"since": "2026-11-10T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
    )
    assert response.status_code == 422
    assert (
        response.json()["detail"][0]["field"] == "since"
        and "must be before until" in response.json()["detail"][0]["message"]
    )


@pytest.mark.parametrize("path", ["/v1/reports/speed-to-lead", "/v1/reports/sla"])
def test_naive_datetimes_are_422(api, path):
    response = api.get(path, params={"since": "2026-11-01T00:00:00"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "since"


def test_reports_need_the_read_scope(api):
    assert api.as_("ingest").get("/v1/reports/speed-to-lead").status_code == 403
    assert api.as_("read").get("/v1/reports/speed-to-lead").status_code == 200
