"""The disputes' resolution SLA run by the worker (issue 13 item 6), on SQLite and PostgreSQL:
the holder is reminded at the exact reminder instant and not a moment before, once per level
however often the sweep runs; an overdue dispute escalates to the final arbiter (or is flagged,
as configured) and its holder is told through the alerts outbox; a resolved dispute owes
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.ownership.dispute_sla import remind_due_disputes
from baton.store.tables import alerts, ownership_disputes
from baton.worker import default_jobs
from baton.workspace.scaffold import write_template

OWNERSHIP = """
ownership:
  escalation: {path: [manager, maria-chen], arbiter: vp-sales, resolve_within: 5d}
  disputes: {remind_before: 1d, when_overdue: %s}
"""
TICK = timedelta(microseconds=1)


@pytest.fixture
def when_overdue() -> str:
    return "escalate"


@pytest.fixture
def workspace_dir(tmp_path, when_overdue):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP % when_overdue)
    return tmp_path


@pytest.fixture
def dispute(api) -> dict:
    acc = api.post(
        "/v1/accounts", json={"name": "Initech", "named": True, "owner_id": "emma-schulz"}
    ).json()["id"]
    body = {"entity": "account", "id": acc, "claimants": ["emma-schulz", "sam-ortiz"]}
    response = api.post("/v1/ownership/disputes", json={**body, "reason": "both called"})
    assert response.status_code == 201, response.text
    return response.json()


def told(live) -> list[tuple[str, str, str]]:
    with live.db.read() as conn:
        rows = conn.execute(
            select(alerts.c.recipient_id, alerts.c.kind, alerts.c.content).order_by(alerts.c.id)
        ).all()
    return [(r.recipient_id, r.kind, r.content["notice"]) for r in rows]


def stored(live, dispute_id: int):
    with live.db.read() as conn:
        return conn.execute(
            select(ownership_disputes).where(ownership_disputes.c.id == dispute_id)
        ).one()


def test_the_holder_is_reminded_at_the_exact_instant_once_however_often_it_runs(
    live, dispute, clock
):
    due = stored(live, dispute["id"]).due_at
    assert due == clock.now() + timedelta(days=5)
    remind_at = due - timedelta(days=1)
    assert remind_due_disputes(live, remind_at - TICK) == 0
    assert told(live) == []
    assert remind_due_disputes(live, remind_at) == 1
    for minute in range(1, 4):
        assert remind_due_disputes(live, remind_at + timedelta(minutes=minute)) == 0
    assert told(live) == [("lukas-weber", "ownership.dispute", "reminder")]
    [_, reminded] = stored(live, dispute["id"]).steps
    assert (reminded["kind"], reminded["level"], reminded["handler"]) == (
        "reminder",
        0,
        "lukas-weber",
    )
    assert "24 h left to resolve it" in reminded["why"]


def test_a_manual_escalation_reminds_the_new_holder_once(api, live, dispute, clock):
    due = stored(live, dispute["id"]).due_at
    assert remind_due_disputes(live, due - timedelta(hours=20)) == 1
    api.post(f"/v1/ownership/disputes/{dispute['id']}/escalate", json={"why": "stuck"})
    assert remind_due_disputes(live, due - timedelta(hours=10)) == 1
    assert remind_due_disputes(live, due - timedelta(hours=9)) == 0
    assert [t[0] for t in told(live)] == ["lukas-weber", "maria-chen"]


def test_an_overdue_dispute_escalates_to_the_final_arbiter_a_moment_after_due(live, dispute):
    due = stored(live, dispute["id"]).due_at
    assert remind_due_disputes(live, due) == 1  # the due instant: a reminder, not overdue
    assert stored(live, dispute["id"]).level == 0
    assert remind_due_disputes(live, due + TICK) == 1
    row = stored(live, dispute["id"])
    assert (row.level, row.handler_id, row.state) == (2, "vp-sales", "open")
    assert row.steps[-1]["kind"] == "escalated" and "overdue since" in row.steps[-1]["why"]
    assert remind_due_disputes(live, due + timedelta(days=2)) == 0
    assert told(live) == [
        ("lukas-weber", "ownership.dispute", "reminder"),
        ("vp-sales", "ownership.dispute", "overdue"),
    ]


@pytest.mark.parametrize("when_overdue", ["flag"])
def test_configured_to_flag_it_stays_with_its_holder_who_is_told_once(live, dispute):
    due = stored(live, dispute["id"]).due_at
    assert remind_due_disputes(live, due + timedelta(hours=1)) == 1
    assert remind_due_disputes(live, due + timedelta(hours=2)) == 0
    row = stored(live, dispute["id"])
    assert (row.level, row.handler_id) == (0, "lukas-weber")
    assert row.steps[-1]["kind"] == "overdue" and "flagged overdue" in row.steps[-1]["why"]
    assert told(live) == [("lukas-weber", "ownership.dispute", "overdue")]


def test_a_resolved_dispute_owes_nothing_and_the_worker_runs_the_sweep(api, live, dispute):
    url = f"/v1/ownership/disputes/{dispute['id']}/resolve"
    assert api.post(url, json={"outcome": "keep", "resolved_by": "vp-sales"}).status_code == 200
    due = stored(live, dispute["id"]).due_at
    assert remind_due_disputes(live, due + timedelta(days=1)) == 0
    assert remind_due_disputes in default_jobs()
