"""Issue 14 item 8: "Sales edits the handoff fields; CS reads them and edits the intake
fields" — on SQLite and PostgreSQL. An ingest token (Sales' systems) writes the deal and its
handoff fields; a cs token (Customer Success' tools) writes only the intake fields
(`side: cs`) and reviews; either crossing over is a 403 naming the fields, and nothing of
the change is kept."""

from __future__ import annotations

import pytest

from tests.integration.test_handoff import FULL, account, close, deal, write_handoff_workspace

INTAKE = """\
  fields:
    kickoff_date: {type: date, side: cs, help: "The kickoff call's date, set by the CSM"}
"""


@pytest.fixture
def workspace_dir(tmp_path):
    root = write_handoff_workspace(tmp_path)
    path = root / "baton.yaml"
    path.write_text(path.read_text() + INTAKE)
    return root


def test_cs_fills_an_intake_field_after_the_close(api):
    opp = deal(api, account(api), handoff=FULL)
    assert close(api, opp).status_code == 200
    cs = api.as_("cs", "read")
    body = {"handoff": {**FULL, "kickoff_date": "2026-12-10"}}
    response = cs.patch(f"/v1/opportunities/{opp}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["changed"]["handoff"][1]["kickoff_date"] == "2026-12-10"
    assert cs.get(f"/v1/opportunities/{opp}").json()["handoff"]["kickoff_date"] == "2026-12-10"


def test_cs_cannot_change_sales_fields_or_the_deal_and_nothing_is_kept(api):
    opp = deal(api, account(api), handoff=FULL)
    cs = api.as_("cs")
    changed = {**FULL, "customer_goals": "something else", "kickoff_date": "2026-12-10"}
    response = cs.patch(f"/v1/opportunities/{opp}", json={"handoff": changed})
    assert response.status_code == 403, response.text
    assert response.json()["detail"]["fields"] == ["customer_goals"]
    response = cs.patch(f"/v1/opportunities/{opp}", json={"stage": "Closed Won"})
    assert response.status_code == 403 and response.json()["detail"]["fields"] == ["stage"]
    stored = api.get(f"/v1/opportunities/{opp}").json()
    assert stored["handoff"] == FULL and stored["stage"] == "Negotiation"
    assert cs.patch("/v1/leads/1", json={"first_name": "X"}).status_code == 403


def test_sales_cannot_write_an_intake_field_on_a_change_or_a_creation(api):
    sales = api.as_("ingest", "read")
    acct = account(api)
    opp = deal(sales, acct, handoff=FULL)
    body = {"handoff": {**FULL, "kickoff_date": "2026-12-10"}}
    response = sales.patch(f"/v1/opportunities/{opp}", json=body)
    assert response.status_code == 403
    assert response.json()["detail"]["fields"] == ["kickoff_date"]
    assert "cs scope" in response.json()["detail"]["message"]
    item = {"name": "Initech — 2", "account_id": acct, "stage": "Negotiation", **body}
    response = sales.post("/v1/opportunities", json={"items": [item]})
    (rejected,) = response.json()["items"]
    assert rejected["status"] == "rejected"
    assert rejected["errors"][0]["field"] == "handoff.kickoff_date"


def test_an_admin_token_writes_both_sides(api):
    opp = deal(api, account(api), handoff={**FULL, "kickoff_date": "2026-12-10"})
    assert api.get(f"/v1/opportunities/{opp}").json()["handoff"]["kickoff_date"] == "2026-12-10"


def test_cs_reviews_the_handoff_with_its_own_token(api):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    (h,) = api.get("/v1/handoffs").json()["items"]
    response = api.as_("cs").post(f"/v1/handoffs/{h['id']}/review")
    assert response.status_code == 200, response.text
    assert api.as_("read").post(f"/v1/handoffs/{h['id']}/review").status_code == 403
