"""The demo's handoff story, as planned (pure): which deals close when, with what fields,
and what their CSMs do after — the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from baton.demo.generator import PEOPLE_BY_ID, demo_records
from baton.demo.handoffs import PRE_CLOSE, WON, plan_handoffs

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def data():
    return demo_records(NOW, leads=0)


def _plan(data):
    regions = {a["external_id"]: a["region"] for a in data.accounts}
    return plan_handoffs(data.opportunities, regions, NOW)


def test_the_same_deals_give_the_same_story(data):
    assert _plan(data) == _plan(data)


def test_every_won_deal_waits_before_its_close_and_closes_when_it_did(data):
    deals, closings = _plan(data)
    won = {d["external_id"]: d for d in data.opportunities if d["stage"] == WON}
    waiting = {d["external_id"]: d for d in deals if d["external_id"] in won}
    assert set(waiting) == set(won)
    assert all(d["stage"] == PRE_CLOSE and "closed_at" not in d for d in waiting.values())
    by_deal = {c.deal: c for c in closings}
    assert all(by_deal[x].at == datetime.fromisoformat(won[x]["closed_at"]) for x in won)
    assert [c.at for c in closings] == sorted(c.at for c in closings)
    assert all(c.at <= NOW for c in closings)


def test_the_story_has_an_override_a_renewal_late_and_missing_reviews(data):
    deals, closings = _plan(data)
    (overridden,) = [c for c in closings if c.override]
    assert PEOPLE_BY_ID[overridden.override["approved_by"]].role in ("manager", "executive")
    assert overridden.filled_after and set(overridden.fields) < set(overridden.full)
    reviews = Counter(c.review for c in closings)
    assert reviews["never"] >= 1 and reviews["late"] >= 1 and reviews["not yet"] == 3
    assert reviews["on_time"] / len(closings) >= 0.75
    recent = [c for c in closings if c.review == "not yet"]
    assert all(NOW - timedelta(days=4) < c.at <= NOW for c in recent)  # a weekend between
    (renewal,) = [d for d in deals if d.get("extra", {}).get("type") == "renewal"]
    assert renewal["stage"] == PRE_CLOSE and renewal["external_id"] in {c.deal for c in closings}
    late = sum(c.touch_after > timedelta(hours=48) for c in closings)
    assert 0 < late / len(closings) < 0.25
