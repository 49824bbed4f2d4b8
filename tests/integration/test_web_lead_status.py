"""The lead page's status buttons (issue 12, item 2): only the moves the lifecycle allows,
named as the team names them, a reason picker for rejections, the same refusals as the
API, and the same access rule as the page (a rep their own leads, a manager their teams')."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from baton.store.tables import status_changes
from baton.workspace.scaffold import write_template
from tests.web_support import client_for, make_users

LIFECYCLE = """
lifecycle:
  names: {sal: Accepted by Sales, recycled: Back to nurture}
  rejection_reasons: [no budget, not a fit, no response, duplicate, competitor]
  qualify: {score_at_least: 60}
"""


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + LIFECYCLE)
    return tmp_path


@pytest.fixture
def mql(api, live):
    """An MQL owned by somebody of the template's teams (routed on arrival)."""
    make_users(live)
    lead = api.post("/v1/leads", json={"email": "jo@initech.com", "score": 80}).json()
    assert lead["status"] == "mql" and lead["owner"] is not None
    return lead


def buttons(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="status" value="(\w+)" id="move-\w+">([^<]+)</button>', page))


def post_move(client, lead_id: int, **form):
    return client.post(
        f"/leads/{lead_id}/status", data={"csrf_token": client.csrf, **form}, follow_redirects=True
    )


def test_the_lead_page_offers_only_the_allowed_moves_with_their_names_and_the_reasons(mql, live):
    page = html.unescape(client_for(live, "admin").get(f"/leads/{mql['id']}").text)
    assert buttons(page) == {
        "sal": "Move to Accepted by Sales",
        "recycled": "Back to nurture",
        "disqualified": "Disqualified",
    }
    picker = re.search(r'<select id="move-reason" name="reason".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]+)</option>", picker)
    assert options == ["Choose a reason…", "no budget", "not a fit", "no response", "duplicate"] + [
        "competitor"
    ]
    assert 'id="move-note"' in page


def test_a_move_from_the_page_stamps_the_date_and_says_so(mql, live, clock):
    admin = client_for(live, "admin")
    moved = post_move(admin, mql["id"], status="sal", note="booked a call", reason="no budget")
    assert moved.status_code == 200 and moved.url.path == f"/leads/{mql['id']}"
    page = html.unescape(moved.text)
    assert f'role="status">Lead {mql["id"]} moved from MQL to Accepted by Sales.' in page
    assert buttons(page) == {"sql": "Move to SQL", "recycled": "Back to nurture"} | {
        "disqualified": "Disqualified"
    }
    with live.db.read() as conn:
        row = conn.execute(select(status_changes).order_by(status_changes.c.id.desc())).first()
    assert (row.to_status, row.reason, row.note, row.by, row.actor) == (
        "sal",
        None,  # a reason picked beside a forward move is not kept
        "booked a call",
        "manual",
        "web:admin",
    )
    assert row.changed_at == clock.now()


def test_a_rejection_without_a_reason_is_shown_again_with_the_reasons(mql, live, api):
    admin = client_for(live, "admin")
    refused = post_move(admin, mql["id"], status="recycled", note="keep this")
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert 'id="move-reason-error">a reason is required to move a lead to recycled' in page
    assert "choose one of: no budget; not a fit; no response; duplicate; competitor" in page
    assert ">keep this</textarea>" in page  # what was typed stays
    assert api.get(f"/v1/leads/{mql['id']}").json()["status"] == "mql"
    done = post_move(admin, mql["id"], status="recycled", reason="not a fit")
    assert done.status_code == 200
    lead = api.get(f"/v1/leads/{mql['id']}").json()
    assert lead["status"] == "recycled" and lead["status_reason"] == "not a fit"
    assert lead["timestamps"]["recycled_at"] is not None


def test_a_move_the_lifecycle_refuses_shows_the_message_and_changes_nothing(mql, live, api):
    admin = client_for(live, "admin")
    refused = post_move(admin, mql["id"], status="sql")  # not a button: MQL → SQL skips SAL
    assert refused.status_code == 409
    assert (
        "a lead in mql (MQL) cannot move to sql; allowed from mql: sal (Accepted by Sales), "
        "recycled (Back to nurture), disqualified (Disqualified)"
    ) in html.unescape(refused.text)
    unknown = post_move(admin, mql["id"], status="won")
    assert unknown.status_code == 422 and "'won' is not a status" in html.unescape(unknown.text)
    long_note = post_move(admin, mql["id"], status="sal", note="x" * 2001)
    assert long_note.status_code == 422 and "at most 2000 characters (2001 sent)" in long_note.text
    assert api.get(f"/v1/leads/{mql['id']}").json()["status"] == "mql"


def test_without_the_csrf_token_nothing_moves(mql, live, api):
    admin = client_for(live, "admin")
    forged = admin.post(f"/leads/{mql['id']}/status", data={"status": "sal"})
    assert forged.status_code == 403
    assert api.get(f"/v1/leads/{mql['id']}").json()["status"] == "mql"


def test_a_rep_moves_their_own_leads_a_manager_their_teams_nobody_else(mql, live, api):
    owner = mql["owner"]["id"]
    rep = {"sam-ortiz": "sam", "emma-schulz": "emma"}.get(owner)
    other = "emma" if rep == "sam" else "sam"
    assert post_move(client_for(live, other), mql["id"], status="sal").status_code == 404
    outsider_manager = "lukas" if owner != "emma-schulz" else "maria"
    assert post_move(client_for(live, outsider_manager), mql["id"], status="sal").status_code == 404
    assert api.get(f"/v1/leads/{mql['id']}").json()["status"] == "mql"
    mover = rep or ("maria" if outsider_manager == "lukas" else "lukas")
    assert post_move(client_for(live, mover), mql["id"], status="sal").status_code == 200
    assert api.get(f"/v1/leads/{mql['id']}").json()["status"] == "sal"


def test_a_final_status_offers_no_move(mql, live):
    admin = client_for(live, "admin")
    post_move(admin, mql["id"], status="disqualified", reason="competitor")
    page = html.unescape(admin.get(f"/leads/{mql['id']}").text)
    assert buttons(page) == {} and "The lifecycle allows no move from Disqualified." in page
    assert "Disqualified</strong> · competitor" in page
