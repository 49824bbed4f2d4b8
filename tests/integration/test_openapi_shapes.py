"""The OpenAPI document describes the bodies as they are sent: a real response is
validated against the schema ``/openapi.json`` gives for it."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

LEAD = {"email": "a@initech.com", "company": "Initech", "region": "NA"}


def documented(spec: dict[str, Any], path: str, method: str, status: str) -> Draft202012Validator:
    """A validator for the JSON body the document promises for ``method path`` → ``status``."""
    response = spec["paths"][path][method]["responses"][status]
    schema = response["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": spec["components"]})


def violations(validator: Draft202012Validator, body: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def test_a_lead_trace_is_sent_as_the_openapi_document_describes_it(api):
    lead = api.post("/v1/leads", json=LEAD).json()
    body = api.get(f"/v1/leads/{lead['id']}/trace").json()
    spec = api.get("/openapi.json").json()
    validator = documented(spec, "/v1/leads/{lead_id}/trace", "get", "200")
    assert violations(validator, body) == []
    step = validator.schema["components"]["schemas"]["TraceStep"]
    assert set(step["required"]) == {"node", "kind", "outcome", "words"}
    decision = body["decisions"][0]
    assert set(decision) == set(spec["components"]["schemas"]["TraceDecision"]["properties"])
    assert decision["decided_at"].endswith("Z") and decision["explanation"][0] == "flow inbound:"
    assert violations(validator, {**body, "decisions": [{**decision, "steps": [{}]}]}) != []


JSON = {"Content-Type": "application/json"}


def test_422_bodies_are_sent_as_the_openapi_document_describes_them(api):
    lead = api.post("/v1/leads", json=LEAD).json()
    sent = [
        ("get", "/v1/events", api.get("/v1/events", params={"limit": 0})),
        ("patch", "/v1/people/{person_id}", api.patch("/v1/people/sam-ortiz", json={"name": None})),
        ("post", "/v1/leads", api.post("/v1/leads", json={"email": "x"})),
        ("post", "/v1/leads", api.post("/v1/leads", json={"items": [{"email": "x"}]})),
        ("post", "/v1/leads", api.post("/v1/leads", content='{"score": NaN}', headers=JSON)),
        ("post", "/v1/leads/{lead_id}/status",
         api.post(f"/v1/leads/{lead['id']}/status", json={"status": "disqualified"})),
        ("get", "/v1/leads/{record_id}", api.get(f"/v1/leads/{2**64}")),
        ("get", "/v1/events", api.get("/v1/events", params={"actor": "\x00"})),
        ("patch", "/v1/leads/{record_id}",
         api.patch(f"/v1/leads/{lead['id']}", json={"nope": 1, "status": None})),
    ]  # fmt: skip
    spec = api.get("/openapi.json").json()
    for method, path, response in sent:
        assert response.status_code == 422, (path, response.text)
        validator = documented(spec, path, method, "422")
        assert violations(validator, response.json()) == [], (path, response.json())
    assert violations(documented(spec, "/v1/events", "get", "422"), {"detail": [{"msg": "x"}]})


def test_a_body_that_is_not_json_is_a_documented_400(api):
    response = api.post("/v1/people", content="[" * 100_000, headers=JSON)
    assert response.status_code == 400
    spec = api.get("/openapi.json").json()
    assert violations(documented(spec, "/v1/people", "post", "400"), response.json()) == []


def test_every_operation_that_reads_input_documents_its_422(api):
    spec = api.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if operation.get("parameters") or operation.get("requestBody"):
                assert documented(spec, path, method, "422"), (method, path)
