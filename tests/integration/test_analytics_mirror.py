"""The dashboard's DuckDB mirror gives the same reports as the streaming ones, and stays current.

The streaming reports (``services.speed_report``, ``services.sla_report``) are tested
against hand arithmetic elsewhere; here they are the reference the mirror must equal,
figure for figure, on random leads that cross DST changes, an outage, anomalies and
unassigned leads, in several viewer zones and with every filter — and again after
the data change under it (touches, new leads, a reassignment, an owner's calendar).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update

from baton.reports.mirror import Mirror
from baton.reports.scope import ReportScope
from baton.reports.sla import sla_report
from baton.reports.sla_mirror import sla_counts
from baton.reports.speed import speed_report
from baton.reports.speed_mirror import speed_report as mirror_speed
from baton.services.people.users import Role, User
from baton.store.tables import leads, misroutes, routing_decisions, sla_clocks
from baton.web.filters import parse_filters
from baton.web.routing_data import routing_view
from baton.worker import warm_analytics

OWNERS = ("sam-ortiz", "priya-nair", "maria-chen", "emma-schulz", "vp-sales")
SOURCES = ("website", "webinar", "", "partner")
TYPES = ("demo-request", "content", "event", "contact-us")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ZONES = [
    None,
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
]


def backfill(api, clock, count: int, seed: int, now: datetime = NOW) -> list[int]:
    """``count`` random leads over the 60 days before ``now`` (US and EU DST ends inside), most
    assigned and touched."""
    rnd = random.Random(seed)
    clock.set(now)
    items, touches = [], []
    for i in range(count):
        engaged = now - timedelta(days=60) + timedelta(seconds=rnd.randrange(60 * 86400))
        lead = {
            "email": f"m{seed}-{i}@example.com",
            "company": f"Co {i}",
            "source": rnd.choice(SOURCES),
            "lead_type": rnd.choice(TYPES),
            "campaign": rnd.choice(("q4", "spring", None)),
            "engaged_at": engaged.isoformat(),
        }
        if rnd.random() < 0.9:  # the rest wait unassigned in no queue
            assigned = engaged + timedelta(
                seconds=rnd.choice((-120, 0, 40, 300, 700, 2000, 90_000))
            )  # -120: an anomaly
            lead |= {"owner_id": rnd.choice(OWNERS), "assigned_at": assigned.isoformat()}
            if rnd.random() < 0.8:
                touches.append(
                    (
                        i,
                        lead["owner_id"],
                        assigned + timedelta(seconds=rnd.choice((-30, 60, 600, 5000, 200_000))),
                    )
                )
        items.append({k: v for k, v in lead.items() if v is not None})
    ids = []
    for start in range(0, count, 500):
        response = api.post("/v1/leads", json={"items": items[start : start + 500]})
        assert response.status_code == 201, response.text
        ids += [item["id"] for item in response.json()["items"]]
    body = [
        {
            "kind": "call",
            "person_id": owner,
            "occurred_at": min(at, now).isoformat(),
            "lead_id": ids[i],
        }
        for i, owner, at in touches
    ]
    for start in range(0, len(body), 500):
        assert (
            api.post("/v1/activities", json={"items": body[start : start + 500]}).status_code == 201
        )
    return ids


def scopes() -> list[ReportScope]:
    campaign = select(leads.c.id).where(leads.c.campaign == "q4")
    until = NOW
    return [
        ReportScope(until - timedelta(days=days), until, zone=zone)
        for days in (7, 30, 61)
        for zone in ZONES
    ] + [
        ReportScope(until - timedelta(days=45), until, source="webinar"),
        ReportScope(until - timedelta(days=45), until, lead_type="demo-request", zone=ZONES[1]),
        ReportScope(until - timedelta(days=45), until, owner="emma-schulz", zone=ZONES[2]),
        ReportScope(until - timedelta(days=45), until, team="sdr-americas"),
        ReportScope(until - timedelta(days=45), until, lead_ids=campaign),
        ReportScope(until - timedelta(days=400), until - timedelta(days=100)),  # nothing in it
    ]


def assert_same(live, mirror: Mirror) -> None:
    now = live.clock.now()
    with live.db.read() as conn, mirror.session(conn, live.clock.now()) as duck:
        for scope in scopes():
            assert mirror_speed(conn, duck, scope) == speed_report(conn, scope), scope
            streaming = sla_report(conn, scope, now).without_durations()
            assert sla_counts(conn, duck, scope, now) == streaming, scope
            overall = sla_counts(
                conn, duck, scope, now, dimensions=("team",)
            )  # without the lead joined, as the Overview asks
            assert overall.overall == streaming.overall
            assert overall.by_team == streaming.by_team


@pytest.fixture
def mirror():
    made = Mirror()
    yield made
    made.close()


def test_the_mirror_gives_the_streaming_reports_figure_for_figure(api, live, clock, mirror):
    backfill(api, clock, 600, seed=1)
    assert (
        api.post(
            "/v1/outages",
            json={
                "starts_at": (NOW - timedelta(days=20)).isoformat(),
                "ends_at": (NOW - timedelta(days=19)).isoformat(),
                "reason": "CRM sync down",
            },
        ).status_code
        == 201
    )
    assert_same(live, mirror)


def test_what_changes_after_the_first_copy_is_in_the_next_read(api, live, clock, mirror):
    ids = backfill(api, clock, 200, seed=2)
    assert_same(live, mirror)
    clock.set(NOW + timedelta(minutes=5))
    backfill(api, clock, 50, seed=3, now=NOW + timedelta(minutes=5))  # new leads
    assert (
        api.post(
            "/v1/activities",
            json={
                "items": [
                    {
                        "kind": "call",
                        "person_id": "sam-ortiz",
                        "occurred_at": (NOW + timedelta(minutes=4)).isoformat(),
                        "lead_id": i,
                    }
                    for i in ids[:40]
                ]
            },
        ).status_code
        == 201
    )  # touches: first touch, SLA stops
    assert (
        api.patch(f"/v1/leads/{ids[50]}", json={"owner_id": "emma-schulz"}).status_code == 200
    )  # a reassignment
    for i in ids[
        60:70
    ]:  # another lead type: the SLA by lead type reads it on the clocks, which are not written
        assert (
            api.patch(f"/v1/leads/{i}", json={"lead_type": "partner-referral"}).status_code == 200
        )
    assert_same(live, mirror)


def test_an_owner_given_another_calendar_has_their_leads_measured_again(api, live, clock, mirror):
    backfill(api, clock, 200, seed=4)
    assert_same(live, mirror)
    assert api.patch("/v1/people/sam-ortiz", json={"calendar": "emea"}).status_code == 200
    assert_same(live, mirror)


def test_a_write_that_commits_late_inside_the_margin_is_still_copied(api, live, clock, mirror):
    ids = backfill(api, clock, 50, seed=5)
    assert_same(live, mirror)
    with (
        live.db.write() as conn
    ):  # as a slow transaction would: stamped a minute before the newest row already copied
        conn.execute(
            update(leads)
            .where(leads.c.id == ids[0])
            .values(source="late-source", updated_at=NOW - timedelta(minutes=1))
        )
        conn.commit()
    with live.db.read() as conn, mirror.session(conn, live.clock.now()) as duck:
        assert (
            duck.execute(select(leads.c.source).where(leads.c.id == ids[0])).scalar_one()
            == "late-source"
        )


def test_a_refresh_that_fails_part_way_is_made_whole_by_the_next(
    api, live, clock, mirror, monkeypatch
):
    backfill(api, clock, 100, seed=7)
    assert_same(live, mirror)
    clock.set(NOW + timedelta(minutes=5))
    late = backfill(api, clock, 40, seed=8, now=NOW + timedelta(minutes=5))
    copy = Mirror._copy_changed

    def fails_at_the_clocks(
        self, conn, duck, table, now
    ):  # as a lost connection would, after the leads were copied
        if table == "sla_clocks":
            raise ConnectionError("the database went away")
        copy(self, conn, duck, table, now)

    monkeypatch.setattr(Mirror, "_copy_changed", fails_at_the_clocks)
    with (
        pytest.raises(ConnectionError),
        live.db.read() as conn,
        mirror.session(conn, live.clock.now()),
    ):
        pass
    monkeypatch.undo()
    assert_same(live, mirror)  # the leads rolled back with DuckDB's transaction are copied again
    assert (
        api.post(f"/v1/leads/{late[0]}/misroute", json={"reason": "wrong region"}).status_code
        == 201
    )  # a lead of the failed refresh
    with live.db.read() as conn:
        assert routing_in_mirror(live, mirror) == routing_from_rows(conn)


def test_a_clock_copied_before_its_lead_is_counted_with_its_lead_as_the_streaming_report_counts_it(
    api, live, clock, mirror, monkeypatch
):
    backfill(api, clock, 80, seed=9)
    copy = Mirror._copy_changed

    def leads_not_yet_visible(
        self, conn, duck, table, now
    ):  # as on PostgreSQL when the lead commits between the two reads
        if table != "leads":
            copy(self, conn, duck, table, now)

    monkeypatch.setattr(Mirror, "_copy_changed", leads_not_yet_visible)
    scope = scopes()[5]  # 30 days, UTC
    with live.db.read() as conn, mirror.session(conn, live.clock.now()) as duck:
        seen = sla_counts(conn, duck, scope, live.clock.now(), dimensions=("team",))
        assert duck.execute(select(func.count()).select_from(sla_clocks)).scalar_one() > 0
    assert (
        seen.overall.hit + seen.overall.miss + seen.overall.pending == 0 and seen.by_team == ()
    )  # no clock without its lead
    monkeypatch.undo()
    assert_same(live, mirror)  # its lead copied: the clock counted, under the lead's type


def routing_from_rows(conn) -> tuple[tuple[int, int, int, int], Counter]:
    """(received, routed, to the fallback, misrouted) and leads per (pool, current owner), from
    the stored rows."""
    owner = dict(conn.execute(select(leads.c.id, leads.c.owner_id)).all())
    decisions = conn.execute(
        select(
            routing_decisions.c.lead_id,
            routing_decisions.c.via_fallback,
            routing_decisions.c.pool_id,
        )
    ).all()
    flagged = {r.lead_id for r in conn.execute(select(misroutes.c.lead_id))}
    pools = Counter(
        (pool, owner[lead])
        for pool, lead in {(d.pool_id, d.lead_id) for d in decisions if d.pool_id}
        if owner[lead]
    )
    return (
        len(owner),
        len({d.lead_id for d in decisions}),
        len({d.lead_id for d in decisions if d.via_fallback}),
        len(flagged),
    ), pools


def routing_in_mirror(live, mirror: Mirror) -> tuple[tuple[int, int, int, int], Counter]:
    now = live.clock.now()
    admin = User(1, "admin", Role.ADMIN, None)
    period = parse_filters(
        {"range": "custom", "from": str((now - timedelta(days=30)).date()), "to": str(now.date())},
        now=now,
        zone=ZoneInfo("UTC"),
    )
    with live.db.read() as conn, mirror.session(conn, now) as duck:
        view = routing_view(conn, duck, admin, period, now, charts=False)
    pools = Counter(
        {
            (p.pool, url.split("owner=")[1]): n
            for p in view["pools"]
            for url, n in zip(p.chart.series[0].links, p.chart.series[0].values, strict=True)
            if n
        }
    )
    return (view["received"], view["routed"], view["fallback"], view["misrouted"]), pools


def test_routing_counts_follow_decisions_and_misroutes_made_after_the_first_copy(
    api, live, clock, mirror
):
    clock.set(NOW)
    ids = [
        api.post("/v1/leads", json={"email": f"n{i}@na{i}.com", "region": "NA"}).json()["id"]
        for i in range(8)
    ]
    with live.db.read() as conn:
        assert routing_in_mirror(live, mirror) == routing_from_rows(conn)
        kept = next(
            i
            for i in ids
            if conn.execute(select(leads.c.owner_id).where(leads.c.id == i)).scalar_one()
            == "priya-nair"
        )
    clock.set(NOW + timedelta(minutes=10))
    assert (
        api.post(
            f"/v1/leads/{kept}/misroute", json={"reason": "should have gone to EMEA"}
        ).status_code
        == 201
    )  # its lead row is not written
    assert api.patch("/v1/people/sam-ortiz", json={"active": False}).status_code == 200
    assert (
        api.post("/v1/people/sam-ortiz/reroute", params={"apply": "true"}).status_code == 200
    )  # new decisions (and owners) for copied leads
    assert api.patch("/v1/people/priya-nair", json={"active": False}).status_code == 200
    api.post(
        "/v1/leads", json={"email": "x@stranded.com", "region": "NA"}
    )  # nobody left in the pool: the fallback
    with live.db.read() as conn:
        expected = routing_from_rows(conn)
    assert expected[0][1:] == (9, 1, 1) and sum(expected[1].values()) == 8
    assert routing_in_mirror(live, mirror) == expected


def test_a_decision_stored_without_writing_its_lead_reaches_the_lead_in_the_mirror(
    api, live, clock, mirror
):
    clock.set(NOW)
    ids = [
        api.post("/v1/leads", json={"email": f"d{i}@na{i}.com", "region": "NA"}).json()["id"]
        for i in range(4)
    ]
    with live.db.read() as conn:
        assert routing_in_mirror(live, mirror) == routing_from_rows(conn)
        owner = conn.execute(select(leads.c.owner_id).where(leads.c.id == ids[0])).scalar_one()
    with (
        live.db.write() as conn
    ):  # as an import of routing history might: the lead row is not written
        conn.execute(
            insert(routing_decisions).values(
                lead_id=ids[0],
                version=1,
                trigger="import",
                flow="history",
                owner_id=owner,
                pool_id="imported-pool",
                via_fallback=True,
                steps=[],
                decided_at=NOW,
                actor="test",
            )
        )
        conn.commit()
    with live.db.read() as conn:
        expected = routing_from_rows(conn)
    assert expected[0][2] == 1 and expected[1][("imported-pool", owner)] == 1
    assert routing_in_mirror(live, mirror) == expected


def test_serve_copies_the_database_into_the_mirror_as_it_starts(api, live, clock):
    backfill(api, clock, 30, seed=6)
    warm_analytics(live).join(timeout=60)
    mirror = live.analytics()
    assert mirror._ids["leads"] > 0  # copied before any page asked
    with live.db.read() as conn, mirror.session(conn, live.clock.now()) as duck:
        count = select(func.count()).select_from(leads)
        assert duck.execute(count).scalar_one() == conn.execute(count).scalar_one() == 30


def test_an_empty_database_is_mirrored_as_empty(baton):
    """A fresh install (no version, no people, no leads): the first page's refresh copies
    nothing, without failing, and counts zero."""
    with baton.db.read() as conn, baton.analytics().session(conn, baton.clock.now()) as duck:
        assert duck.execute(select(func.count()).select_from(leads)).scalar_one() == 0
