"""The lifecycle reports through their doors: ``GET /v1/reports/funnel|feedback|leakage`` and
``baton report funnel|feedback|leakage`` (``--json`` exactly what the API answers), with
their figures recounted from the stored moves, and bad input refused naming the field."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner, Result

from baton.cli.main import cli
from tests.lifecycle_support import (
    NOW,
    by,
    cohort,
    funnel_counts,
    leaked,
    make_history,
    reason_counts,
    rejections,
)

NEW_YORK = ZoneInfo("America/New_York")
SINCE = "2026-09-20T00:00:00-04:00"


@pytest.fixture
def run(live, workspace_dir):
    def invoke(*args: str) -> Result:
        env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
        with time_machine.travel(NOW, tick=False):
            return CliRunner().invoke(
                cli, ["-w", str(workspace_dir), *args], env=env, catch_exceptions=False
            )

    return invoke


@pytest.fixture
def history(api, live, clock):
    return make_history(api, live, clock, 200, seed=21)


def test_the_funnel_over_http_is_the_recount_and_the_cli_says_the_same(api, live, run, history):
    answer = api.get("/v1/reports/funnel", params={"since": SINCE, "until": NOW.isoformat()})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    with live.db.read() as conn:
        rows = cohort(conn, datetime.fromisoformat(SINCE), NOW, NEW_YORK)
    counts = tuple(data[s] for s in ("mql", "sal", "sql", "opportunity", "won"))
    assert counts == funnel_counts(rows)
    for group in data["by_source"]:
        expected = funnel_counts(by(rows, "source")[group["key"]])
        assert tuple(group[s] for s in ("mql", "sal", "sql", "opportunity", "won")) == expected
    assert data["names"] == {
        "mql": "MQL",
        "sal": "SAL",
        "sql": "SQL",
        "opportunity": "Opportunity",
        "won": "Won",
    }
    assert set(data["times"]) == {
        "mql_to_sal",
        "sal_to_sql",
        "sql_to_opportunity",
        "opportunity_to_won",
    }
    assert json.loads(run("report", "funnel", "--since", SINCE, "--json").output) == data
    text = run("report", "funnel", "--since", SINCE, "--by", "week").output
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
    assert lines["MQL"] == [str(counts[0])] and lines["Won"][0] == str(counts[4])
    assert "2026-W" in text and "Won: converted" in text


def test_the_feedback_loop_over_http_and_the_cli(api, live, run, history):
    data = api.get("/v1/reports/feedback", params={"since": SINCE}).json()
    with live.db.read() as conn:
        rows = rejections(conn, datetime.fromisoformat(SINCE), NOW, NEW_YORK)
    assert data["rejections"] == len(rows)
    assert {r["reason"]: r["rejections"] for r in data["reasons"]} == dict(reason_counts(rows))
    assert [r["reason"] for r in data["reasons"] if r["flagged"]] == ["not a fit"]
    assert data["sample"] == {"size": len(rows), "needed": 20, "enough": True}
    assert json.loads(run("report", "feedback", "--since", SINCE, "--json").output) == data
    text = run("report", "feedback", "--since", SINCE).output
    assert "⚠ over 40%" in text.split("not a fit")[1].split("\n")[0]
    assert "accepted (SAL)" in text and "SQL rate" in text


def test_leakage_over_http_and_the_cli(api, live, run, history):
    data = api.get("/v1/reports/leakage", params={"since": SINCE, "limit": 3}).json()
    with live.db.read() as conn:
        eligible, leaking = leaked(conn, datetime.fromisoformat(SINCE), NOW, NOW, timedelta(days=7))
    assert (data["mqls"], data["leaked"]) == (len(eligible), len(leaking))
    assert data["flagged"] == (len(leaking) / len(eligible) > 0.1)
    assert len(data["leads"]) == 3 and {lead["lead_id"] for lead in data["leads"]} <= leaking
    assert data["leakage_after_seconds"] == 7 * 86400
    assert (
        json.loads(run("report", "leakage", "--since", SINCE, "--limit", "3", "--json").output)
        == data
    )
    text = run("report", "leakage", "--since", SINCE).output
    assert f"{len(leaking)} of {len(eligible)} untouched" in text


@pytest.mark.parametrize("path", ["funnel", "feedback", "leakage"])
def test_bad_input_is_refused_naming_the_field(api, path):
    bad = api.get(f"/v1/reports/{path}", params={"since": "2026-13-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "since"
    naive = api.get(f"/v1/reports/{path}", params={"since": "2026-11-01T00:00:00"})
    assert naive.status_code == 422 and naive.json()["detail"][0]["field"] == "since"
    backwards = api.get(
        f"/v1/reports/{path}",
        params={"since": "2026-11-10T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
    )
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["field"] == "since"
    assert api.as_("ingest").get(f"/v1/reports/{path}").status_code == 403


def test_a_leakage_limit_out_of_range_is_refused(api):
    answer = api.get("/v1/reports/leakage", params={"limit": 10_001})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "limit"


def test_the_cli_refuses_a_bad_period(run):
    result = run("report", "funnel", "--since", "someday")
    assert result.exit_code == 2 and "--since/--until" in result.output
