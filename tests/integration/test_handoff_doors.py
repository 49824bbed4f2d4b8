"""The handoff through its doors: GET /v1/handoffs (filters, cursor), GET /v1/handoffs/ID,
POST /v1/handoffs/ID/review (completion = fields + CSM + review), the OpenAPI document, and
`baton handoff list|show|review` giving the same answers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from baton.cli.main import cli
from tests.integration.test_handoff import FULL, account, close, deal
from tests.integration.test_handoff import workspace_dir as handoff_workspace

workspace_dir = handoff_workspace


@pytest.fixture
def run(live, workspace_dir):
    def invoke(*args: str) -> Result:
        env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)

    return invoke


@pytest.fixture
def closed(api) -> tuple[int, int]:
    """One complete-able handoff (fields present) and one overridden without its fields."""
    first = deal(api, account(api), handoff=FULL)
    assert close(api, first).status_code == 200
    second = deal(api, account(api, name="Globex", domains=["globex.com"]), name="Globex deal")
    override = {"reason": "signed at quarter end", "approved_by": "lukas-weber"}
    assert close(api, second, handoff_override=override).status_code == 200
    items = api.get("/v1/handoffs").json()["items"]
    return items[0]["id"], items[1]["id"]


def test_handoffs_are_listed_with_filters_and_a_cursor(api, closed):
    page = api.get("/v1/handoffs").json()
    assert [h["deal_name"] for h in page["items"]] == ["Initech — 50 seats", "Globex deal"]
    assert page["next_after_id"] is None
    assert [h["csm_id"] for h in page["items"]] == ["carl-csm", "dana-csm"]
    first = api.get("/v1/handoffs", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_after_id"] == closed[0]
    rest = api.get("/v1/handoffs", params={"after_id": first["next_after_id"]}).json()
    assert [h["id"] for h in rest["items"]] == [closed[1]]
    assert [h["id"] for h in api.get("/v1/handoffs", params={"csm": "dana-csm"}).json()["items"]]
    assert api.get("/v1/handoffs", params={"state": "complete"}).json()["items"] == []


def test_a_bad_filter_is_a_422_naming_it_and_an_unknown_handoff_a_404(api, closed):
    response = api.get("/v1/handoffs", params={"state": "done"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "state"
    assert api.get("/v1/handoffs/999").status_code == 404
    assert api.post("/v1/handoffs/999/review").status_code == 404


def test_completion_is_fields_present_csm_assigned_and_summary_reviewed(api, closed):
    complete_able, overridden = closed
    shown = api.get(f"/v1/handoffs/{complete_able}").json()
    assert shown["state"] == "open" and shown["left"] == ["summary not reviewed by the CSM"]
    reviewed = api.post(f"/v1/handoffs/{complete_able}/review").json()
    assert reviewed == {"state": "complete", "left": [], "already": False}
    shown = api.get(f"/v1/handoffs/{complete_able}").json()
    assert shown["task"]["state"] == "done" and shown["completed_at"] is not None
    assert [s["kind"] for s in shown["steps"]][-2:] == ["reviewed", "completed"]
    again = api.post(f"/v1/handoffs/{complete_able}/review").json()
    assert again["already"] is True
    # an overridden close stays incomplete: its fields are still missing
    left = api.post(f"/v1/handoffs/{overridden}/review").json()
    assert left["state"] == "open"
    assert left["left"][0].startswith("fields missing: customer_goals")


def test_the_handoff_doors_are_in_the_openapi_document(api):
    doc = api.get("/openapi.json").json()
    assert {"/v1/handoffs", "/v1/handoffs/{handoff_id}", "/v1/handoffs/{handoff_id}/review"} <= set(
        doc["paths"]
    )
    ok = doc["paths"]["/v1/handoffs/{handoff_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/Handoff")
    handoff = doc["components"]["schemas"]["Handoff"]["properties"]
    assert {"steps", "assignment", "summary_md", "summary_html", "left", "task"} <= set(handoff)
    patch = json.dumps(doc["components"]["schemas"])
    assert "handoff_override" in patch


def test_the_cli_lists_shows_and_reviews_as_the_api_does(run, api, closed):
    listed = run("handoff", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [h["id"] for h in json.loads(listed.output)] == list(closed)
    table = run("handoff", "list")
    assert "Initech — 50 seats" in table.output and "carl-csm" in table.output
    shown = run("handoff", "show", str(closed[0]))
    assert shown.exit_code == 0, shown.output
    assert "CSM: carl-csm (flow csm-handoff, node round robin csms: carl-csm)" in shown.output
    assert "# Handoff: Initech — 50 seats" in shown.output
    as_json = json.loads(run("handoff", "show", str(closed[0]), "--json").output)
    assert as_json["summary_md"] == api.get(f"/v1/handoffs/{closed[0]}").json()["summary_md"]
    reviewed = run("handoff", "review", str(closed[0]))
    assert reviewed.output.strip() == f"handoff {closed[0]}: complete"
    step = api.get(f"/v1/handoffs/{closed[0]}").json()["steps"][-2]
    assert step["actor"] == "cli:tester" and step["kind"] == "reviewed"
    missing = run("handoff", "show", "999")
    assert missing.exit_code == 1 and "no handoff 999" in missing.output
