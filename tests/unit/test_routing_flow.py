"""Flows end to end on in-memory ports: the playbook's Target Account QA list, account
matching, branches, fallback, traces in words, and "nothing falls through"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baton.domain.routing.flow import Decision
from baton.services.routing.assign import lead_facts
from baton.testing import InMemoryRoutingPorts
from baton.workspace.routing_compile import RoutingConfig, compile_routing
from baton.workspace.spec import WorkspaceSpec

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York

PEOPLE = [
    {"id": "mia", "name": "Mia Roth", "role": "manager"},
    {"id": "alice", "name": "Alice Park", "role": "ae", "team": "ent-west", "manager": "mia"},
    {"id": "bob", "name": "Bob Stone", "role": "ae", "team": "ent-east"},
    {"id": "carol", "name": "Carol Diaz", "role": "ae", "active": False},
    {"id": "dana", "name": "Dana Weiss", "role": "ae", "team": "emea"},
    {"id": "sam", "name": "Sam Ortiz", "role": "sdr", "team": "sdr", "calendar": "americas"},
    {"id": "priya", "name": "Priya Nair", "role": "sdr", "team": "sdr", "calendar": "americas"},
    {"id": "lee", "name": "Lee Chen", "role": "sdr", "team": "sdr", "calendar": "americas"},
]
TERRITORY = [
    {"country": "US", "state": "CA|WA|OR", "team": "ent-west"},
    {"country": "US", "team": "ent-east"},
    {"country": "GB|DE|FR", "owner": "dana"},
]
TARGET_ACCOUNT_FLOW = {
    "name": "inbound",
    "nodes": [
        "override",
        "match_account",
        {
            "branch": {
                "name": "enterprise?",
                "if": {"field": "employees", "gte": 1000},
                "then": [{"territory": "main"}],
            }
        },
        {"round_robin": "sdr"},
        {"fallback": {"queue": "inbound-triage"}},
    ],
}


def workspace(*flows: dict, **routing) -> WorkspaceSpec:
    return WorkspaceSpec.model_validate(
        {
            "workspace": {"name": "Acme", "timezone": "America/New_York"},
            "calendars": {
                "americas": {"timezone": "America/New_York", "week": {"mon-fri": ["09:00-17:00"]}}
            },
            "people": PEOPLE,
            "teams": [{"id": t, "name": t} for t in ("ent-west", "ent-east", "emea", "sdr")],
            "routing": {
                "queues": [{"id": "inbound-triage"}],
                "pools": [{"id": "sdr", "members": ["sam", "priya", "lee"]}],
                "territories": [{"id": "main", "rows": TERRITORY}],
                "flows": list(flows) or [TARGET_ACCOUNT_FLOW],
                **routing,
            },
        }
    )


ACCOUNTS = [
    {"id": 1, "name": "Initech", "domains": ["initech.com"], "owner_id": "alice", "named": True},
    {
        "id": 2,
        "name": "Globex Corporation",
        "domains": ["www.globex.com"],
        "owner_id": "bob",
        "named": False,
        "segment": "ENT",
        "employees": 40_000,
        "country": "US",
        "state": "CA",
    },
    {
        "id": 3,
        "name": "Acme",
        "domains": ["acme.io", "gmail.com"],
        "owner_id": "bob",
        "named": True,
    },
    {
        "id": 4,
        "name": "Umbrella",
        "domains": ["umbrella.co.uk"],
        "owner_id": "carol",
        "named": True,
        "country": "GB",
    },
    {"id": 5, "name": "Hooli", "domains": ["hooli.com"], "owner_id": None, "named": True},
]


def setup(*flows: dict, accounts=ACCOUNTS, **data) -> tuple[RoutingConfig, InMemoryRoutingPorts]:
    spec = workspace(*flows)
    config, issues = compile_routing(spec)
    assert issues == []
    return config, InMemoryRoutingPorts.for_workspace(spec, config, accounts=accounts, **data)


def route(
    config: RoutingConfig, ports: InMemoryRoutingPorts, at: datetime = NOW, **lead
) -> Decision:
    facts = lead_facts(lead)
    flow = config.flow_for(
        "lead.created", lambda name: facts.extra if name == "extra" else facts.get(name)
    )
    decision = ports.route(flow, facts, at)
    assert all(step.words.strip() for step in decision.steps)
    return decision


def words(decision: Decision) -> list[str]:
    return [step.words for step in decision.steps]


# -- the playbook's Target Account QA list


def test_a_named_account_routes_to_its_owner():
    d = route(*setup(), email="jo@initech.com")
    assert (d.owner_id, d.node_kind, d.account.account_id) == ("alice", "match_account", 1)
    assert (
        words(d)[-1]
        == "matched account Initech (#1) by email_domain initech.com → account owner Alice"
    )


FALL = {"fallback": {"queue": "inbound-triage"}}
AWAY = {"alice": [(NOW - timedelta(days=1), NOW + timedelta(days=2))]}  # back Nov 4


def test_an_absent_named_account_owners_lead_goes_to_their_manager_and_the_trace_says_so():
    d = route(*setup(out_of_office=AWAY), email="jo@initech.com")
    assert (d.owner_id, d.node_kind, d.account.account_id) == ("mia", "match_account", 1)
    assert words(d)[-2:] == [
        "matched account Initech (#1) by email_domain initech.com; owner Alice is out of "
        "office until Nov 4 → cover: their manager Mia",
        "match_account → Mia",
    ]


def test_the_cover_may_be_a_pool_and_the_owner_is_back_at_the_periods_end():
    flow = {"name": "inbound", "nodes": [{"match_account": {"cover": {"pool": "sdr"}}}, FALL]}
    config, ports = setup(flow, out_of_office=AWAY)
    d = route(config, ports, email="jo@initech.com")
    assert d.owner_id in ("sam", "priya", "lee") and d.pool_id == "sdr"
    assert "→ cover: pool sdr" in words(d)[0]
    back = NOW + timedelta(days=2)  # the half-open period's end: Alice is back
    assert route(config, ports, back, email="jo@initech.com").owner_id == "alice"


def test_cover_owner_keeps_the_old_behaviour_a_note_on_the_absent_owner():
    flow = {"name": "inbound", "nodes": [{"match_account": {"cover": "owner"}}, FALL]}
    d = route(*setup(flow, out_of_office=AWAY), email="jo@initech.com")
    assert d.owner_id == "alice"
    assert words(d)[-1].endswith("→ account owner Alice (note: out of office until Nov 4)")


def test_an_absent_owner_without_a_manager_continues_down_the_flow():
    away = {"bob": [(NOW - timedelta(days=1), NOW + timedelta(days=2))]}
    d = route(*setup(out_of_office=away), email="jo@acme.io")
    assert "has no manager to cover → continue" in words(d)[1]
    assert d.owner_id in ("sam", "priya", "lee")  # the SDR round robin after it


def test_a_cover_that_is_not_one_is_refused_at_its_place():
    flow = {"name": "inbound", "nodes": [{"match_account": {"cover": "boss"}}, FALL]}
    _, issues = compile_routing(workspace(flow))
    assert [(i.loc, i.message) for i in issues] == [
        (
            ("routing", "flows", 0, "nodes", 0, "match_account", "cover"),
            "cover: 'boss' is not a cover",
        )
    ]


def test_a_non_named_account_falls_back_to_the_territory_with_the_accounts_fields():
    d = route(
        *setup(), email="jo@globex.com", employees=5000
    )  # the lead does not say where; the account does
    assert (d.team_id, d.node_kind, d.account.account_id) == ("ent-west", "territory", 2)
    assert "not a named account → continue" in words(d)[1]
    assert d.owner_id == "alice" and d.pool_id == "team:ent-west"


def test_a_branch_sees_the_matched_accounts_fields_like_the_territory_does():
    d = route(*setup(), email="jo@globex.com")  # Globex has 40,000 employees; the lead does not say
    assert words(d)[2] == "branch enterprise?: employees gte 1000 (employees = 40,000) → yes"
    assert d.node_kind == "territory"


def test_a_small_lead_of_no_account_falls_back_to_the_round_robin():
    config, ports = setup()
    owners = [
        route(
            config, ports, NOW + timedelta(minutes=i), email=f"x{i}@newco.com", employees=20
        ).owner_id
        for i in range(6)
    ]
    assert owners == ["sam", "priya", "lee", "sam", "priya", "lee"]


def test_the_override_flag_keeps_the_current_owner():
    d = route(*setup(), email="jo@initech.com", override_owner=True, owner_id="bob")
    assert (d.owner_id, d.node_kind) == ("bob", "override")
    assert words(d) == ["override flag set → keep current owner Bob"]


def test_the_override_flag_with_an_inactive_owner_routes_normally():
    d = route(*setup(), email="jo@initech.com", override_owner=True, owner_id="carol")
    assert d.owner_id == "alice"
    assert words(d)[0] == "override flag set but the owner Carol is inactive → continue"


def test_the_override_flag_without_an_owner_routes_normally():
    d = route(*setup(), email="jo@initech.com", override_owner=True)
    assert d.owner_id == "alice"
    assert words(d)[0] == "override flag set but the record has no owner → continue"


def test_a_newly_named_account_routes_to_its_owner():
    config, ports = setup()
    assert route(config, ports, email="jo@globex.com", employees=5000).node_kind == "territory"
    ports.upsert_account({**ACCOUNTS[1], "named": True})
    assert route(config, ports, email="jo@globex.com").owner_id == "bob"


def test_an_account_no_longer_named_falls_to_the_default_routing():
    config, ports = setup()
    ports.upsert_account({**ACCOUNTS[0], "named": False})
    d = route(config, ports, email="jo@initech.com", employees=10)
    assert (d.owner_id, d.node_kind) == ("sam", "round_robin")


def test_a_removed_account_falls_to_the_default_routing():
    config, ports = setup()
    ports.remove_account(1)
    d = route(config, ports, email="jo@initech.com", employees=10)
    assert d.account is None and d.node_kind == "round_robin"


def test_an_inactive_account_owner_is_passed_over():
    d = route(*setup(), email="jo@umbrella.co.uk", employees=5000)
    assert "owner Carol is inactive → continue" in words(d)[1]
    assert (d.owner_id, d.node_kind) == (
        "dana",
        "territory",
    )  # the account's country fills the lead's gap


def test_a_named_account_without_an_owner_continues():
    d = route(*setup(), email="jo@hooli.com", employees=3)
    assert "it has no owner → continue" in words(d)[1] and d.node_kind == "round_robin"


# -- matching


def test_free_mail_never_matches_an_account_even_one_that_lists_it():
    d = route(*setup(), email="jo@gmail.com", employees=3)
    assert d.account is None
    assert (
        "no account matched by email_domain, website, company_name (email domain gmail.com"
        in words(d)[1]
    )


def test_www_and_subdomains_fold_to_the_registrable_domain():
    config, ports = setup()
    assert route(config, ports, email="jo@mail.eu.globex.com").account.key == "globex.com"
    d = route(config, ports, email="jo@gmail.com", website="https://WWW.Globex.com/about?x=1")
    assert (d.account.account_id, d.account.matched_by) == (2, "website")


def test_a_company_name_matches_without_suffix_case_or_punctuation():
    d = route(*setup(), email="jo@gmail.com", company="ACME, Inc.")
    assert (d.owner_id, d.account.matched_by, d.account.key) == ("bob", "company_name", "acme")


@pytest.mark.parametrize("company", ["Acme S.A.", "ACME B.V.", "Acme GmbH & Co. KG"])
def test_a_company_name_with_a_dotted_or_compound_legal_form_matches(company):
    d = route(*setup(), email="jo@gmail.com", company=company)
    assert d.account is not None and d.account.key == "acme"


def test_the_first_account_to_claim_a_domain_keeps_it_and_names_match_the_lowest_id():
    twins = [
        {"id": 9, "name": "Twin", "domains": ["twin.com"], "owner_id": "bob", "named": True},
        {"id": 7, "name": "TWIN LLC", "domains": ["twin.com"], "owner_id": "alice", "named": True},
    ]
    config, ports = setup(accounts=twins)
    assert route(config, ports, email="a@twin.com").account.account_id == 9
    assert route(config, ports, company="twin").account.account_id == 7


def test_match_account_tries_only_the_ways_it_is_given():
    flow = {
        "name": "by-name",
        "nodes": [
            {"match_account": {"by": ["company_name"]}},
            {"fallback": {"queue": "inbound-triage"}},
        ],
    }
    d = route(*setup(flow), email="jo@initech.com", company="Nobody")
    assert d.account is None and d.queue == "inbound-triage"


# -- branches


def branch_flow(**branch) -> dict:
    return {
        "name": "split",
        "nodes": [
            {
                "branch": {
                    "name": "enterprise?",
                    "if": {"field": "employees", "gte": 1000},
                    **branch,
                }
            },
            {"fallback": {"queue": "inbound-triage"}},
        ],
    }


def test_a_branch_takes_then_or_else():
    config, ports = setup(
        branch_flow(
            then=[{"assign": {"owner": "alice"}}], **{"else": [{"assign": {"owner": "bob"}}]}
        )
    )
    yes = route(config, ports, employees=1000)
    no = route(config, ports, employees=999)
    assert (yes.owner_id, no.owner_id) == ("alice", "bob")
    assert words(yes)[0] == "branch enterprise?: employees gte 1000 (employees = 1,000) → yes"
    assert words(no)[0] == "branch enterprise?: employees gte 1000 (employees = 999) → no"
    assert (yes.node, yes.node_kind) == ("enterprise? / assign", "assign")


def test_a_false_branch_without_else_falls_through_to_the_next_node():
    d = route(*setup(branch_flow(then=[{"assign": {"owner": "alice"}}])))
    assert d.queue == "inbound-triage" and words(d)[0].endswith("(employees = —) → no")


def test_a_branch_whose_nodes_do_not_assign_falls_through_to_the_next_node():
    d = route(*setup(branch_flow(then=[{"territory": "main"}])), employees=5000, country="JP")
    assert d.queue == "inbound-triage"
    assert words(d)[1].startswith("territory main: no row matches (") and words(d)[1].endswith(
        "→ continue"
    )


def test_an_expression_branch():
    flow = {
        "name": "expr",
        "nodes": [
            {
                "branch": {
                    "if": {"expr": "score >= 80 and lead_type == 'demo-request'"},
                    "then": [{"assign": {"owner": "alice"}}],
                }
            },
            {"fallback": {"queue": "inbound-triage"}},
        ],
    }
    config, ports = setup(flow)
    assert route(config, ports, score=90, lead_type="demo-request").owner_id == "alice"
    assert route(config, ports, score=90).queue == "inbound-triage"


# -- fallback, availability and the ports' bookkeeping

POOL_FALLBACK = {
    "name": "sdr-only",
    "nodes": [{"fallback": {"pool": "sdr", "queue": "inbound-triage"}}],
}


def test_fallback_to_a_pool_goes_to_its_queue_when_every_member_is_out_of_office():
    away = {
        pid: [(NOW - timedelta(days=1), NOW + timedelta(days=3))] for pid in ("sam", "priya", "lee")
    }
    d = route(*setup(POOL_FALLBACK, out_of_office=away))
    assert (d.owner_id, d.queue, d.node_kind) == (None, "inbound-triage", "fallback")
    nobody = (
        "round robin sdr: nobody available (skipped Sam (out of office until Nov 5); skipped Priya "
        "(out of office until Nov 5); skipped Lee (out of office until Nov 5)) → continue"
    )
    assert words(d) == [nobody, "fallback → queue inbound-triage"]


def test_fallback_to_a_pool_assigns_a_member_who_is_in():
    away = {"sam": [(NOW - timedelta(days=1), NOW + timedelta(days=3))]}
    d = route(*setup(POOL_FALLBACK, out_of_office=away))
    assert (d.owner_id, d.pool_id) == ("priya", "sdr")
    assert words(d) == [
        "round robin sdr: skipped Sam (out of office until Nov 5), "
        "chose Priya (1st assignment this cycle)"
    ]


def test_members_over_capacity_or_daily_cap_are_skipped_and_decisions_count_against_them():
    people = {
        "sam": {"name": "Sam", "max_open": 1},
        "priya": {"name": "Priya", "max_per_day": 2, "timezone": "America/New_York"},
    }
    ports = InMemoryRoutingPorts(
        people=people,
        pools={"sdr": ["sam", "priya"]},
        open_leads={"sam": 1},
        assignments=[("priya", NOW - timedelta(hours=1)), ("priya", NOW - timedelta(days=1))],
    )
    config, _ = setup(POOL_FALLBACK)
    flow = config.flows[0]
    first = ports.route(flow, lead_facts({}), NOW)
    second = ports.route(flow, lead_facts({}), NOW)
    assert (first.owner_id, second.queue) == ("priya", "inbound-triage")
    assert "skipped Sam (at capacity (1 open))" in first.steps[0].words
    assert "skipped Priya (at daily cap (2 today))" in second.steps[0].words
    assert ports.route(flow, lead_facts({}), NOW + timedelta(days=1)).owner_id == "priya"


def test_a_pool_that_skips_outside_hours_uses_the_members_calendar():
    spec = workspace(
        POOL_FALLBACK,
        pools=[{"id": "sdr", "members": ["sam", "priya", "lee"], "skip_outside_hours": True}],
    )
    config, issues = compile_routing(spec)
    assert issues == []
    ports = InMemoryRoutingPorts.for_workspace(spec, config)
    night = NOW + timedelta(hours=12)
    assert ports.route(config.flows[0], lead_facts({}), NOW).owner_id == "sam"
    assert ports.route(config.flows[0], lead_facts({}), night).queue == "inbound-triage"


def test_note_keeps_the_pool_state_between_decisions():
    config, ports = setup(POOL_FALLBACK)
    route(config, ports)
    assert [(m.person_id, m.credit) for m in ports.pools["sdr"]] == [
        ("sam", 1),
        ("priya", 0),
        ("lee", 0),
    ]


def test_a_member_added_to_the_pool_joins_the_rotation():
    config, ports = setup(POOL_FALLBACK)
    for i in range(3):
        route(config, ports, NOW + timedelta(minutes=i))
    ports.configure_pool("sdr", ["sam", "priya", "lee", "alice"])
    owners = [route(config, ports, NOW + timedelta(minutes=10 + i)).owner_id for i in range(4)]
    assert sorted(owners) == ["alice", "lee", "priya", "sam"]


def test_an_assign_to_an_owner_notes_when_they_are_away():
    flow = {"name": "fixed", "nodes": [{"fallback": {"owner": "alice"}}]}
    d = route(*setup(flow, out_of_office={"alice": [(NOW, NOW + timedelta(days=2))]}))
    assert words(d) == ["fallback → Alice (note: out of office until Nov 4)"]


# -- nothing falls through

leads = st.fixed_dictionaries(
    {},
    optional={
        "email": st.sampled_from(
            [
                "a@initech.com",
                "b@globex.com",
                "c@gmail.com",
                "d@umbrella.co.uk",
                "e@hooli.com",
                "f@new.io",
                "g@",
                "",
                "h@acme.io",
            ]
        ),
        "website": st.sampled_from(["globex.com", "https://www.initech.com", "not a url", ""]),
        "company": st.sampled_from(["Acme Inc", "Initech LLC", "Nobody", ""]),
        "employees": st.one_of(st.none(), st.integers(0, 50_000)),
        "country": st.sampled_from(["US", "us", "GB", "DE", "JP", ""]),
        "state": st.sampled_from(["CA", "NY", "wa", ""]),
        "override_owner": st.booleans(),
        "owner_id": st.sampled_from(["alice", "carol", "sam"]),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(leads, min_size=1, max_size=5),
    st.sets(st.sampled_from([p["id"] for p in PEOPLE])),
    st.integers(0, 48),
)
def test_every_lead_through_a_flow_ending_in_fallback_gets_an_owner_or_a_queue(batch, away, hour):
    at = NOW + timedelta(hours=hour)
    config, ports = setup(
        out_of_office={pid: [(at - timedelta(days=1), at + timedelta(days=1))] for pid in away}
    )
    for lead in batch:
        d = route(config, ports, at, **lead)
        assert d.assigned and d.node is not None and d.steps
        assert d.steps[-1].outcome == "assigned"
        assert d.owner_id is None or ports.person_problem(d.owner_id, at) is None
