"""Outage windows over HTTP: declared by an admin, listed, logged; bad windows refused."""

from __future__ import annotations

from sqlalchemy import select

from baton.store.tables import events

WINDOW = {
    "starts_at": "2026-11-04T14:00:00-05:00",
    "ends_at": "2026-11-04T15:30:00-05:00",
    "reason": "form webhook failing",
}


def test_declared_outage_is_stored_in_utc_listed_and_logged(api, live):
    response = api.post("/v1/outages", json=WINDOW)
    assert response.status_code == 201, response.text
    outage = response.json()
    assert (outage["starts_at"], outage["ends_at"], outage["reason"]) == (
        "2026-11-04T19:00:00Z",
        "2026-11-04T20:30:00Z",
        "form webhook failing",
    )
    assert outage["created_by"] == "api:t-admin"
    assert api.as_("read").get("/v1/outages").json() == [outage]
    with live.db.read() as conn:
        logged = conn.execute(
            select(events.c.kind, events.c.entity_id, events.c.actor, events.c.payload).where(
                events.c.entity == "outage"
            )
        ).all()
    assert [(e.kind, e.entity_id, e.actor) for e in logged] == [
        ("outage.declared", str(outage["id"]), "api:t-admin")
    ]
    assert logged[0].payload == {
        "starts_at": "2026-11-04T19:00:00Z",
        "ends_at": "2026-11-04T20:30:00Z",
        "reason": "form webhook failing",
    }


def test_outages_are_listed_earliest_first_and_filtered_by_overlap(api):
    later = {
        **WINDOW,
        "starts_at": "2026-11-10T09:00:00Z",
        "ends_at": "2026-11-10T10:00:00Z",
        "reason": "CRM sync",
    }
    api.post("/v1/outages", json=later)
    api.post("/v1/outages", json=WINDOW)
    assert [o["reason"] for o in api.get("/v1/outages").json()] == [
        "form webhook failing",
        "CRM sync",
    ]
    overlapping = api.get(
        "/v1/outages", params={"since": "2026-11-04T20:30:00Z", "until": "2026-11-10T09:00:01Z"}
    ).json()
    assert [o["reason"] for o in overlapping] == ["CRM sync"]  # the first ended exactly at since


def test_an_outage_must_end_after_it_starts(api):
    for ends_at in ("2026-11-04T13:00:00-05:00", WINDOW["starts_at"]):
        response = api.post("/v1/outages", json={**WINDOW, "ends_at": ends_at})
        assert response.status_code == 422
        error = response.json()["detail"][0]
        assert error["field"] == "ends_at" and "must be after starts_at" in error["message"]


def test_an_outage_needs_time_zones_a_reason_and_nothing_else(api):
    naive = api.post("/v1/outages", json={**WINDOW, "starts_at": "2026-11-04T14:00:00"})
    assert naive.status_code == 422 and naive.json()["detail"][0]["field"] == "starts_at"
    assert api.post("/v1/outages", json={**WINDOW, "reason": ""}).status_code == 422
    assert api.post("/v1/outages", json={**WINDOW, "reason": "   "}).status_code == 422
    assert api.post("/v1/outages", json={**WINDOW, "colour": "red"}).status_code == 422
    assert api.get("/v1/outages").json() == []


def test_only_admins_declare_outages(api):
    assert api.as_("read", "ingest").post("/v1/outages", json=WINDOW).status_code == 403
    assert api.as_("ingest").get("/v1/outages").status_code == 403
