"""Issue 15 item 1, playbook 004: "systems delay more than 3 minutes above its baseline" —
the median engagement → assignment time of the last 7 days against the median of the 28
days before; a lead whose wait meets a declared outage counts in neither; too few leads are
not judged. Each figure equals a recount from the stored leads. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

import pytest
from sqlalchemy import select

from baton.services.health.registry import evaluate
from baton.store.tables import leads
from baton.workspace.scaffold import write_template


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + "\nhealth:\n  min_sample: 3\n")
    return tmp_path


def monitor(live):
    with live.db.read() as conn:
        (m,) = [m for m in evaluate(conn, live.clock.now()) if m.name == "systems_delay_shift"]
    return m


def send(api, clock, waited: timedelta, n: int, tag: str) -> None:
    for i in range(n):
        engaged = clock.now() - waited - timedelta(seconds=i)
        body = {"email": f"{tag}{i}@initech.com", "engaged_at": engaged.isoformat()}
        assert api.post("/v1/leads", json=body).status_code == 201


def recount(live) -> float:
    now = live.clock.now()
    with live.db.read() as conn:
        rows = conn.execute(select(leads.c.engaged_at, leads.c.assigned_at)).all()
    recent = [(a - e).total_seconds() for e, a in rows if e >= now - timedelta(days=7)]
    before = [(a - e).total_seconds() for e, a in rows if e < now - timedelta(days=7)]
    return median(recent) - median(before)


def test_a_systems_delay_three_minutes_over_its_baseline_is_red(api, live, clock):
    clock.advance(timedelta(days=-20))
    send(api, clock, timedelta(seconds=30), 4, "old")  # the baseline: ~30 s
    clock.advance(timedelta(days=18))
    assert monitor(live).status.value == "not_judged"  # nothing in the last 7 days yet
    send(api, clock, timedelta(minutes=4), 3, "new")  # now ~4 min: 3.5 min over
    clock.advance(timedelta(minutes=1))
    m = monitor(live)
    assert m.value == pytest.approx(recount(live))
    assert (m.status.value, m.threshold) == ("red", 180)
    assert "3 leads" in m.detail and "4 leads" in m.detail


def test_a_lead_waiting_through_an_outage_counts_in_neither(api, live, clock):
    clock.advance(timedelta(days=-20))
    send(api, clock, timedelta(seconds=30), 4, "old")
    clock.advance(timedelta(days=18))
    start = clock.now() - timedelta(minutes=10)
    body = {"starts_at": start.isoformat(), "ends_at": clock.now().isoformat(), "reason": "CRM"}
    assert api.post("/v1/outages", json=body).status_code in (200, 201)
    send(api, clock, timedelta(minutes=4), 3, "new")  # all within the outage
    clock.advance(timedelta(minutes=1))
    assert monitor(live).status.value == "not_judged"
