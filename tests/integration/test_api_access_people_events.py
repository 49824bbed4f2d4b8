"""Tokens and scopes, people and availability, the event log, versions over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from baton.server import create_app
from baton.services.people.tokens import revoke_token, verify_token


def test_healthz_is_open(live):
    response = TestClient(create_app(live)).get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_missing_and_wrong_tokens_are_401(live):
    anonymous = TestClient(create_app(live))
    assert anonymous.get("/v1/leads/1").status_code == 401
    assert "Authorization: Bearer" in anonymous.get("/v1/leads/1").json()["detail"]
    anonymous.headers["Authorization"] = "Bearer bt_nope"
    assert anonymous.post("/v1/leads", json={"email": "a@b.com"}).status_code == 401


def test_wrong_scope_is_403(api):
    reader = api.as_("read")
    response = reader.post("/v1/leads", json={"email": "a@b.com"})
    assert response.status_code == 403 and "lacks the 'ingest' scope" in response.json()["detail"]
    ingester = api.as_("ingest")
    assert ingester.post("/v1/leads", json={"email": "a@b.com"}).status_code == 201
    assert ingester.get("/v1/leads/1").status_code == 403
    assert ingester.patch("/v1/people/sam-ortiz", json={"active": False}).status_code == 403


def test_revoked_token_stops_working(api, live):
    token = api.headers["Authorization"].split()[1]
    with live.db.read() as conn:
        info = verify_token(conn, token)
    revoke_token(live, info.id, "tester")
    assert api.get("/v1/people").status_code == 401


def test_people_come_from_the_active_workspace(api):
    people = {p["id"]: p for p in api.get("/v1/people").json()}
    assert (
        people["sam-ortiz"]["team_id"] == "sdr-americas"
        and people["sam-ortiz"]["managed_by"] == "workspace"
    )
    assert people["sam-ortiz"]["max_open"] == 40


def test_create_person_is_idempotent_by_id(api):
    body = {
        "id": "new-rep",
        "name": "New Rep",
        "role": "sdr",
        "email": "new@acme.example",
        "team_id": "sdr-americas",
        "manager_id": "maria-chen",
    }
    assert api.post("/v1/people", json=body).status_code == 201
    assert api.post("/v1/people", json=body).status_code == 200
    bad = api.post(
        "/v1/people", json={**body, "id": "x2", "team_id": "nope", "timezone": "Mars/Base"}
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"timezone"}
    unknown_team = api.post("/v1/people", json={**body, "id": "x3", "team_id": "nope"})
    assert (
        unknown_team.status_code == 422 and unknown_team.json()["detail"][0]["field"] == "team_id"
    )


def test_patch_person_active_flag_and_out_of_office(api):
    response = api.patch(
        "/v1/people/sam-ortiz",
        json={
            "active": False,
            "out_of_office": [
                {
                    "starts_at": "2026-12-22T00:00:00-05:00",
                    "ends_at": "2027-01-04T00:00:00-05:00",
                    "reason": "holidays",
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    person = api.get("/v1/people/sam-ortiz").json()
    assert person["active"] is False
    assert person["out_of_office"] == [
        {
            "starts_at": "2026-12-22T05:00:00Z",
            "ends_at": "2027-01-04T05:00:00Z",
            "reason": "holidays",
        }
    ]
    kinds = [
        e["kind"]
        for e in api.get(
            "/v1/events", params={"entity": "person", "entity_id": "sam-ortiz"}
        ).json()["items"]
    ]
    assert kinds[-2:] == ["person.updated", "person.out_of_office_set"]


def test_out_of_office_must_end_after_it_starts(api):
    response = api.patch(
        "/v1/people/sam-ortiz",
        json={
            "out_of_office": [
                {"starts_at": "2026-12-22T00:00:00Z", "ends_at": "2026-12-21T00:00:00Z"}
            ]
        },
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "out_of_office[0].ends_at"
    assert error["message"] == (  # in Sam's zone, Chicago
        "the end (2026-12-20 18:00) must be after the start (2026-12-21 18:00, America/Chicago)"
    )


def test_unknown_person_is_404(api):
    assert api.patch("/v1/people/ghost", json={"active": False}).status_code == 404
    assert api.get("/v1/people/ghost").status_code == 404


def test_events_filter_and_cursor(api):
    for i in range(5):
        api.post("/v1/leads", json={"email": f"p{i}@x.com"})
    page = api.get("/v1/events", params={"kind": "lead.created", "limit": 3}).json()
    assert len(page["items"]) == 3 and page["next_after_id"] == page["items"][-1]["id"]
    rest = api.get(
        "/v1/events", params={"kind": "lead.created", "after_id": page["next_after_id"]}
    ).json()
    assert len(rest["items"]) == 2 and rest["next_after_id"] is None
    every = api.get("/v1/events", params={"kind": "lead.*"}).json()["items"]
    assert sorted({e["kind"] for e in every}) == [
        "lead.assigned",
        "lead.created",
        "lead.routed",
    ]  # the template routes every lead
    assert len(every) == 15 and all(e["actor"] == "api:t-admin" for e in every)
    assert api.get("/v1/events", params={"since": "2026-11-02T10:00:00"}).status_code == 422


def test_versions_are_listed(api):
    versions = api.get("/v1/versions").json()
    assert [(v["number"], v["state"]) for v in versions] == [(1, "active")]
    assert api.get("/v1/versions/1").json()["document"]["workspace"]["name"] == "Acme Corp"
    assert api.get("/v1/versions/9").status_code == 404


def test_openapi_documents_the_bodies(api):
    spec = api.get("/openapi.json").json()
    body = spec["paths"]["/v1/leads"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert body["oneOf"][0] == {"$ref": "#/components/schemas/LeadIn"}
    assert "engaged_at" in spec["components"]["schemas"]["LeadIn"]["properties"]
    assert api.get("/docs").status_code == 200
