"""Dashboard building blocks: charts (one value → chart, table, CSV), the page registry,
sign-in redirects, and the vendored JavaScript's manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from baton.services.people.users import Role, User
from baton.web.charts import COLORS, OTHERS, Axis, Chart, Series
from baton.web.pages import MANAGERS, Page, PageRegistry
from baton.web.routes.signin import safe_next

SYSTEMS = Axis("Systems delay", "minutes")
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


def test_a_series_takes_its_own_colour_or_its_metric_s_from_the_one_palette():
    c = Chart(
        id="bands",
        title="t",
        labels=["ok", "late"],
        series=[
            Series("a", [1, 2], color=["#0a0", "#a00"]),
            Series("Median human delay", [3, 4], metric="human delay"),
            Series("Hit", [5, 6]),  # named after its metric
            Series("b", [7, 8]),
        ],
    )
    assert [d["backgroundColor"] for d in c.chartjs()["config"]["data"]["datasets"]] == [
        ["#0a0", "#a00"],
        COLORS["human delay"],
        COLORS["hit"],
        OTHERS[0],  # no metric: a colour no metric has
    ]
    assert not set(OTHERS) & set(COLORS.values())


def test_each_metric_has_a_colour_of_its_own():
    aliases = {"open leads": "leads", "share by weight": "target"}  # the same thing, drawn again
    own = {m: c for m, c in COLORS.items() if m not in aliases}
    assert len(set(own.values())) == len(own)
    assert all(COLORS[m] == COLORS[same] for m, same in aliases.items())
    with pytest.raises(ValueError, match="no colour for the metric 'humn delay'"):
        Series("x", [1], metric="humn delay")


def test_a_duration_column_says_its_unit_and_a_count_column_does_not():
    hours = Chart(
        id="delays",
        title="t",
        labels=["Mon"],
        label_header="Day",
        unit="hours",
        series=[
            Series("Median human delay", [6.0]),
            Series("Median systems delay", [0.5], axis=Axis("Systems delay", "minutes")),
        ],
    )
    assert (
        hours.csv()
        == "Day,Median human delay (hours),Median systems delay (minutes)\nMon,6.0,0.5\n"
    )
    assert chart().csv().startswith("Team,Leads,Target\n")  # leads: a count, not a duration


def test_a_series_on_a_second_axis_is_drawn_against_it_in_its_colour():
    series = [
        Series("Median human delay", [6.0, 5.0], metric="human delay"),
        Series("Median systems delay", [0.5, 0.4], metric="systems delay", axis=SYSTEMS),
    ]
    upright = Chart(id="a", title="t", labels=["1", "2"], unit="hours", series=series).chartjs()
    datasets, scales = upright["config"]["data"]["datasets"], upright["config"]["options"]["scales"]
    assert "yAxisID" not in datasets[0] and datasets[1]["yAxisID"] == "y2"
    assert [d["unit"] for d in datasets] == ["hours", "minutes"]  # for the tooltip
    assert scales["y"]["title"]["text"] == "hours"
    assert scales["y2"]["position"] == "right" and scales["y2"]["title"] == {
        "display": True,
        "text": "Systems delay (minutes)",
        "color": COLORS["systems delay"],
    }
    sideways = Chart(id="b", title="t", labels=["1", "2"], horizontal=True, series=series)
    config = sideways.chartjs()["config"]
    assert config["data"]["datasets"][1]["xAxisID"] == "x2"
    assert config["options"]["scales"]["x2"]["position"] == "top"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"id": "By Team"}, "lowercase letters, digits and dashes"),
        ({"kind": "pie"}, "is not one of"),
        ({"labels": ["one"]}, "has 2 values for 1 labels"),
        (
            {
                "series": [
                    Series("s", [1, 2], axis=SYSTEMS),
                    Series("t", [1, 2], axis=Axis("Other", "hours")),
                ]
            },
            "one second axis at most",
        ),
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
