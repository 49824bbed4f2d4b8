"""The demo company: its workspace loads cleanly and its records are valid,
deterministic, consistent with each other and shaped like a real funnel; the history
told after routing (touches, lifecycle stamps) agrees with each lead's status and owner.

The routing here is a stand-in (``routed``), so these checks hold whatever Baton decides."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.demo.generator import (
    DEMO_PEOPLE,
    FREEMAIL_DOMAINS,
    demo_records,
    write_demo_workspace,
)
from baton.demo.history import (
    QUEUE_WORKERS,
    Converted,
    Routed,
    arrival_status,
    converted_deals,
    lead_histories,
    rule_of,
)
from baton.domain.lifecycle import DEFAULT_TRANSITIONS
from baton.domain.records import LeadStatus
from baton.services.records.payloads import AccountIn, ActivityIn, LeadIn, OpportunityIn
from baton.workspace.loader import load_workspace

NOW = datetime(2026, 11, 22, 15, 45, 12, tzinfo=UTC)
PEOPLE = {p.id: p for p in DEMO_PEOPLE}
HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def data():
    return demo_records(NOW)


@pytest.fixture(scope="module")
def leads_by_id(data):
    return {lead["external_id"]: lead for lead in data.leads}


THRESHOLDS = {"hand-raiser": timedelta(minutes=30), "content": timedelta(hours=4)}


def stand_in_routing(lead: dict) -> Routed:
    """Roughly what the demo workspace decides: test leads and small partner referrals to
    a queue, a CRM owner kept, else a rep of the lead's region; a running clock unless the
    lead is excluded (its deadline in wall time: these tests check consistency, not
    business hours)."""
    received = at(lead["received_at"])
    if lead.get("is_test"):
        return Routed(None, "test-leads", None, None)
    if lead["source"] == "partner" and lead["employees"] < 1000:
        return Routed(None, "partner-desk", None, None)
    wanted = "ae" if lead["segment"] == "Enterprise" else "sdr"
    reps = [p for p in DEMO_PEOPLE if p.active and p.region == lead["region"]]
    reps = [p for p in reps if p.role == wanted] or [p for p in reps if p.role == "ae"]
    owner = lead.get("owner_id") or reps[0].id
    if lead["status"] in ("recycled", "disqualified"):
        return Routed(owner, None, received, None)
    threshold = THRESHOLDS.get(rule_of(lead["lead_type"]), timedelta(hours=8))
    return Routed(owner, None, received, received + threshold)


@pytest.fixture(scope="module")
def routed(data):
    return {lead["external_id"]: stand_in_routing(lead) for lead in data.leads}


@pytest.fixture(scope="module")
def history(data, routed):
    return lead_histories(data.leads, routed, NOW)


@pytest.fixture(scope="module")
def touches(history):
    """Lead external id → its touches, in order."""
    by_lead: dict[str, list[dict]] = {}
    for activity in history.activities:
        by_lead.setdefault(activity["lead_external_id"], []).append(activity)
    return by_lead


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


def test_every_payload_validates_strictly_against_its_model(data, history):
    for model, items in (
        (AccountIn, data.accounts),
        (LeadIn, data.leads),
        (OpportunityIn, data.opportunities),
        (ActivityIn, data.account_activities + history.activities),
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
    assert all("account_external_id" in a for a in data.account_activities)
    assert 30 <= len(data.account_activities) <= 50


def test_leads_are_numbered_in_the_order_they_arrived(data):
    arrivals = [at(lead["received_at"]) for lead in data.leads]
    assert arrivals == sorted(arrivals)
    assert [lead["external_id"] for lead in data.leads[:2]] == ["L-000001", "L-000002"]


def test_external_ids_are_unique(data, history):
    for items in (
        data.accounts,
        data.leads,
        data.opportunities,
        data.account_activities + history.activities,
    ):
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


def test_activities_fall_after_their_lead_arrived_and_not_after_now(data, history, leads_by_id):
    for activity in data.account_activities + history.activities:
        occurred_at = at(activity["occurred_at"])
        assert occurred_at <= NOW
        if "lead_external_id" in activity:
            assert occurred_at > at(leads_by_id[activity["lead_external_id"]]["received_at"])
    assert all(PEOPLE[a["person_id"]].role == "ae" for a in data.account_activities)


def test_every_reference_points_at_something_that_exists(data, history, leads_by_id):
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
    for activity in data.account_activities + history.activities:
        assert activity.get("lead_external_id", "L-000001") in leads_by_id
        assert activity.get("account_external_id", "A-0001") in seen_accounts
    assert all(lead["owner_id"] in PEOPLE for lead in data.leads if "owner_id" in lead)


def test_the_departed_rep_owns_and_touches_nothing_from_the_last_thirty_days(data, history):
    cutoff = NOW - timedelta(days=30)
    departed = {p.id for p in DEMO_PEOPLE if not p.active}
    for lead in data.leads:
        if lead.get("owner_id") in departed:
            assert at(lead["received_at"]) < cutoff
    for activity in data.account_activities + history.activities:
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


# --- the history after routing --------------------------------------------------------


def test_each_lead_walks_the_lifecycle_to_its_status_in_order(data, history, touches, tmp_path):
    write_demo_workspace(tmp_path)
    reasons = set(load_workspace(tmp_path).spec.lifecycle.rejection_reasons)
    for lead in data.leads:
        moves = history.moves[lead["external_id"]]
        if arrival_status(lead) == "mql":  # qualified by its score: an MQL as it arrives
            assert moves[0].status == "mql" and moves[0].at - at(lead["received_at"]) < HOUR
        status = "new"  # the history is replayed from the lead's arrival as New
        for move in moves:  # each move one the demo's (default) lifecycle allows
            assert LeadStatus(move.status) in DEFAULT_TRANSITIONS[LeadStatus(status)], lead
            assert (move.reason in reasons) == (move.status in ("recycled", "disqualified"))
            status = move.status
        assert status == lead["status"], lead["external_id"]
        moments = [move.at for move in moves]
        assert all(at(lead["received_at"]) <= m <= NOW for m in moments)
        assert moments == sorted(moments)  # mql_at <= sal_at <= sql_at <= converted_at
        stamps = history.stamps[lead["external_id"]]
        times = [at(t["occurred_at"]) for t in touches.get(lead["external_id"], [])]
        if lead["status"] in ("sal", "sql", "converted"):
            assert times and times[0] <= stamps["sal_at"]  # accepted after a conversation
        if lead["status"] == "recycled":
            assert times and times[-1] <= stamps["recycled_at"]
        if lead["status"] == "disqualified":
            assert all(t <= stamps["disqualified_at"] for t in times)


def test_the_rejections_tell_the_feedback_pages_story(data, history):
    """ "not a fit" is over 40 % of the rejections, more so from paid search."""
    given = Counter(
        (lead["source"] == "paid-search", move.reason)
        for lead in data.leads
        for move in history.moves[lead["external_id"]]
        if move.reason
    )
    total = sum(given.values())
    unfit = given[(True, "not a fit")] + given[(False, "not a fit")]
    assert unfit / total > 0.4
    paid = sum(n for (paid, _), n in given.items() if paid)
    assert given[(True, "not a fit")] / paid > unfit / total


def test_converted_leads_become_deals_that_close_after_the_conversion(data, history):
    by_account = {a["external_id"]: a for a in data.accounts}
    converted = [
        Converted(x, by_account[a], history.stamps[x]["converted_at"], None)
        for x, a in zip(
            [lead["external_id"] for lead in data.leads if lead["status"] == "converted"],
            list(by_account) * 10,
            strict=False,
        )
    ]
    assert converted
    deals = converted_deals(converted, NOW)
    for lead, deal in zip(converted, deals, strict=True):
        assert deal["account_external_id"] == lead.account["external_id"]
        if deal["stage"].startswith("Closed"):
            assert lead.converted_at <= at(deal["closed_at"]) <= NOW
    assert {d["stage"] for d in deals} >= {"Closed Won", "Closed Lost", "Proposal"}


def test_no_lead_is_qualified_on_its_first_day_and_test_leads_stay_new(data):
    for lead in data.leads:
        if NOW - at(lead["received_at"]) < timedelta(days=1):
            assert lead["status"] in ("new", "mql")
        if lead.get("is_test"):
            assert lead["status"] == "new"


def test_most_leads_are_touched_by_their_owner_or_their_queue_first_by_call_or_email(
    data, routed, touches
):
    real = [lead for lead in data.leads if not lead.get("is_test")]
    assert sum(lead["external_id"] in touches for lead in real) / len(real) >= 0.9
    for xid, lead_touches in touches.items():
        worker = routed[xid].owner_id or QUEUE_WORKERS[routed[xid].queue]
        assert {t["person_id"] for t in lead_touches} == {worker}
        assert lead_touches[0]["kind"] in ("call", "email")
    assert not any(lead["external_id"] in touches for lead in data.leads if lead.get("is_test"))


def test_owners_answer_most_clocks_before_the_deadline_and_leave_a_few_overdue(
    data, routed, touches
):
    hit = late = overdue = waiting = 0
    for lead in data.leads:
        due = routed[lead["external_id"]].due_at
        if due is None:
            continue
        first = touches.get(lead["external_id"])
        if first and at(first[0]["occurred_at"]) < due:
            hit += 1
        elif first:
            late += 1
        elif due < NOW:
            overdue += 1  # a miss as of now
        else:
            waiting += 1
    assert 0.7 <= hit / (hit + late + overdue) <= 0.9
    assert late > 100 and 3 <= overdue <= 60 and waiting >= 1


def test_a_leads_history_does_not_depend_on_the_other_leads(data, routed, history):
    first, second = data.leads[100], data.leads[101]
    changed = dict(routed)
    changed[first["external_id"]] = Routed(None, "partner-desk", None, None)
    again = lead_histories(data.leads, changed, NOW)

    def of(h, xid):
        return [
            (a["person_id"], a["occurred_at"]) for a in h.activities if a["lead_external_id"] == xid
        ]

    assert of(again, second["external_id"]) == of(history, second["external_id"])
    assert again.stamps[second["external_id"]] == history.stamps[second["external_id"]]
    assert lead_histories(data.leads, routed, NOW) == history
