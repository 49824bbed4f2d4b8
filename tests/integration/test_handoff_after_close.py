"""After the close (playbook 003: escalation paths, time to first touch): an incomplete
handoff escalates once after its business time, to the AE's manager and the CS lead; fields
filled later complete it; the CSM's first activity with the customer stamps first touch."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from baton.services.handoff.escalation import escalate_due_handoffs
from baton.services.handoff.first_touch import tell_first_touch_misses
from baton.store.tables import alerts
from tests.integration.test_handoff import FULL, account, close, deal
from tests.integration.test_handoff import workspace_dir as handoff_workspace

workspace_dir = handoff_workspace
OVERRIDE = {"reason": "signed at quarter end", "approved_by": "lukas-weber"}


def shown(api, handoff_id: int) -> dict:
    return api.get(f"/v1/handoffs/{handoff_id}").json()


def only_handoff(api) -> int:
    (item,) = api.get("/v1/handoffs").json()["items"]
    return item["id"]


def escalations(live) -> list:
    with live.db.read() as conn:
        query = select(alerts).where(alerts.c.kind == "handoff.escalated").order_by(alerts.c.id)
        return conn.execute(query).all()


def test_an_incomplete_handoff_escalates_after_its_business_time_to_the_ae_manager_and_cs_lead(
    api, live, clock
):
    close(api, deal(api, account(api)), handoff_override=OVERRIDE)
    handoff_id = only_handoff(api)
    clock.advance(timedelta(hours=7, minutes=59))
    assert escalate_due_handoffs(live, clock.now()) == 0
    clock.advance(timedelta(minutes=1))
    assert escalate_due_handoffs(live, clock.now()) == 1
    h = shown(api, handoff_id)
    assert h["state"] == "escalated" and h["escalated_at"] is not None
    step = h["steps"][-1]
    assert step["kind"] == "escalated"
    assert "fields missing: customer_goals" in step["why"]
    assert "told: lukas-weber, cara-cs" in step["why"]
    told = {(a.recipient_id, a.role) for a in escalations(live)}
    assert told == {("lukas-weber", "manager"), ("cara-cs", "cs_lead")}
    # once: the next rounds find nothing to do
    clock.advance(timedelta(hours=1))
    assert escalate_due_handoffs(live, clock.now()) == 0
    assert len(escalations(live)) == 2


def test_a_reviewed_handoff_with_its_fields_never_escalates(api, live, clock):
    close(api, deal(api, account(api)), handoff=FULL)
    handoff_id = only_handoff(api)
    api.post(f"/v1/handoffs/{handoff_id}/review")
    clock.advance(timedelta(days=3))
    assert escalate_due_handoffs(live, clock.now()) == 0
    assert shown(api, handoff_id)["state"] == "complete" and escalations(live) == []


def test_fields_filled_after_an_overridden_close_complete_the_handoff(api, live, clock):
    opp = deal(api, account(api))
    close(api, opp, handoff_override=OVERRIDE)
    handoff_id = only_handoff(api)
    api.post(f"/v1/handoffs/{handoff_id}/review")
    assert shown(api, handoff_id)["state"] == "open"
    clock.advance(timedelta(hours=1))
    assert api.patch(f"/v1/opportunities/{opp}", json={"handoff": FULL}).status_code == 200
    h = shown(api, handoff_id)
    assert h["missing"] == [] and h["state"] == "complete" and h["left"] == []
    assert [s["kind"] for s in h["steps"]][-2:] == ["fields_updated", "completed"]
    # the summary the CSM reads carries the fields now, and says what changed
    assert "Halve the time new reps take to ramp" in h["summary_md"]
    assert h["summary_changes"]["fields.scope"] == [None, "50 seats, onboarding package"]
    assert "summary updated: fields.communication_preferences" in h["steps"][-2]["why"]


def test_time_to_first_touch_is_the_close_to_the_csms_first_activity(api, live, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    handoff_id = only_handoff(api)
    closed_at = clock.now()
    others = {"kind": "call", "opportunity_id": opp}
    # the AE's call is not the CSM's touch
    api.post(
        "/v1/activities",
        json={**others, "person_id": "emma-schulz", "occurred_at": closed_at.isoformat()},
    )
    assert shown(api, handoff_id)["first_touch_at"] is None
    touched = closed_at + timedelta(hours=26)
    clock.advance(timedelta(hours=27))
    response = api.post(
        "/v1/activities",
        json={**others, "person_id": "carl-csm", "occurred_at": touched.isoformat()},
    )
    assert response.status_code == 201, response.text
    h = shown(api, handoff_id)
    assert h["first_touch_at"] == touched.isoformat().replace("+00:00", "Z")
    assert (
        h["steps"][-1]["why"]
        == "carl-csm's first activity with the customer, 26.0 h after the close"
    )


def test_the_csms_first_touch_sla_is_hit_by_a_touch_within_48_hours(api, live, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    handoff_id = only_handoff(api)
    closed_at = clock.now()
    sla = shown(api, handoff_id)["first_touch_sla"]
    assert sla["state"] == "pending" and sla["calendar"] == "24/7"
    assert sla["due_at"] == (closed_at + timedelta(hours=48)).isoformat().replace("+00:00", "Z")
    touched = closed_at + timedelta(hours=30)
    clock.advance(timedelta(hours=31))
    body = {"kind": "email", "opportunity_id": opp, "person_id": "carl-csm"}
    api.post("/v1/activities", json={**body, "occurred_at": touched.isoformat()})
    sla = shown(api, handoff_id)["first_touch_sla"]
    assert sla["state"] == "hit" and sla["response_business_seconds"] == 30 * 3600


def test_no_touch_within_48_hours_is_a_miss_as_of_now_before_any_timer(api, live, clock):
    close(api, deal(api, account(api)), handoff=FULL)
    handoff_id = only_handoff(api)
    clock.advance(timedelta(hours=47, minutes=59))
    assert shown(api, handoff_id)["first_touch_sla"]["state"] == "pending"
    clock.advance(timedelta(minutes=2))  # past the deadline: a miss, timer or not
    assert shown(api, handoff_id)["first_touch_sla"]["state"] == "miss"


def test_a_missed_first_touch_is_told_once_to_the_csm_and_the_cs_lead(api, live, clock):
    close(api, deal(api, account(api)), handoff=FULL)
    touched = deal(api, account(api, name="Globex", domains=["globex.com"]), handoff=FULL)
    close(api, touched)
    api.post(
        "/v1/activities",
        json={
            "kind": "call",
            "opportunity_id": touched,
            "person_id": "dana-csm",
            "occurred_at": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    )
    clock.advance(timedelta(hours=47))
    assert tell_first_touch_misses(live, clock.now()) == 0
    clock.advance(timedelta(hours=1, minutes=1))
    assert tell_first_touch_misses(live, clock.now()) == 1
    assert tell_first_touch_misses(live, clock.now() + timedelta(hours=1)) == 0
    with live.db.read() as conn:
        kind = alerts.c.kind == "handoff.first_touch_missed"
        told = conn.execute(select(alerts.c.recipient_id, alerts.c.role).where(kind)).all()
    assert sorted(told) == [("cara-cs", "cs_lead"), ("carl-csm", "owner")]
    (first, _second) = api.get("/v1/handoffs").json()["items"]
    step = shown(api, first["id"])["steps"][-1]
    assert step["kind"] == "first_touch_missed"
    assert step["why"].startswith("carl-csm made no first touch by 2026-11-04T15:00:00")
