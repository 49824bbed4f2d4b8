"""A reassignment by hand is a person's decision: it is recorded (who, when, from whom) and
never charged to the machines — ``assigned_at`` stays the first assignment, so systems delay
runs from engagement to the routing that first assigned the lead."""

from __future__ import annotations

from datetime import timedelta

from tests.web_support import client_for, make_users


def test_a_reassignment_by_hand_keeps_the_first_assignment_and_is_recorded(api, live, clock):
    engaged = clock.now() - timedelta(minutes=2)
    lead = api.post(
        "/v1/leads",
        json={"email": "jo@initech.com", "engaged_at": engaged.isoformat()},
    ).json()
    first_owner = lead["owner"]["id"]
    assert lead["speed_to_lead"]["systems_delay_seconds"] == 120  # routed on arrival

    clock.advance(timedelta(seconds=63))
    other = "emma-schulz" if first_owner != "emma-schulz" else "sam-ortiz"
    changed = api.patch(f"/v1/leads/{lead['id']}", json={"owner_id": other}).json()
    assert "assigned_at" not in changed["changed"]
    after = changed["lead"]
    assert after["timestamps"]["assigned_at"] == lead["timestamps"]["assigned_at"]
    assert after["speed_to_lead"]["systems_delay_seconds"] == 120  # not 183: no machine delay

    (by_hand,) = [
        e
        for e in api.get("/v1/events", params={"kind": "lead.assigned"}).json()["items"]
        if e["payload"]["by"] == "manual"
    ]
    assert by_hand["actor"] == "api:t-admin" and by_hand["occurred_at"] == "2026-11-02T15:01:03Z"
    assert by_hand["payload"]["previous_owner_id"] == first_owner

    make_users(live)
    page = client_for(live, "admin").get(f"/leads/{lead['id']}").text
    assert f"reassigned by hand from {first_owner} to {other} by api:t-admin" in page


def test_a_lead_taken_from_a_queue_by_hand_is_assigned_then(api, live, clock):
    away = {"starts_at": clock.now().isoformat(), "ends_at": "2026-11-09T15:00:00Z"}
    for person in ("sam-ortiz", "priya-nair"):  # the round robin's members: the fallback queue
        api.patch(f"/v1/people/{person}", json={"out_of_office": [away]})
    lead = api.post("/v1/leads", json={"email": "x@gmail.com"}).json()
    assert lead["owner"] is None and lead["queue"] == "inbound-triage"
    assert lead["timestamps"]["assigned_at"] is None
    clock.advance(timedelta(minutes=5))
    after = api.patch(f"/v1/leads/{lead['id']}", json={"owner_id": "sam-ortiz"}).json()["lead"]
    assert after["timestamps"]["assigned_at"] == "2026-11-02T15:05:00Z"
