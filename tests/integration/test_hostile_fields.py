"""Every field of every JSON body the API documents, given each hostile value in turn:
never a 500, and a refusal names the field (issue 17 rows 3–6). The fields come from
/openapi.json, so a field added later is covered without touching this test."""

from __future__ import annotations

import json

JSON = {"Content-Type": "application/json"}
HOSTILE = {
    "null": "null",
    "nan": "NaN",
    "huge float": "1e999",
    "huge int": "99999999999999999999",
    "int32 overflow": "3000000000",
    "nul string": '"a\\u0000b"',
    "long string": json.dumps("x" * 5000),
    "deep": "[" * 50 + "]" * 50,
    "object": '{"a": {"b": 1}}',
    "bad instant": '"0001-01-01T00:00:00+14:00"',
}
BASE = {
    ("post", "/v1/leads"): {"email": "f@initech.com", "company": "Initech"},
    ("post", "/v1/accounts"): {"name": "Fuzz"},
    ("post", "/v1/opportunities"): {"name": "Fuzz deal", "stage": "Discovery"},
    ("post", "/v1/activities"): {"kind": "call", "occurred_at": "2026-11-02T15:00:00Z",
                                 "lead_id": 1},
    ("post", "/v1/people"): {"id": "fuzz-rep", "name": "Fuzz", "role": "sdr"},
    ("patch", "/v1/leads/1"): {},
    ("patch", "/v1/accounts/1"): {},
    ("patch", "/v1/opportunities/1"): {},
    ("patch", "/v1/people/sam-ortiz"): {},
    ("post", "/v1/leads/1/misroute"): {"reason": "wrong team"},
    ("post", "/v1/leads/1/status"): {"status": "mql"},
    ("post", "/v1/outages"): {"starts_at": "2026-11-02T14:00:00Z",
                              "ends_at": "2026-11-02T15:00:00Z", "reason": "webhook down"},
}  # fmt: skip
TEMPLATE = {"/v1/leads/1": "/v1/leads/{record_id}", "/v1/accounts/1": "/v1/accounts/{record_id}",
            "/v1/opportunities/1": "/v1/opportunities/{record_id}",
            "/v1/people/sam-ortiz": "/v1/people/{person_id}",
            "/v1/leads/1/misroute": "/v1/leads/{lead_id}/misroute",
            "/v1/leads/1/status": "/v1/leads/{lead_id}/status"}  # fmt: skip


def _fields(spec: dict, method: str, path: str) -> list[str]:
    body = spec["paths"][TEMPLATE.get(path, path)][method]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    schema = schema.get("oneOf", [schema])[0]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return sorted(schema["properties"])


def test_no_hostile_value_in_any_documented_field_is_a_server_error(api):
    lead = api.post("/v1/leads", json={"email": "x@initech.com"}).json()
    api.post("/v1/accounts", json={"name": "Initech"})
    api.post("/v1/opportunities", json={"name": "Deal", "stage": "Discovery"})
    assert lead["id"] == 1
    spec = api.get("/openapi.json").json()
    failures, tried = [], 0
    for (method, path), base in BASE.items():
        for field in _fields(spec, method, path):
            for name, raw in HOSTILE.items():
                others = json.dumps({k: v for k, v in base.items() if k != field})
                body = others[:-1] + (", " if len(others) > 2 else "") + f'"{field}": {raw}}}'
                try:
                    response = getattr(api, method)(path, content=body, headers=JSON)
                except Exception as exc:  # the test client re-raises a server error
                    failures.append((method, path, field, name, type(exc).__name__))
                    continue
                tried += 1
                status = response.status_code
                if status >= 500:
                    failures.append((method, path, field, name, status))
                elif status == 422 and name != "null":
                    fields = [e.get("field", "") for e in response.json()["detail"]]
                    named = [f for f in fields if f.split(".")[0].split("[")[0] in (field, *base)]
                    if not named:  # a refusal names the field (or the one it is checked with)
                        failures.append((method, path, field, name, fields))
    assert tried > 800
    assert failures == [], "\n".join(map(str, failures))


PARAMETER_VALUES = {
    "huge int": "99999999999999999999",
    "negative": "-1",
    "nan": "NaN",
    "huge float": "1e999",
    "nul": "a\x00b",
    "long string": "x" * 5000,
    "bad instant": "0001-01-01T00:00:00+14:00",
    "empty": "",
}


def test_no_hostile_value_in_any_documented_parameter_is_a_server_error(api):
    api.post("/v1/leads", json={"email": "x@initech.com"})
    spec = api.get("/openapi.json").json()
    failures, tried = [], 0
    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch") or "requestBody" in operation:
                continue  # bodies: the test above
            params = operation.get("parameters", [])
            for param in params:
                for name, value in PARAMETER_VALUES.items():
                    path = template
                    for other in params:
                        if other["in"] == "path":
                            sample = value if other is param else "1"
                            path = path.replace("{" + other["name"] + "}", sample)
                    query = {param["name"]: value} if param["in"] == "query" else {}
                    try:
                        response = getattr(api, method)(path.replace("\x00", "%00"), params=query)
                    except Exception as exc:
                        failures.append((method, template, param["name"], name, repr(exc)[:80]))
                        continue
                    tried += 1
                    if response.status_code >= 500:
                        failures.append((method, template, param["name"], name, 500))
    assert tried > 300
    assert failures == [], "\n".join(map(str, failures))
