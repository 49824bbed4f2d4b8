"""A missed SLA can reassign (issue 12 item 4): at the miss, once, through the routing flow
with the owner skipped, or to a queue; the old owner is not charged for the new clock,
both are told, and the trace says why."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.sla.timers import fire_due_timers
from baton.store.tables import alerts, routing_decisions, sla_clocks
from baton.workspace.scaffold import write_template

HAND_RAISER = "      lead_types: [demo-request, contact-sales]\n      threshold: 30m\n"


def workspace(tmp_path, on_miss: str):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    text = path.read_text()
    path.write_text(text.replace(HAND_RAISER, HAND_RAISER + f"      on_miss: {on_miss}\n"))
    return tmp_path


@pytest.fixture(params=["reroute"])
def workspace_dir(request, tmp_path):
    return workspace(tmp_path, "{reroute: true}")


def post(api) -> dict:
    body = {"email": "jo@initech.com", "lead_type": "demo-request"}
    response = api.post("/v1/leads", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_missed_lead_is_rerouted_once_with_the_owner_skipped(api, live, clock):
    lead = post(api)
    first = lead["owner"]["id"]
    clock.advance(timedelta(minutes=31))
    fire_due_timers(live, clock.now())
    after = api.get(f"/v1/leads/{lead['id']}").json()
    second = after["owner"]["id"]
    assert second != first and second in ("sam-ortiz", "priya-nair")
    trace = api.get(f"/v1/leads/{lead['id']}/trace").json()["decisions"]
    assert trace[-1]["trigger"] == "sla.miss"
    words = "\n".join(trace[-1]["explanation"])
    assert f"SLA rule hand-raiser missed by {first}" in words
    assert "(missed this lead's SLA)" in words  # the round robin passed over them
    with live.db.read() as conn:
        charges = conn.execute(select(sla_clocks).order_by(sla_clocks.c.id)).all()
        told = conn.execute(select(alerts.c.recipient_id).where(alerts.c.kind == "sla.reassigned"))
        told = sorted(told.scalars())
    assert [(c.owner_id, c.state) for c in charges] == [(first, "miss"), (second, "pending")]
    assert charges[1].started_at == clock.now()  # a fresh clock for the new owner, from now
    assert told == sorted([first, second])
    clock.advance(timedelta(minutes=1))
    fire_due_timers(live, clock.now())  # a second round: the miss fired once, nothing more
    with live.db.read() as conn:
        reroutes = conn.execute(
            select(routing_decisions.c.id).where(routing_decisions.c.trigger == "sla.miss")
        ).all()
    assert len(reroutes) == 1


def test_two_workers_racing_reassign_once(api, live, clock):
    lead = post(api)
    clock.advance(timedelta(minutes=31))
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        fire_due_timers(live, clock.now())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with live.db.read() as conn:
        reroutes = conn.execute(
            select(routing_decisions.c.id).where(
                routing_decisions.c.trigger == "sla.miss",
                routing_decisions.c.lead_id == lead["id"],
            )
        ).all()
    assert len(reroutes) == 1


def test_a_touched_lead_is_not_reassigned(api, live, clock):
    lead = post(api)
    owner = lead["owner"]["id"]
    clock.advance(timedelta(minutes=20))
    touch = {"lead_id": lead["id"], "kind": "call", "person_id": owner}
    api.post("/v1/activities", json=touch | {"occurred_at": clock.now().isoformat()})
    clock.advance(timedelta(minutes=15))
    fire_due_timers(live, clock.now())
    assert api.get(f"/v1/leads/{lead['id']}").json()["owner"]["id"] == owner


def test_a_missed_lead_can_go_to_a_queue_instead(api, live, clock, workspace_dir):
    from baton.services.versions.versions import activate_version, apply_workspace
    from baton.workspace.loader import load_workspace

    path = workspace_dir / "baton.yaml"
    path.write_text(path.read_text().replace("{reroute: true}", "{queue: inbound-triage}"))
    activate_version(live, apply_workspace(live, load_workspace(workspace_dir), "t").number, "t")
    lead = post(api)
    first = lead["owner"]["id"]
    clock.advance(timedelta(minutes=31))
    fire_due_timers(live, clock.now())
    after = api.get(f"/v1/leads/{lead['id']}").json()
    assert after["owner"] is None and after["queue"] == "inbound-triage"
    trace = api.get(f"/v1/leads/{lead['id']}/trace").json()["decisions"][-1]
    assert "to queue inbound-triage" in "\n".join(trace["explanation"])
    with live.db.read() as conn:
        (charge,) = conn.execute(select(sla_clocks)).all()
    assert (charge.owner_id, charge.state) == (first, "miss")
