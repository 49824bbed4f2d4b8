"""Each SLA alert kind means one thing: `sla.notice` before the deadline, `sla.miss` to the
owner at it, `sla.escalation` from tier 2; every one carries the SLA deadline apart from
its own time. The init template's 'hand-raiser' rule: 30 minutes on 'americas'."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from baton.notify.render import Renderer
from baton.store.tables import alerts, events, timers
from tests.integration.test_sla_service import arrive, clock_row, fired, ny, run_worker


def stored(live, lead_id: int) -> list:
    with live.db.read() as conn:
        return conn.execute(
            select(alerts).where(alerts.c.lead_id == lead_id).order_by(alerts.c.id)
        ).all()


def test_the_miss_sends_sla_miss_to_the_owner_and_escalations_start_at_tier_2(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    run_worker(live, clock, ny(2026, 11, 2, 10, 30))
    assert fired(live, lead["id"])[-1] == ("sla.miss", "miss", "sam-ortiz")
    run_worker(live, clock, ny(2026, 11, 3, 11, 0))
    assert fired(live, lead["id"])[3:] == [
        ("sla.miss", "miss", "sam-ortiz"),
        ("sla.escalation", "escalation:2", "maria-chen"),
        ("sla.escalation", "escalation:3", "vp-sales"),
    ]
    with live.db.read() as conn:
        keys = conn.execute(select(timers.c.key).order_by(timers.c.id)).scalars().all()
        miss = conn.execute(select(events.c.payload).where(events.c.kind == "sla.miss")).one()
    assert "escalation:1" not in keys and miss.payload["alerts"] == 1
    assert [a.role for a in stored(live, lead["id"]) if a.kind == "sla.miss"] == ["owner"]


def test_every_sla_alert_carries_the_deadline_apart_from_its_own_time(api, live, clock):
    lead = arrive(api, clock, ny(2026, 11, 2, 10, 0))
    deadline = clock_row(live, lead["id"]).due_at.astimezone(UTC).isoformat()
    run_worker(live, clock, ny(2026, 11, 2, 13, 30))
    rows = stored(live, lead["id"])
    assert [(a.content["timer"], a.content["timer_at"]) for a in rows] == [
        ("notice:50", ny(2026, 11, 2, 10, 15).astimezone(UTC).isoformat()),
        ("notice:80", ny(2026, 11, 2, 10, 24).astimezone(UTC).isoformat()),
        ("notice:80", ny(2026, 11, 2, 10, 24).astimezone(UTC).isoformat()),
        ("miss", ny(2026, 11, 2, 10, 30).astimezone(UTC).isoformat()),
        ("escalation:2", ny(2026, 11, 2, 13, 30).astimezone(UTC).isoformat()),
    ]
    assert {a.content["deadline_at"] for a in rows} == {deadline}
    assert {a.content["timezone"] for a in rows} == {"America/New_York"}
    message = Renderer().render(rows[0]._asdict(), {"id": "sam-ortiz", "name": "Sam Ortiz"})
    assert "the SLA is due Mon 2 Nov 10:30 EST" in message.text
    assert "10:15" not in message.text and "None" not in message.text
