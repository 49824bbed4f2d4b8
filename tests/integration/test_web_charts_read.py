"""Charts that read: durations drawn in hours once they pass 120 minutes (and said so on the
axis and in the CSV), systems delay on an axis of its own beside hours of human delay, one
colour per metric on every page, and "1 lead", not "1 leads"."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from baton.store.tables import leads
from baton.web.charts import color
from tests.web_support import client_for

NY = ZoneInfo("America/New_York")
PERIOD = "range=7d&tz=America/New_York"  # "now" is Monday 2 November 2026, 10:00 in New York
# (source, engaged, systems delay in seconds, human delay in seconds)
PLAN = [
    ("web", datetime(2026, 10, 30, 9, 0, tzinfo=NY), 20, 5 * 3600),
    ("web", datetime(2026, 10, 30, 10, 0, tzinfo=NY), 40, 7 * 3600),
    ("web", datetime(2026, 10, 30, 11, 0, tzinfo=NY), 30, 6 * 3600),
    ("event", datetime(2026, 10, 29, 9, 0, tzinfo=NY), 12, 3 * 3600),
]


def seed(baton) -> None:
    with baton.db.write() as conn:
        for i, (source, engaged, systems, human) in enumerate(PLAN):
            assigned = engaged + timedelta(seconds=systems)
            conn.execute(
                insert(leads).values(
                    email=f"slow{i}@x.com",
                    source=source,
                    lead_type="demo-request",
                    status="new",
                    owner_id="sam-ortiz",
                    received_at=engaged,
                    engaged_at=engaged,
                    assigned_at=assigned,
                    first_touch_at=assigned + timedelta(seconds=human),
                    is_test=False,
                    override_owner=False,
                    source_system="",
                    extra={},
                    created_at=engaged,
                    updated_at=engaged,
                )
            )
        conn.commit()


def charts_of(page: str) -> dict[str, dict]:
    """Each chart's Chart.js config, by chart id."""
    return {
        chart_id: json.loads(html.unescape(spec))["config"]
        for chart_id, spec in re.findall(
            r'<figure class="chart" id="chart-([a-z0-9-]+)">.*?data-chart=\'([^\']+)\'', page, re.S
        )
    }


def csv_rows(client, path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(path).text)))


def test_hours_of_human_delay_are_charted_in_hours_and_the_csv_says_so(web):
    seed(web)
    admin = client_for(web, "admin")
    header, *rows = csv_rows(admin, f"/speed?{PERIOD}&csv=speed-over-time")
    assert header == [
        "Day",
        "Median human delay (hours)",
        "Median systems delay (minutes)",
        "p90 speed to lead (hours)",
    ]
    friday = next(r for r in rows if r[0] == "2026-10-30")
    # medians 6 h and 30 s; the p90 of three is the slowest: 7 h 00 min 40 s
    assert friday[1:] == ["6.0", "0.5", "7.01"]
    page = admin.get(f"/speed?{PERIOD}").text
    assert "Median human delay (hours)" in page  # the table view's header too
    delays = charts_of(page)["speed-over-time"]
    assert delays["options"]["scales"]["y"]["title"]["text"] == "hours"
    by_source, *_ = csv_rows(admin, f"/speed?{PERIOD}&csv=speed-by-source")
    assert by_source[1:] == [
        "Median human delay (hours)",
        "p90 speed to lead (hours)",
        "Median systems delay (minutes)",
    ]


def test_systems_delay_has_an_axis_of_its_own_on_every_chart_that_shows_it(web):
    seed(web)
    page = client_for(web, "admin").get(f"/speed?{PERIOD}").text
    charts = charts_of(page)
    for chart_id, second in (
        ("speed-over-time", "y2"),
        ("speed-median-p90", "y2"),
        ("speed-by-source", "x2"),
        ("speed-by-lead-type", "x2"),
    ):
        config = charts[chart_id]
        for dataset in config["data"]["datasets"]:
            on_second = dataset.get(f"{second[0]}AxisID") == second
            assert on_second == ("systems delay" in dataset["label"]), (chart_id, dataset["label"])
        axis = config["options"]["scales"][second]
        assert axis["title"]["text"] == "Systems delay (minutes)", chart_id
        assert axis["title"]["color"] == color("systems delay")


def test_a_metric_has_the_same_colour_on_the_overview_the_speed_page_and_people(web):
    seed(web)
    admin = client_for(web, "admin")
    paints: dict[str, set[str]] = {}
    for path in (f"/?{PERIOD}", f"/speed?{PERIOD}", f"/people?{PERIOD}", f"/sla?{PERIOD}"):
        for config in charts_of(admin.get(path).text).values():
            for dataset in config["data"]["datasets"]:
                if isinstance(dataset["backgroundColor"], str):  # not one colour per bar
                    metric = re.sub(r"^(median|p90) ", "", dataset["label"].lower())
                    paints.setdefault(metric, set()).add(dataset["backgroundColor"])
    assert paints["human delay"] == {color("human delay")}
    assert paints["hit"] == {color("hit")} and paints["target"] == {color("target")}
    assert {m: p for m, p in paints.items() if len(p) > 1} == {}
    painted = [next(iter(p)) for p in paints.values()]
    assert len(set(painted)) == len(painted), paints  # and no two metrics look alike


def test_one_lead_is_one_lead(web):
    seed(web)
    admin = client_for(web, "admin")
    labels = [row[0] for row in csv_rows(admin, f"/speed?{PERIOD}&csv=speed-by-source")[1:]]
    assert sorted(labels) == ["event (1 lead)", "web (3 leads)"]
    listed = admin.get(f"/leads?{PERIOD}&date=engaged&source=event").text
    assert re.search(r"<strong data-total>1</strong> lead</p>", listed)
