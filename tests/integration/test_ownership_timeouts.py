"""The ownership timeout (playbook 000, 2d: "ownership timeout fires correctly when an
opportunity is inactive for X days"), on SQLite and PostgreSQL: an open deal idle for the
whole timeout moves to the configured target at the exact instant and not a second before,
the old owner and their manager are told through the outbox, the move is recorded with why,
the dry run changes nothing, and a moved deal starts a new period."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from baton.cli.main import cli
from baton.services.ownership.timeouts import TimeoutJob, apply_timeouts
from baton.store.tables import alerts, opportunities, ownership_decisions
from baton.worker import Worker
from baton.workspace.scaffold import write_template

TIMEOUT = "\nownership:\n  timeout: {after: 60d, reassign_to: %s}\n"


@pytest.fixture
def target() -> str:
    return "manager"


@pytest.fixture
def workspace_dir(tmp_path, target):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + TIMEOUT % target)
    return tmp_path


def deal(api, owner: str = "emma-schulz", **fields) -> int:
    body = {"name": "Initech 50 seats", "owner_id": owner, "stage": "Discovery", **fields}
    response = api.post("/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def owner_of(live, opp: int) -> str:
    with live.db.read() as conn:
        return conn.execute(
            select(opportunities.c.owner_id).where(opportunities.c.id == opp)
        ).scalar_one()


def test_a_timeout_fires_after_x_idle_days_to_the_owners_manager(api, live, clock):
    start = clock.now()
    opp = deal(api)
    touched = start + timedelta(days=10)
    activity = {
        "kind": "call",
        "person_id": "emma-schulz",
        "opportunity_id": opp,
        "occurred_at": touched.isoformat(),
    }
    assert api.post("/v1/activities", json=activity).status_code == 201
    due = touched + timedelta(days=60)
    assert apply_timeouts(live, due - timedelta(seconds=1)) == 0
    assert owner_of(live, opp) == "emma-schulz"
    clock.set(due)
    assert apply_timeouts(live, due) == 1
    assert owner_of(live, opp) == "lukas-weber"
    with live.db.read() as conn:
        [d] = conn.execute(select(ownership_decisions)).all()
        told = conn.execute(
            select(alerts.c.recipient_id, alerts.c.role, alerts.c.kind).order_by(alerts.c.id)
        ).all()
    assert (d.kind, d.rule, d.old_owner_id, d.new_owner_id) == (
        "timeout",
        "ownership_timeout",
        "emma-schulz",
        "lukas-weber",
    )
    assert "idle for 60 days" in d.steps[0]["why"] and "manager lukas-weber" in d.message
    assert [tuple(t) for t in told] == [
        ("emma-schulz", "owner", "ownership.timeout"),
        ("lukas-weber", "manager", "ownership.timeout"),
    ]
    assert apply_timeouts(live, due + timedelta(days=1)) == 0  # a new period started


def test_the_dry_run_shows_what_would_happen_and_changes_nothing(api, live, clock, workspace_dir):
    clock.set(datetime.now(UTC) - timedelta(days=61))  # the command runs on the real clock
    opp = deal(api)
    env = {"BATON_DATABASE_URL": live.settings.database_url, "BATON_AUTHOR": "tester"}
    run = CliRunner().invoke(
        cli, ["-w", str(workspace_dir), "roe", "timeouts", "--dry-run", "--json"], env=env
    )
    assert run.exit_code == 0, run.output
    [planned] = json.loads(run.stdout)
    assert (planned["entity"], planned["record_id"], planned["to_owner"]) == (
        "opportunity",
        opp,
        "lukas-weber",
    )
    assert owner_of(live, opp) == "emma-schulz"


def test_closed_deals_and_recent_activity_do_not_time_out(api, live, clock):
    deal(api, stage="Closed Lost")
    deal(api, closed_at=clock.now().isoformat(), stage="Closed Won")
    recent = deal(api)
    clock.advance(timedelta(days=59))
    api.post(
        "/v1/activities",
        json={
            "kind": "email",
            "person_id": "emma-schulz",
            "opportunity_id": recent,
            "occurred_at": clock.now().isoformat(),
        },
    )
    clock.advance(timedelta(days=30))
    assert apply_timeouts(live, clock.now()) == 0


@pytest.mark.parametrize("target", ["'pool:sdr-americas'"])
def test_a_pool_target_gives_it_to_the_member_with_the_fewest_open_deals(api, live, clock):
    first = deal(api, owner="priya-nair", stage="Negotiation")
    clock.advance(timedelta(days=1))
    idle = deal(api, owner="sam-ortiz")
    clock.advance(timedelta(days=59))  # the first deal is idle 60 days, the second 59
    assert Worker(live, jobs=[TimeoutJob()]).run_once() == 1
    assert (owner_of(live, first), owner_of(live, idle)) == ("sam-ortiz", "sam-ortiz")
    clock.advance(timedelta(days=1))  # sam holds two open deals now, priya none
    assert apply_timeouts(live, clock.now()) == 1  # the moved one started a new period
    assert (owner_of(live, first), owner_of(live, idle)) == ("sam-ortiz", "priya-nair")
