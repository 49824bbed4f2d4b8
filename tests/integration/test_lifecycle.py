"""The lead lifecycle (playbook 002, 2c step 2 and the 2d technical checklist), through the
API: statuses move only as the workspace allows, each move stamps its date and says who
and why, rejections need a reason, and the clocks follow."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.lifecycle.status import StatusRefused, change_status
from baton.store.tables import sla_clocks, status_changes
from baton.workspace.scaffold import write_template

LIFECYCLE = """
lifecycle:
  rejection_reasons: [no budget, not a fit, no response, duplicate, competitor]
  qualify: {score_at_least: 60}
  recycle: {after_attempts: 3}
"""
HAND_RAISER = "      lead_types: [demo-request, contact-sales]\n      threshold: 30m\n"


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    text = path.read_text()
    assert HAND_RAISER in text
    text = text.replace(
        HAND_RAISER, HAND_RAISER + "      stop: [first_touch, sal]\n      pause_on_reply: true\n"
    )
    text = text.replace(
        "    - name: content\n      lead_types: [content]\n",
        "    - name: content\n      lead_types: [content]\n      start: mql\n",
    )
    path.write_text(text + LIFECYCLE)
    return tmp_path


def post(api, **fields) -> dict:
    response = api.post("/v1/leads", json={"email": "jo@initech.com", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def move(api, lead_id: int, status: str, **body):
    return api.post(f"/v1/leads/{lead_id}/status", json={"status": status, **body})


def test_mql_automation_fires_and_stamps_the_mql_date(api, clock):
    hot = post(api, score=72)
    assert hot["status"] == "mql" and hot["timestamps"]["mql_at"] == "2026-11-02T15:00:00Z"
    cold = post(api, email="al@globex.com", score=40)
    assert cold["status"] == "new" and cold["timestamps"]["mql_at"] is None
    clock.advance(timedelta(minutes=10))
    warmed = api.patch(f"/v1/leads/{cold['id']}", json={"score": 65}).json()["lead"]
    assert warmed["status"] == "mql" and warmed["timestamps"]["mql_at"] == "2026-11-02T15:10:00Z"
    (why,) = [
        e
        for e in api.get("/v1/events", params={"kind": "lead.status_changed"}).json()["items"]
        if e["entity_id"] == str(cold["id"])
    ]
    assert why["payload"]["by"] == "qualification" and "score 65 ≥ 60" in why["payload"]["note"]


def test_sal_stamps_the_date_and_stops_the_timer(api, live, clock):
    lead = post(api, lead_type="demo-request", score=80)
    clock.advance(timedelta(minutes=12))
    moved = move(api, lead["id"], "sal", note="booked a call")
    assert moved.status_code == 200, moved.text
    assert moved.json()["stamp"] == "sal_at"
    after = api.get(f"/v1/leads/{lead['id']}").json()
    assert after["timestamps"]["sal_at"] == "2026-11-02T15:12:00Z"
    assert after["sla"]["state"] == "hit" and after["sla"]["stopped_by"] == "sal"


def test_sql_stamps_the_date(api, clock):
    lead = post(api, score=80)
    move(api, lead["id"], "sal")
    clock.advance(timedelta(hours=1))
    assert move(api, lead["id"], "sql").status_code == 200
    assert api.get(f"/v1/leads/{lead['id']}").json()["timestamps"]["sql_at"] == (
        "2026-11-02T16:00:00Z"
    )


def test_a_rejection_reason_is_required_and_must_be_listed(api, live):
    lead = post(api, score=80)
    missing = move(api, lead["id"], "recycled")
    assert missing.status_code == 422
    (error,) = missing.json()["detail"]
    assert error["field"] == "reason" and "a reason is required" in error["message"]
    assert error["allowed"] == ["no budget", "not a fit", "no response", "duplicate", "competitor"]
    assert move(api, lead["id"], "recycled", reason="too small").status_code == 422
    patched = api.patch(f"/v1/leads/{lead['id']}", json={"status": "disqualified"})
    assert patched.status_code == 422  # a PATCH of status obeys the same rules
    ok = move(api, lead["id"], "disqualified", reason="competitor")
    assert ok.status_code == 200
    assert api.get(f"/v1/leads/{lead['id']}").json()["status_reason"] == "competitor"
    with live.db.read() as conn:
        rows = conn.execute(select(status_changes).order_by(status_changes.c.id)).all()
    assert [(r.to_status, r.reason, r.by) for r in rows] == [
        ("mql", None, "qualification"),
        ("disqualified", "competitor", "manual"),
    ]


def test_an_illegal_move_is_refused_with_the_allowed_ones(api):
    lead = post(api, score=80)
    move(api, lead["id"], "sal")
    back = move(api, lead["id"], "new")
    assert back.status_code == 409
    assert back.json()["detail"]["allowed"] == ["sql", "recycled", "disqualified"]
    assert api.patch(f"/v1/leads/{lead['id']}", json={"status": "new"}).status_code == 409
    assert api.get(f"/v1/leads/{lead['id']}").json()["status"] == "sal"
    assert move(api, 424242, "sal").status_code == 404


def test_recycling_returns_the_lead_to_marketing_after_three_unanswered_attempts(api, clock):
    lead = post(api, score=80)
    owner = lead["owner"]["id"]
    for i in range(3):
        clock.advance(timedelta(hours=1))
        touch = {
            "lead_id": lead["id"],
            "kind": "call",
            "person_id": owner,
            "occurred_at": clock.now().isoformat(),
            "direction": "outbound",
        }
        api.post("/v1/activities", json=touch)
        if i == 1:  # the lead answered once: the count starts again after it
            reply = touch | {"kind": "email", "direction": "inbound", "person_id": None}
            api.post("/v1/activities", json=reply)
    assert api.get(f"/v1/leads/{lead['id']}").json()["status"] == "mql"
    clock.advance(timedelta(hours=1))
    api.post("/v1/activities", json=touch | {"occurred_at": clock.now().isoformat()})
    api.post("/v1/activities", json=touch | {"occurred_at": clock.now().isoformat()})
    after = api.get(f"/v1/leads/{lead['id']}").json()
    assert after["status"] == "recycled" and after["status_reason"] == "no response"
    assert after["owner"] is None  # back to Marketing


def test_a_start_mql_clock_starts_at_the_mql_date(api, live, clock):
    lead = post(api, lead_type="content", score=20)  # assigned at 15:00, not an MQL
    with live.db.read() as conn:
        assert conn.execute(select(sla_clocks)).all() == []
    clock.advance(timedelta(hours=2))
    move(api, lead["id"], "mql")
    with live.db.read() as conn:
        (clock_row,) = conn.execute(select(sla_clocks)).all()
    assert clock_row.rule == "content" and clock_row.started_at.isoformat() == (
        "2026-11-02T17:00:00+00:00"
    )


def test_two_moves_at_once_one_wins_the_other_is_refused(live, api):
    lead = post(api, score=80)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def accept() -> None:
        barrier.wait()
        try:
            change_status(live, lead["id"], "sal", "t")
            outcomes.append("moved")
        except StatusRefused as exc:
            outcomes.append(exc.kind)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "moved"]


def test_an_inbound_reply_pauses_a_clock_whose_rule_says_so(api, clock):
    """Demo request at 15:00 (30 min): the lead replies at 15:10, the owner calls at 15:50 —
    10 minutes of the owner's time ran, a hit; without the pause it would be a miss."""
    lead = post(api, lead_type="demo-request", score=80)
    owner = lead["owner"]["id"]
    activity = {"lead_id": lead["id"], "kind": "email", "direction": "inbound"}
    clock.advance(timedelta(minutes=10))
    api.post("/v1/activities", json=activity | {"occurred_at": clock.now().isoformat()})
    clock.advance(timedelta(minutes=40))
    call = {"lead_id": lead["id"], "kind": "call", "person_id": owner, "direction": "outbound"}
    api.post("/v1/activities", json=call | {"occurred_at": clock.now().isoformat()})
    sla = api.get(f"/v1/leads/{lead['id']}").json()["sla"]
    assert sla["state"] == "hit" and sla["response_business_seconds"] == 600
