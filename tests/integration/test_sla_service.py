"""SLA clocks in the real store, named after the situations the playbooks describe.

The init template's calendar 'americas' is Mon–Fri 09:00–12:00 and 13:00–17:30
New York time; 'hand-raiser' (demo-request, contact-sales) is 30 minutes with
reminders at 50 % and 80 %, then the miss alert to the owner at the deadline
(tier 1), tier 2 (manager) 2 business hours later and tier 3 (the VP) 8
business hours later.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from baton.services.sla.timers import fire_due_timers
from baton.store.tables import alerts, sla_clocks, timers

NY = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


def arrive(api, clock, at: datetime, **fields) -> dict:
    clock.set(at)
    body = {
        "email": f"lead{at:%d%H%M}@initech.com",
        "company": "Initech",
        "lead_type": "demo-request",
        **fields,
    }
    lead = api.post("/v1/leads", json=body).json()
    assert lead["owner"]["id"] == "sam-ortiz", lead
    return lead


def run_worker(live, clock, at: datetime) -> None:
    clock.set(at)
    fire_due_timers(live, at)


def fired(live, lead_id: int) -> list[tuple[str, str, str]]:
    with live.db.read() as conn:
        rows = conn.execute(
            select(alerts).where(alerts.c.lead_id == lead_id).order_by(alerts.c.id)
        ).all()
    return [(r.kind, r.content["timer"], r.recipient_id) for r in rows]


def clock_row(live, lead_id: int):
    with live.db.read() as conn:
        return conn.execute(
            select(sla_clocks)
            .where(sla_clocks.c.lead_id == lead_id)
            .order_by(sla_clocks.c.id.desc())
        ).first()


def touch(
    api, clock, lead_id: int, at: datetime, person: str = "sam-ortiz", kind: str = "call"
) -> None:
    clock.set(at)
    response = api.post(
        "/v1/activities",
        json={"kind": kind, "person_id": person, "occurred_at": at.isoformat(), "lead_id": lead_id},
    )
    assert response.status_code == 201, response.text


def test_lead_arrived_friday_evening_is_not_breached_monday_morning(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 6, 17, 55))
    row = clock_row(live, lead["id"])
    assert row.due_at == ny(2026, 11, 9, 9, 30)  # the clock only runs from Monday 09:00
    run_worker(live, clock, ny(2026, 11, 9, 9, 10))
    assert fired(live, lead["id"]) == []
    assert clock_row(live, lead["id"]).state == "pending"


def test_notices_at_50_and_80_percent_then_miss_and_escalations_while_untouched(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    run_worker(live, clock, ny(2026, 11, 2, 10, 15))
    assert fired(live, lead["id"]) == [("sla.notice", "notice:50", "sam-ortiz")]
    run_worker(live, clock, ny(2026, 11, 2, 10, 24))
    assert fired(live, lead["id"])[1:] == [
        ("sla.notice", "notice:80", "sam-ortiz"),
        ("sla.notice", "notice:80", "maria-chen"),
    ]
    run_worker(live, clock, ny(2026, 11, 2, 10, 30))
    assert fired(live, lead["id"])[3:] == [("sla.miss", "miss", "sam-ortiz")]
    assert clock_row(live, lead["id"]).state == "miss"
    run_worker(
        live, clock, ny(2026, 11, 2, 13, 29)
    )  # lunch is closed: 2 business hours after 10:30 is 13:30
    assert ("sla.escalation", "escalation:2", "maria-chen") not in fired(live, lead["id"])
    run_worker(live, clock, ny(2026, 11, 2, 13, 30))
    assert fired(live, lead["id"])[-1] == ("sla.escalation", "escalation:2", "maria-chen")
    run_worker(
        live, clock, ny(2026, 11, 3, 11, 0)
    )  # 8 business hours after the miss (6 h left on Monday): Tuesday 11:00
    assert fired(live, lead["id"])[-1] == ("sla.escalation", "escalation:3", "vp-sales")
    with live.db.read() as conn:
        content = conn.execute(
            select(alerts.c.content, alerts.c.subject).where(alerts.c.lead_id == lead["id"])
        ).first()
    assert (
        content.content["lead"]["company"] == "Initech" and content.content["rule"] == "hand-raiser"
    )
    assert content.content["links"]["baton"] == f"http://baton.test/leads/{lead['id']}"
    assert content.subject.startswith("SLA reminder: 50% of 30 min used")


def test_first_touch_stops_the_clock_and_no_escalation_fires(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    touch(api, clock, lead["id"], ny(2026, 11, 2, 10, 20))
    row = clock_row(live, lead["id"])
    assert (row.state, row.response_business_seconds) == ("hit", 20 * 60)
    run_worker(live, clock, ny(2026, 11, 3, 12, 0))
    assert (
        fired(live, lead["id"]) == [("sla.notice", "notice:50", "sam-ortiz")]
        or fired(live, lead["id"]) == []
    )
    assert (
        api.get(f"/v1/leads/{lead['id']}").json()["timestamps"]["first_touch_at"]
        == "2026-11-02T15:20:00Z"
    )


def test_touch_exactly_at_the_deadline_is_a_hit_and_a_late_touch_is_a_miss_with_its_duration(
    api, live, clock
):
    on_time = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    touch(api, clock, on_time["id"], ny(2026, 11, 2, 10, 30))
    assert clock_row(live, on_time["id"]).state == "hit"
    api.patch("/v1/people/priya-nair", json={"active": False})
    late = arrive(api, clock, ny(2026, 11, 2, 11, 0))
    touch(
        api, clock, late["id"], ny(2026, 11, 2, 13, 15)
    )  # 11:00 + 30 min = 11:30; lunch does not count
    row = clock_row(live, late["id"])
    assert (row.state, row.miss_business_seconds, row.response_business_seconds) == (
        "miss",
        45 * 60,
        75 * 60,
    )


def test_a_linkedin_message_or_someone_elses_call_does_not_stop_the_clock(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    touch(api, clock, lead["id"], ny(2026, 11, 2, 10, 5), kind="linkedin")
    touch(api, clock, lead["id"], ny(2026, 11, 2, 10, 6), person="emma-schulz")
    assert clock_row(live, lead["id"]).stopped_at is None
    assert api.get(f"/v1/leads/{lead['id']}").json()["timestamps"]["first_touch_at"] is None


def test_disqualified_before_follow_up_is_excluded_and_silent(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    clock.set(ny(2026, 11, 2, 10, 5))
    api.patch(
        f"/v1/leads/{lead['id']}", json={"status": "disqualified", "status_reason": "not a fit"}
    )
    run_worker(live, clock, ny(2026, 11, 3, 17, 0))
    assert fired(live, lead["id"]) == []
    assert clock_row(live, lead["id"]).state == "excluded"


def test_test_leads_are_never_timed(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0), is_test=True)
    assert clock_row(live, lead["id"]).state == "excluded"


def test_reassigned_mid_window_the_previous_owner_is_not_charged(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    clock.set(ny(2026, 11, 2, 10, 20))
    api.patch(f"/v1/leads/{lead['id']}", json={"owner_id": "priya-nair"})
    with live.db.read() as conn:
        rows = conn.execute(
            select(sla_clocks).where(sla_clocks.c.lead_id == lead["id"]).order_by(sla_clocks.c.id)
        ).all()
    assert [(r.owner_id, r.state) for r in rows] == [
        ("sam-ortiz", "released"),
        ("priya-nair", "pending"),
    ]
    assert rows[1].due_at == ny(2026, 11, 2, 10, 50)  # restart: a full 30 minutes for the new owner
    run_worker(live, clock, ny(2026, 11, 2, 11, 0))
    assert {r for _, _, r in fired(live, lead["id"])} <= {"priya-nair", "maria-chen"}
    assert ("sla.miss", "miss", "priya-nair") in fired(live, lead["id"])


def test_ghosted_lead_reaches_tier_3_and_a_later_touch_settles_the_miss(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    run_worker(live, clock, ny(2026, 11, 4, 12, 0))
    keys = [k for _, k, _ in fired(live, lead["id"])]
    assert keys.count("escalation:3") == 1 and keys.count("miss") == 1
    touch(api, clock, lead["id"], ny(2026, 11, 4, 14, 0))
    row = clock_row(live, lead["id"])
    assert row.state == "miss" and row.stopped_at == ny(2026, 11, 4, 14, 0)


def test_backfilled_history_gets_verdicts_without_stale_alerts(api, live, clock):
    clock.set(ny(2026, 11, 20, 12, 0))
    lead = api.post(
        "/v1/leads",
        json={
            "email": "old@initech.com",
            "lead_type": "demo-request",
            "received_at": ny(2026, 11, 2, 10, 0).isoformat(),
        },
    ).json()
    api.post(
        "/v1/activities",
        json={
            "kind": "email",
            "person_id": lead["owner"]["id"],
            "occurred_at": ny(2026, 11, 2, 11, 15).isoformat(),
            "lead_id": lead["id"],
        },
    )
    run_worker(live, clock, ny(2026, 11, 20, 12, 0))
    row = clock_row(live, lead["id"])
    assert row.state == "miss" and row.miss_business_seconds == 45 * 60
    with live.db.read() as conn:
        states = {
            r.state
            for r in conn.execute(select(alerts.c.state).where(alerts.c.lead_id == lead["id"]))
        }
        reasons = {
            r.suppressed_reason
            for r in conn.execute(
                select(alerts.c.suppressed_reason).where(alerts.c.lead_id == lead["id"])
            )
        }
    assert states == {"suppressed"} and reasons == {"backfill"}


def test_each_timer_fires_once_even_when_the_worker_runs_again(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    for _ in range(3):
        run_worker(live, clock, ny(2026, 11, 2, 10, 31))
    assert len(fired(live, lead["id"])) == len(set(fired(live, lead["id"])))
    with live.db.read() as conn:
        states = [
            r.state
            for r in conn.execute(
                select(timers.c.state)
                .join(sla_clocks, sla_clocks.c.id == timers.c.clock_id)
                .where(sla_clocks.c.lead_id == lead["id"])
            )
        ]
    assert (
        states.count("fired") == 3 and states.count("pending") == 2
    )  # two notices and the miss; tiers 2 and 3 later


def test_lead_types_without_a_rule_are_not_timed(api, live, clock):
    clock.set(ny(2026, 11, 2, 10, 0))
    lead = api.post(
        "/v1/leads", json={"email": "p@initech.com", "lead_type": "partner-referral"}
    ).json()
    assert clock_row(live, lead["id"]) is None


def test_a_new_version_re_times_open_clocks(api, live, clock, workspace_dir):
    from baton.services.versions.versions import activate_version, apply_workspace
    from baton.workspace.loader import load_workspace

    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("threshold: 30m", "threshold: 15m"))
    v2 = apply_workspace(live, load_workspace(workspace_dir), "t", clock.now())
    changes = activate_version(live, v2.number, "t", clock.now())
    assert "1 open SLA clocks re-timed with this version's rules and calendars" in changes
    assert clock_row(live, lead["id"]).due_at == ny(2026, 11, 2, 10, 15)


def test_the_lead_shows_its_sla_clock_next_deadline_and_speed_to_lead(api, live, clock):
    clock.set(ny(2026, 11, 2, 10, 0))
    lead = api.post(
        "/v1/leads",
        json={
            "email": "s@initech.com",
            "lead_type": "demo-request",
            "engaged_at": ny(2026, 11, 2, 9, 58).isoformat(),
        },
    ).json()
    assert lead["sla"]["rule"] == "hand-raiser" and lead["sla"]["state"] == "pending"
    assert lead["sla"]["due_at"] == "2026-11-02T15:30:00Z"
    assert lead["sla"]["next"] == {"timer": "notice:50", "due_at": "2026-11-02T15:15:00Z"}
    touch(api, clock, lead["id"], ny(2026, 11, 2, 13, 10))  # lunch 12–13 is closed
    shown = api.get(f"/v1/leads/{lead['id']}").json()
    speed = shown["speed_to_lead"]
    assert (
        speed["systems_delay_seconds"] == 120 and speed["systems_delay_rating"] == "best_possible"
    )
    assert (
        speed["human_delay_seconds"] == 3 * 3600 + 600
        and speed["human_delay_business_seconds"] == 2 * 3600 + 600
    )
    assert (
        shown["sla"]["state"] == "miss"
        and shown["sla"]["miss_business_seconds"] == 2 * 3600 + 600 - 1800
    )


def test_the_timeline_tells_the_lead_story_in_order(api, live, clock):
    from baton.services.records.timeline import lead_timeline

    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    run_worker(live, clock, ny(2026, 11, 2, 10, 16))
    touch(api, clock, lead["id"], ny(2026, 11, 2, 10, 20))
    with live.db.read() as conn:
        story = [m.words for m in lead_timeline(conn, lead["id"])]
    assert story[0] == "received"
    assert story[1].startswith("routed by flow inbound (round robin sdr-americas) to sam-ortiz")
    assert story[2] == "SLA clock 'hand-raiser' started for sam-ortiz (americas calendar)"
    assert "SLA reminder (notice:50)" in story
    assert any(
        s.startswith("alert to sam-ortiz (owner): SLA reminder: 50% of 30 min used") for s in story
    )
    assert story[-2:] == ["call by sam-ortiz", "SLA clock stopped by first_touch: hit"]


def test_a_lead_backfilled_with_its_crm_owner_is_timed_from_that_assignment(api, live, clock):
    clock.set(ny(2026, 11, 20, 12, 0))
    lead = api.post(
        "/v1/leads",
        json={
            "email": "crm@initech.com",
            "lead_type": "demo-request",
            "owner_id": "emma-schulz",
            "received_at": ny(2026, 11, 2, 10, 0).isoformat(),
            "assigned_at": ny(2026, 11, 2, 10, 1).isoformat(),
        },
    ).json()
    row = clock_row(live, lead["id"])
    assert (
        row is not None
        and row.owner_id == "emma-schulz"
        and row.started_at == ny(2026, 11, 2, 10, 1)
    )
    run_worker(live, clock, ny(2026, 11, 20, 12, 0))
    assert clock_row(live, lead["id"]).state == "miss"
    with live.db.read() as conn:
        assert {
            r.state
            for r in conn.execute(select(alerts.c.state).where(alerts.c.lead_id == lead["id"]))
        } == {"suppressed"}


def test_a_threshold_under_a_minute_is_said_in_seconds_never_0_min(api, live, clock, workspace_dir):
    from baton.services.versions.versions import activate_version, apply_workspace
    from baton.workspace.loader import load_workspace

    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("threshold: 30m", "threshold: 40s"))
    v2 = apply_workspace(live, load_workspace(workspace_dir), "t", clock.now())
    activate_version(live, v2.number, "t", clock.now())
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    run_worker(live, clock, ny(2026, 11, 2, 10, 0, 40))
    with live.db.read() as conn:
        subjects = conn.execute(
            select(alerts.c.subject).where(alerts.c.lead_id == lead["id"]).order_by(alerts.c.id)
        ).scalars()
        subjects = list(subjects)
    assert subjects[0].startswith("SLA reminder: 50% of 40 s used")
    assert any(s.startswith("SLA missed (hand-raiser, 40 s)") for s in subjects), subjects
    assert not any("0 min" in s for s in subjects)
