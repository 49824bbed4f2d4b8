"""The demo company: its workspace loads cleanly and its records are valid,
deterministic, consistent with each other and shaped like a real funnel."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.demo.generator import (
    DEMO_PEOPLE,
    FREEMAIL_DOMAINS,
    demo_records,
    write_demo_workspace,
)
from baton.services.records.payloads import AccountIn, ActivityIn, LeadIn, OpportunityIn
from baton.workspace.loader import load_workspace

NOW = datetime(2026, 11, 22, 15, 45, 12, tzinfo=UTC)
PEOPLE = {p.id: p for p in DEMO_PEOPLE}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def data():
    return demo_records(NOW)


@pytest.fixture(scope="module")
def leads_by_id(data):
    return {lead["external_id"]: lead for lead in data.leads}


def test_demo_workspace_loads_without_errors_or_warnings(tmp_path):
    folder = tmp_path / "not" / "there" / "yet"
    write_demo_workspace(folder)
    workspace = load_workspace(folder)
    spec = workspace.spec
    assert workspace.warnings == []
    assert spec.workspace.name == "Northwind Analytics"
    assert spec.workspace.timezone == "America/New_York"
    assert 23 <= len(spec.people) <= 27
    assert 3 <= len(spec.teams) <= 4
    assert sorted(spec.calendars) == ["americas", "apac", "emea"]
    assert {d.term for d in spec.definitions} >= {
        "MQL",
        "SAL",
        "SQL",
        "Hand-raiser",
        "SLA hit",
        "Ownership timeout",
    }
    assert all(d.approved for d in spec.definitions)


def test_demo_people_are_the_people_in_the_written_workspace(tmp_path):
    write_demo_workspace(tmp_path)
    people = {p.id: p for p in load_workspace(tmp_path).spec.people}
    assert set(people) == set(PEOPLE)
    assert [p.id for p in people.values() if not p.active] == ["ethan-walsh"]
    assert [p.id for p in people.values() if p.manager is None] == ["jordan-blake"]
    assert all(
        p.max_open and p.max_per_day
        for p in people.values()
        if p.role in ("sdr", "ae", "am", "csm")
    )


def test_same_seed_gives_the_same_records_and_another_seed_does_not(data):
    again = demo_records(NOW)
    other = demo_records(NOW, seed=8)
    assert again == data
    assert other.leads != data.leads and other.accounts != data.accounts


def test_every_payload_validates_strictly_against_its_model(data):
    for model, items in (
        (AccountIn, data.accounts),
        (LeadIn, data.leads),
        (OpportunityIn, data.opportunities),
        (ActivityIn, data.activities),
    ):
        for item in items:
            model.model_validate_json(json.dumps(item), strict=True)
            assert item["source_system"] == "demo-crm" and item["external_id"]


def test_counts_are_those_of_a_mid_sized_b2b_company(data):
    assert 380 <= len(data.accounts) <= 420
    assert len(data.leads) == 5000
    assert 140 <= len(data.opportunities) <= 160
    named = [a for a in data.accounts if a.get("named")]
    assert 55 <= len(named) <= 65
    assert 5 <= sum(1 for a in data.accounts if a.get("parent_external_id")) <= 20
    assert 3 <= sum(1 for lead in data.leads if lead.get("is_test")) <= 40
    assert 3 <= sum(1 for lead in data.leads if lead.get("override_owner")) <= 60
    assert (
        sum(1 for lead in data.leads if lead["status"] == "new")
        > sum(1 for lead in data.leads if lead["status"] == "mql")
        > 100
    )
    touched = {a["lead_external_id"] for a in data.activities if "lead_external_id" in a}
    assert 0.6 <= len(touched) / len(data.leads) <= 0.8
    assert any("account_external_id" in a for a in data.activities)


def test_external_ids_are_unique(data):
    for items in (data.accounts, data.leads, data.opportunities, data.activities):
        ids = [item["external_id"] for item in items]
        assert len(ids) == len(set(ids))


def test_leads_arrive_within_the_window_and_engage_just_before(data):
    for lead in data.leads:
        received_at, engaged_at = at(lead["received_at"]), at(lead["engaged_at"])
        assert NOW - timedelta(days=60) <= received_at <= NOW
        assert timedelta(0) < received_at - engaged_at <= timedelta(hours=1)
    delays = [at(lead["received_at"]) - at(lead["engaged_at"]) for lead in data.leads]
    assert 0.01 < sum(d >= timedelta(minutes=10) for d in delays) / len(delays) < 0.06


def test_leads_arrive_mostly_on_weekdays_in_office_hours(data):
    zones = {
        "NA": ZoneInfo("America/Chicago"),
        "EMEA": ZoneInfo("Europe/Berlin"),
        "APAC": ZoneInfo("Australia/Sydney"),
    }
    local = [at(lead["received_at"]).astimezone(zones[lead["region"]]) for lead in data.leads]
    assert sum(t.weekday() < 5 for t in local) / len(local) > 0.85
    assert sum(7 <= t.hour < 19 for t in local) / len(local) > 0.6


def test_activities_fall_after_their_lead_arrived_and_not_after_now(data, leads_by_id):
    for activity in data.activities:
        occurred_at = at(activity["occurred_at"])
        assert occurred_at <= NOW
        if "lead_external_id" in activity:
            assert occurred_at > at(leads_by_id[activity["lead_external_id"]]["received_at"])
        assert PEOPLE[activity["person_id"]].role in ("sdr", "ae")


def test_every_reference_points_at_something_that_exists(data, leads_by_id):
    seen_accounts: set[str] = set()
    for account in data.accounts:
        assert account.get("parent_external_id") in seen_accounts | {None}  # parents come first
        seen_accounts.add(account["external_id"])
        if account.get("named"):
            assert (
                PEOPLE[account["owner_id"]].role in ("ae", "am")
                and PEOPLE[account["owner_id"]].active
            )
    for opportunity in data.opportunities:
        assert opportunity["account_external_id"] in seen_accounts
        assert PEOPLE[opportunity["owner_id"]].role == "ae"
        assert ("closed_at" in opportunity) == opportunity["stage"].startswith("Closed")
        assert at(opportunity.get("closed_at", NOW.isoformat())) <= NOW
    for activity in data.activities:
        assert activity.get("lead_external_id", "L-000001") in leads_by_id
        assert activity.get("account_external_id", "A-0001") in seen_accounts
    assert all(lead["owner_id"] in PEOPLE for lead in data.leads if "owner_id" in lead)


def test_the_departed_rep_owns_and_touches_nothing_from_the_last_thirty_days(data, leads_by_id):
    cutoff = NOW - timedelta(days=30)
    departed = {p.id for p in DEMO_PEOPLE if not p.active}
    for lead in data.leads:
        if lead.get("owner_id") in departed:
            assert at(lead["received_at"]) < cutoff
    for activity in data.activities:
        if activity["person_id"] in departed:
            assert at(activity["occurred_at"]) < cutoff
    assert not any(item.get("owner_id") in departed for item in data.accounts + data.opportunities)


def test_lead_emails_mix_known_accounts_other_companies_and_free_mail(data):
    account_domains = {domain for account in data.accounts for domain in account["domains"]}
    domains = [lead["email"].rsplit("@", 1)[1] for lead in data.leads]
    assert 0.40 <= sum(d in account_domains for d in domains) / len(domains) <= 0.50
    assert 0.05 <= sum(d in FREEMAIL_DOMAINS for d in domains) / len(domains) <= 0.11


def test_segments_agree_with_employee_counts(data):
    bands = {"SMB": range(200), "Mid-Market": range(200, 1000), "Enterprise": range(1000, 10**6)}
    for item in data.accounts + data.leads:
        assert item["employees"] in bands[item["segment"]]


def test_fewer_leads_and_a_shorter_window_are_respected():
    small = demo_records(NOW, seed=3, leads=200, days=7)
    assert len(small.leads) == 200
    assert all(NOW - timedelta(days=7) <= at(lead["received_at"]) <= NOW for lead in small.leads)


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        demo_records(datetime(2026, 11, 22, 12, 0))
