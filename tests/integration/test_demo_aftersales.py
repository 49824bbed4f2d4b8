"""The demo's after-sales story, told through the real use cases (a small company: 200
leads), on each database: closed-won deals handed to Customer Success in both tiers —
complete, escalated, overridden, still open, a renewal — and the rules of engagement at
work — a blocked grab, a manager's override, duplicate outreach, a timeout, two disputes,
a rep who has not acknowledged. Every figure is recounted from the stored rows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.demo.generator import write_demo_workspace
from baton.demo.load import ROE_DAYS, load_demo
from baton.reports.handoff import handoff_report
from baton.services.ownership.acks import ack_status
from baton.store.tables import (
    handoff_steps,
    handoffs,
    opportunities,
    ownership_decisions,
    ownership_disputes,
    people,
)


@pytest.fixture
def demo(baton, tmp_path):
    write_demo_workspace(tmp_path)
    load_demo(baton, tmp_path, baton.clock.now(), lead_count=200)
    return baton


def _all(conn, table):
    return conn.execute(select(table).order_by(table.c.id)).all()


def test_every_won_deal_is_handed_to_a_csm_in_both_tiers(demo):
    now = demo.clock.now()
    with demo.db.read() as conn:
        rows = _all(conn, handoffs)
        won = conn.execute(select(opportunities.c.id).where(opportunities.c.stage == "Closed Won"))
        won = won.scalars().all()
        roles = dict(conn.execute(select(people.c.id, people.c.role)).all())
        steps = Counter((s.handoff_id, s.kind) for s in _all(conn, handoff_steps))
        report = handoff_report(conn, now - timedelta(days=120), now + timedelta(seconds=1), now)
    assert sorted(r.opportunity_id for r in rows) == sorted(won)
    assert 25 <= len(rows) <= 60
    assert {r.tier for r in rows} == {"high-touch", "low-touch"}
    assert all(roles[r.csm_id] == "csm" and r.first_closed_at <= now for r in rows)
    states = Counter(r.state for r in rows)
    assert states["complete"] and states["escalated"] and states["open"]
    assert 0.85 <= states["complete"] / len(rows) <= 0.95
    escalated = [r for r in rows if r.escalated_at is not None]
    assert 0 < len(escalated) / len(rows) < 0.2
    assert all(steps[(r.id, "escalated")] == 1 for r in escalated)
    assert [r.variation for r in rows].count("light") == 1  # the renewal
    (overridden,) = [r for r in rows if r.overridden]
    assert roles[overridden.override_by] == "manager" and overridden.state == "complete"
    assert steps[(overridden.id, "fields_updated")] == 1 and overridden.escalated_at
    touch_hours = [
        (r.first_touch_at - r.first_closed_at) / timedelta(hours=1)
        for r in rows
        if r.first_touch_at is not None
    ]
    assert all(h > 0 for h in touch_hours) and any(h > 48 for h in touch_hours)
    assert sum(h <= 48 for h in touch_hours) / len(touch_hours) > 0.7
    overall = report.overall
    assert (overall.closed, overall.complete, overall.escalated, overall.fields_at_close) == (
        len(rows),
        states["complete"],
        states["escalated"],  # escalated and still incomplete
        len(rows) - 1,
    )
    assert overall.touched == len(touch_hours)


def test_the_rules_of_engagement_block_override_time_out_and_are_disputed(demo):
    now = demo.clock.now()
    with demo.db.read() as conn:
        decisions = _all(conn, ownership_decisions)
        disputes = _all(conn, ownership_disputes)
        idle = conn.execute(
            select(opportunities).where(opportunities.c.external_id == "O-I0001")
        ).one()
        acks = ack_status(conn)
    went_live = now - timedelta(days=ROE_DAYS)
    assert all(went_live <= d.at <= now for d in decisions if d.kind != "timeout")
    kinds = Counter((d.kind, d.rule) for d in decisions)
    assert kinds == {
        ("block", "named_account"): 1,
        ("exception", "named_account"): 1,
        ("timeout", "ownership_timeout"): 1,
        ("violation", "duplicate_outreach"): 2,
    }
    (exception,) = [d for d in decisions if d.kind == "exception"]
    assert exception.old_owner_id != exception.new_owner_id
    violations = [d for d in decisions if d.kind == "violation"]
    assert sorted(d.resolved_at is None for d in violations) == [False, True]
    assert idle.owner_id == "david-okafor"  # jamal-wright's manager took the idle deal
    assert sorted(d.state for d in disputes) == ["open", "resolved"]
    (resolved,) = [d for d in disputes if d.state == "resolved"]
    assert resolved.resolved_by == "jordan-blake" and resolved.outcome == "split"
    assert [p["person_id"] for p in acks["missing"]] == ["carlos-mendoza"]
