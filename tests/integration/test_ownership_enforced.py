"""Rules of engagement enforced through the API (playbook 000, 2d checklist), on SQLite and
PostgreSQL: a protected account's owner cannot be changed by a rep, the block says which
rule and what to do and is recorded with its trace; a manager's override, a segment handoff
and the arbiter's decision pass and are recorded with who and why; a partner-registered deal
and cooling-off after closed-lost hold for their windows, to the exact instant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.store.tables import accounts, events, opportunities, ownership_decisions
from baton.workspace.scaffold import write_template
from tests.integration.test_openapi_shapes import documented, violations

OWNERSHIP = """
ownership:
  deal_registration: {window: 30d}
  cooling_off: {after_closed_lost: 60d}
  escalation: {path: [manager], arbiter: vp-sales}
"""
NAMED_MESSAGE = (
    "This account is protected under Named Account rules. Contact your manager to request "
    "ownership transfer."
)


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def account(api, **fields) -> int:
    body = {"name": "Initech", "domains": ["initech.com"], "segment": "SMB", **fields}
    response = api.post("/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def opportunity(api, account_id: int | None, **fields) -> int:
    body = {
        "name": "Initech 50 seats",
        "account_id": account_id,
        "owner_id": "sam-ortiz",
        "stage": "Discovery",
        **fields,
    }
    response = api.post("/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def decisions(baton) -> list:
    with baton.db.read() as conn:
        return conn.execute(select(ownership_decisions).order_by(ownership_decisions.c.id)).all()


def test_a_protected_accounts_owner_cannot_be_changed_by_a_rep(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    response = api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair", "name": "X"})
    assert response.status_code == 409
    with live.db.read() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == acc)).one()
        logged = conn.execute(
            select(func.count()).select_from(events).where(events.c.kind == "account.assigned")
        ).scalar_one()
    assert (row.owner_id, row.name) == ("sam-ortiz", "Initech")  # nothing of it was kept
    assert logged == 0


def test_the_block_says_which_rule_and_what_to_do_and_stores_its_trace(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    detail = api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"}).json()["detail"]
    assert detail["message"] == NAMED_MESSAGE
    assert detail["rule"] == "named_account"
    assert [s["outcome"] for s in detail["steps"]] == ["protects", "blocks"]
    [stored] = decisions(live)
    assert stored.id == detail["decision_id"]
    assert (stored.kind, stored.rule, stored.entity, stored.record_id) == (
        "block",
        "named_account",
        "account",
        acc,
    )
    assert (stored.old_owner_id, stored.new_owner_id) == ("sam-ortiz", "priya-nair")
    assert stored.actor.startswith("api:") and stored.message == NAMED_MESSAGE
    assert "flagged named" in stored.steps[0]["why"]
    listed = api.get("/v1/ownership/decisions", params={"kind": "block"}).json()
    assert [d["id"] for d in listed["items"]] == [stored.id]


def test_an_open_opportunity_on_a_named_account_is_protected_too(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    opp = opportunity(api, acc)
    response = api.patch(f"/v1/opportunities/{opp}", json={"owner_id": "priya-nair"})
    assert response.status_code == 409
    assert response.json()["detail"]["message"].startswith(
        "This opportunity's account is protected under Named Account rules"
    )


def test_an_unprotected_account_changes_hands_as_before(api, live):
    acc = account(api, owner_id="sam-ortiz")
    response = api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"})
    assert response.status_code == 200
    assert response.json()["changed"]["owner_id"] == ["sam-ortiz", "priya-nair"]
    assert decisions(live) == []


def test_a_manager_may_override_recorded_with_who_and_why(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    body = {
        "entity": "account",
        "id": acc,
        "owner_id": "priya-nair",
        "exception": "manager_override",
        "approved_by": "maria-chen",
        "reason": "Sam moves to partnerships",
    }
    response = api.post("/v1/ownership/transfers", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["changed"] == {"owner_id": ["sam-ortiz", "priya-nair"]}
    [stored] = decisions(live)
    assert (stored.kind, stored.exception, stored.approved_by, stored.reason) == (
        "exception",
        "manager_override",
        "maria-chen",
        "Sam moves to partnerships",
    )
    assert stored.steps[-1]["outcome"] == "allows"
    assert response.json()["decision"]["id"] == stored.id
    with live.db.read() as conn:
        assert (
            conn.execute(select(accounts.c.owner_id).where(accounts.c.id == acc)).scalar()
            == "priya-nair"
        )


def test_an_override_by_a_rep_is_refused_and_recorded(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    body = {
        "entity": "account",
        "id": acc,
        "owner_id": "priya-nair",
        "exception": "manager_override",
        "approved_by": "priya-nair",
        "reason": "mine",
    }
    response = api.post("/v1/ownership/transfers", json=body)
    assert response.status_code == 409
    assert "not a manager" in response.json()["detail"]["message"]
    assert [d.kind for d in decisions(live)] == ["block"]


def test_a_segment_handoff_and_the_arbiters_decision_pass_and_are_recorded(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True, segment="SMB")
    handoff = {
        "entity": "account",
        "id": acc,
        "owner_id": "emma-schulz",
        "exception": "segment_handoff",
        "approved_by": "emma-schulz",
        "reason": "grew past 200 employees",
        "new_segment": "MM",
    }
    response = api.post("/v1/ownership/transfers", json=handoff)
    assert response.status_code == 200, response.text
    assert response.json()["changed"]["segment"] == ["SMB", "MM"]
    arbiter = {
        "entity": "account",
        "id": acc,
        "owner_id": "priya-nair",
        "exception": "arbiter_decision",
        "approved_by": "vp-sales",
        "reason": "dispute 4: Priya sourced the deal",
    }
    assert api.post("/v1/ownership/transfers", json=arbiter).status_code == 200
    assert [(d.exception, d.approved_by) for d in decisions(live)] == [
        ("segment_handoff", "emma-schulz"),
        ("arbiter_decision", "vp-sales"),
    ]
    not_arbiter = {**arbiter, "owner_id": "sam-ortiz", "approved_by": "maria-chen"}
    assert api.post("/v1/ownership/transfers", json=not_arbiter).status_code == 409


def test_a_partner_registered_deal_is_protected_for_its_window(api, live, clock):
    registered = clock.now()
    opp = opportunity(api, None, partner="Acme Partners", registered_at=registered.isoformat())
    clock.set(registered + timedelta(days=30) - timedelta(seconds=1))
    response = api.patch(f"/v1/opportunities/{opp}", json={"owner_id": "priya-nair"})
    assert response.status_code == 409
    assert response.json()["detail"]["rule"] == "deal_registration"
    assert "Acme Partners" in response.json()["detail"]["message"]
    clock.set(registered + timedelta(days=30))  # the exact end of the window: free
    assert api.patch(f"/v1/opportunities/{opp}", json={"owner_id": "priya-nair"}).status_code == 200


def test_cooling_off_after_closed_lost(api, live, clock):
    acc = account(api, owner_id="sam-ortiz")
    opp = opportunity(api, acc)
    assert api.patch(f"/v1/opportunities/{opp}", json={"stage": "Closed Lost"}).status_code == 200
    with live.db.read() as conn:
        lost_at = conn.execute(
            select(opportunities.c.updated_at).where(opportunities.c.id == opp)
        ).scalar_one()
    clock.set(lost_at + timedelta(days=60) - timedelta(seconds=1))
    response = api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"})
    assert response.status_code == 409
    assert response.json()["detail"]["rule"] == "cooling_off"
    clock.set(lost_at + timedelta(days=60))
    assert api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"}).status_code == 200


def test_a_transfer_names_a_bad_field(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    body = {
        "entity": "account",
        "id": acc,
        "owner_id": "nobody",
        "exception": "segment_handoff",
        "approved_by": "maria-chen",
        "reason": "x",
    }
    response = api.post("/v1/ownership/transfers", json=body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"owner_id", "new_segment"}
    missing = api.post("/v1/ownership/transfers", json={**body, "id": 999999})
    assert missing.status_code == 404


def test_the_rules_read_as_if_then_sentences(api, live):
    rules = api.get("/v1/ownership/rules").json()
    assert rules["version"] == 1
    assert {r["rule"] for r in rules["rules"]} >= {"named_account", "ownership_timeout"}
    assert all(r["sentence"].startswith("IF ") for r in rules["rules"])


def test_the_decisions_and_the_409_are_sent_as_the_openapi_document_describes_them(api, live):
    acc = account(api, owner_id="sam-ortiz", named=True)
    blocked = api.patch(f"/v1/accounts/{acc}", json={"owner_id": "priya-nair"}).json()
    spec = api.get("/openapi.json").json()
    page = api.get("/v1/ownership/decisions").json()
    assert violations(documented(spec, "/v1/ownership/decisions", "get", "200"), page) == []
    block = documented(spec, "/v1/ownership/transfers", "post", "409")
    assert violations(block, blocked["detail"]) == []
    bad = api.get("/v1/ownership/decisions", params={"kind": "nope", "since": "2026-01-01"})
    assert bad.status_code == 422
