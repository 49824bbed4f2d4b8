"""Team targets are explicit about managers: a team's round robin takes its reps only unless
``routing.team_pools`` says ``managers: include``, and the trace and ``baton check`` say so."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from baton.domain.routing.roundrobin import team_rotation
from baton.services.routing.assign import lead_facts
from baton.testing import InMemoryRoutingPorts
from baton.workspace.loader import load_workspace
from baton.workspace.problems import WorkspaceError
from baton.workspace.routing_compile import compile_routing, team_pool_lines
from baton.workspace.spec import WorkspaceSpec

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)

PEOPLE = [
    {"id": "lukas", "name": "Lukas Weber", "role": "manager", "team": "emea"},
    {"id": "emma", "name": "Emma Schulz", "role": "ae", "team": "emea"},
    {"id": "olivier", "name": "Olivier Dubois", "role": "ae", "team": "emea"},
    {"id": "kai", "name": "Kai Lead", "role": "ae", "team": "solo"},  # solo's manager: ae role
    {"id": "vp", "name": "Jordan Blake", "role": "executive", "team": "solo"},
]


def workspace(team_pools: list[dict] | None = None, **routing) -> WorkspaceSpec:
    return WorkspaceSpec.model_validate(
        {
            "workspace": {"name": "Acme"},
            "people": PEOPLE,
            "teams": [
                {"id": "emea", "name": "EMEA", "manager": "lukas"},
                {"id": "solo", "name": "Solo", "manager": "kai"},
            ],
            "routing": {
                "queues": [{"id": "triage"}],
                "team_pools": team_pools or [],
                "flows": [
                    {
                        "name": "inbound",
                        "nodes": [{"assign": {"team": "emea"}}, {"fallback": {"queue": "triage"}}],
                    }
                ],
                **routing,
            },
        }
    )


def route_many(spec: WorkspaceSpec, n: int):
    config, issues = compile_routing(spec)
    assert not [i for i in issues if i.severity == "error"], issues
    ports = InMemoryRoutingPorts.for_workspace(spec, config)
    flow = config.flows[0]
    return [
        ports.route(flow, lead_facts({"email": f"x{i}@newco.com"}), NOW + timedelta(minutes=i))
        for i in range(n)
    ]


# -- the domain


def test_a_teams_rotation_leaves_its_managers_out_unless_told_to_include_them():
    people = [("lukas", True), ("emma", False), ("olivier", False)]
    reps_only = team_rotation("emea", people, include_managers=False)
    assert reps_only.members == ("emma", "olivier") and reps_only.left_out == ("lukas",)
    assert reps_only.rule == "reps only"
    everyone = team_rotation("emea", people, include_managers=True)
    assert everyone.members == ("lukas", "emma", "olivier") and everyone.left_out == ()
    assert everyone.managers == ("lukas",) and everyone.rule == "managers included"


# -- routing a team target


def test_a_team_target_skips_its_manager_by_default_and_the_trace_says_so():
    decisions = route_many(workspace(), 6)
    assert Counter(d.owner_id for d in decisions) == {"emma": 3, "olivier": 3}
    words = decisions[0].steps[-1].words
    assert words.startswith("round robin team emea (reps only, not its manager Lukas): chose ")


def test_a_team_target_includes_its_manager_when_the_workspace_says_so():
    spec = workspace([{"team": "emea", "managers": "include"}])
    decisions = route_many(spec, 6)
    assert Counter(d.owner_id for d in decisions) == {"lukas": 2, "emma": 2, "olivier": 2}
    assert (
        "round robin team emea (managers included: Lukas): chose " in decisions[0].steps[-1].words
    )


def test_managers_exclude_written_out_is_the_default():
    spec = workspace([{"team": "emea", "managers": "exclude"}])
    assert {d.owner_id for d in route_many(spec, 4)} == {"emma", "olivier"}


def test_the_teams_manager_and_anyone_with_a_manager_or_executive_role_count_as_managers():
    config, _ = compile_routing(workspace())
    solo = config.rotations["team:solo"]
    assert solo.members == () and solo.left_out == ("kai", "vp")


def test_a_pool_made_from_a_team_takes_the_same_members_and_says_so():
    spec = workspace(
        pools=[{"id": "emea-all", "team": "emea"}],
        flows=[
            {
                "name": "inbound",
                "nodes": [{"round_robin": "emea-all"}, {"fallback": {"queue": "triage"}}],
            }
        ],
    )
    config, _ = compile_routing(spec)
    assert [pid for pid, _ in config.pools["emea-all"].members] == ["emma", "olivier"]
    (decision,) = route_many(spec, 1)
    assert "round robin emea-all (team emea, reps only, not its manager Lukas)" in (
        decision.steps[-1].words
    )


# -- checking the workspace


def issues_of(spec: WorkspaceSpec):
    return compile_routing(spec)[1]


def test_a_team_target_with_only_managers_in_it_is_a_warning_that_says_how_to_include_them():
    spec = workspace(
        flows=[
            {
                "name": "inbound",
                "nodes": [{"assign": {"team": "solo"}}, {"fallback": {"queue": "triage"}}],
            }
        ]
    )
    (issue,) = issues_of(spec)
    assert issue.severity == "warning" and issue.loc[:4] == ("routing", "flows", 0, "nodes")
    assert "team solo's round robin has nobody in it" in issue.message
    assert "kai, vp left out as managers" in issue.message
    assert issue.example == "{team: solo, managers: include}"
    included = workspace([{"team": "solo", "managers": "include"}], flows=spec.routing.flows)
    assert not issues_of(included)


def test_team_pools_naming_an_unknown_team_or_one_team_twice_is_an_error():
    spec = workspace(
        [
            {"team": "emae", "managers": "include"},
            {"team": "solo", "managers": "include"},
            {"team": "solo", "managers": "exclude"},
        ]
    )
    messages = {(i.loc, i.message) for i in issues_of(spec)}
    assert (
        ("routing", "team_pools", 0, "team"),
        "'emae' is not a known team (did you mean 'emea'?)",
    ) in messages
    assert (("routing", "team_pools", 2, "team"), "team solo is listed twice") in messages


def test_a_weight_on_a_left_out_manager_says_how_to_include_them():
    spec = workspace(pools=[{"id": "emea-all", "team": "emea", "weights": {"lukas": 2}}])
    (issue,) = [i for i in issues_of(spec) if i.severity == "error"]
    assert "'lukas' has a weight but is not a member of pool emea-all" in issue.message
    assert "routing.team_pools says {team: emea, managers: include}" in issue.message


def test_check_lists_who_each_team_round_robin_takes():
    spec = workspace(pools=[{"id": "emea-all", "team": "emea"}])
    assert team_pool_lines(spec) == [
        "round robin team emea: emma, olivier — reps only (the default); left out: lukas (manager)",
        "round robin pool emea-all (team emea): emma, olivier — reps only (the default); "
        "left out: lukas (manager)",
    ]
    included = workspace([{"team": "emea", "managers": "include"}])
    assert team_pool_lines(included) == [
        "round robin team emea: lukas, emma, olivier — managers: include"
    ]


def test_a_misspelled_managers_setting_names_the_file_line_and_the_choices(tmp_path):
    (tmp_path / "baton.yaml").write_text(
        "workspace: {name: Acme}\n"
        "people:\n"
        "  - {id: lukas, name: Lukas, role: manager, team: emea}\n"
        "teams:\n"
        "  - {id: emea, name: EMEA}\n"
        "routing:\n"
        "  queues: [{id: triage}]\n"
        "  team_pools:\n"
        "    - team: emea\n"
        "      managers: inclde\n"
        "  flows:\n"
        "    - name: inbound\n"
        "      nodes: [{fallback: {queue: triage}}]\n"
    )
    try:
        load_workspace(tmp_path)
    except WorkspaceError as exc:
        (problem,) = exc.errors
    text = str(problem)
    assert text.startswith("baton.yaml:10: routing.team_pools[0].managers: ")
    assert "'include' or 'exclude'" in text and "inclde" in text
