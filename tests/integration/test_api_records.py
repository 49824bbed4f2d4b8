"""Sending records in over HTTP: created once, validated strictly, nothing valid lost."""

from __future__ import annotations

from datetime import timedelta

LEAD = {
    "email": "jo@initech.com",
    "first_name": "Jo",
    "company": "Initech",
    "source": "website",
    "lead_type": "demo-request",
}


def test_post_lead_then_read_it_back_with_every_timestamp(api, clock):
    response = api.post("/v1/leads", json={**LEAD, "engaged_at": "2026-11-02T14:59:30Z"})
    assert response.status_code == 201, response.text
    lead = response.json()
    assert response.headers["location"] == f"/v1/leads/{lead['id']}"
    again = api.get(f"/v1/leads/{lead['id']}").json()
    assert again == lead
    assert lead["email_domain"] == "initech.com"
    assert lead["status"] == "new"
    assert lead["owner"]["id"] in (
        "sam-ortiz",
        "priya-nair",
    )  # the template's round robin assigned it
    assert lead["timestamps"]["assigned_at"] == "2026-11-02T15:00:00Z"
    assert lead["timestamps"]["engaged_at"] == "2026-11-02T14:59:30Z"
    assert lead["timestamps"]["received_at"] == "2026-11-02T15:00:00Z"
    assert set(lead["timestamps"]) == {  # every timestamp the engine keeps
        "engaged_at",
        "received_at",
        "assigned_at",
        "notified_at",
        "first_touch_at",
        "mql_at",
        "sal_at",
        "sql_at",
        "recycled_at",
        "disqualified_at",
        "converted_at",
    }


def test_engaged_at_defaults_to_receipt_time(api):
    lead = api.post("/v1/leads", json=LEAD).json()
    assert lead["timestamps"]["engaged_at"] == lead["timestamps"]["received_at"]


def test_same_external_id_is_not_a_duplicate(api):
    first = api.post(
        "/v1/leads", json={**LEAD, "external_id": "00Q1", "source_system": "salesforce"}
    )
    second = api.post(
        "/v1/leads",
        json={**LEAD, "external_id": "00Q1", "source_system": "salesforce", "company": "Changed"},
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["company"] == "Initech"  # updates are explicit: PATCH
    other_system = api.post(
        "/v1/leads", json={**LEAD, "external_id": "00Q1", "source_system": "hubspot"}
    )
    assert other_system.status_code == 201


def test_idempotency_key_replays_the_first_answer(api):
    headers = {"Idempotency-Key": "form-42"}
    first = api.post("/v1/leads", json=LEAD, headers=headers)
    second = api.post("/v1/leads", json=LEAD, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    conflict = api.post("/v1/leads", json={**LEAD, "company": "Other"}, headers=headers)
    assert conflict.status_code == 409 and "different body" in conflict.json()["detail"]


def test_strict_validation_lists_each_bad_field(api):
    response = api.post(
        "/v1/leads",
        json={"email": "not-an-email", "employees": False, "is_test": "yes", "colour": "blue"},
    )
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert fields["email"] == "'not-an-email' is not an email address"
    assert fields["employees"].startswith("Input should be a valid integer")
    assert fields["is_test"].startswith("Input should be a valid boolean")
    assert fields["colour"] == "unknown field; remove it or put it under 'extra'"


def test_naive_timestamp_is_refused(api):
    response = api.post("/v1/leads", json={**LEAD, "engaged_at": "2026-11-02T10:00:00"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "engaged_at"
    assert "timezone" in response.json()["detail"][0]["message"]


def test_batch_keeps_valid_items_and_reports_invalid_ones_by_index(api):
    items = [
        {**LEAD, "external_id": "b1"},
        {"email": "broken"},
        {**LEAD, "external_id": "b1"},
        "not an object",
        {**LEAD, "external_id": "b2", "owner_id": "nobody"},
    ]
    response = api.post("/v1/leads", json={"items": items})
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["existing"], body["rejected"]) == (1, 1, 3)
    statuses = [i["status"] for i in body["items"]]
    assert statuses == ["created", "rejected", "existing", "rejected", "rejected"]
    assert body["items"][2]["id"] == body["items"][0]["id"]
    assert body["items"][4]["errors"][0]["field"] == "owner_id"
    assert "does not exist" in body["items"][4]["errors"][0]["message"]
    assert api.get(f"/v1/leads/{body['items'][0]['id']}").status_code == 200


def test_batch_with_only_invalid_items_is_422(api):
    response = api.post("/v1/leads", json={"items": [{"email": "x"}]})
    assert response.status_code == 422 and response.json()["rejected"] == 1


def test_oversized_batch_is_refused_with_the_limit(api):
    response = api.post("/v1/leads", json={"items": [LEAD] * 1001})
    assert response.status_code == 413
    assert "at most 1000" in response.json()["detail"]


def test_invalid_json_says_where(api):
    response = api.post(
        "/v1/leads", content=b'{"email": "a@b.com",}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON at line 1 column" in response.json()["detail"]


def test_backfilled_lead_keeps_its_crm_owner_and_times(api):
    lead = api.post(
        "/v1/leads",
        json={
            **LEAD,
            "owner_id": "sam-ortiz",
            "received_at": "2026-10-01T12:00:00Z",
            "assigned_at": "2026-10-01T12:03:00Z",
        },
    ).json()
    assert lead["owner"]["id"] == "sam-ortiz" and lead["owner"]["name"] == "Sam Ortiz"
    assert lead["timestamps"]["assigned_at"] == "2026-10-01T12:03:00Z"


def test_lead_json_carries_owner_id_at_the_top_level_as_post_takes_it(api):
    sent = api.post("/v1/leads", json={**LEAD, "owner_id": "sam-ortiz"}).json()
    routed = api.post("/v1/leads", json={**LEAD, "email": "al@initech.com"}).json()
    for lead in (sent, routed):
        assert lead["owner_id"] == lead["owner"]["id"]
        assert api.get(f"/v1/leads/{lead['id']}").json()["owner_id"] == lead["owner_id"]
    assert sent["owner_id"] == "sam-ortiz"
    moved = api.patch(f"/v1/leads/{sent['id']}", json={"owner_id": "priya-nair"})
    assert moved.status_code == 200, moved.text
    assert api.get(f"/v1/leads/{sent['id']}").json()["owner_id"] == "priya-nair"


def test_account_domains_and_first_claim_wins(api):
    first = api.post(
        "/v1/accounts",
        json={
            "name": "Initech",
            "domains": ["https://www.Initech.com/", "initech.io"],
            "owner_id": "emma-schulz",
            "named": True,
        },
    )
    assert first.status_code == 201, first.text
    assert first.json()["domains"] == ["initech.io", "www.initech.com"]
    second = api.post("/v1/accounts", json={"name": "Initech dup", "domains": ["initech.io"]})
    assert second.status_code == 201
    assert "already belongs to account" in second.json()["warnings"][0]


def test_activity_references_a_lead_by_its_crm_id(api):
    api.post("/v1/leads", json={**LEAD, "external_id": "00Q9", "source_system": "sf"})
    ok = api.post(
        "/v1/activities",
        json={
            "kind": "call",
            "person_id": "sam-ortiz",
            "occurred_at": "2026-11-02T15:10:00Z",
            "lead_external_id": "00Q9",
            "source_system": "sf",
        },
    )
    assert ok.status_code == 201, ok.text
    missing = api.post(
        "/v1/activities",
        json={
            "kind": "call",
            "occurred_at": "2026-11-02T15:10:00Z",
            "lead_external_id": "nope",
            "source_system": "sf",
        },
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "lead_external_id"
    nowhere = api.post(
        "/v1/activities", json={"kind": "call", "occurred_at": "2026-11-02T15:10:00Z"}
    )
    assert (
        "must be on a lead, an account or an opportunity" in nowhere.json()["detail"][0]["message"]
    )


def test_opportunity_on_an_account(api):
    account = api.post(
        "/v1/accounts", json={"name": "Globex", "external_id": "A1", "source_system": "sf"}
    ).json()
    opp = api.post(
        "/v1/opportunities",
        json={
            "name": "Globex expansion",
            "stage": "Discovery",
            "account_external_id": "A1",
            "source_system": "sf",
            "amount": 12000,
            "currency": "USD",
        },
    )
    assert opp.status_code == 201, opp.text
    assert opp.json()["account_id"] == account["id"]
    assert api.get(f"/v1/opportunities/{opp.json()['id']}").json()["amount"] == 12000


def test_patch_is_explicit_and_logged(api, clock):
    lead = api.post("/v1/leads", json=LEAD).json()
    clock.advance(timedelta(minutes=5))
    response = api.patch(
        f"/v1/leads/{lead['id']}", json={"owner_id": "emma-schulz", "company": "Initech Ltd"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["changed"]["company"] == ["Initech", "Initech Ltd"]
    assert body["lead"]["timestamps"]["assigned_at"] == "2026-11-02T15:00:00Z"
    events = api.get("/v1/events", params={"entity": "lead", "entity_id": str(lead["id"])}).json()[
        "items"
    ]
    lead_events = [e for e in events if e["kind"].startswith("lead.")]
    assert [e["kind"] for e in lead_events] == [
        "lead.created",
        "lead.routed",
        "lead.assigned",  # by routing
        "lead.updated",
        "lead.assigned",  # by hand: what the SLA clock and, later, ownership rules react to
    ]
    by_hand = lead_events[-1]["payload"]
    assert by_hand["owner_id"] == "emma-schulz" and by_hand["by"] == "manual"
    assert by_hand["previous_owner_id"] == lead_events[2]["payload"]["owner_id"]
    assert api.patch(f"/v1/leads/{lead['id']}", json={"owner_id": "ghost"}).status_code == 422
    assert api.patch("/v1/leads/999999", json={"company": "x"}).status_code == 404
    assert api.patch(f"/v1/leads/{lead['id']}", json={"employees": "12"}).status_code == 422


def test_missing_record_is_404(api):
    assert api.get("/v1/leads/424242").status_code == 404
    assert api.get("/v1/accounts/424242").json()["detail"] == "no account 424242"
