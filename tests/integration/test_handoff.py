"""The Sales → CS handoff on Closed Won (playbook 003, 2c steps 3-7 and the 2d technical
checklist), through the API on SQLite and PostgreSQL: the close is gated, a manager may
override with a reason, the CSM is assigned with a trace, told, tasked, and the summary
carries the deal's data; a re-opened and re-closed deal tells nobody twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.records.kinds import KINDS
from baton.services.records.payloads import OpportunityPatch
from baton.services.records.updates import patch_record
from baton.store.tables import alerts, handoff_tasks, handoffs, opportunities
from baton.workspace.scaffold import write_template

CSMS = """\
  - {id: cara-cs, name: Cara Lind, email: cara@acme.example, role: manager}
  - {id: carl-csm, name: Carl Berg, email: carl@acme.example, role: csm, manager: cara-cs}
  - {id: dana-csm, name: Dana Moss, email: dana@acme.example, role: csm, manager: cara-cs}
  - {id: erin-csm, name: Erin Vale, email: erin@acme.example, role: csm, manager: cara-cs}
"""
CSM_FLOW = """\
    - name: csm-handoff
      trigger: handoff.csm
      nodes:
        - override
        - branch:
            name: high-touch?
            if: {field: extra.tier, eq: high-touch}
            then:
              - assign: {owner: erin-csm}
        - round_robin: csms
        - fallback: {owner: cara-cs}
"""
HANDOFF = """
handoff:
  escalation: {after: 8h, cs_lead: cara-cs}
"""
FULL = {
    "customer_goals": "Halve the time new reps take to ramp",
    "stakeholders": ["Ana Ruiz (champion)", "Raj Patel (admin)"],
    "scope": "50 seats, onboarding package",
    "communication_preferences": "email, weekly on Tuesdays",
}


def write_handoff_workspace(root):
    """The init template with CSMs, a CSM pool, the csm-handoff flow and a handoff: section."""
    write_template(root)
    path = root / "baton.yaml"
    text = path.read_text()
    vp = "    role: executive\n    timezone: America/New_York\n"
    assert vp in text
    text = text.replace(vp, vp + CSMS)
    fallback = "        - fallback: {queue: inbound-triage}\n"
    text = text.replace(fallback, fallback + CSM_FLOW)
    pools = "  pools:\n"
    text = text.replace(pools, pools + "    - {id: csms, members: [carl-csm, dana-csm]}\n")
    path.write_text(text + HANDOFF)
    return root


@pytest.fixture
def workspace_dir(tmp_path):
    return write_handoff_workspace(tmp_path)


def account(api, **fields) -> int:
    body = {"name": "Initech", "domains": ["initech.com"], "segment": "SMB", **fields}
    response = api.post("/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def deal(api, account_id: int, **fields) -> int:
    body = {
        "name": "Initech — 50 seats",
        "account_id": account_id,
        "owner_id": "emma-schulz",
        "stage": "Negotiation",
        "amount": 24_000,
        "currency": "USD",
        **fields,
    }
    response = api.post("/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def close(api, opp_id: int, **body):
    return api.patch(f"/v1/opportunities/{opp_id}", json={"stage": "Closed Won", **body})


def handoff_of(live, opp_id: int):
    with live.db.read() as conn:
        return conn.execute(select(handoffs).where(handoffs.c.opportunity_id == opp_id)).first()


def test_a_deal_cannot_be_closed_won_without_customer_goals(api, live):
    opp = deal(api, account(api), handoff={**FULL, "customer_goals": ""})
    response = close(api, opp)
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert [m["field"] for m in detail["missing"]] == ["customer_goals"]
    assert detail["missing"][0]["help"].startswith("What the customer wants to achieve")
    assert detail["tier"] == "low-touch"
    # nothing of the change was kept: the stage, the handoff, the event
    assert api.get(f"/v1/opportunities/{opp}").json()["stage"] == "Negotiation"
    assert handoff_of(live, opp) is None


def test_the_fields_and_the_stage_may_come_in_one_change(api, live):
    opp = deal(api, account(api))
    response = close(api, opp, handoff=FULL)
    assert response.status_code == 200, response.text
    assert handoff_of(live, opp).state == "open"


def test_an_enterprise_deal_needs_the_high_touch_fields(api):
    opp = deal(api, account(api, segment="Enterprise"), handoff=FULL)
    detail = close(api, opp).json()["detail"]
    assert detail["tier"] == "high-touch"
    assert [m["field"] for m in detail["missing"]] == ["risks", "success_criteria"]


def test_a_manager_may_override_with_a_reason_recorded(api, live):
    opp = deal(api, account(api))
    override = {
        "reason": "customer signed early; goals call on Monday",
        "approved_by": "lukas-weber",
    }
    response = close(api, opp, handoff_override=override)
    assert response.status_code == 200, response.text
    h = handoff_of(live, opp)
    assert h.overridden and h.override_by == "lukas-weber"
    assert h.override_reason == "customer signed early; goals call on Monday"
    assert h.missing == ["customer_goals", "stakeholders", "scope", "communication_preferences"]
    assert "lukas-weber allowed it" in h.summary_md
    shown = api.get(f"/v1/handoffs/{h.id}").json()
    (step,) = [s for s in shown["steps"] if s["kind"] == "overridden"]
    assert "customer signed early" in step["why"] and step["actor"].startswith("api:")


def test_an_override_without_a_reason_is_refused_with_the_field_named(api, live):
    opp = deal(api, account(api))
    response = close(api, opp, handoff_override={"approved_by": "lukas-weber"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "handoff_override.reason"
    assert handoff_of(live, opp) is None


def test_an_override_must_come_from_a_manager(api, live):
    opp = deal(api, account(api))
    response = close(api, opp, handoff_override={"reason": "x", "approved_by": "sam-ortiz"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "handoff_override.approved_by" and "a sdr" in error["message"]
    assert handoff_of(live, opp) is None


def test_the_csm_is_assigned_on_close_with_a_trace(api, live):
    opp = deal(api, account(api), handoff=FULL)
    assert close(api, opp).status_code == 200
    h = handoff_of(live, opp)
    assert h.csm_id == "carl-csm"  # the CSM pool's round robin
    trace = h.assignment
    assert trace["flow"] == "csm-handoff" and trace["node_kind"] == "round_robin"
    words = [s["words"] for s in trace["steps"]]
    assert any("override flag not set" in w for w in words)
    second = deal(api, account(api, name="Globex", domains=["globex.com"]), handoff=FULL)
    close(api, second)
    assert handoff_of(live, second).csm_id == "dana-csm"


def test_a_high_touch_deal_goes_to_the_enterprise_csm_and_an_account_keeps_its_csm(api, live):
    big = {**FULL, "risks": "a competitor's pilot", "success_criteria": "80% active by day 30"}
    acct = account(api, segment="Enterprise")
    first = deal(api, acct, handoff=big)
    close(api, first)
    assert handoff_of(live, first).csm_id == "erin-csm"
    upsell = deal(api, acct, name="Initech upsell", handoff=big, extra={"type": "upsell"})
    close(api, upsell)
    h = handoff_of(live, upsell)
    assert h.csm_id == "erin-csm" and h.variation == "light"
    assert h.assignment["node_kind"] == "override"


def test_the_csm_is_told_through_the_alerts_outbox(api, live, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    h = handoff_of(live, opp)
    with live.db.read() as conn:
        (notice,) = conn.execute(select(alerts).where(alerts.c.kind == "handoff.assigned")).all()
    assert notice.recipient_id == "carl-csm" and notice.state == "pending"
    assert notice.entity == "handoff" and notice.entity_id == str(h.id)
    assert notice.subject == "New handoff: Initech — 50 seats (Initech) — low-touch"
    assert notice.next_attempt_at == clock.now()  # due now: the worker sends it on its next round
    assert h.notified_at == clock.now()


def test_a_handoff_review_task_is_created_for_the_csm(api, live):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    h = handoff_of(live, opp)
    with live.db.read() as conn:
        (task,) = conn.execute(select(handoff_tasks)).all()
    assert task.handoff_id == h.id and task.assignee_id == "carl-csm" and task.state == "open"
    assert task.title == "Review the handoff of Initech — 50 seats"
    assert task.due_at == h.escalate_at


def test_the_summary_carries_the_deals_data(api, live):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    h = handoff_of(live, opp)
    md = h.summary_md
    assert md.startswith("# Handoff: Initech — 50 seats\n")
    assert "**Account:** Initech (SMB)" in md
    assert "**Amount:** 24,000 USD" in md
    assert "**AE:** Emma Schulz · **CSM:** Carl Berg" in md
    assert "**Tier:** low-touch" in md
    for value in ("Halve the time new reps take to ramp", "- Ana Ruiz (champion)", "50 seats"):
        assert value in md
    assert "<h1>Handoff: Initech — 50 seats</h1>" in h.summary_html
    assert "<li>Ana Ruiz (champion)</li>" in h.summary_html
    assert h.summary_data["fields"]["scope"] == "50 seats, onboarding package"


def test_a_reps_markup_never_becomes_html_in_the_summary(api, live):
    opp = deal(api, account(api), handoff={**FULL, "scope": "<script>alert(1)</script>"})
    close(api, opp)
    html = handoff_of(live, opp).summary_html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_reopened_and_reclosed_deal_does_not_duplicate_the_notice_task_or_summary(
    api, live, clock
):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    clock.advance(timedelta(hours=1))
    assert api.patch(f"/v1/opportunities/{opp}", json={"stage": "Negotiation"}).status_code == 200
    clock.advance(timedelta(hours=1))
    response = close(api, opp, amount=30_000, handoff={**FULL, "scope": "60 seats"})
    assert response.status_code == 200, response.text
    with live.db.read() as conn:
        assert len(conn.execute(select(handoffs)).all()) == 1
        assert len(conn.execute(select(handoff_tasks)).all()) == 1
        assert (
            len(conn.execute(select(alerts).where(alerts.c.kind == "handoff.assigned")).all()) == 1
        )
    h = handoff_of(live, opp)
    assert h.closes == 2 and h.closed_at == clock.now()
    assert h.summary_changes == {
        "deal.amount": [24000.0, 30000.0],
        "fields.scope": ["50 seats, onboarding package", "60 seats"],
    }
    assert "## What changed since the last close" in h.summary_md
    kinds = [s["kind"] for s in api.get(f"/v1/handoffs/{h.id}").json()["steps"]]
    assert kinds == [
        "gate_passed",
        "assigned",
        "summary_written",
        "notified",
        "task_created",
        "reopened",
        "gate_passed",
        "reclosed",
        "summary_updated",
    ]


def test_a_reclose_still_needs_the_fields(api, live):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    api.patch(f"/v1/opportunities/{opp}", json={"stage": "Negotiation"})
    response = close(api, opp, handoff={**FULL, "stakeholders": []})
    assert response.status_code == 409
    with live.db.read() as conn:
        stage = conn.execute(select(opportunities.c.stage).where(opportunities.c.id == opp))
        assert stage.scalar_one() == "Negotiation"


def test_escalation_is_due_after_eight_business_hours_of_the_csms_calendar(api, live, clock):
    opp = deal(api, account(api), handoff=FULL)
    close(api, opp)
    h = handoff_of(live, opp)
    # carl-csm has no calendar of his own nor a team: 24/7, so 8 h after the close
    assert h.escalate_at == clock.now() + timedelta(hours=8)


def test_other_stage_moves_start_no_handoff(api, live):
    opp = deal(api, account(api))
    assert api.patch(f"/v1/opportunities/{opp}", json={"stage": "Proposal"}).status_code == 200
    assert handoff_of(live, opp) is None


def test_two_closes_racing_make_one_handoff_one_notice_one_task(api, live):
    opp = deal(api, account(api), handoff=FULL)
    patch = OpportunityPatch.model_validate({"stage": "Closed Won"})
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def close_it() -> None:
        start.wait()
        try:
            patch_record(live, KINDS["opportunity"], opp, patch, "api:race")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=close_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert failures == []
    with live.db.read() as conn:
        assert len(conn.execute(select(handoffs)).all()) == 1
        assert len(conn.execute(select(handoff_tasks)).all()) == 1
        notices = select(alerts).where(alerts.c.kind == "handoff.assigned")
        assert len(conn.execute(notices).all()) == 1
    assert handoff_of(live, opp).closes == 1


def test_an_override_without_a_stage_move_is_refused_with_the_field_named(api, live):
    opp = deal(api, account(api))
    override = {"reason": "x", "approved_by": "lukas-weber"}
    response = api.patch(f"/v1/opportunities/{opp}", json={"handoff_override": override})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "handoff_override" and "stage: Closed Won" in error["message"]


def test_a_deal_created_already_closed_won_starts_its_handoff(api, live):
    opp = deal(api, account(api), stage="Closed Won", handoff=FULL)
    h = handoff_of(live, opp)
    assert h.state == "open" and h.csm_id == "carl-csm"
    with live.db.read() as conn:
        (task,) = conn.execute(select(handoff_tasks)).all()
    assert task.handoff_id == h.id and task.assignee_id == "carl-csm"


def test_a_deal_created_closed_won_without_its_fields_is_refused_and_the_batch_keeps_the_rest(
    api, live
):
    acct = account(api)
    base = {"account_id": acct, "owner_id": "emma-schulz", "amount": 24_000}
    bare = {**base, "name": "Initech — no goals", "stage": "Closed Won"}
    fine = {**base, "name": "Initech — expansion", "stage": "Negotiation"}
    response = api.post("/v1/opportunities", json={"items": [bare, fine]})
    assert response.status_code == 201, response.text
    first, second = response.json()["items"]
    assert first["status"] == "rejected" and second["status"] == "created"
    fields = [e["field"] for e in first["errors"]]
    assert "handoff.customer_goals" in fields
    (goals,) = [e for e in first["errors"] if e["field"] == "handoff.customer_goals"]
    assert "What the customer wants to achieve" in goals["message"]
    assert "handoff_override" in goals["message"]
    with live.db.read() as conn:
        assert conn.execute(select(handoffs)).first() is None
