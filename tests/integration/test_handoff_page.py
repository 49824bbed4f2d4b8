"""The dashboard's Handoff page (issue 14, items 7 and 8), on SQLite and PostgreSQL: its
figures equal a recount of the stored handoffs made here, each count opens the handoffs it
counts, every table downloads as CSV, a CSM sees only the handoffs assigned to them, and a
workspace without a handoff: section says so."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from statistics import mean, median

import pytest
from sqlalchemy import select

from baton.services.people.users import Role
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import accounts, handoffs
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template
from tests.integration.test_handoff_report import four, workspace_dir  # noqa: F401 (fixtures)
from tests.web_support import client_for, make_users

CSM_USERS = {"carl": (Role.REP, "carl-csm"), "dana": (Role.REP, "dana-csm")}


@pytest.fixture
def users(live):
    make_users(live)
    make_users(live, CSM_USERS)
    return live


def stored(live):
    """The handoffs as stored, each with its account's segment."""
    with live.db.read() as conn:
        return conn.execute(
            select(handoffs, accounts.c.segment).outerjoin(
                accounts, accounts.c.id == handoffs.c.account_id
            )
        ).all()


def recount(rows, now) -> dict:
    """The page's figures computed from the rows, the playbook's way: complete ÷ closed,
    escalated ÷ closed, the close → first touch in wall-clock hours, the 48 h first-touch SLA
    missed by a touch after it or none by now."""
    hours = [
        (r.first_touch_at - r.first_closed_at) / timedelta(hours=1)
        for r in rows
        if r.first_touch_at
    ]
    limit = timedelta(hours=48)
    missed = [
        r for r in rows if r.csm_id and ((r.first_touch_at or now) - r.first_closed_at) > limit
    ]
    return {
        "closed": len(rows),
        "complete": sum(r.state == "complete" for r in rows),
        "completion_rate": sum(r.state == "complete" for r in rows) / len(rows),
        "fields_at_close": sum(not r.overridden for r in rows),
        "escalated": sum(r.state == "escalated" for r in rows),
        "escalation_rate": sum(r.state == "escalated" for r in rows) / len(rows),
        "touched": len(hours),
        "avg": mean(hours) if hours else None,
        "median": median(hours) if hours else None,
        "missed": len(missed),
    }


def attr(page: str, card: str, name: str) -> str:
    block = page.split(f'id="kpi-{card}"', 1)[1].split("</section>", 1)[0]
    return re.search(rf'data-{name}="([^"]*)"', block).group(1)


def link(page: str, card: str, name: str) -> str:
    """The drill-down link around the card's ``data-name`` figure."""
    block = page.split(f'id="kpi-{card}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'data-{name}="[^"]*">\s*<a class="drill" href="([^"]+)"', block)
    return html.unescape(found.group(1))


def listed(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-handoff="(\d+)"', page)}


def csv_rows(client, url: str) -> dict[str, dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    return {r[next(iter(r))]: r for r in rows}


def test_the_page_figures_equal_a_recount_of_the_stored_handoffs(users, four, clock):  # noqa: F811
    rows = stored(users)
    want = recount(rows, clock.now())
    page = client_for(users, "admin").get("/handoff").text
    assert int(attr(page, "completion", "closed")) == want["closed"] == 4
    assert int(attr(page, "completion", "n")) == want["complete"]
    assert float(attr(page, "completion", "rate")) == pytest.approx(want["completion_rate"])
    assert int(attr(page, "fields", "n")) == want["fields_at_close"]
    assert int(attr(page, "escalation", "n")) == want["escalated"]
    assert float(attr(page, "escalation", "rate")) == pytest.approx(want["escalation_rate"])
    assert int(attr(page, "first-touch", "n")) == want["touched"]
    assert float(attr(page, "first-touch", "avg")) == pytest.approx(want["avg"])
    assert float(attr(page, "first-touch", "median")) == pytest.approx(want["median"])
    assert int(attr(page, "first-touch", "missed")) == want["missed"]
    # 50 % complete and 50 % escalated: both red flags (handoff.targets: 85 %, 20 %)
    assert 'card flag" id="kpi-completion"' in page and 'card flag" id="kpi-escalation"' in page
    assert 'card flag" id="kpi-first-touch"' not in page  # 45 h on average: under 48 h


def test_the_tables_by_segment_and_csm_download_as_the_recount(users, four, clock):  # noqa: F811
    rows = stored(users)
    client = client_for(users, "admin")
    by_segment = csv_rows(client, "/handoff?csv=by-segment")
    for segment in {r.segment for r in rows}:
        mine = [r for r in rows if r.segment == segment]
        want = recount(mine, clock.now())
        got = by_segment[segment]
        assert int(got["Closed"]) == want["closed"]
        assert int(got["Complete"]) == want["complete"]
        assert int(got["Escalated"]) == want["escalated"]
        assert float(got["Completion rate (%)"]) == round(100 * want["completion_rate"], 1)
        flagged = want["completion_rate"] < 0.85  # handoff.targets.completion_flag_below
        assert ("completion" in got["Red flags"]) is flagged
    by_csm = csv_rows(client, "/handoff?csv=by-csm")
    assert sum(int(v["Closed"]) for v in by_csm.values()) == len(rows)
    still_open = csv_rows(client, "/handoff?csv=open")
    assert set(still_open) == {str(r.id) for r in rows if r.state != "complete"}
    for r in rows:
        if r.state != "complete":
            age = (clock.now() - r.first_closed_at) / timedelta(hours=1)
            assert float(still_open[str(r.id)]["Age (h)"]) == round(age, 1)
    assert set(csv_rows(client, "/handoff?csv=pilot")) == {str(r.id) for r in rows}
    rates = csv_rows(client, "/handoff?csv=rates-by-csm")
    assert {float(r["Completion target"]) for r in rates.values()} == {90.0}
    assert client.get("/handoff?csv=by-ae").status_code == 200
    assert client.get("/handoffs?count=open&view=open&csv=handoffs").status_code == 400
    assert client.get("/handoffs?view=open&csv=handoffs").status_code == 200


def test_each_count_opens_the_handoffs_it_counts(users, four):  # noqa: F811
    rows = stored(users)
    client = client_for(users, "admin")
    page = client.get("/handoff").text
    for card, name, state in (("completion", "n", "complete"), ("escalation", "n", "escalated")):
        drilled = client.get(link(page, card, name))
        assert drilled.status_code == 200
        assert listed(drilled.text) == {r.id for r in rows if r.state == state}
    closed = client.get(link(page, "completion", "closed")).text
    assert listed(closed) == {r.id for r in rows}
    # a group's count: the enterprise deal's escalation
    by_segment = client.get("/handoffs?count=escalated&segment=Enterprise").text
    assert listed(by_segment) == {
        r.id for r in rows if r.segment == "Enterprise" and r.state == "escalated"
    }
    assert client.get("/handoffs?count=nonsense").status_code == 400


def test_a_handoff_shows_its_steps_task_summary_trace_and_what_is_left(users, four):  # noqa: F811
    (h,) = [r for r in stored(users) if r.overridden]
    page = client_for(users, "admin").get(f"/handoffs/{h.id}").text
    assert "smb-override" in page and "quarter end" in page
    assert "fields missing: customer_goals" in page  # what is left
    assert 'id="steps"' in page and "overridden" in page
    assert "Review the handoff of smb-override" in page  # the task
    assert h.summary_html.split("\n", 1)[0] in page  # the summary, as HTML
    assert "flow csm-handoff, node round robin csms" in page  # the trace


def test_a_csm_sees_only_the_handoffs_assigned_to_them(users, four):  # noqa: F811
    rows = stored(users)
    carl = client_for(users, "carl")
    page = carl.get("/handoff").text
    mine = {r.id for r in rows if r.csm_id == "carl-csm"}
    assert mine and int(attr(page, "completion", "closed")) == len(mine)
    assert listed(page) <= mine  # the pilot and the open lists
    assert listed(carl.get("/handoffs").text) == mine
    theirs = next(r.id for r in rows if r.csm_id == "dana-csm")
    assert carl.get(f"/handoffs/{theirs}").status_code == 404
    assert carl.get(f"/handoffs/{min(mine)}").status_code == 200
    # a manager sees them all
    assert listed(client_for(users, "lukas").get("/handoffs").text) == {r.id for r in rows}


def test_a_workspace_without_a_handoff_section_says_so(users, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    write_template(plain)  # the init template: no handoff: section
    applied = apply_workspace(users, load_workspace(plain), "tester", users.clock.now())
    activate_version(users, applied.number, "tester", users.clock.now())
    live = users
    response = client_for(live, "admin").get("/handoff")
    assert response.status_code == 200
    assert 'id="no-handoff"' in response.text and "docs/handoff.md" in response.text
