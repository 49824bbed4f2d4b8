"""Dashboard building blocks: charts (one value → chart, table, CSV), the page registry,
sign-in redirects, and the vendored JavaScript's manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from baton.services.people.users import Role, User
from baton.web.charts import Chart, Series
from baton.web.pages import MANAGERS, Page, PageRegistry
from baton.web.routes.signin import safe_next

VENDOR = Path(__file__).resolve().parents[2] / "src" / "baton" / "web" / "static" / "vendor"


def chart() -> Chart:
    return Chart(
        id="by-team",
        title="Leads by team",
        labels=["SDR", "EMEA"],
        label_header="Team",
        unit="leads",
        series=[
            Series("Leads", [12, 0], ["/leads?team=sdr", "/leads?team=emea"]),
            Series("Target", [10, None], kind="line"),
        ],
    )


def test_a_chart_table_and_csv_show_the_same_numbers():
    c = chart()
    assert c.rows() == [
        ("SDR", [(12, "/leads?team=sdr"), (10, None)]),
        ("EMEA", [(0, "/leads?team=emea"), (None, None)]),
    ]
    assert c.csv() == "Team,Leads,Target\nSDR,12,10\nEMEA,0,\n"
    spec = c.chartjs()
    assert spec["config"]["data"]["labels"] == ["SDR", "EMEA"]
    assert [d["data"] for d in spec["config"]["data"]["datasets"]] == [[12, 0], [10, None]]
    assert spec["config"]["data"]["datasets"][1]["type"] == "line"
    assert spec["links"] == [["/leads?team=sdr", "/leads?team=emea"], [None, None]]
    json.dumps(spec)  # goes into the page as JSON


def test_a_series_takes_its_own_colour_or_one_per_value():
    c = Chart(
        id="bands",
        title="t",
        labels=["ok", "late"],
        series=[Series("a", [1, 2], color=["#0a0", "#a00"]), Series("b", [3, 4])],
    )
    assert [d["backgroundColor"] for d in c.chartjs()["config"]["data"]["datasets"]] == [
        ["#0a0", "#a00"],
        "#f59e0b",
    ]  # b: the palette's second


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"id": "By Team"}, "lowercase letters, digits and dashes"),
        ({"kind": "pie"}, "is not one of"),
        ({"labels": ["one"]}, "has 2 values for 1 labels"),
    ],
)
def test_a_chart_that_does_not_add_up_is_refused(changes, message):
    values = {
        "id": "by-team",
        "title": "t",
        "labels": ["a", "b"],
        "series": [Series("s", [1, 2])],
    } | changes
    with pytest.raises(ValueError, match=message):
        Chart(**values)


def test_navigation_lists_only_registered_pages_the_role_may_open_in_order():
    registry = PageRegistry()
    registry.add(Page("workspace", "Workspace", "/workspace", 70, roles=MANAGERS))
    registry.add(Page("people", "People", "/people", 60))
    rep, admin = User(1, "sam", Role.REP, "sam-ortiz"), User(2, "ada", Role.ADMIN, None)
    assert [p.key for p in registry.nav(admin)] == ["people", "workspace"]
    assert [p.key for p in registry.nav(rep)] == ["people"] and registry.home(rep).path == "/people"
    with pytest.raises(ValueError, match="registered twice"):
        registry.add(Page("people", "People", "/people", 60))


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/people?range=7d", "/people?range=7d"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil", "/"),
        (None, "/"),
    ],
)
def test_after_sign_in_only_paths_on_this_site_are_followed(target, expected):
    assert safe_next(target) == expected


def test_vendored_files_match_their_manifest():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    names = {entry["name"]: entry for entry in manifest["files"]}
    assert names["htmx.org"]["version"].startswith("2.") and names["chart.js"][
        "version"
    ].startswith("4.")
    for entry in manifest["files"]:
        data = (VENDOR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["license"] and (VENDOR / entry["license_file"]).read_text().strip()
    listed = (
        {e["file"] for e in manifest["files"]}
        | {e["license_file"] for e in manifest["files"]}
        | {"MANIFEST.json"}
    )
    assert {p.name for p in VENDOR.iterdir()} == listed  # nothing vendored without an entry


def test_pages_load_nothing_from_other_hosts():
    templates = Path(__file__).resolve().parents[2] / "src" / "baton" / "web" / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert "http://" not in text and "https://" not in text and "<script>" not in text, (
            template.name
        )
