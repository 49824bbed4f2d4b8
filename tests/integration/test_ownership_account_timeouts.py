"""Account timeouts and the sweep in business time (issue 13 item 3), on SQLite and
PostgreSQL: an account with no activity (on it or its deals) for ``timeout.account_after``
moves to the target at the exact instant and not a second before, its owner and their manager
told and the move recorded; a named account never times out; ``baton roe timeouts --dry-run``
lists accounts too; the worker sweeps once per business day of the workspace calendar at
``timeout.run_at`` local time, never on a weekend or a holiday."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from baton.cli.main import cli
from baton.services.ownership import timeouts
from baton.services.ownership.timeouts import TimeoutJob, apply_timeouts
from baton.store.tables import accounts, alerts, ownership_decisions
from baton.workspace.scaffold import write_template

OWNERSHIP = """
ownership:
  timeout: {after: 60d, applies_to: [opportunity, account], account_after: 90d, run_at: "07:00"}
"""
NY = ZoneInfo("America/New_York")  # the template's first calendar, americas: US holidays


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def account(api, name: str = "Initech", **fields) -> int:
    body = {"name": name, "owner_id": "emma-schulz", **fields}
    response = api.post("/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def owner_of(live, acc: int) -> str:
    with live.db.read() as conn:
        return conn.execute(select(accounts.c.owner_id).where(accounts.c.id == acc)).scalar_one()


def test_an_idle_account_times_out_after_its_own_period_at_the_exact_instant(api, live, clock):
    start = clock.now()
    acc = account(api)
    named = account(api, "Globex", named=True)
    due = start + timedelta(days=90)
    assert apply_timeouts(live, due - timedelta(seconds=1)) == 0
    assert owner_of(live, acc) == "emma-schulz"
    clock.set(due)
    assert apply_timeouts(live, due) == 1
    assert (owner_of(live, acc), owner_of(live, named)) == ("lukas-weber", "emma-schulz")
    with live.db.read() as conn:
        [d] = conn.execute(select(ownership_decisions)).all()
        told = conn.execute(select(alerts.c.recipient_id, alerts.c.entity, alerts.c.content)).all()
    assert (d.kind, d.entity, d.record_id, d.new_owner_id) == (
        "timeout",
        "account",
        acc,
        "lukas-weber",
    )
    assert "idle for 90 days" in d.steps[0]["why"]
    assert [(t.recipient_id, t.entity) for t in told] == [
        ("emma-schulz", "account"),
        ("lukas-weber", "account"),
    ]
    assert told[0].content["account"] == {"id": acc, "name": "Initech"}
    assert apply_timeouts(live, due + timedelta(days=1)) == 0  # a new period started


def test_activity_on_the_account_or_one_of_its_deals_keeps_it(api, live, clock):
    start = clock.now()
    by_deal, direct = account(api), account(api, "Hooli")
    opp = api.post(
        "/v1/opportunities",
        json={"name": "Hooli 10", "owner_id": "emma-schulz", "stage": "Won", "account_id": by_deal},
    ).json()["id"]
    api.patch(f"/v1/opportunities/{opp}", json={"closed_at": start.isoformat()})
    later = (start + timedelta(days=30)).isoformat()
    for body in ({"opportunity_id": opp}, {"account_id": direct}):
        activity = {"kind": "call", "person_id": "emma-schulz", "occurred_at": later, **body}
        assert api.post("/v1/activities", json=activity).status_code == 201
    assert apply_timeouts(live, start + timedelta(days=119)) == 0
    assert apply_timeouts(live, start + timedelta(days=120)) == 2


def test_the_dry_run_lists_accounts_too(api, live, clock, workspace_dir):
    clock.set(datetime.now(UTC) - timedelta(days=91))  # the command runs on the real clock
    acc = account(api)
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    args = ["-w", str(workspace_dir), "roe", "timeouts", "--dry-run"]
    run = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert run.exit_code == 0, run.output
    [planned] = json.loads(run.stdout)
    assert (planned["entity"], planned["record_id"], planned["to_owner"]) == (
        "account",
        acc,
        "lukas-weber",
    )
    text = CliRunner().invoke(cli, args, env=env).output
    assert f"account {acc} (Initech): emma-schulz → lukas-weber — no activity since" in text
    assert owner_of(live, acc) == "emma-schulz"


def test_the_worker_sweeps_once_per_business_day_at_the_local_time(live, monkeypatch):
    swept: list[datetime] = []
    monkeypatch.setattr(timeouts, "apply_timeouts", lambda app, now: swept.append(now) or 0)
    job = TimeoutJob()

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 11, day, hour, minute, tzinfo=NY)

    job(live, at(25, 6, 59))  # Wednesday: a process starting sweeps Tuesday's once
    for moment in (
        at(25, 6, 59),
        at(25, 7) - timedelta(microseconds=1),
        at(25, 7),  # Wednesday 07:00: due
        at(25, 7, 1),
        at(25, 23, 59),
        at(26, 7),  # Thanksgiving: closed
        at(26, 12),
        at(27, 7),  # Friday 07:00: due
        at(28, 7),  # the weekend
        at(29, 7),
        at(30, 7) - timedelta(seconds=1),
        at(30, 7),  # Monday 07:00: due
    ):
        job(live, moment)
    assert swept == [at(25, 6, 59), at(25, 7), at(27, 7), at(30, 7)]
