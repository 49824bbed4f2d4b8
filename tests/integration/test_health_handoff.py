"""Issue 15 item 1, the handoff's monitors (playbook 003, 4a): completion under 85 %,
CSM time to first touch over 48 h and escalations over 20 % turn red, each equal to a
recount from the stored handoffs, with the handoff.targets as thresholds; fewer handoffs
than health.min_sample are not judged. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.handoff.escalation import escalate_due_handoffs
from baton.services.health.registry import evaluate
from baton.store.tables import handoffs
from tests.integration.test_handoff import FULL, account, close, deal, write_handoff_workspace

HEALTH = "\nhealth:\n  min_sample: 4\n"


@pytest.fixture
def workspace_dir(tmp_path):
    root = write_handoff_workspace(tmp_path)
    path = root / "baton.yaml"
    path.write_text(path.read_text() + HEALTH)
    return root


def monitors(live) -> dict:
    with live.db.read() as conn:
        return {m.name: m for m in evaluate(conn, live.clock.now())}


def recount(live) -> dict[str, float]:
    with live.db.read() as conn:
        rows = conn.execute(select(handoffs)).all()
    touched = [r.first_touch_at - r.first_closed_at for r in rows if r.first_touch_at]
    return {
        "completion": sum(r.state == "complete" for r in rows) / len(rows),
        "escalation": sum(r.state == "escalated" for r in rows) / len(rows),
        "touch": sum(t.total_seconds() for t in touched) / len(touched),
    }


def test_the_handoff_monitors_turn_red_past_their_targets(api, live, clock):
    acct = account(api)
    opps = [deal(api, acct, handoff=FULL, name=f"Initech — {i}") for i in range(5)]
    for opp in opps:
        close(api, opp)
    clock.advance(timedelta(minutes=1))  # the monitors' 30 days end at now, exclusive
    assert monitors(live)["handoff_completion"].status.value == "red"  # none reviewed yet
    ids = [h["id"] for h in api.get("/v1/handoffs").json()["items"]]
    for handoff_id in ids[:4]:  # four of five reviewed: 80 % complete, under 85 %
        assert api.post(f"/v1/handoffs/{handoff_id}/review").status_code == 200
    for i, opp in enumerate(opps[:4]):  # first touches at 50-56 h: over 48 h on average
        at = clock.now() - timedelta(minutes=1) + timedelta(hours=50 + 2 * i)
        body = {"kind": "call", "opportunity_id": opp, "person_id": "carl-csm"}
        api.post("/v1/activities", json=body | {"occurred_at": at.isoformat()})
    clock.advance(timedelta(days=3))
    escalate_due_handoffs(live, clock.now())  # the fifth, unreviewed: escalated, 20 %
    found, truth = monitors(live), recount(live)
    completion = found["handoff_completion"]
    assert completion.value == pytest.approx(truth["completion"]) == 0.8
    assert (completion.status.value, completion.threshold) == ("red", 0.85)
    touch = found["handoff_first_touch"]
    assert touch.value == pytest.approx(truth["touch"])
    assert (touch.status.value, touch.threshold) == ("red", 48 * 3600)
    escalated = found["handoff_escalations"]
    assert escalated.value == pytest.approx(truth["escalation"]) == 0.2
    assert escalated.status.value != "red"  # exactly 20 %: not over it
    assert escalated.records.startswith("/handoffs?") and "count=escalated" in escalated.records


def test_too_few_handoffs_are_not_judged(api, live, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    clock.advance(timedelta(minutes=1))
    found = monitors(live)
    assert found["handoff_completion"].status.value == "not_judged"
    assert "0 of 1 handoffs" in found["handoff_completion"].detail
