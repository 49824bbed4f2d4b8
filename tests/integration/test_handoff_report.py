"""The handoff report (playbook 003, 4a maintenance schedule: completion below 85 %, first
touch above 48 h, escalations above 20 %): figures recounted from the handoffs, flags from
handoff.targets, the pilot view and the open handoffs; API and CLI the same."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from baton.cli.main import cli
from baton.services.handoff.escalation import escalate_due_handoffs
from tests.integration.test_handoff import FULL, account, close, deal
from tests.integration.test_handoff import workspace_dir as handoff_workspace

workspace_dir = handoff_workspace
OVERRIDE = {"reason": "quarter end", "approved_by": "lukas-weber"}


@pytest.fixture
def four(api, live, clock) -> list[int]:
    """Four closes: two SMB complete (one touched after 30 h, one after 60 h), one SMB
    overridden and escalated, one enterprise open."""
    smb = [account(api, name=n, domains=[f"{n.lower()}.com"]) for n in ("A1", "A2", "A3")]
    big = {**FULL, "risks": "r", "success_criteria": "s"}
    ids = []
    for i, acct in enumerate(smb[:2]):
        opp = deal(api, acct, name=f"smb-{i}", handoff=FULL)
        close(api, opp)
        ids.append(opp)
    third = deal(api, smb[2], name="smb-override")
    close(api, third, handoff_override=OVERRIDE)
    ent = deal(
        api, account(api, name="Ent", domains=["ent.com"], segment="Enterprise"), handoff=big
    )
    close(api, ent, name="ent")
    start = clock.now()
    handoffs = api.get("/v1/handoffs").json()["items"]
    for h in handoffs[:2]:
        api.post(f"/v1/handoffs/{h['id']}/review")
    for opp, hours in zip(ids, (30, 60), strict=True):
        (h,) = api.get("/v1/handoffs", params={"opportunity_id": opp}).json()["items"]
        at = start + timedelta(hours=hours)
        body = {"kind": "call", "opportunity_id": opp, "occurred_at": at.isoformat()}
        api.post("/v1/activities", json={**body, "person_id": h["csm_id"]})
    clock.advance(timedelta(hours=8, minutes=30))
    escalate_due_handoffs(live, clock.now())
    clock.advance(timedelta(days=3))
    return [h["id"] for h in handoffs]


def test_the_report_recounts_completion_first_touch_and_escalations_with_flags(api, four):
    data = api.get("/v1/reports/handoff").json()
    o = data["overall"]
    assert (o["closed"], o["complete"], o["escalated"], o["touched"]) == (4, 2, 2, 2)
    assert o["completion_rate"] == 0.5 and o["fields_at_close_rate"] == 0.75
    assert o["first_touch_avg_hours"] == 45.0 and o["first_touch_median_hours"] == 45.0
    assert o["flags"] == ["completion 50% < 85%", "escalations 50% > 20%"]
    # the first-touch SLA (48 h): one touch at 60 h and two deals never touched are misses
    assert o["first_touch_missed"] == 3
    assert [r["first_touch_sla"] for r in data["pilot"]] == ["hit", "miss", "miss", "miss"]
    segments = {g["key"]: g for g in data["by_segment"]}
    assert segments["SMB"]["closed"] == 3 and segments["Enterprise"]["escalated"] == 1
    csms = {g["key"]: g for g in data["by_csm"]}
    assert csms["erin-csm"]["closed"] == 1
    assert [r["deal_name"] for r in data["pilot"]] == ["smb-0", "smb-1", "smb-override", "ent"]
    assert [r["deal_name"] for r in data["open"]] == ["smb-override", "ent"]
    assert data["open"][0]["age_hours"] == 8.5 + 72
    assert data["targets"]["completion"] == 0.9


def test_a_touch_over_48_hours_on_average_is_flagged(api, four):
    csm = {g["key"]: g for g in api.get("/v1/reports/handoff").json()["by_ae"]}
    assert csm["emma-schulz"]["first_touch_avg_hours"] == 45.0
    by_csm = {g["key"]: g for g in api.get("/v1/reports/handoff").json()["by_csm"]}
    slow = [g for g in by_csm.values() if g["first_touch_avg_hours"] == 60.0]
    assert slow and "first touch 60.0 h on average > 48 h" in slow[0]["flags"]


def test_a_bad_period_is_a_422_naming_since(api):
    response = api.get(
        "/v1/reports/handoff",
        params={"since": "2026-11-10T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "since"


def test_the_cli_prints_the_same_report(api, live, workspace_dir, four):
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    period = ["--since", "2026-10-01T00:00:00+00:00", "--until", "2026-12-01T00:00:00+00:00"]
    args = ["-w", str(workspace_dir), "report", "handoff", *period]
    out = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert out.exit_code == 0, out.output
    params = {"since": "2026-10-01T00:00:00Z", "until": "2026-12-01T00:00:00Z"}
    from_api = api.get("/v1/reports/handoff", params=params).json()
    from_cli = json.loads(out.output)  # the CLI's now is the wall clock: ages differ
    for key in ("since", "until", "overall", "by_segment", "by_ae", "by_csm", "targets"):
        assert from_cli[key] == from_api[key]
    text = CliRunner().invoke(cli, args, env=env)
    assert "4 closed, 50.0% complete (target 90%)" in text.output
    assert "red flag: escalations 50% > 20%" in text.output
