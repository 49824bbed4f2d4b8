"""The dispute report (issue 13 item 6; playbook 000 2c: "disputes raised, resolution time,
outcomes"), on SQLite and PostgreSQL: every figure of ``GET /v1/reports/disputes`` equals a
recount written here from the stored disputes rows; ``baton report disputes --json`` prints
the same; the period parameters are the other reports'."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from statistics import mean, median
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from baton.cli.main import cli
from baton.store.tables import ownership_disputes
from baton.workspace.scaffold import write_template
from tests.integration.test_openapi_shapes import documented, violations

OWNERSHIP = """
ownership:
  escalation: {path: [manager], arbiter: vp-sales, resolve_within: 5d}
"""
ZONE = ZoneInfo("America/New_York")  # the template's


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


@pytest.fixture
def history(api, clock):
    """Six disputes over two months: kept, transferred (late), split, two open (one overdue)
    and one raised before the default period."""
    now = clock.now()
    acc = {
        name: api.post("/v1/accounts", json={"name": name, "owner_id": "emma-schulz"}).json()["id"]
        for name in ("Initech", "Globex", "Hooli")
    }
    claimants = ["emma-schulz", "sam-ortiz"]

    def raise_(account: str, days_ago: float) -> int:
        clock.set(now - timedelta(days=days_ago))
        body = {"entity": "account", "id": acc[account], "claimants": claimants, "reason": "x"}
        response = api.post("/v1/ownership/disputes", json=body)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def resolve(dispute: int, days_ago: float, **outcome) -> None:
        clock.set(now - timedelta(days=days_ago))
        body = {"resolved_by": "vp-sales", **outcome}
        response = api.post(f"/v1/ownership/disputes/{dispute}/resolve", json=body)
        assert response.status_code == 200, response.text

    resolve(raise_("Initech", 40), 39, outcome="keep")
    resolve(raise_("Initech", 20), 18.5, outcome="keep")
    resolve(raise_("Initech", 12), 2, outcome="transfer", new_owner="sam-ortiz")
    resolve(raise_("Globex", 9), 6, outcome="split", split={"emma-schulz": 70, "sam-ortiz": 30})
    raise_("Globex", 8)
    raise_("Hooli", 1)
    clock.set(now)
    return acc


def recount(live, since, until, now) -> dict:
    """The report, counted again from the stored rows, independently of reports/disputes.py."""
    with live.db.read() as conn:
        rows = [
            r
            for r in conn.execute(select(ownership_disputes)).all()
            if since <= r.raised_at < until
        ]
    done = [r for r in rows if r.resolved_at is not None]
    hours = [(r.resolved_at - r.raised_at).total_seconds() for r in done]
    months = Counter(r.raised_at.astimezone(ZONE).strftime("%Y-%m") for r in rows)
    per_account = Counter(r.account_id for r in rows)
    return {
        "raised": len(rows),
        "resolved": len(done),
        "open": len(rows) - len(done),
        "overdue_open": sum(1 for r in rows if r.resolved_at is None and now > r.due_at),
        "within_sla": sum(1 for r in done if r.resolved_at <= r.due_at),
        "median": median(hours) if hours else None,
        "mean": mean(hours) if hours else None,
        "outcomes": {
            o: sum(1 for r in done if r.outcome == o) for o in ("keep", "transfer", "split")
        },
        "months": {m: n for m, n in months.items()},
        "accounts": dict(per_account),
    }


def figures(data: dict) -> dict:
    t = data["time_to_resolution"]
    return {
        "raised": data["raised"],
        "resolved": data["resolved"],
        "open": data["open"],
        "overdue_open": data["overdue_open"],
        "within_sla": data["within_sla"],
        "median": t["median_seconds"],
        "mean": pytest.approx(t["mean_seconds"]) if t["mean_seconds"] is not None else None,
        "outcomes": data["outcomes"],
        "months": {m["month"]: m["raised"] for m in data["by_month"] if m["raised"]},
        "accounts": {a["account_id"]: a["disputes"] for a in data["top_accounts"]},
    }


def test_the_default_period_equals_a_recount_of_the_stored_disputes(api, live, history, clock):
    data = api.get("/v1/reports/disputes").json()
    since, until = (datetime.fromisoformat(data[k]) for k in ("since", "until"))
    assert (data["raised"], data["open"], data["overdue_open"]) == (5, 2, 1)
    assert figures(data) == recount(live, since, until, clock.now())
    assert data["outcomes"] == {"keep": 1, "transfer": 1, "split": 1}
    assert data["within_sla"] == 2 and data["within_sla_rate"] == pytest.approx(0.6667)
    [top, second, third] = data["top_accounts"]
    assert (top["name"], top["disputes"], top["open"]) == ("Initech", 2, 0)
    assert (second["name"], second["disputes"], second["open"]) == ("Globex", 2, 1)
    assert third["name"] == "Hooli"
    spec = api.get("/openapi.json").json()
    assert violations(documented(spec, "/v1/reports/disputes", "get", "200"), data) == []


def test_a_longer_period_counts_each_month_and_the_cli_prints_the_same(
    api, live, history, clock, workspace_dir
):
    now = clock.now()
    params = {"since": "2026-09-01T00:00:00-04:00", "until": now.isoformat()}
    data = api.get("/v1/reports/disputes", params=params).json()
    since, until = now.replace(year=2026, month=9, day=1, hour=4, minute=0), now
    assert figures(data) == recount(live, since, until, now)
    assert [(m["month"], m["raised"]) for m in data["by_month"]] == [
        ("2026-09", 1),
        ("2026-10", 4),
        ("2026-11", 1),
    ]
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    args = ["-w", str(workspace_dir), "report", "disputes", "--since", params["since"]]
    cli_args = [*args, "--until", params["until"]]
    printed = CliRunner().invoke(cli, [*cli_args, "--json"], env=env)
    assert printed.exit_code == 0, printed.output
    from_cli = json.loads(printed.output)  # the CLI's now is the wall clock: overdue differs
    assert {k: v for k, v in from_cli.items() if k != "overdue_open"} == {
        k: v for k, v in data.items() if k != "overdue_open"
    }
    text = CliRunner().invoke(cli, cli_args, env=env)
    assert text.exit_code == 0, text.output
    assert "6 raised, 4 resolved, 2 open (" in text.output
    assert "outcomes: keep 2, transfer 1, split 1" in text.output


def test_since_after_until_is_a_422_naming_since(api):
    response = api.get(
        "/v1/reports/disputes",
        params={"since": "2026-11-02T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "since"


def test_a_period_of_centuries_lists_only_the_months_between_the_disputes(api, history):
    params = {"since": "1900-01-02T00:00:00Z", "until": "2199-12-30T00:00:00Z"}
    data = api.get("/v1/reports/disputes", params=params).json()
    assert data["raised"] == 6
    assert [m["month"] for m in data["by_month"]] == ["2026-09", "2026-10", "2026-11"]
