"""GET /v1/alerts (filters, cursor), GET /v1/alerts/{id}, POST retry, GET silent — with scopes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from baton.notify.fakes import insert_alert
from baton.store.tables import alerts


def seed(baton) -> list[int]:
    now = baton.clock.now()
    with baton.db.write() as conn:
        ids = [
            insert_alert(
                conn, now, who, key=f"a{i}", kind=kind, created_at=now + timedelta(minutes=i)
            )
            for i, (who, kind) in enumerate(
                [
                    ("sam-ortiz", "sla.miss"),
                    ("sam-ortiz", "sla.notice"),
                    ("priya-nair", "sla.miss"),
                    ("maria-chen", "sla.escalation"),
                ]
            )
        ]
        conn.execute(
            update(alerts)
            .where(alerts.c.id == ids[2])
            .values(state="dead", last_error="webhook: HTTP 500", attempts=7)
        )
        conn.execute(
            update(alerts)
            .where(alerts.c.id == ids[0])
            .values(state="sent", channel="slack", provider_message_id="D1:1.0", sent_at=now)
        )
        conn.commit()
    return ids


def test_alerts_are_listed_with_filters_and_a_cursor(api):
    ids = seed(api.app.state.baton)
    assert [a["id"] for a in api.get("/v1/alerts").json()["items"]] == ids
    sent = api.get("/v1/alerts", params={"state": "sent"}).json()["items"]
    assert [(a["channel"], a["provider_message_id"]) for a in sent] == [("slack", "D1:1.0")]
    assert [
        a["id"]
        for a in api.get("/v1/alerts", params={"kind": "sla.*", "recipient": "sam-ortiz"}).json()[
            "items"
        ]
    ] == ids[:2]
    assert [
        a["id"]
        for a in api.get("/v1/alerts", params={"since": "2026-11-02T15:02:00Z"}).json()["items"]
    ] == ids[2:]
    page = api.get("/v1/alerts", params={"limit": 3}).json()
    assert page["next_after_id"] == ids[2]
    assert [
        a["id"]
        for a in api.get("/v1/alerts", params={"after_id": page["next_after_id"]}).json()["items"]
    ] == ids[3:]
    assert api.get("/v1/alerts", params={"state": "lost"}).status_code == 422


def test_one_alert_shows_its_content_and_attempts_and_404s_when_unknown(api):
    ids = seed(api.app.state.baton)
    body = api.get(f"/v1/alerts/{ids[2]}").json()
    assert (
        body["state"] == "dead"
        and body["last_error"] == "webhook: HTTP 500"
        and body["content"]["lead"]["name"] == "Dana Diaz"
    )
    assert api.get("/v1/alerts/999999").status_code == 404


def test_retry_requeues_a_dead_letter_needs_admin_and_refuses_a_sent_alert(api):
    ids = seed(api.app.state.baton)
    assert api.as_("read").post(f"/v1/alerts/{ids[2]}/retry").status_code == 403
    body = api.post(f"/v1/alerts/{ids[2]}/retry").json()
    assert body["state"] == "pending" and body["deliveries"][-1]["outcome"] == "requeued"
    assert api.post(f"/v1/alerts/{ids[0]}/retry").status_code == 409
    assert api.post("/v1/alerts/999999/retry").status_code == 404
    events = api.get("/v1/events", params={"kind": "alert.requeued"}).json()["items"]
    assert [e["payload"]["previous_state"] for e in events] == ["dead"]


def test_listing_needs_a_read_token(api):
    from fastapi.testclient import TestClient

    assert TestClient(api.app).get("/v1/alerts").status_code == 401
    assert api.as_("read").get("/v1/alerts").status_code == 200


def test_silent_status_is_off_without_an_alerts_section(api):
    body = api.get("/v1/alerts/silent").json()
    assert body["silent"] is False and body["periods"] == [] and body["total_seconds"] == 0
