"""The dashboard's Health page (issue 15) on SQLite and PostgreSQL: every monitor with its
colour, value, threshold, the playbook's response and the records behind it, each figure
equal to a recount made here from the stored rows (routing decisions, misroutes, status
changes, activities, leads); its CSV; the Overview's red flags are exactly its red and
amber rows; reps do not see it.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.reports.scope import report_zone, scope_of
from baton.services.health.registry import MONITORS
from baton.services.sla.timers import fire_due_timers
from baton.store.tables import leads, misroutes, routing_decisions
from baton.worker import heartbeat
from tests.integration.test_health_thresholds import flag, monitor
from tests.lifecycle_support import NOW, leaked, make_history, reason_counts, rejections
from tests.web_support import client_for, lead_ids_of, make_users


@pytest.fixture
def history(api, live, clock):
    """80 leads over 70 days through the funnel, one of a lead type no SLA rule times, the
    timers fired up to NOW and the worker heard from a minute ago."""
    make_history(api, live, clock, 80, seed=15)
    clock.set(NOW - timedelta(days=2))
    stray = api.post(
        "/v1/leads", json={"email": "x@partner.io", "lead_type": "partner-referral", "region": "NA"}
    )
    assert stray.status_code == 201, stray.text
    clock.set(NOW)
    fire_due_timers(live, NOW)
    heartbeat(live, NOW - timedelta(minutes=1))
    make_users(live)
    return stray.json()["id"]


def rows_of(page: str) -> dict[str, tuple[str, float | None]]:
    """Each monitor row of the Health page: name → (status, value)."""
    return {
        name: (status, float(value) if value else None)
        for name, status, value in re.findall(
            r'<tr id="monitor-([a-z_]+)" data-status="(\w+)" data-value="([^"]*)"', page
        )
    }


def test_every_monitor_is_shown_with_a_figure_equal_to_a_recount(live, history):
    admin = client_for(live, "admin")
    response = admin.get("/health")
    assert response.status_code == 200
    page = html.unescape(response.text)
    rows = rows_of(page)
    assert len(rows) == len(MONITORS)
    with live.db.read() as conn:
        zone = report_zone(conn)
        scope = scope_of(NOW, zone=zone)
        since, until = scope.since, scope.until
        decided = conn.execute(
            select(routing_decisions.c.via_fallback).where(
                routing_decisions.c.decided_at >= since,
                routing_decisions.c.decided_at < until,
                routing_decisions.c.lead_id.is_not(None),
            )
        ).all()
        flagged = conn.execute(
            select(misroutes.c.id).where(
                misroutes.c.created_at >= since, misroutes.c.created_at < until
            )
        ).all()
        reasons = reason_counts(rejections(conn, since, until, zone))
        eligible, leaking = leaked(conn, since, until, NOW, timedelta(days=7))
        received = conn.execute(
            select(leads.c.owner_id, leads.c.queue, leads.c.assigned_at).where(
                leads.c.received_at >= since, leads.c.received_at < until
            )
        ).all()
    assert decided and reasons and eligible and leaking
    fallback = sum(1 for d in decided if d.via_fallback) / len(decided)
    assert rows["fallback_share"][1] == pytest.approx(fallback, abs=1e-4)
    assert rows["misroute_rate"][1] == pytest.approx(len(flagged) / len(decided), abs=1e-4)
    top = reasons.most_common(1)[0][1]
    assert rows["rejection_reason"][1] == pytest.approx(top / sum(reasons.values()), abs=1e-4)
    assert rows["leakage"][1] == pytest.approx(len(leaking) / len(eligible), abs=1e-4)
    stray = [r for r in received if not (r.owner_id or r.queue or r.assigned_at)]
    assert rows["unassigned_leads"][1] == len(stray)
    assert rows["uncovered_lead_types"] == ("red", 1.0)  # partner-referral has no rule
    assert rows["worker_heartbeat"] == ("green", 60.0)
    # each row: its threshold, the playbook's response, the records behind it
    status, text = monitor(page, "uncovered_lead_types")
    assert "red over 0" in text and "add SLA rules" not in text  # the response's own words:
    assert "update the SLA rules to cover it" in text
    link = re.search(r'<tr id="monitor-uncovered_lead_types".*?href="([^"]+)"', page, re.S)
    assert lead_ids_of(admin.get(link.group(1)).text) == {history}


def test_the_csv_is_the_monitor_table(live, history):
    admin = client_for(live, "admin")
    rows = rows_of(html.unescape(admin.get("/health").text))
    download = admin.get("/health", params={"csv": "monitors"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert {r["monitor"]: r["status"] for r in table} == {k: v[0] for k, v in rows.items()}
    assert {r["monitor"]: float(r["value"]) if r["value"] else None for r in table} == {
        k: v[1] for k, v in rows.items()
    }
    assert all(r["response"] and r["threshold"] for r in table)


def test_the_overview_flags_are_the_health_pages_red_and_amber_rows(live, history):
    admin = client_for(live, "admin")
    rows = rows_of(html.unescape(admin.get("/health").text))
    overview = html.unescape(admin.get("/").text)
    flags = dict(re.findall(r'<li id="flag-([a-z_]+)" class="(raised|amber)"', overview))
    assert flags == {
        name: "raised" if status == "red" else "amber"
        for name, (status, _) in rows.items()
        if status in ("red", "amber")
    }
    assert "uncovered_lead_types" in flags  # something is red on this history
    assert "update the SLA rules to cover it" in flag(overview, "uncovered_lead_types")[1]


def test_reps_neither_see_nor_open_the_health_page(live, history):
    sam = client_for(live, "sam")
    assert sam.get("/health").status_code in (403, 404)
    assert 'href="/health"' not in sam.get("/").text
    assert 'href="/health"' in client_for(live, "maria").get("/").text


def test_every_link_of_the_monitor_table_opens_a_page(live, history):
    admin = client_for(live, "admin")
    page = admin.get("/health").text
    table = page[page.index('<table class="monitors">') : page.index("</table>")]
    links = {href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', table)}
    assert {"/ownership/records?range=30d&count=timeout", "/healthz"} <= links
    assert {href: admin.get(href).status_code for href in links} == dict.fromkeys(links, 200)
