"""Routing in the real store: assigned in the same request, explained, fair, never lost."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import LEAD
from baton.store.tables import pool_members, routing_decisions

LEAD_BODY = {"email": "jo@initech.com", "company": "Initech", "region": "NA"}


def decisions_for(live, lead_id):
    with live.db.read() as conn:
        return conn.execute(
            select(func.count())
            .select_from(routing_decisions)
            .where(routing_decisions.c.lead_id == lead_id)
        ).scalar_one()


def test_lead_is_assigned_in_the_same_request_with_its_trace(api):
    lead = api.post("/v1/leads", json=LEAD_BODY).json()
    assert lead["owner"]["id"] == "sam-ortiz"  # first in the pool's order
    trace = api.get(f"/v1/leads/{lead['id']}/trace").json()
    (decision,) = trace["decisions"]
    assert decision["node"] == "round robin sdr-americas" and decision["version"] == 1
    text = "\n".join(decision["explanation"])
    assert "override flag not set → continue" in text
    assert "no account matched by email_domain, website, company_name" in text
    assert "branch emea?: region eq 'EMEA' (region = NA) → no" in text
    assert "round robin sdr-americas: chose Sam (1st assignment this cycle)" in text
    assert decision["explanation"][-1] == "→ owner Sam Ortiz (sam-ortiz)"


def test_redelivered_lead_is_not_routed_twice(api):
    body = {**LEAD_BODY, "external_id": "00Q1", "source_system": "sf"}
    first = api.post("/v1/leads", json=body).json()
    again = api.post("/v1/leads", json=body).json()
    assert first["id"] == again["id"] and again["owner"]["id"] == first["owner"]["id"]
    assert len(api.get(f"/v1/leads/{first['id']}/trace").json()["decisions"]) == 1


def test_round_robin_alternates_and_the_pointer_is_stored(api, live):
    body = api.post(
        "/v1/leads", json={"items": [{**LEAD_BODY, "email": f"p{i}@x{i}.com"} for i in range(10)]}
    ).json()
    owners = Counter(api.get(f"/v1/leads/{i['id']}").json()["owner"]["id"] for i in body["items"])
    assert owners == {"sam-ortiz": 5, "priya-nair": 5}
    with live.db.read() as conn:
        credits = {
            r.person_id: (r.credit, r.assigned_total) for r in conn.execute(select(pool_members))
        }
    assert credits == {"sam-ortiz": (5, 5), "priya-nair": (5, 5)}


def test_out_of_office_member_is_skipped_and_the_trace_says_so(api):
    api.patch(
        "/v1/people/sam-ortiz",
        json={
            "out_of_office": [
                {"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-03T00:00:00Z"}
            ]
        },
    )
    leads = [
        api.post("/v1/leads", json={**LEAD_BODY, "email": f"o{i}@x{i}.com"}).json()
        for i in range(3)
    ]
    assert {lead["owner"]["id"] for lead in leads} == {"priya-nair"}
    words = "\n".join(
        api.get(f"/v1/leads/{leads[0]['id']}/trace").json()["decisions"][0]["explanation"]
    )
    assert (
        "skipped Sam (out of office until Dec 2)" in words
    )  # shown in Sam's own time zone (Chicago)


def test_everyone_away_goes_to_the_fallback_queue_never_unassigned(api):
    for pid in ("sam-ortiz", "priya-nair"):
        api.patch(f"/v1/people/{pid}", json={"active": False})
    lead = api.post("/v1/leads", json=LEAD_BODY).json()
    assert lead["owner"] is None and lead["queue"] == "inbound-triage"
    assert lead["timestamps"]["assigned_at"] is None
    decision = api.get(f"/v1/leads/{lead['id']}/trace").json()["decisions"][0]
    assert decision["via_fallback"] is True
    assert "nobody available (skipped Sam (inactive); skipped Priya (inactive))" in "\n".join(
        decision["explanation"]
    )


def test_named_account_goes_to_its_owner_and_is_recorded_on_the_lead(api):
    account = api.post(
        "/v1/accounts",
        json={
            "name": "Globex",
            "domains": ["globex.com"],
            "owner_id": "emma-schulz",
            "named": True,
        },
    ).json()
    lead = api.post("/v1/leads", json={"email": "hank@eu.globex.com", "company": "Globex"}).json()
    assert lead["owner"]["id"] == "emma-schulz" and lead["account_id"] == account["id"]
    free_mail = api.post(
        "/v1/leads", json={"email": "hank@gmail.com", "company": "Someone Else"}
    ).json()
    assert free_mail["owner"]["id"] != "emma-schulz" and free_mail["account_id"] is None


def test_territory_inside_a_branch(api):
    small = api.post(
        "/v1/leads",
        json={"email": "a@eu-small.de", "company": "Klein", "region": "EMEA", "employees": 40},
    ).json()
    big = api.post(
        "/v1/leads",
        json={"email": "b@eu-big.de", "company": "Gross", "region": "EMEA", "employees": 4000},
    ).json()
    assert small["owner"]["id"] == "emma-schulz" and big["owner"]["id"] == "lukas-weber"
    decision = api.get(f"/v1/leads/{big['id']}/trace").json()["decisions"][0]
    assert decision["node"] == "emea? / territory main"
    assert any(
        "CSV line 3 (EMEA enterprise) [region=EMEA, employees ≥ 1,000] → owner lukas-weber" in line
        for line in decision["explanation"]
    )
    row = next(s for s in decision["steps"] if s["words"].startswith("territory main: CSV line"))
    assert row["values"] == {"csv_line": 3}  # territories.csv: the header is line 1


def test_override_keeps_the_owner(api):
    lead = api.post(
        "/v1/leads", json={**LEAD_BODY, "override_owner": True, "owner_id": "emma-schulz"}
    ).json()
    assert lead["owner"]["id"] == "emma-schulz"
    assert api.get(f"/v1/leads/{lead['id']}/trace").json()["decisions"][0]["node"] == "override"


def test_backfilled_history_is_not_routed_again(api):
    lead = api.post(
        "/v1/leads",
        json={
            **LEAD_BODY,
            "owner_id": "emma-schulz",
            "assigned_at": "2026-10-01T10:00:00Z",
            "received_at": "2026-10-01T09:59:00Z",
        },
    ).json()
    assert lead["owner"]["id"] == "emma-schulz"
    assert api.get(f"/v1/leads/{lead['id']}/trace").status_code == 404


def test_capacity_skips_a_full_member(api):
    api.patch("/v1/people/sam-ortiz", json={"max_open": 1})
    owners = [
        api.post("/v1/leads", json={**LEAD_BODY, "email": f"c{i}@x{i}.com"}).json()["owner"]["id"]
        for i in range(4)
    ]
    assert owners.count("sam-ortiz") == 1


def test_misroute_flag_and_report(api):
    leads = [
        api.post("/v1/leads", json={**LEAD_BODY, "email": f"m{i}@x{i}.com"}).json()
        for i in range(4)
    ]
    flagged = api.post(
        f"/v1/leads/{leads[0]['id']}/misroute",
        json={"reason": "account is in EMEA, not NA", "expected_owner": "emma-schulz"},
    )
    assert flagged.status_code == 201
    assert api.post(f"/v1/leads/{leads[0]['id']}/misroute", json={"reason": "x"}).status_code == 422
    assert api.post("/v1/leads/99999/misroute", json={"reason": "wrong team"}).status_code == 404
    report = api.get("/v1/reports/routing").json()
    assert report["routed"] == 4 and report["misroutes"]["count"] == 1
    assert report["misroutes"]["rate"] == 0.25
    small = {"size": 4, "needed": 20, "enough": False}  # health: min_sample (default 20)
    assert report["misroutes"]["flagged"] is False and report["misroutes"]["sample"] == small
    (pool,) = report["pools"]
    assert pool["pool"] == "sdr-americas" and pool["imbalance"] == 0.0 and not pool["flagged"]
    assert report["fallback"] == {"leads": 0, "share": 0.0, "sample": small}


def test_report_shows_imbalance_and_inactive_owners_but_six_leads_are_no_red_flag(api, live, clock):
    api.patch(
        "/v1/people/sam-ortiz",
        json={
            "out_of_office": [
                {"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-11-02T15:30:00Z"}
            ]
        },
    )
    for i in range(6):
        api.post("/v1/leads", json={**LEAD_BODY, "email": f"i{i}@x{i}.com"})
    api.patch("/v1/people/priya-nair", json={"active": False})
    report = api.get("/v1/reports/routing").json()
    (pool,) = report["pools"]
    assert pool["imbalance"] == 1.0 and pool["flagged"] is False  # health: min_pool_leads
    assert pool["sample"] == {"size": 6, "needed": 20, "enough": False}
    assert report["inactive_owners"] == [{"person_id": "priya-nair", "leads": 6}]


def test_departure_dry_run_then_apply(api, live, clock):
    leads = [
        api.post("/v1/leads", json={**LEAD_BODY, "email": f"d{i}@x{i}.com"}).json()
        for i in range(4)
    ]
    sams = [lead["id"] for lead in leads if lead["owner"]["id"] == "sam-ortiz"]
    api.post(
        "/v1/accounts",
        json={
            "name": "Sam's Named Co",
            "domains": ["samsco.com"],
            "owner_id": "sam-ortiz",
            "named": True,
            "region": "NA",
        },
    )
    assert api.post("/v1/people/sam-ortiz/reroute").status_code == 409  # still active
    api.patch("/v1/people/sam-ortiz", json={"active": False})
    clock.advance(timedelta(hours=1))
    plan = api.post("/v1/people/sam-ortiz/reroute").json()
    assert plan["applied"] is False and plan["leads"] == len(sams) == 2 and plan["accounts"] == 1
    assert plan["to"] == {"priya-nair": 3}
    assert all(
        api.get(f"/v1/leads/{i}").json()["owner"]["id"] == "sam-ortiz" for i in sams
    )  # dry run changed nothing
    applied = api.post("/v1/people/sam-ortiz/reroute", params={"apply": "true"}).json()
    assert applied["applied"] is True
    for lead_id in sams:
        lead = api.get(f"/v1/leads/{lead_id}").json()
        assert (
            lead["owner"]["id"] == "priya-nair"
            and lead["timestamps"]["assigned_at"] == "2026-11-02T15:00:00Z"
        )  # a re-route keeps the first assignment: the hour is nobody's systems delay
        assert (
            api.get(f"/v1/leads/{lead_id}/trace").json()["decisions"][-1]["trigger"]
            == "lead.reroute"
        )


def test_batch_routing_in_one_transaction_counts_capacity(live):
    items = [{**LEAD_BODY, "email": f"b{i}@x{i}.com"} for i in range(6)]
    with live.db.write() as conn:
        conn.execute(pool_members.delete())
        conn.commit()
    from baton.services.people.directory import patch_person
    from baton.services.people.payloads import PersonPatch

    patch_person(live, "priya-nair", PersonPatch(max_open=2), "t")
    result = submit(live, Submission(LEAD, items, "t"), live.clock.now())
    assert result.count("created") == 6
    with live.db.read() as conn:
        owners = Counter(r.owner_id for r in conn.execute(select(routing_decisions.c.owner_id)))
    assert owners == {"sam-ortiz": 4, "priya-nair": 2}
