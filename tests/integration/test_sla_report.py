"""The SLA report and the open-clock list against figures known independently of them.

One working week of charges in the init template (hand-raiser 30 min, content 4 h,
event 8 h, each in the owner's calendar): expected response times are computed
here with ``BusinessCalendar.between`` from the known assignment and touch times
(and checked once by hand), counts follow from the story, and compliance per owner
is recomputed from the event log rather than from ``sla_clocks``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from baton.services.jsonable import jsonable
from baton.services.sla.timers import fire_due_timers
from baton.store.tables import events
from baton.workspace.calendars import build_calendar
from baton.workspace.loader import load_workspace

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 3, 14, 0, tzinfo=NY)  # Tuesday 14:00 New York
PERIOD = {"since": "2026-10-26T00:00:00-04:00", "until": "2026-11-09T00:00:00-05:00"}


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def lead(
    api,
    clock,
    at: datetime,
    owner: str,
    lead_type: str = "demo-request",
    received: datetime | None = None,
    **fields,
) -> int:
    """A lead assigned to ``owner`` when it is received (the override node keeps the owner it
    came with)."""
    clock.set(max(at, clock.now()))
    body = {
        "email": f"{owner}{at:%d%H%M}@initech.com",
        "company": "Initech",
        "lead_type": lead_type,
        "owner_id": owner,
        "override_owner": True,
        "received_at": (received or at).isoformat(),
        **fields,
    }
    response = api.post("/v1/leads", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["timestamps"]["assigned_at"] == jsonable(received or at)
    return response.json()["id"]


def touch(api, clock, lead_id: int, at: datetime, person: str) -> None:
    clock.set(max(at, clock.now()))
    assert (
        api.post(
            "/v1/activities",
            json={
                "kind": "call",
                "person_id": person,
                "occurred_at": at.isoformat(),
                "lead_id": lead_id,
            },
        ).status_code
        == 201
    )


@pytest.fixture
def week(api, live, clock) -> dict[str, int]:
    """The story; returns lead ids by name. Ends at NOW with the worker having run."""
    clock.set(ny(2026, 11, 2, 9, 0))
    ids = {
        "L6": lead(
            api,
            clock,
            clock.now(),
            "emma-schulz",
            "content",
            received=datetime(2026, 10, 29, 10, 0, tzinfo=BERLIN),
        )
    }
    touch(
        api, clock, ids["L6"], datetime(2026, 10, 29, 16, 0, tzinfo=BERLIN), "emma-schulz"
    )  # 6 h in a 4 h rule: miss
    ids["L1"] = lead(api, clock, ny(2026, 11, 2, 10, 0), "sam-ortiz")
    touch(api, clock, ids["L1"], ny(2026, 11, 2, 10, 20), "sam-ortiz")  # hit
    ids["L2"] = lead(api, clock, ny(2026, 11, 2, 11, 0), "sam-ortiz")
    touch(
        api, clock, ids["L2"], ny(2026, 11, 2, 13, 15), "sam-ortiz"
    )  # miss by 45 min (lunch does not count)
    ids["L3"] = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")  # never touched
    ids["L4"] = lead(api, clock, ny(2026, 11, 3, 10, 5), "priya-nair")
    clock.set(ny(2026, 11, 3, 10, 10))
    assert (
        api.patch(
            f"/v1/leads/{ids['L4']}", json={"status": "disqualified", "status_reason": "not a fit"}
        ).status_code
        == 200
    )  # excluded
    ids["L5"] = lead(api, clock, ny(2026, 11, 3, 11, 0), "sam-ortiz")
    clock.set(ny(2026, 11, 3, 11, 10))
    assert (
        api.patch(f"/v1/leads/{ids['L5']}", json={"owner_id": "priya-nair"}).status_code == 200
    )  # Sam's charge released
    touch(api, clock, ids["L5"], ny(2026, 11, 3, 11, 30), "priya-nair")  # Priya's: hit
    ids["L8"] = lead(api, clock, ny(2026, 11, 3, 12, 30), "vp-sales", "webinar")  # 24/7: due 20:30
    ids["L7"] = lead(api, clock, ny(2026, 11, 3, 13, 0), "sam-ortiz", "content")  # due 17:00
    ids["L9"] = lead(api, clock, ny(2026, 11, 3, 13, 5), "sam-ortiz", is_test=True)  # excluded
    clock.set(NOW)
    fire_due_timers(live, NOW)  # records L3's miss
    return ids


@pytest.fixture
def calendars(workspace_dir) -> dict:
    spec = load_workspace(workspace_dir).spec
    return {name: build_calendar(name, spec.calendars[name]) for name in ("americas", "emea")}


def sla(api, **params) -> dict:
    response = api.get("/v1/reports/sla", params={**PERIOD, **params})
    assert response.status_code == 200, response.text
    return response.json()


def stats(values: list[float]) -> dict:
    v = sorted(values)
    return {
        "count": len(v),
        "mean_seconds": pytest.approx(statistics.fmean(v)),
        "median_seconds": pytest.approx(statistics.median(v)),
        "p90_seconds": v[-(-9 * len(v) // 10) - 1],
    }


def test_counts_compliance_response_and_miss_times(api, week, calendars):
    americas, emea = calendars["americas"], calendars["emea"]
    responses = {
        "L1": americas.between(ny(2026, 11, 2, 10, 0), ny(2026, 11, 2, 10, 20)),
        "L2": americas.between(ny(2026, 11, 2, 11, 0), ny(2026, 11, 2, 13, 15)),
        "L5": americas.between(ny(2026, 11, 3, 11, 10), ny(2026, 11, 3, 11, 30)),
        "L6": emea.between(
            datetime(2026, 10, 29, 10, 0, tzinfo=BERLIN),
            datetime(2026, 10, 29, 16, 0, tzinfo=BERLIN),
        ),
    }
    assert [d.total_seconds() for d in responses.values()] == [
        20 * 60,
        75 * 60,
        20 * 60,
        6 * 3600,
    ]  # by hand
    misses = [
        responses["L2"] - timedelta(minutes=30),
        americas.between(ny(2026, 11, 3, 10, 0), NOW) - timedelta(minutes=30),
        responses["L6"] - timedelta(hours=4),
    ]
    r = sla(api)
    assert {
        k: r[k]
        for k in ("clocks", "hit", "miss", "pending", "excluded", "released", "open", "overdue")
    } == {
        "clocks": 10,
        "hit": 2,
        "miss": 3,
        "pending": 2,
        "excluded": 2,
        "released": 1,
        "open": 3,
        "overdue": 1,
    }
    assert r["compliance"] == 0.4  # released and excluded charges are not in it
    assert r["response_business"] == stats([d.total_seconds() for d in responses.values()])
    assert r["miss_business"] == stats(
        [d.total_seconds() for d in misses]
    )  # L3's untouched miss counts as it stands at NOW
    assert misses[1] == timedelta(hours=2, minutes=30)


def test_by_rule_owner_team_and_week(api, week):
    r = sla(api)

    def rows(dimension):
        counts = ("hit", "miss", "pending", "excluded", "released", "compliance")
        return {g["key"]: tuple(g[c] for c in counts) for g in r[f"by_{dimension}"]}

    assert rows("rule") == {
        "hand-raiser": (2, 2, 0, 2, 1, 0.5),
        "content": (0, 1, 1, 0, 0, 0.0),
        "event": (0, 0, 1, 0, 0, None),
    }
    assert rows("owner") == {
        "sam-ortiz": (1, 1, 1, 1, 1, 0.5),
        "priya-nair": (1, 1, 0, 1, 0, 0.5),
        "emma-schulz": (0, 1, 0, 0, 0, 0.0),
        "vp-sales": (0, 0, 1, 0, 0, None),
    }
    assert rows("team") == {
        "sdr-americas": (2, 2, 1, 2, 1, 0.5),
        "ae-emea": (0, 1, 0, 0, 0, 0.0),
        "(none)": (0, 0, 1, 0, 0, None),
    }
    assert rows("week") == {"2026-W44": (0, 1, 0, 0, 0, 0.0), "2026-W45": (2, 2, 2, 2, 1, 0.5)}
    assert [g["key"] for g in r["by_week"]] == ["2026-W44", "2026-W45"]


def test_filters_apply_to_the_charged_owner_and_the_lead(api, week):
    assert (sla(api, owner="sam-ortiz")["clocks"], sla(api, owner="sam-ortiz")["released"]) == (
        5,
        1,
    )
    assert sla(api, team="ae-emea")["clocks"] == 1
    assert sla(api, team="sdr-americas")["clocks"] == 8
    assert {g["key"] for g in sla(api, lead_type="content")["by_rule"]} == {"content"}
    assert sla(api, source="nowhere")["clocks"] == 0
    assert (
        sla(api, since="2026-11-03T00:00:00-05:00")["clocks"] == 7
    )  # Tuesday's charges (L5 twice)


def test_compliance_per_owner_matches_the_event_log(api, week, live):
    """Recomputed from sla.clock_started / clock_stopped / charge_closed / sla.miss events, not
    from sla_clocks."""
    with live.db.read() as conn:
        log = conn.execute(
            select(events.c.kind, events.c.payload)
            .where(events.c.kind.like("sla.%"))
            .order_by(events.c.id)
        ).all()
    owner, outcome = {}, {}
    for kind, payload in log:
        clock_id = payload.get("clock_id")
        if kind == "sla.clock_started":
            owner[clock_id] = payload["owner_id"]
        elif kind == "sla.clock_stopped":
            outcome[clock_id] = payload["verdict"]
        elif kind == "sla.charge_closed" or (kind == "sla.miss" and clock_id not in outcome):
            outcome[clock_id] = payload.get("outcome", "miss")
    tally: dict = defaultdict(lambda: {"hit": 0, "miss": 0})
    for clock_id, verdict in outcome.items():
        if verdict in ("hit", "miss"):
            tally[owner[clock_id]][verdict] += 1
    assert sum(t["hit"] + t["miss"] for t in tally.values()) == 5
    r = sla(api)
    for g in r["by_owner"]:
        expected = tally[g["key"]]
        assert (g["hit"], g["miss"]) == (expected["hit"], expected["miss"]), g["key"]
        total = expected["hit"] + expected["miss"]
        assert g["compliance"] == (round(expected["hit"] / total, 4) if total else None)


def test_open_clocks_overdue_first_then_by_deadline_with_business_time_left(api, week, calendars):
    response = api.get("/v1/reports/sla/open")
    assert response.status_code == 200
    clocks = response.json()["clocks"]
    assert [(c["lead_id"], c["state"]) for c in clocks] == [
        (week["L3"], "overdue"),
        (week["L7"], "pending"),
        (week["L8"], "pending"),
    ]
    americas = calendars["americas"]
    left = [c["time_left_business_seconds"] for c in clocks]
    assert left == [
        -americas.between(ny(2026, 11, 3, 10, 30), NOW).total_seconds(),
        americas.between(NOW, ny(2026, 11, 3, 17, 0)).total_seconds(),
        6.5 * 3600,
    ]
    assert left[:2] == [
        -2.5 * 3600,
        3 * 3600,
    ]  # by hand: 10:30–12:00 + 13:00–14:00 overdue; 14:00–17:00 left
    assert (
        clocks[0]["owner_id"] == "priya-nair"
        and clocks[0]["rule"] == "hand-raiser"
        and clocks[0]["due_at"] == "2026-11-03T15:30:00Z"
    )
    assert [
        c["lead_id"] for c in api.get("/v1/reports/sla/open", params={"limit": 1}).json()["clocks"]
    ] == [week["L3"]]
    assert [
        c["lead_id"]
        for c in api.get("/v1/reports/sla/open", params={"owner": "sam-ortiz"}).json()["clocks"]
    ] == [week["L7"]]


def test_a_clock_past_due_before_the_worker_ran_is_already_a_miss(api, live, clock):
    lead_id = lead(api, clock, ny(2026, 11, 2, 10, 0), "sam-ortiz")
    clock.set(ny(2026, 11, 2, 10, 45))  # the miss was due at 10:30; no worker has run
    clocks = api.get("/v1/reports/sla/open").json()["clocks"]
    assert [(c["lead_id"], c["state"], c["time_left_business_seconds"]) for c in clocks] == [
        (lead_id, "overdue", -15 * 60)
    ]
    r = sla(api)
    assert (r["pending"], r["miss"], r["open"], r["overdue"]) == (
        0,
        1,
        1,
        1,
    )  # the verdict is as of now: the worker's timer sends the alerts, it does not decide


def test_empty_period_and_bad_input(api):
    r = sla(api, since="2020-01-01T00:00:00Z", until="2020-02-01T00:00:00Z")
    assert (r["clocks"], r["compliance"], r["by_owner"]) == (0, None, [])
    assert r["response_business"] == {
        "count": 0,
        "mean_seconds": None,
        "median_seconds": None,
        "p90_seconds": None,
    }
    bad = api.get(
        "/v1/reports/sla", params={"since": "2026-11-02T00:00:00Z", "until": "2026-11-02T00:00:00Z"}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "since"
    assert api.get("/v1/reports/sla/open", params={"limit": 0}).status_code == 422
    assert api.as_("ingest").get("/v1/reports/sla").status_code == 403


def test_sla_report_uses_the_clock_for_its_default_period(api, clock):
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # 07:00 in New York
    r = api.get("/v1/reports/sla").json()
    assert (r["since"], r["until"], r["now"]) == (
        "2026-10-22T04:00:00Z",  # midnight in New York, 30 calendar days with today
        "2026-11-20T12:00:00Z",
        "2026-11-20T12:00:00Z",
    )
