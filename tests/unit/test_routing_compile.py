"""Checking the routing: section: every mistake is an issue with its location and
words a RevOps reader can act on; a clean workspace compiles without any."""

from __future__ import annotations

import copy

import pytest

from baton.domain.routing.flow import Assign, Branch, MatchAccount, Override, Territory
from baton.workspace.routing_compile import Issue, compile_routing
from baton.workspace.spec import WorkspaceSpec

BASE = {
    "workspace": {"name": "Acme"},
    "definitions": [
        {"term": "MQL", "text": "Score >= 60 and a hand-raise", "approved": True},
        {"term": "Named Account", "text": "An account with a dedicated owner", "approved": False},
    ],
    "people": [
        {"id": "alice", "name": "Alice Park", "role": "ae", "team": "ent"},
        {"id": "bob", "name": "Bob Stone", "role": "ae", "team": "ent"},
        {"id": "carol", "name": "Carol Diaz", "role": "ae", "team": "ent", "active": False},
        {"id": "sam", "name": "Sam Ortiz", "role": "sdr", "team": "sdr"},
        {"id": "priya", "name": "Priya Nair", "role": "sdr", "team": "sdr"},
        {"id": "gone", "name": "Gone Away", "role": "sdr", "team": "alumni", "active": False},
    ],
    "teams": [
        {"id": "ent", "name": "Enterprise"},
        {"id": "sdr", "name": "SDRs"},
        {"id": "alumni", "name": "Alumni"},
    ],
    "routing": {
        "queues": [{"id": "inbound-triage"}],
        "pools": [{"id": "sdr-pool", "members": ["sam", "priya"], "weights": {"sam": 2}}],
        "territories": [
            {
                "id": "main",
                "rows": [
                    {"country": "US", "employees": "1000+", "team": "ent"},
                    {"country": "US", "employees": "<1000", "pool": "sdr-pool"},
                    {"country": "GB|IE", "owner": "alice"},
                ],
            }
        ],
        "flows": [
            {
                "name": "test-leads",
                "when": {"field": "is_test", "eq": True},
                "nodes": [{"fallback": {"queue": "inbound-triage"}}],
            },
            {
                "name": "inbound",
                "uses": ["MQL"],
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
                    {"round_robin": "sdr-pool"},
                    {"fallback": {"pool": "sdr-pool", "queue": "inbound-triage"}},
                ],
            },
        ],
    },
}


def compiled(edit=None):
    document = copy.deepcopy(BASE)
    if edit:
        edit(document)
    return compile_routing(WorkspaceSpec.model_validate(document))


def issues(edit) -> list[Issue]:
    return compiled(edit)[1]


def messages(edit) -> list[str]:
    return [i.message for i in issues(edit)]


def only_issue(edit) -> Issue:
    found = issues(edit)
    assert len(found) == 1, found
    return found[0]


def flow_nodes(document) -> list:
    return document["routing"]["flows"][1]["nodes"]


# -- a clean workspace


def test_a_clean_workspace_compiles_its_flows_pools_and_tables():
    config, found = compiled()
    assert found == []
    inbound = config.flows[1]
    assert [type(n) for n in inbound.nodes] == [Override, MatchAccount, Branch, Assign, Assign]
    assert isinstance(inbound.nodes[2].then[0], Territory)
    assert inbound.uses == ("MQL",)
    assert config.pools["sdr-pool"].members == (("sam", 2), ("priya", 1))
    assert config.queues == frozenset({"inbound-triage"})
    assert len(config.tables["main"].rows) == 3


def test_each_team_is_an_implicit_pool_of_its_active_members():
    config, _ = compiled()
    assert config.pools["team:ent"].members == (("alice", 1), ("bob", 1))
    assert config.pools["team:alumni"].members == ()


def test_flow_for_picks_the_first_flow_whose_condition_holds_and_reroutes_like_new_leads():
    config, _ = compiled()
    assert config.flow_for("lead.created", {"is_test": True}.get).name == "test-leads"
    assert config.flow_for("lead.created", {}.get).name == "inbound"
    assert config.flow_for("lead.reroute", {}.get).name == "inbound"
    assert config.flow_for("account.created", {}.get) is None


# -- flows that could leave a lead unassigned


def test_a_flow_without_a_final_fallback_is_refused():
    issue = only_issue(lambda d: flow_nodes(d).pop())
    assert issue.loc == ("routing", "flows", 1, "nodes")
    assert issue.message == "a lead can reach the end of flow inbound without an owner or queue"
    assert issue.example == "fallback: {queue: inbound-triage}"


def test_a_flow_ending_in_a_pool_without_a_queue_is_refused():
    found = messages(lambda d: flow_nodes(d).__setitem__(-1, {"fallback": {"pool": "sdr-pool"}}))
    assert "a fallback pool needs queue: too, for when nobody in the pool is available" in found
    assert "a lead can reach the end of flow inbound without an owner or queue" in found


def test_the_last_flow_with_a_condition_is_refused():
    def edit(d):
        d["routing"]["flows"][1]["when"] = {"field": "country", "eq": "US"}

    issue = only_issue(edit)
    assert issue.loc == ("routing", "flows", 1, "when")
    assert "the last lead.created flow has a condition" in issue.message


# -- references to things that do not exist or cannot take leads


@pytest.mark.parametrize(
    ("node", "loc", "words"),
    [
        ({"round_robin": "sdr-poll"}, (3, "round_robin"), "'sdr-poll' is not a pool"),
        ({"round_robin": "team:ent"}, (3, "round_robin"), "'team:ent' is not a pool"),
        (
            {"assign": {"team": "entt"}},
            (3, "assign", "team"),
            "'entt' is not a known team (did you mean 'ent'?)",
        ),
        (
            {"assign": {"queue": "inbound-triag"}},
            (3, "assign", "queue"),
            "'inbound-triag' is not a known queue (did you mean 'inbound-triage'?)",
        ),
        (
            {"assign": {"owner": "alicia"}},
            (3, "assign", "owner"),
            "'alicia' is not a known person (did you mean 'alice'?)",
        ),
        (
            {"assign": {"owner": "carol"}},
            (3, "assign", "owner"),
            "'carol' is inactive and would receive leads",
        ),
        ({"territory": "mian"}, (3, "territory"), "'mian' is not a territory table"),
    ],
)
def test_an_unknown_or_inactive_target_is_refused_where_it_is_named(node, loc, words):
    issue = only_issue(lambda d: flow_nodes(d).__setitem__(3, node))
    assert issue.loc == ("routing", "flows", 1, "nodes", *loc)
    assert issue.message == words


def test_an_unknown_fallback_queue_is_refused():
    issue = only_issue(
        lambda d: flow_nodes(d).__setitem__(
            -1, {"fallback": {"pool": "sdr-pool", "queue": "triage"}}
        )
    )
    assert (
        issue.loc[-2:] == ("fallback", "queue") and "'triage' is not a known queue" in issue.message
    )


def test_a_territory_row_with_an_unknown_or_inactive_target_is_refused():
    def edit(d):
        rows = d["routing"]["territories"][0]["rows"]
        rows[0]["team"] = "entt"
        rows[2]["owner"] = "carol"

    assert [(i.loc, i.message) for i in issues(edit)] == [
        (
            ("routing", "territories", 0, "rows", 0, "team"),
            "'entt' is not a known team (did you mean 'ent'?)",
        ),
        (
            ("routing", "territories", 0, "rows", 2, "owner"),
            "'carol' is inactive and would receive leads",
        ),
    ]


def test_a_territory_row_needs_exactly_one_target():
    def edit(d):
        d["routing"]["territories"][0]["rows"][2]["queue"] = "inbound-triage"

    assert messages(edit) == ["a territory row needs exactly one of owner, team, pool, queue"]


def test_a_pool_member_who_is_not_a_person_is_refused():
    def edit(d):
        d["routing"]["pools"][0]["members"].append("samuel")

    issue = only_issue(edit)
    assert (issue.loc, issue.message) == (
        ("routing", "pools", 0, "members", 2),
        "'samuel' is not a person",
    )


def test_a_pool_of_an_unknown_team_is_refused():
    def edit(d):
        d["routing"]["pools"].append({"id": "ghosts", "team": "ghost-team"})

    found = messages(edit)
    assert "'ghost-team' is not a team" in found
    assert "pool ghosts has no active member, so it can never take a lead" in found


def test_a_pool_with_no_active_member_is_refused():
    def edit(d):
        d["routing"]["pools"].append({"id": "alumni-pool", "team": "alumni"})

    issue = only_issue(edit)
    assert (issue.loc, issue.message) == (
        ("routing", "pools", 1),
        "pool alumni-pool has no active member, so it can never take a lead",
    )


def test_weights_for_people_outside_the_pool_are_refused():
    def edit(d):
        d["routing"]["pools"][0]["weights"]["alice"] = 3

    issue = only_issue(edit)
    assert (issue.loc, issue.message) == (
        ("routing", "pools", 0, "weights", "alice"),
        "'alice' has a weight but is not a member of pool sdr-pool",
    )


def test_duplicate_ids_are_refused():
    def edit(d):
        d["routing"]["queues"].append({"id": "inbound-triage"})

    assert messages(edit) == ["duplicate id 'inbound-triage' in queues"]


# -- definitions a flow relies on


def test_a_flow_using_an_unapproved_definition_is_refused():
    def edit(d):
        d["routing"]["flows"][1]["uses"].append("Named Account")

    issue = only_issue(edit)
    assert issue.loc == ("routing", "flows", 1, "uses", 1)
    assert (
        issue.message
        == "the definition of 'Named Account' is not approved, so rules using it cannot go live"
    )


def test_a_branch_using_an_unknown_definition_is_refused():
    def edit(d):
        flow_nodes(d)[2]["branch"]["uses"] = ["SQL"]

    issue = only_issue(edit)
    assert issue.loc == ("routing", "flows", 1, "nodes", 2, "branch", "uses", 0)
    assert issue.message == "'SQL' is not defined under definitions:"


# -- territory tables


def test_ambiguous_territory_rows_are_reported_with_both_row_numbers():
    def edit(d):
        d["routing"]["territories"][0]["rows"].append(
            {"country": "US|CA", "employees": "5000+", "owner": "bob"}
        )

    issue = only_issue(edit)
    assert issue.loc == ("routing", "territories", 0, "rows", 3)
    assert issue.message.startswith(
        "territory main: two rows can match the same lead with equal specificity: row 1 "
    )
    assert "row 1 [country=US, employees ≥ 1,000] → team ent" in issue.message
    assert "row 4 [country=CA|US, employees ≥ 5,000] → owner bob" in issue.message


def test_rows_that_differ_in_specificity_are_not_ambiguous():
    def edit(d):
        d["routing"]["territories"][0]["rows"].append(
            {"country": "US", "state": "CA", "employees": "5000+", "owner": "bob"}
        )

    assert issues(edit) == []


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("1000+", (1000, None)),
        ("200-999", (200, 999)),
        ("<200", (0, 199)),
        ("42", (42, 42)),
        (" 5 - 10 ", (5, 10)),
    ],
)
def test_size_ranges_are_read_as_inclusive_bounds(text, bounds):
    def edit(d):
        d["routing"]["territories"][0]["rows"] = [{"employees": text, "team": "ent"}]

    config, found = compiled(edit)
    assert found == []
    assert config.tables["main"].rows[0].employees == bounds


@pytest.mark.parametrize("text", ["lots", "1000-", "10..20", "-5", "1e3"])
def test_a_bad_size_range_is_refused_with_an_example(text):
    def edit(d):
        d["routing"]["territories"][0]["rows"][0]["employees"] = text

    issue = only_issue(edit)
    assert issue.loc == ("routing", "territories", 0, "rows", 0, "employees")
    assert (issue.message, issue.expected, issue.example) == (
        f"'{text}' is not a size range",
        "N+, A-B, <N or N",
        "1000+",
    )


@pytest.mark.parametrize("text", ["500-100", "<0"])
def test_an_empty_size_range_is_refused(text):
    def edit(d):
        d["routing"]["territories"][0]["rows"][0]["employees"] = text

    assert issues(edit) != []


# -- nodes and conditions


def test_an_unknown_node_kind_suggests_the_closest():
    issue = only_issue(lambda d: flow_nodes(d).__setitem__(3, {"round_robbin": "sdr-pool"}))
    assert issue.loc == ("routing", "flows", 1, "nodes", 3)
    assert issue.message == "unknown node 'round_robbin' (did you mean 'round_robin'?)"


def test_an_unknown_node_key_suggests_the_closest():
    issue = only_issue(lambda d: flow_nodes(d)[2]["branch"].__setitem__("els", []))
    assert issue.loc == ("routing", "flows", 1, "nodes", 2, "branch", "els")
    assert issue.message == "unknown key 'els' for a branch node (did you mean 'else'?)"


def test_a_node_that_is_not_one_key_is_refused():
    issue = only_issue(
        lambda d: flow_nodes(d).__setitem__(
            3, {"round_robin": "sdr-pool", "assign": {"owner": "bob"}}
        )
    )
    assert issue.message.startswith("a node is one of override, match_account")


def test_match_account_by_an_unsupported_way_is_refused():
    issue = only_issue(
        lambda d: flow_nodes(d).__setitem__(1, {"match_account": {"by": ["email_domain", "phone"]}})
    )
    assert (
        issue.message.startswith("match_account by:")
        and "phone" in issue.message
        and "is not supported" in issue.message
    )


def test_a_branch_without_then_is_refused():
    issue = only_issue(
        lambda d: flow_nodes(d).__setitem__(2, {"branch": {"if": {"field": "employees", "gte": 1}}})
    )
    assert issue.message.startswith("a branch needs if: CONDITION and then: [nodes]")


def test_a_bad_condition_is_reported_at_the_branch_if():
    issue = only_issue(
        lambda d: flow_nodes(d)[2]["branch"].__setitem__("if", {"field": "employes", "gte": 1000})
    )
    assert issue.loc == ("routing", "flows", 1, "nodes", 2, "branch", "if")
    assert "unknown field 'employes' (did you mean 'employees'?)" in issue.message


def test_an_ill_typed_expression_is_reported_at_the_flow_when():
    def edit(d):
        d["routing"]["flows"][0]["when"] = {"expr": "employees == 'many'"}

    issue = only_issue(edit)
    assert issue.loc == ("routing", "flows", 0, "when")
    assert issue.message.startswith("expression \"employees == 'many'\"")


def test_an_unknown_trigger_is_refused():
    def edit(d):
        d["routing"]["flows"][0]["trigger"] = "lead.updated"

    found = issues(edit)
    assert (
        found[0].loc == ("routing", "flows", 0, "trigger")
        and found[0].message == "unknown trigger 'lead.updated'"
    )


def test_issues_inside_branches_name_the_nested_node():
    issue = only_issue(
        lambda d: flow_nodes(d)[2]["branch"].__setitem__("then", [{"assign": {"queue": "nowhere"}}])
    )
    assert issue.loc == ("routing", "flows", 1, "nodes", 2, "branch", "then", 0, "assign", "queue")
