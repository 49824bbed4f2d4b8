"""SLA verdicts are as of now, not as of the worker's last run.

A clock whose deadline passed without a qualifying touch is a miss in the report, its
mirror twin, the open-clock list, the API and the dashboard, before the worker's timer
records it: the same database gives the same figures before and after
``fire_due_timers``, equal to a recount of the stored rows done here.

The story (init template, the content rule paused while a lead is an MQL), as of
Tuesday 14:00 in New York: A hit; B touched late; C untouched past its 10:30
deadline; D untouched, due 17:00; E paused before its deadline and still paused; F
paused Monday 10:00–Tuesday 09:00, so due Tuesday 13:01 and overdue; G a test lead
(excluded); H an 8-hour event lead due Wednesday.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from baton.reports.scope import ReportScope
from baton.reports.sla import sla_report
from baton.reports.sla_mirror import sla_counts
from baton.services.sla.timers import fire_due_timers
from baton.store.tables import sla_clocks, timers
from baton.workspace.scaffold import write_template
from tests.integration.test_sla_report import NOW, PERIOD, lead, ny, touch
from tests.web_support import client_for, make_users, total_of

CONTENT_RULE = "    - name: content\n      lead_types: [content]\n      threshold: 4h\n"


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    text = path.read_text()
    assert CONTENT_RULE in text
    path.write_text(
        text.replace(CONTENT_RULE, CONTENT_RULE + "      pause_when: {field: status, eq: mql}\n")
        # an MQL may go back to new in this workspace: how the story resumes a paused clock
        + "lifecycle:\n  transitions: {mql: [new, sal, recycled, disqualified]}\n"
    )
    return tmp_path


def status(api, clock, lead_id: int, at: datetime, value: str) -> None:
    clock.set(at)
    assert api.patch(f"/v1/leads/{lead_id}", json={"status": value}).status_code == 200


@pytest.fixture
def story(api, live, clock) -> dict[str, int]:
    clock.set(ny(2026, 11, 2, 8, 0))
    ids = {
        "E": lead(api, clock, ny(2026, 11, 2, 9, 0), "priya-nair", "content"),
        "F": lead(api, clock, ny(2026, 11, 2, 9, 1), "priya-nair", "content"),
    }
    status(api, clock, ids["E"], ny(2026, 11, 2, 10, 0), "mql")  # paused, still paused
    status(api, clock, ids["F"], ny(2026, 11, 2, 10, 0), "mql")
    ids["A"] = lead(api, clock, ny(2026, 11, 2, 10, 1), "sam-ortiz")
    touch(api, clock, ids["A"], ny(2026, 11, 2, 10, 20), "sam-ortiz")
    ids["B"] = lead(api, clock, ny(2026, 11, 2, 11, 0), "sam-ortiz")
    touch(api, clock, ids["B"], ny(2026, 11, 2, 13, 15), "sam-ortiz")
    status(api, clock, ids["F"], ny(2026, 11, 3, 9, 0), "new")  # resumed: 3 h 01 min left
    ids["C"] = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")
    ids["H"] = lead(api, clock, ny(2026, 11, 3, 11, 0), "priya-nair", "event")
    ids["D"] = lead(api, clock, ny(2026, 11, 3, 13, 0), "sam-ortiz", "content")
    ids["G"] = lead(api, clock, ny(2026, 11, 3, 13, 5), "sam-ortiz", is_test=True)
    clock.set(NOW)
    return ids


def stored(live) -> dict[int, tuple[str, datetime | None, bool]]:
    """Each clock's lead → (stored state, stored deadline, whether it is still untouched)."""
    c = sla_clocks.c
    with live.db.read() as conn:
        rows = conn.execute(select(c.lead_id, c.state, c.due_at, c.stopped_at, c.closed_at))
        return {
            r.lead_id: (r.state, r.due_at, r.stopped_at is None and r.closed_at is None)
            for r in rows
        }


def recount(live) -> dict[str, int]:
    """The verdicts from the stored rows alone: a pending clock whose deadline is behind NOW
    is a miss; one without a deadline (paused) is still pending. Open: pending, or missed
    and untouched; overdue: open and past the deadline."""
    states: Counter[str] = Counter()
    open_, overdue = 0, 0
    for state, due_at, untouched in stored(live).values():
        past = due_at is not None and due_at <= NOW
        now_state = "miss" if state == "pending" and past else state
        states[now_state] += 1
        is_open = state == "pending" or (state == "miss" and untouched)
        open_ += is_open
        overdue += is_open and past
    return dict(states) | {"open": open_, "overdue": overdue}


def figures(api, live, client) -> dict:
    """Everything the API, the mirror and the dashboard say about the SLA, as plain values."""
    report = api.get("/v1/reports/sla", params=PERIOD).json()
    open_clocks = api.get("/v1/reports/sla/open").json()
    scope = ReportScope(
        datetime.fromisoformat(PERIOD["since"]), datetime.fromisoformat(PERIOD["until"])
    )
    with live.db.read() as conn, live.analytics().session(conn, NOW) as duck:
        mirror = sla_counts(conn, duck, scope, NOW)
        assert mirror == sla_report(conn, scope, NOW).without_durations()
    page = html.unescape(client.get("/sla").text)
    kpis = {
        k: int(re.search(rf'id="kpi-{k}".*?data-n="(\d+)"', page, re.S).group(1))
        for k in ("hit", "miss", "pending")
    }
    leads = {
        state: total_of(client.get("/leads", params={"date": "sla_charge", "sla": state}).text)
        for state in ("hit", "miss", "pending")
    }
    return {
        "report": report,
        "open": open_clocks,
        "mirror": mirror.as_dict(),
        "page": kpis,
        "leads": leads,
    }


def test_sla_figures_are_the_same_before_and_after_the_timers_fire(api, live, story):
    make_users(live)
    client = client_for(live, "admin")
    before_rows = stored(live)
    assert [before_rows[story[k]][0] for k in "CF"] == ["pending", "pending"]  # no worker yet
    assert before_rows[story["E"]][:2] == ("pending", None)  # paused before its deadline
    assert before_rows[story["F"]][1] == ny(2026, 11, 3, 13, 1)
    by_hand = {"hit": 1, "miss": 3, "pending": 3, "excluded": 1}  # B, C, F missed; D, E, H run
    assert recount(live) == by_hand | {"open": 5, "overdue": 2}

    before = figures(api, live, client)
    report = before["report"]
    assert {k: report[k] for k in (*by_hand, "open", "overdue")} == recount(live)
    assert report["compliance"] == 0.25
    assert report["response_bands"]["breached"] == 3
    assert before["page"] == {"hit": 1, "miss": 3, "pending": 3}
    assert before["leads"] == {"hit": 1, "miss": 3, "pending": 3}
    assert [(c["lead_id"], c["state"]) for c in before["open"]["clocks"]] == [
        (story["C"], "overdue"),  # due 10:30: the latest
        (story["F"], "overdue"),  # due 13:01
        (story["D"], "pending"),
        (story["H"], "pending"),
    ]  # E is paused: no deadline, not listed

    assert fire_due_timers(live, NOW) > 0
    assert stored(live)[story["C"]][0] == "miss"  # recorded by its timer now
    # F's timers, taken off the schedule by its pause, were armed again when it resumed
    assert stored(live)[story["F"]][0] == "miss"
    with live.db.read() as conn:
        f_clock = select(sla_clocks.c.id).where(sla_clocks.c.lead_id == story["F"])
        query = select(timers.c.key, timers.c.state).where(timers.c.clock_id.in_(f_clock))
        f_timers = {row.key: row.state for row in conn.execute(query)}
    assert f_timers["miss"] == "fired" and f_timers["notice:50"] == "fired"
    assert recount(live) == by_hand | {"open": 5, "overdue": 2}
    assert figures(api, live, client) == before


def test_at_the_deadline_instant_a_clock_is_a_miss_and_a_moment_before_it_is_not(api, live, clock):
    lead_id = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")  # due 10:30
    for at, state in ((ny(2026, 11, 3, 10, 29, 59), "pending"), (ny(2026, 11, 3, 10, 30), "miss")):
        clock.set(at)
        r = api.get("/v1/reports/sla", params=PERIOD).json()
        assert (r["pending"], r["miss"]) == ((1, 0) if state == "pending" else (0, 1)), at
    fire_due_timers(live, ny(2026, 11, 3, 10, 30))  # the timer agrees
    assert stored(live)[lead_id][0] == "miss"


def test_open_clocks_list_the_latest_first_and_say_days_past_a_day(api, live, clock):
    """Most late first, lateness in days past 24 hours (wall clock), business time beside."""
    make_users(live)
    early = lead(api, clock, ny(2026, 11, 2, 10, 0), "sam-ortiz")  # due Mon 10:30
    later = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")  # due Tue 10:30
    running = lead(api, clock, ny(2026, 11, 5, 11, 40), "sam-ortiz")  # due Thu 12:10
    clock.set(ny(2026, 11, 5, 12, 0))  # Thursday noon, no worker has run
    clocks = api.get("/v1/reports/sla/open").json()["clocks"]
    assert [(c["lead_id"], c["state"]) for c in clocks] == [
        (early, "overdue"),
        (later, "overdue"),
        (running, "pending"),
    ]
    assert [-c["time_left_seconds"] for c in clocks[:2]] == [
        (3 * 24 + 1.5) * 3600,
        (2 * 24 + 1.5) * 3600,
    ]
    fragment = client_for(live, "admin").get("/sla/open-clocks").text
    assert re.findall(r'data-lead="(\d+)"', fragment) == [str(early), str(later), str(running)]
    assert "3 d 1 h late" in fragment and "2 d 1 h late" in fragment
    assert "business time" in fragment


def test_a_lead_read_through_the_api_and_its_page_says_miss_before_the_timer_fires(
    api, live, clock
):
    """C (demo request at 10:00, due 10:30, untouched): at 14:00 the lead's SLA block says
    miss, with 2 h 30 min of business time missed (10:30–12:00 and 13:00–14:00: the
    americas calendar closes for lunch), as it will after the worker runs."""
    lead_id = lead(api, clock, ny(2026, 11, 3, 10, 0), "priya-nair")
    clock.set(NOW)
    block = api.get(f"/v1/leads/{lead_id}").json()["sla"]
    assert stored(live)[lead_id][0] == "pending"  # the worker has not run
    assert block["state"] == "miss" and block["miss_business_seconds"] == 2.5 * 3600
    assert block["due_at"] == "2026-11-03T15:30:00Z"
    make_users(live)
    page = client_for(live, "admin").get(f"/leads/{lead_id}").text
    assert "miss" in page and "pending" not in page.split("SLA", 1)[1].split("</section>")[0]
    fire_due_timers(live, NOW)
    after = api.get(f"/v1/leads/{lead_id}").json()["sla"]
    assert after.pop("next") != block.pop("next")  # the notices and the miss have fired
    assert after == block
