"""One event path: every change to a record is an event, and the handlers registered for
its kind (``bootstrap.HANDLERS``) react in the same transaction, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from baton.bootstrap import HANDLERS, Baton
from baton.cli.main import cli
from baton.domain.events import EventKind
from baton.services.app import Event, Unit
from baton.services.events import EventFilter, list_events
from baton.services.live import COMPILED, live_workspace
from baton.services.records.intake import Submission, submit
from baton.services.records.kinds import LEAD
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import events, leads
from baton.workspace.loader import load_workspace
from tests.web_support import client_for


def kinds_of(api, entity: str, entity_id: int) -> list[str]:
    params = {"entity": entity, "entity_id": str(entity_id)}
    return [e["kind"] for e in api.get("/v1/events", params=params).json()["items"]]


def test_an_opportunity_reaching_closed_won_raises_its_stage_change(api):
    account = api.post("/v1/accounts", json={"name": "Initech", "domains": ["initech.com"]})
    opp = api.post(
        "/v1/opportunities",
        json={"name": "Initech renewal", "account_id": account.json()["id"], "stage": "Proposal"},
    ).json()
    assert (
        api.patch(f"/v1/opportunities/{opp['id']}", json={"stage": "Closed Won"}).status_code == 200
    )
    assert kinds_of(api, "opportunity", opp["id"]) == [
        "opportunity.created",
        "opportunity.updated",
        "opportunity.stage_changed",
    ]
    (staged,) = api.get("/v1/events", params={"kind": "opportunity.stage_changed"}).json()["items"]
    assert staged["payload"] == {"from": "Proposal", "to": "Closed Won"}


def test_an_account_changing_hands_raises_account_assigned_with_who_had_it(api):
    account = api.post(
        "/v1/accounts", json={"name": "Globex", "domains": ["globex.com"], "owner_id": "sam-ortiz"}
    ).json()
    api.patch(f"/v1/accounts/{account['id']}", json={"owner_id": "priya-nair"})
    (assigned,) = api.get("/v1/events", params={"kind": "account.assigned"}).json()["items"]
    assert assigned["payload"]["previous_owner_id"] == "sam-ortiz"
    assert assigned["payload"]["owner_id"] == "priya-nair" and assigned["payload"]["by"] == "manual"


def test_a_status_change_is_its_own_event_and_an_activity_is_logged(api):
    lead = api.post("/v1/leads", json={"email": "jo@initech.com", "lead_type": "demo-request"})
    lead_id = lead.json()["id"]
    api.patch(f"/v1/leads/{lead_id}", json={"status": "mql"})
    (changed,) = api.get("/v1/events", params={"kind": "lead.status_changed"}).json()["items"]
    assert changed["payload"]["from"] == "new" and changed["payload"]["to"] == "mql"
    assert changed["payload"]["by"] == "manual" and changed["actor"] == "api:t-admin"
    touch = {"lead_id": lead_id, "kind": "call", "occurred_at": "2026-11-02T15:01:00Z"}
    activity = api.post("/v1/activities", json=touch).json()
    assert kinds_of(api, "activity", activity["id"]) == ["activity.created"]


def _recording(baton: Baton, extra) -> Baton:
    handlers = {k: tuple(v) for k, v in HANDLERS.items()}
    for kind, handler in extra.items():
        handlers[kind] = (*handlers.get(kind, ()), handler)
    return replace(baton, handlers=handlers)


def test_handlers_run_in_the_transaction_in_order_and_see_the_event_logged(live):
    seen: list[tuple[str, int]] = []

    def on_created(unit: Unit, event: Event) -> None:
        logged = unit.conn.execute(select(events.c.kind).where(events.c.id == event.id)).scalar()
        seen.append((f"created, logged as {logged}", int(event.entity_id)))

    def on_assigned(unit: Unit, event: Event) -> None:
        # routing (the first handler of lead.created) emitted this; it is handled after
        # every handler of lead.created has run
        seen.append(("assigned", int(event.entity_id)))

    baton = _recording(
        live, {EventKind.LEAD_CREATED: on_created, EventKind.LEAD_ASSIGNED: on_assigned}
    )
    result = submit(baton, Submission(LEAD, [{"email": "a@initech.com"}], "t"))
    lead_id = result.results[0].id
    assert seen == [("created, logged as lead.created", lead_id), ("assigned", lead_id)]


def test_a_failing_handler_rolls_the_whole_unit_back(live):
    def broken(unit: Unit, event: Event) -> None:
        raise RuntimeError("the handler broke")

    baton = _recording(live, {EventKind.LEAD_ASSIGNED: broken})
    with pytest.raises(RuntimeError, match="the handler broke"):
        submit(baton, Submission(LEAD, [{"email": "a@initech.com"}], "t"))
    with live.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == 0
        logged = list_events(conn, EventFilter(kind="lead.*"))
    assert logged == []  # neither the lead nor its events: nothing half-done, nothing dropped


def test_the_live_workspace_is_compiled_once_per_version_and_replaced_on_activation(
    live, workspace_dir
):
    with live.db.read() as conn:
        first = live_workspace(conn)
    with live.db.read() as conn:
        assert live_workspace(conn) is first  # the same compiled value, not parsed again
    yaml = workspace_dir / "baton.yaml"
    yaml.write_text(yaml.read_text().replace("Acme Corp", "Acme Inc"))
    second = apply_workspace(live, load_workspace(workspace_dir), "t")
    activate_version(live, second.number, "t")
    with live.db.read() as conn:
        now_live = live_workspace(conn)
        assert now_live.version == second.number and now_live.spec.workspace.name == "Acme Inc"
        assert live_workspace(conn, first.version) is first  # drafts and old versions stay
    assert len(COMPILED) <= COMPILED.size


PTO = {"starts_at": "2026-12-22T06:00:00Z", "ends_at": "2027-01-04T06:00:00Z", "reason": "Holidays"}
OVERLAP = (
    "overlaps the period already set (2026-12-22 → 2027-01-03, Holidays); remove that one first"
)


def test_an_overlapping_out_of_office_period_is_refused_alike_by_api_dashboard_and_cli(
    api, web, workspace_dir
):
    # the dashboard sets the holidays (Sam is in Chicago: midnight there is 06:00 UTC)
    admin = client_for(web, "admin")
    form = {"starts": "2026-12-22", "ends": "2027-01-04", "reason": "Holidays"}
    assert (
        admin.post(
            "/people/sam-ortiz/out-of-office", data=form | {"csrf_token": admin.csrf}
        ).status_code
        == 200
    )
    # the API: the same two periods at once
    later = {"starts_at": "2027-01-02T06:00:00Z", "ends_at": "2027-01-10T06:00:00Z"}
    response = api.patch("/v1/people/sam-ortiz", json={"out_of_office": [PTO, later]})
    assert response.status_code == 422
    messages = [(e["field"], e["message"]) for e in response.json()["detail"]]
    assert ("out_of_office[1].starts_at", OVERLAP) in messages
    # the dashboard: a second period over the first
    again = admin.post(
        "/people/sam-ortiz/out-of-office",
        data={"starts": "2027-01-02", "ends": "2027-01-10", "csrf_token": admin.csrf},
    )
    assert again.status_code == 422 and OVERLAP in again.text
    # the CLI
    env = {"BATON_DATABASE_URL": web.settings.database_url, "BATON_AUTHOR": "tester"}
    args = [
        "-w",
        str(workspace_dir),
        "pto",
        "sam-ortiz",
        "--from",
        "2027-01-02",
        "--to",
        "2027-01-10",
    ]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 1 and OVERLAP in result.output


def test_a_period_longer_than_366_days_is_refused_by_the_api_too(api):
    long = {"starts_at": "2026-12-22T06:00:00Z", "ends_at": "2028-01-04T06:00:00Z"}
    response = api.patch("/v1/people/sam-ortiz", json={"out_of_office": [long]})
    assert response.status_code == 422
    assert "a period is at most 366 days" in response.json()["detail"][0]["message"]
