"""Hostile or careless input is a 4xx naming the place, never a 500, and the same answer
on SQLite and PostgreSQL (issue 17 rows 3–6): an explicit null on a field that cannot be
empty, numbers no column holds, JSON nested absurdly deep, NUL characters, NaN, strings
longer than their column."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from baton.api.guard import GuardedRoute

LEAD = {"email": "a@initech.com", "company": "Initech", "region": "NA"}
HUGE = "99999999999999999999"  # more than 64 bits


def fields_of(response) -> list[str]:
    assert response.status_code == 422, (response.status_code, response.text)
    return [e["field"] for e in response.json()["detail"]]


@pytest.fixture
def records(api) -> dict[str, int]:
    lead = api.post("/v1/leads", json=LEAD).json()
    account = api.post("/v1/accounts", json={"name": "Initech", "domains": ["initech.com"]}).json()
    opportunity = api.post(
        "/v1/opportunities", json={"name": "Initech renewal", "stage": "Discovery"}
    ).json()
    return {"leads": lead["id"], "accounts": account["id"], "opportunities": opportunity["id"]}


# Row 3: explicit null on a field that cannot be empty


@pytest.mark.parametrize("field", ["name", "role", "active", "out_of_office"])
def test_null_on_a_persons_required_field_is_422_naming_it(api, field):
    response = api.patch("/v1/people/sam-ortiz", json={field: None})
    assert fields_of(response) == [field]
    assert response.json()["detail"][0]["message"].startswith("may not be null")
    assert api.get("/v1/people/sam-ortiz").json()["name"] == "Sam Ortiz"  # nothing changed


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("leads", "override_owner"),
        ("leads", "status"),
        ("leads", "is_test"),
        ("leads", "extra"),
        ("accounts", "name"),
        ("accounts", "domains"),
        ("accounts", "named"),
        ("opportunities", "name"),
        ("opportunities", "stage"),
    ],
)
def test_null_on_a_records_required_field_is_422_naming_it(api, records, kind, field):
    response = api.patch(f"/v1/{kind}/{records[kind]}", json={field: None})
    assert fields_of(response) == [field]


def test_null_where_a_field_may_be_empty_still_clears_it(api, records):
    api.patch(f"/v1/leads/{records['leads']}", json={"region": "EMEA"})
    changed = api.patch(f"/v1/leads/{records['leads']}", json={"region": None})
    assert changed.status_code == 200 and changed.json()["lead"]["region"] is None


# Row 4: numbers no column holds


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/v1/leads/{HUGE}"),
        ("get", f"/v1/accounts/{HUGE}"),
        ("get", f"/v1/opportunities/{HUGE}"),
        ("get", f"/v1/activities/{HUGE}"),
        ("patch", f"/v1/leads/{HUGE}"),
        ("get", f"/v1/leads/{HUGE}/trace"),
        ("post", f"/v1/leads/{HUGE}/status"),
        ("post", f"/v1/leads/{HUGE}/misroute"),
        ("get", f"/v1/alerts/{HUGE}"),
        ("get", f"/v1/versions/{HUGE}"),
        ("get", f"/v1/events?after_id={HUGE}"),
        ("get", f"/v1/alerts?after_id={HUGE}"),
        ("get", f"/v1/alerts?lead_id={HUGE}"),
    ],
)
def test_an_id_beyond_64_bits_is_422_naming_it(api, method, path):
    body = {"status": "mql"} if path.endswith("/status") else {"reason": "wrong team"}
    kwargs = {"json": body} if method in ("post", "patch") else {}
    response = getattr(api, method)(path, **kwargs)
    (field,) = fields_of(response)
    assert field in {"record_id", "lead_id", "alert_id", "number", "after_id"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/leads", {**LEAD, "employees": 1e30}, "employees"),
        ("/v1/leads", {**LEAD, "employees": 3000000000}, "employees"),  # > PostgreSQL INTEGER
        ("/v1/leads", {**LEAD, "employees": int(HUGE)}, "employees"),
        ("/v1/accounts", {"name": "X", "employees": 3000000000}, "employees"),
        ("/v1/accounts", {"name": "X", "parent_id": int(HUGE)}, "parent_id"),
        ("/v1/activities", {"kind": "call", "occurred_at": "2026-11-02T15:00:00Z",
                            "lead_id": int(HUGE)}, "lead_id"),
        ("/v1/activities", {"kind": "call", "occurred_at": "2026-11-02T15:00:00Z",
                            "lead_id": 9223372036854775807}, "lead_id"),
    ],
)  # fmt: skip
def test_a_number_no_column_holds_is_422_naming_the_field(api, path, body, field):
    response = api.post(path, json=body)
    if field == "lead_id" and body[field] < 2**63:  # a valid id of no lead: found nowhere
        assert response.status_code == 422 and "lead_id" in response.text
        return
    assert fields_of(response) == [field]


def test_score_1e999_is_422_naming_score_not_a_stored_infinity(api):
    raw = '{"email": "s@initech.com", "score": 1e999}'
    response = api.post("/v1/leads", content=raw, headers={"Content-Type": "application/json"})
    assert fields_of(response) == ["score"]
    assert "too large" in response.json()["detail"][0]["message"]


def test_a_batch_names_the_item_whose_number_is_out_of_range(api):
    raw = '{"items": [{"email": "a@b.co"}, {"email": "c@d.co", "score": -1e999}]}'
    response = api.post("/v1/leads", content=raw, headers={"Content-Type": "application/json"})
    assert fields_of(response) == ["items[1].score"]


def test_a_capacity_beyond_the_column_is_422(api):
    response = api.patch("/v1/people/sam-ortiz", json={"max_open": 3000000000})
    assert fields_of(response) == ["max_open"]


# Row 5: JSON nested absurdly deep


@pytest.mark.parametrize("path", ["/v1/leads", "/v1/people", "/v1/leads/1/misroute"])
def test_json_nested_100000_deep_is_400(api, path):
    response = api.post(path, content="[" * 100_000, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text


def test_json_nested_100000_deep_in_a_patch_is_400(api, records):
    deep = '{"extra": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    response = api.patch(
        f"/v1/leads/{records['leads']}", content=deep, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "nested too deep" in response.json()["detail"]


# Row 6: NUL bytes, NaN, over-long strings — the same 422 on both databases


@pytest.mark.parametrize(
    ("method", "path", "raw", "field"),
    [
        ("post", "/v1/leads", '{"email": "n@initech.com", "company": "Ini\\u0000tech"}', "company"),
        ("post", "/v1/leads", '{"email": "n@initech.com", "extra": {"k": "a\\u0000"}}', "extra.k"),
        ("patch", "/v1/people/sam-ortiz", '{"name": "Sam\\u0000"}', "name"),
        ("post", "/v1/leads/1/misroute", '{"reason": "wrong\\u0000 team"}', "reason"),
        ("post", "/v1/leads", '{"email": "n@initech.com", "score": NaN}', "score"),
        ("post", "/v1/leads", '{"email": "n@initech.com", "extra": {"x": Infinity}}', "extra.x"),
        ("post", "/v1/opportunities", '{"name": "X", "stage": "S", "amount": -Infinity}',
         "amount"),
        ("post", "/v1/leads/1/status", '{"status": "mql", "note": NaN}', "note"),
    ],
)  # fmt: skip
def test_nul_and_nan_are_422_naming_the_field(api, records, method, path, raw, field):
    response = getattr(api, method)(path, content=raw, headers={"Content-Type": "application/json"})
    assert fields_of(response) == [field]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/people/sam%00", {}),
        ("/v1/events", {"actor": "api\x00"}),
        ("/v1/alerts", {"kind": "\x00"}),
    ],
)
def test_a_nul_in_a_path_or_query_parameter_is_422(api, path, params):
    response = api.get(path, params=params)
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "string_nul"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/v1/leads", {"email": "a" * 316 + "@x.io"}, "email"),
        ("post", "/v1/leads", {**LEAD, "owner_id": "o" * 101}, "owner_id"),
        ("post", "/v1/leads", {**LEAD, "company": "c" * 301}, "company"),
        ("post", "/v1/people", {"id": "new-rep", "name": "New", "role": "sdr",
                                "calendar": "c" * 101}, "calendar"),
        ("patch", "/v1/people/sam-ortiz", {"email": "a" * 316 + "@x.io"}, "email"),
        ("post", "/v1/activities", {"kind": "call", "occurred_at": "2026-11-02T15:00:00Z",
                                    "lead_id": 1, "person_id": "p" * 101}, "person_id"),
    ],
)  # fmt: skip
def test_a_string_longer_than_its_column_is_422_on_both_databases(
    api, records, method, path, body, field
):
    response = getattr(api, method)(path, json=body)
    assert fields_of(response) == [field]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/v1/leads", {**LEAD, "engaged_at": "9999-12-31T23:59:59-12:00"}, "engaged_at"),
        ("post", "/v1/leads", {**LEAD, "engaged_at": "0001-01-01T00:00:00+14:00"}, "engaged_at"),
        ("post", "/v1/leads", {**LEAD, "received_at": "0001-01-01T00:00:00Z"}, "received_at"),
        ("post", "/v1/activities", {"kind": "call", "lead_id": 1,
                                    "occurred_at": "9999-12-31T23:59:59Z"}, "occurred_at"),
        ("get", "/v1/events?since=0001-01-01T00:00:00%2B14:00", None, "since"),
        ("get", "/v1/reports/routing?since=9999-12-31T23:59:59-12:00", None, "since"),
        ("get", "/v1/reports/sla?until=0001-01-01T00:00:00%2B01:00", None, "until"),
        ("patch", "/v1/people/sam-ortiz", {"out_of_office": [
            {"starts_at": "0001-01-01T00:00:00+01:00", "ends_at": "2026-01-02T00:00:00Z"}]},
         "out_of_office[0].starts_at"),
    ],
)  # fmt: skip
def test_an_instant_beyond_what_converts_to_utc_is_422_naming_it(
    api, records, method, path, body, field
):
    response = getattr(api, method)(path, **({"json": body} if body is not None else {}))
    assert fields_of(response) == [field]
    assert "between 1900-01-01 and 2199-12-31" in response.json()["detail"][0]["message"]


def _api_routes(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router (FastAPI ≥ 0.16x)
        if inner is not None:
            yield from _api_routes(inner.routes)
        elif isinstance(route, APIRoute) and route.path.startswith("/v1"):
            yield route


def test_every_api_operation_reads_its_input_through_the_guard(api):
    """A router built without ``route_class=GuardedRoute`` (api/guard.py) would let NaN, NUL
    and deep nesting through to the database."""
    routes = list(_api_routes(api.app.routes))
    assert len(routes) > 30
    assert [r.path for r in routes if not isinstance(r, GuardedRoute)] == []


def test_the_handoff_doors_take_the_same_guard(api):
    assert fields_of(api.get(f"/v1/handoffs/{HUGE}")) == ["handoff_id"]
    assert fields_of(api.get("/v1/handoffs", params={"csm": "a\x00"})) == ["csm"]
    since = api.get("/v1/reports/handoff", params={"since": "0001-01-01T00:00:00+14:00"})
    assert fields_of(since) == ["since"]
