"""Disputes (playbook 000: "the final arbiter makes final ownership decisions"; issue 13
item 6), on SQLite and PostgreSQL: raised with the claimants, the record and why, they climb
the escalation path with who handles each step; only the final arbiter resolves — keep,
transfer (applied and recorded as an arbiter decision) or split credit adding up to 100 %."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.store.tables import accounts, ownership_decisions
from baton.workspace.scaffold import write_template
from tests.integration.test_openapi_shapes import documented, violations

OWNERSHIP = """
ownership:
  escalation: {path: [manager, maria-chen], arbiter: vp-sales, resolve_within: 5d}
"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


@pytest.fixture
def dispute(api) -> dict:
    acc = api.post(
        "/v1/accounts", json={"name": "Initech", "named": True, "owner_id": "emma-schulz"}
    ).json()["id"]
    body = {
        "entity": "account",
        "id": acc,
        "claimants": ["emma-schulz", "sam-ortiz"],
        "reason": "Sam booked the first meeting before Emma was assigned",
    }
    response = api.post("/v1/ownership/disputes", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_dispute_is_raised_and_goes_to_the_first_step_of_the_path(dispute, clock):
    assert dispute["state"] == "open" and dispute["level"] == 0
    assert dispute["handler_id"] == "lukas-weber"  # the owner's manager
    assert dispute["due_at"].startswith((clock.now() + timedelta(days=5)).date().isoformat())
    [raised] = dispute["steps"]
    assert raised["kind"] == "raised" and "Sam booked the first meeting" in raised["why"]


def test_it_climbs_the_escalation_path_to_the_final_arbiter(api, dispute):
    url = f"/v1/ownership/disputes/{dispute['id']}/escalate"
    step1 = api.post(url, json={"why": "the managers disagree"}).json()
    assert (step1["level"], step1["handler_id"]) == (1, "maria-chen")
    step2 = api.post(url, json={}).json()
    assert (step2["level"], step2["handler_id"]) == (2, "vp-sales")
    top = api.post(url, json={})
    assert top.status_code == 422 and "final arbiter already" in top.text


def test_only_the_final_arbiter_resolves(api, dispute):
    url = f"/v1/ownership/disputes/{dispute['id']}/resolve"
    response = api.post(url, json={"outcome": "keep", "resolved_by": "lukas-weber"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "resolved_by"
    kept = api.post(url, json={"outcome": "keep", "resolved_by": "vp-sales", "note": "ok"})
    assert kept.status_code == 200 and kept.json()["state"] == "resolved"
    again = api.post(url, json={"outcome": "keep", "resolved_by": "vp-sales"})
    assert again.status_code == 422 and "already resolved" in again.text


def test_a_transfer_is_applied_and_recorded_as_the_arbiters_decision(api, live, dispute):
    url = f"/v1/ownership/disputes/{dispute['id']}/resolve"
    body = {
        "outcome": "transfer",
        "resolved_by": "vp-sales",
        "new_owner": "sam-ortiz",
        "note": "Sam sourced it",
    }
    response = api.post(url, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "transfer"
    with live.db.read() as conn:
        owner = conn.execute(
            select(accounts.c.owner_id).where(accounts.c.id == dispute["record_id"])
        ).scalar_one()
        [d] = conn.execute(select(ownership_decisions)).all()
    assert owner == "sam-ortiz"
    assert (d.exception, d.approved_by) == ("arbiter_decision", "vp-sales")
    assert d.reason == f"dispute {dispute['id']}: Sam sourced it"


def test_split_credit_adds_up_to_100_percent_among_the_claimants(api, dispute):
    url = f"/v1/ownership/disputes/{dispute['id']}/resolve"
    bad = api.post(
        url,
        json={
            "outcome": "split",
            "resolved_by": "vp-sales",
            "split": {"emma-schulz": 60, "priya-nair": 30},
        },
    )
    assert bad.status_code == 422
    messages = " ".join(e["message"] for e in bad.json()["detail"])
    assert "priya-nair is not a claimant" in messages and "add up to 90 %" in messages
    ok = api.post(
        url,
        json={
            "outcome": "split",
            "resolved_by": "vp-sales",
            "split": {"emma-schulz": 60, "sam-ortiz": 40},
        },
    )
    assert ok.status_code == 200
    assert ok.json()["split"] == {"emma-schulz": 60, "sam-ortiz": 40}
    assert ok.json()["steps"][-1]["why"].startswith("credit split emma-schulz 60 %")


def test_bad_input_names_the_field_and_the_list_matches_the_openapi_document(api, dispute):
    missing = api.post(
        "/v1/ownership/disputes",
        json={"entity": "account", "id": 999999, "claimants": ["sam-ortiz"], "reason": "x"},
    )
    assert missing.status_code == 404
    nobody = api.post(
        "/v1/ownership/disputes",
        json={
            "entity": "account",
            "id": dispute["record_id"],
            "claimants": ["nobody"],
            "reason": "x",
        },
    )
    assert nobody.status_code == 422 and nobody.json()["detail"][0]["field"] == "claimants[0]"
    page = api.get("/v1/ownership/disputes", params={"state": "open"}).json()
    assert [d["id"] for d in page["items"]] == [dispute["id"]]
    spec = api.get("/openapi.json").json()
    assert violations(documented(spec, "/v1/ownership/disputes", "get", "200"), page) == []
    assert api.get("/v1/ownership/disputes/999").status_code == 404


def test_baton_dispute_raise_escalate_resolve_and_list_equal_the_api(api, live, workspace_dir):
    from click.testing import CliRunner

    from baton.cli.main import cli

    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}

    def run(*args: str):
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env)

    acc = api.post("/v1/accounts", json={"name": "Globex", "owner_id": "emma-schulz"}).json()
    raised = run(
        "dispute",
        "raise",
        "account",
        str(acc["id"]),
        "--claimant",
        "emma-schulz",
        "--claimant",
        "sam-ortiz",
        "--reason",
        "both called them",
    )
    assert raised.exit_code == 0, raised.output
    assert "with lukas-weber" in raised.output
    assert run("dispute", "escalate", "1").output.startswith("dispute 1: step 2, with maria-chen")
    bad = run(
        "dispute",
        "resolve",
        "1",
        "--outcome",
        "split",
        "--by",
        "vp-sales",
        "--split",
        "emma-schulz=50",
        "--split",
        "sam-ortiz=40",
    )
    assert bad.exit_code == 1 and "add up to 90 %" in bad.output
    done = run(
        "dispute",
        "resolve",
        "1",
        "--outcome",
        "split",
        "--by",
        "vp-sales",
        "--split",
        "emma-schulz=50",
        "--split",
        "sam-ortiz=50",
    )
    assert done.exit_code == 0, done.output
    listed = run("dispute", "list", "--json")
    import json

    keys = ("id", "state", "outcome", "split", "claimants", "handler_id", "resolved_by")
    from_cli = [{k: d[k] for k in keys} for d in json.loads(listed.output)]
    from_api = [{k: d[k] for k in keys} for d in api.get("/v1/ownership/disputes").json()["items"]]
    assert from_cli == from_api
