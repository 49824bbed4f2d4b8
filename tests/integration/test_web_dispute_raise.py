"""Issue 13 item 6, the dashboard's door: "raise them (API, dashboard, baton dispute
raise)" — a rep raises a dispute from the dashboard; it is stored through the same use case
as POST /v1/ownership/disputes, with the rep's user as who raised it and the escalation
path's first handler; a mistake shows the form again naming what to fix and stores nothing.
SQLite and PostgreSQL."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from baton.store.tables import ownership_disputes
from baton.workspace.scaffold import write_template
from tests.web_support import client_for, make_users

OWNERSHIP = "\nownership:\n  timeout: {after: 60d}\n"


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def stored(live) -> list:
    with live.db.read() as conn:
        return conn.execute(select(ownership_disputes)).all()


def test_a_rep_raises_a_dispute_from_the_dashboard(api, live):
    make_users(live)
    body = {"name": "Initech", "domains": ["initech.com"], "owner_id": "emma-schulz"}
    account = api.post("/v1/accounts", json=body).json()["id"]
    sam = client_for(live, "sam")
    form = html.unescape(
        sam.get(f"/ownership/disputes/new?entity=account&record_id={account}").text
    )
    assert 'value="sam-ortiz" selected' in form and f'value="{account}"' in form
    data = {
        "csrf_token": sam.csrf,
        "entity": "account",
        "record_id": str(account),
        "claimants": ["sam-ortiz", "emma-schulz"],
        "reason": "I sourced the first meeting in May",
    }
    assert sam.post("/ownership/disputes", data=data | {"csrf_token": ""}).status_code == 403
    done = sam.post("/ownership/disputes", data=data, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/ownership/rules")
    (d,) = stored(live)
    assert (d.entity, d.record_id, d.claimants, d.raised_by) == (
        "account",
        account,
        ["sam-ortiz", "emma-schulz"],
        "web:sam",
    )
    assert d.reason == "I sourced the first meeting in May" and d.state == "open"
    assert f"Dispute {d.id} raised" in sam.get("/ownership/rules").text
    api_view = api.get(f"/v1/ownership/disputes/{d.id}").json()
    assert api_view["handler_id"] == d.handler_id


def test_a_mistake_shows_the_form_again_and_stores_nothing(api, live):
    make_users(live)
    maria = client_for(live, "maria")
    base = {"csrf_token": maria.csrf, "entity": "account", "claimants": ["sam-ortiz"]}
    bad = maria.post("/ownership/disputes", data=base | {"record_id": "x", "reason": ""})
    page = html.unescape(bad.text)
    assert bad.status_code == 422
    assert "'x' is not a record number" in page and "Say why" in page
    missing = maria.post("/ownership/disputes", data=base | {"record_id": "999", "reason": "r"})
    assert missing.status_code == 422 and "There is no account 999." in missing.text
    assert stored(live) == []
