"""Engagement rules on every activity (playbook 000, 2d: "duplicate outreach alert triggers
when two reps contact the same account within the window"; issue 13 items 4-5), on SQLite
and PostgreSQL: duplicate outreach within the window alerts both managers and not outside
it, once per pair; another rep engaging in a cooling-off period or a registered deal's
window is a violation to the managers; each is recorded with why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.store.tables import alerts, ownership_decisions
from baton.workspace.scaffold import write_template

OWNERSHIP = """
ownership:
  duplicate_outreach: {window: 14d}
  cooling_off: {after_closed_lost: 30d}
  deal_registration: {window: 60d}
"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def touch(api, person: str, at, **on) -> None:
    body = {"kind": "call", "person_id": person, "occurred_at": at.isoformat(), **on}
    response = api.post("/v1/activities", json=body)
    assert response.status_code == 201, response.text


def violations(live) -> list:
    with live.db.read() as conn:
        d = ownership_decisions.c
        return conn.execute(
            select(ownership_decisions).where(d.kind == "violation").order_by(d.id)
        ).all()


def told(live) -> list[tuple[str, str]]:
    with live.db.read() as conn:
        rows = conn.execute(select(alerts.c.recipient_id, alerts.c.kind).order_by(alerts.c.id))
        return [tuple(r) for r in rows]


def test_duplicate_outreach_alerts_both_managers_within_the_window(api, live, clock):
    acc = api.post("/v1/accounts", json={"name": "Initech", "owner_id": "emma-schulz"}).json()
    t0 = clock.now()
    touch(api, "emma-schulz", t0, account_id=acc["id"])
    touch(api, "sam-ortiz", t0 + timedelta(days=13), account_id=acc["id"])
    [v] = violations(live)
    assert (v.rule, v.account_id) == ("duplicate_outreach", acc["id"])
    assert "emma-schulz touched the account" in v.message and "within 14 days" in v.message
    assert told(live) == [
        ("lukas-weber", "ownership.violation"),
        ("maria-chen", "ownership.violation"),
    ]
    touch(api, "sam-ortiz", t0 + timedelta(days=14), account_id=acc["id"])  # same pair: once
    assert len(violations(live)) == 1


def test_duplicate_outreach_outside_the_window_is_not_a_violation(api, live, clock):
    acc = api.post("/v1/accounts", json={"name": "Initech"}).json()
    t0 = clock.now()
    touch(api, "emma-schulz", t0, account_id=acc["id"])
    touch(api, "sam-ortiz", t0 + timedelta(days=14), account_id=acc["id"])  # the exact end
    touch(api, "emma-schulz", t0 + timedelta(days=28), account_id=acc["id"])  # 14 after sam
    touch(api, "emma-schulz", t0 + timedelta(days=29), account_id=acc["id"])  # the same rep
    assert violations(live) == []


def test_touches_through_a_deal_on_the_account_count_too(api, live, clock):
    acc = api.post("/v1/accounts", json={"name": "Initech"}).json()
    opp = api.post(
        "/v1/opportunities",
        json={
            "name": "d",
            "account_id": acc["id"],
            "stage": "Discovery",
            "owner_id": "emma-schulz",
        },
    )
    touch(api, "emma-schulz", clock.now(), opportunity_id=opp.json()["id"])
    touch(api, "priya-nair", clock.now() + timedelta(days=2), account_id=acc["id"])
    assert [v.rule for v in violations(live)] == ["duplicate_outreach"]


def test_engaging_an_account_in_its_cooling_off_period_is_a_violation(api, live, clock):
    acc = api.post("/v1/accounts", json={"name": "Initech", "owner_id": "emma-schulz"}).json()
    opp = api.post(
        "/v1/opportunities",
        json={
            "name": "d",
            "account_id": acc["id"],
            "stage": "Closed Lost",
            "owner_id": "emma-schulz",
        },
    )
    assert opp.status_code == 201
    clock.advance(timedelta(days=20))
    touch(api, "sam-ortiz", clock.now(), account_id=acc["id"])
    [v] = violations(live)
    assert v.rule == "cooling_off" and "inside the cooling-off period" in v.message


def test_engaging_a_registered_deal_inside_its_window_is_a_violation(api, live, clock):
    opp = api.post(
        "/v1/opportunities",
        json={
            "name": "d",
            "stage": "Discovery",
            "owner_id": "emma-schulz",
            "partner": "Acme Partners",
            "registered_at": clock.now().isoformat(),
        },
    ).json()
    touch(api, "emma-schulz", clock.now(), opportunity_id=opp["id"])  # its owner: fine
    touch(api, "sam-ortiz", clock.now() + timedelta(days=59), opportunity_id=opp["id"])
    touch(api, "priya-nair", clock.now() + timedelta(days=60), opportunity_id=opp["id"])
    rules = [v.rule for v in violations(live)]
    assert rules.count("deal_registration") == 1
    listed = api.get("/v1/ownership/decisions", params={"kind": "violation"}).json()["items"]
    assert {d["rule"] for d in listed} == set(rules)


def test_the_red_flags_are_computed_and_a_violation_can_be_resolved(api, live, clock):
    acc = api.post("/v1/accounts", json={"name": "Initech"}).json()
    touch(api, "emma-schulz", clock.now(), account_id=acc["id"])
    touch(api, "sam-ortiz", clock.now(), account_id=acc["id"])
    [v] = violations(live)
    clock.advance(timedelta(hours=48))
    first = api.get("/v1/ownership/health")
    assert first.status_code == 200, first.text
    assert first.json()["violations_flag"] is False  # exactly 48 h
    clock.advance(timedelta(seconds=1))
    health = api.get("/v1/ownership/health").json()
    assert health["violations_unresolved_over_48h"] == 1 and health["violations_flag"] is True
    assert health["timeout_share_flag"] is False and health["disputes_flag"] is False
    url = f"/v1/ownership/decisions/{v.id}/resolve"
    done = api.post(url, json={"resolved_by": "lukas-weber", "note": "talked to both"})
    assert done.status_code == 200, done.text
    assert (done.json()["resolved_by"], done.json()["resolution"]) == (
        "lukas-weber",
        "talked to both",
    )
    assert api.get("/v1/ownership/health").json()["violations_flag"] is False
    assert api.post(url, json={"resolved_by": "lukas-weber"}).status_code == 422
    assert (
        api.post(
            "/v1/ownership/decisions/999/resolve", json={"resolved_by": "lukas-weber"}
        ).status_code
        == 404
    )
