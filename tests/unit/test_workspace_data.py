"""The Workspace page's data: each scenario of a run, as it ran."""

from __future__ import annotations

from types import SimpleNamespace

from baton.web.workspace_data import scenario_lines


def test_each_scenario_says_where_routing_sent_the_record_and_what_was_wrong():
    run = SimpleNamespace(
        results=[
            {
                "line": 2,
                "name": "named account",
                "passed": True,
                "got": {"owner": "noah-bennett", "queue": None, "node": "match_account"},
                "problems": [],
            },
            {
                "line": 3,
                "name": "partner referral",
                "passed": False,
                "got": {"owner": None, "queue": "partner-desk", "node": "partner referral?"},
                "problems": ["expected owner grace-kim, got —"],
            },
            {"line": 4, "name": "bad row", "passed": False, "problems": ["email: not an email"]},
        ]
    )
    assert scenario_lines(run) == [
        {
            "name": "named account",
            "line": 2,
            "passed": True,
            "routed": "noah-bennett via match_account",
            "problems": [],
        },
        {
            "name": "partner referral",
            "line": 3,
            "passed": False,
            "routed": "queue partner-desk via partner referral?",
            "problems": ["expected owner grace-kim, got —"],
        },
        {
            "name": "bad row",
            "line": 4,
            "passed": False,
            "routed": "not routed",
            "problems": ["email: not an email"],
        },
    ]
