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
