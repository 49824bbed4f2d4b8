"""The lead page tells the whole story: why it was routed, its SLA clock, speed to lead,
timeline, alerts."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from baton.services.sla.timers import fire_due_timers
from tests.web_support import client_for, make_users

NY = ZoneInfo("America/New_York")


def test_the_lead_page_shows_trace_sla_speed_timeline_and_alerts(api, live, clock):
    make_users(live)
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=NY))
    lead = api.post(
        "/v1/leads",
        json={
            "email": "jo@initech.com",
            "first_name": "Jo",
            "company": "Initech",
            "lead_type": "demo-request",
            "engaged_at": datetime(2026, 11, 2, 9, 57, tzinfo=NY).isoformat(),
        },
    ).json()
    clock.set(datetime(2026, 11, 2, 10, 16, tzinfo=NY))
    fire_due_timers(live, clock.now())
    api.post(
        "/v1/activities",
        json={
            "kind": "call",
            "person_id": "sam-ortiz",
            "occurred_at": datetime(2026, 11, 2, 10, 20, tzinfo=NY).isoformat(),
            "lead_id": lead["id"],
        },
    )
    page = html.unescape(
        client_for(live, "admin")
        .get(f"/leads/{lead['id']}", params={"tz": "America/New_York"})
        .text
    )
    assert "round robin sdr-americas: chose Sam (1st assignment this cycle)" in page
    assert "→ owner Sam Ortiz (sam-ortiz)" in page
    assert "hand-raiser" in page and 'status-hit">hit' in page
    assert "20 min (business time)" in page  # the response time
    assert "3 min" in page and "best possible" in page  # systems delay 09:57 → 10:00
    assert (
        "SLA clock &#39;hand-raiser&#39; started" in page
        or "SLA clock 'hand-raiser' started" in page
    )
    assert "SLA reminder: 50% of 30 min used" in page  # the alert sent at 10:15
    assert "call by sam-ortiz" in page


def test_a_rep_sees_the_story_of_their_own_lead_only(api, live, clock):
    make_users(live)
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=NY))
    lead = api.post(
        "/v1/leads", json={"email": "jo@initech.com", "lead_type": "demo-request"}
    ).json()
    owner = lead["owner"]["id"]
    mine = client_for(live, "sam").get(f"/leads/{lead['id']}")
    assert mine.status_code == (200 if owner == "sam-ortiz" else 404)
    assert client_for(live, "emma").get(f"/leads/{lead['id']}").status_code == 404
