"""The weekly Marketing Ops digest (issue 12 item 8, playbook 002: "scheduled weekly digest
to Marketing Ops", "test scheduled report delivery for feedback loop digest"), on SQLite
and PostgreSQL, delivered for real to a local SMTP server (aiosmtpd): its numbers equal a
recount from the stored status changes, it goes out at its slot in business time (a
Monday holiday → Tuesday, the instant itself, across a DST change), once a week even with
two workers, and to the test recipient in silent mode."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from baton.services.alerts.delivery import Delivery
from baton.services.lifecycle.status import change_status
from baton.store.tables import alerts, digest_runs, leads, status_changes
from tests.alerts_support import go_live, start_fakes, write_workspace
from tests.lifecycle_support import (
    cohort,
    funnel_counts,
    leaked,
    make_history,
    reason_counts,
    rejections,
)

NEW_YORK = ZoneInfo("America/New_York")
MOPS = "mops-lead,Morgan Lee,morgan@acme.example,,marketing,,,America/New_York,americas,true,,\n"
DIGEST = """  digests:
    - name: mops-weekly
      report: lifecycle
      to: ["role:marketing"]
      weekday: monday
      at: "09:00"
      calendar: americas
      channels: [email]
health:
  min_sample: 5
"""
MONDAY_9AM = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York (EST)


@pytest.fixture
def fakes(monkeypatch):
    yield from start_fakes(monkeypatch)


@pytest.fixture
def mops(live, workspace_dir, fakes):
    """The template workspace with a Marketing Ops person and the digest, live."""
    return lambda body="", digest=DIGEST: _go_live(live, workspace_dir, fakes, body, digest)


def _go_live(baton, directory, fakes, body: str, digest: str) -> Delivery:
    people = directory / "people.csv"
    if MOPS not in people.read_text():
        people.write_text(people.read_text() + MOPS)
    go_live(baton, write_workspace(directory, fakes.alerts_yaml(body + digest)))
    return Delivery(name="w1")


def sent(baton) -> list[dict]:
    with baton.db.read() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                select(alerts).where(alerts.c.kind == "digest.weekly").order_by(alerts.c.id)
            )
        ]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def number(text: str, pattern: str) -> list[str]:
    match = re.search(pattern, text, re.MULTILINE)
    assert match, (pattern, text)
    return list(match.groups())


def test_the_digest_arrives_at_the_local_smtp_server_with_the_numbers_of_a_recount(
    api, live, clock, mops, fakes
):
    job = mops()
    make_history(api, live, clock, 300, seed=7)  # leads and moves until Fri 20 Nov noon
    recycled_by_baton = _recycle_for_no_response(api, live, clock)
    clock.set(MONDAY_9AM)
    job(live, clock.now())
    job(live, clock.now())
    (mail,) = [m["message"] for m in fakes.smtp.messages]
    assert [m["to"] for m in fakes.smtp.messages] == [["morgan@acme.example"]]

    since = datetime(2026, 11, 16, 5, 0, tzinfo=UTC)  # Mon 16 Nov 00:00 in New York
    until = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    with live.db.read() as conn:
        mql, sal, sql_, opportunity, won = funnel_counts(cohort(conn, since, until, NEW_YORK))
        reasons = reason_counts(rejections(conn, since, until, NEW_YORK))
        moves = [
            m
            for m in conn.execute(select(status_changes))
            if m.to_status == "recycled" and since <= m.changed_at < until
        ]
        four_weeks = since - timedelta(days=21)
        eligible, leaking = leaked(conn, four_weeks, until, clock.now(), timedelta(days=7))
    automatic = [m for m in moves if m.by == "recycling"]
    assert mql > 10 and sum(reasons.values()) >= 5 and len(automatic) == recycled_by_baton >= 1
    assert {m.reason for m in automatic} == {"no response"}

    (digest,) = sent(live)
    report = digest["content"]["report"]
    assert (report["week"], report["first_day"], report["last_day"]) == (
        "2026-W47",
        "2026-11-16",
        "2026-11-22",
    )
    assert [s["leads"] for s in report["funnel"]] == [mql, sal, sql_, opportunity, won]
    assert report["acceptance"]["acceptance_rate"] == round(sal / mql, 4)
    assert report["acceptance"]["sql_rate"] == round(sql_ / mql, 4)
    total = sum(reasons.values())
    assert {r["reason"]: r["rejections"] for r in report["reasons"]} == dict(reasons)
    top, top_count = reasons.most_common(1)[0]
    assert report["flagged_reasons"] == ([top] if top_count / total > 0.4 else [])
    assert (report["recycled"], report["recycled_automatically"]) == (
        len(moves),
        len(automatic),
    )
    share = round(len(leaking) / len(eligible), 4) if eligible else None
    assert (report["leakage"]["mqls"], report["leakage"]["leaked"]) == (
        len(eligible),
        len(leaking),
    )
    assert report["leakage"]["share"] == share
    assert report["leakage"]["flagged"] == (
        len(eligible) >= 5 and len(leaking) / len(eligible) > 0.1
    )

    text = text_of(mail)
    assert mail["Subject"].startswith(f"Lifecycle 2026-W47: MQL {mql}, SAL ")
    assert number(text, r"^  MQL +(\d+)$") == [str(mql)]
    assert number(text, r"^  SAL +(\d+) ") == [str(sal)]
    assert number(text, r"^Rejections by reason: (\d+)") == [str(total)]
    assert report["flagged_reasons"], "the history's 'not a fit' is over 40 % of rejects"
    assert number(text, r"^  (\S.*?) +(\d+) +\d+%  FLAG") == [top, str(top_count)]
    assert number(text, r"^Recycled to Marketing: (\d+) \((\d+) by Baton") == [
        str(len(moves)),
        str(len(automatic)),
    ]
    assert number(text, r"^Leakage: (\d+) of (\d+) MQLs") == [
        str(len(leaking)),
        str(len(eligible)),
    ]
    html = html_of(mail)
    assert "<h1" in html and f'<td>{top}</td><td align="right">{top_count}</td>' in html
    assert f"Recycled to Marketing: {len(moves)}" in html


def _recycle_for_no_response(api, baton, clock) -> int:
    """Three unanswered calls on open leads during the week: Baton recycles them itself."""
    with baton.db.read() as conn:
        open_leads = conn.execute(
            select(leads.c.id, leads.c.owner_id)
            .where(leads.c.status.in_(("mql", "sal")), leads.c.owner_id.is_not(None))
            .order_by(leads.c.id)
            .limit(3)
        ).all()
    clock.set(datetime(2026, 11, 20, 18, 0, tzinfo=UTC))
    for lead_id, owner in open_leads:
        for k in range(3):
            at = clock.now() + timedelta(minutes=k)
            call = {
                "kind": "call",
                "person_id": owner,
                "occurred_at": at.isoformat(),
                "lead_id": lead_id,
                "direction": "outbound",
            }
            assert api.post("/v1/activities", json=call).status_code == 201
    return len(open_leads)


def test_the_digest_waits_for_the_exact_scheduled_instant_and_goes_out_once_a_week(
    live, clock, mops, fakes
):
    job = mops()
    clock.set(MONDAY_9AM - timedelta(microseconds=1))
    job(live, clock.now())
    assert sent(live) == [] and fakes.smtp.messages == []
    clock.set(MONDAY_9AM)
    job(live, clock.now())
    clock.advance(timedelta(days=3))
    job(live, clock.now())
    assert len(fakes.smtp.messages) == 1 and sent(live)[0]["state"] == "sent"
    clock.set(MONDAY_9AM + timedelta(days=7))  # next Monday
    job(live, clock.now())
    assert [d["content"]["report"]["week"] for d in sent(live)] == ["2026-W47", "2026-W48"]


def test_two_workers_at_the_slot_send_the_digest_once(live, clock, mops, fakes):
    mops()
    clock.set(MONDAY_9AM)
    workers = [Delivery(name=f"w{i}") for i in range(2)]
    threads = [threading.Thread(target=w, args=(live, clock.now())) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for w in workers:
        w(live, clock.now())
    assert [m["to"] for m in fakes.smtp.messages] == [["morgan@acme.example"]]
    with live.db.read() as conn:
        assert conn.execute(select(digest_runs.c.period, digest_runs.c.digests)).all() == [
            ("2026-W48", 1)
        ]


def test_a_monday_holiday_sends_the_digest_on_tuesday_morning(
    live, clock, mops, fakes, workspace_dir
):
    calendar = workspace_dir / "baton.yaml"
    calendar.write_text(
        calendar.read_text().replace(
            "    custom_days:\n",
            "    custom_days:\n      - date: 2026-11-30\n        name: Company day off\n",
        )
    )
    job = mops()
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # Monday 10:00, closed
    job(live, clock.now())
    assert fakes.smtp.messages == []
    clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=UTC) - timedelta(seconds=1))
    job(live, clock.now())
    assert fakes.smtp.messages == []
    clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # Tuesday 09:00, the next opening
    job(live, clock.now())
    (digest,) = sent(live)
    assert digest["content"]["report"]["week"] == "2026-W48" and len(fakes.smtp.messages) == 1


def test_a_week_with_a_dst_change_counts_its_own_local_monday_to_monday(
    api, live, clock, mops, fakes
):
    """US clocks fall back on Sun 1 Nov 2026: that ISO week runs from Mon 26 Oct 00:00 EDT
    (04:00 UTC) to Mon 2 Nov 00:00 EST (05:00 UTC), and 09:00 is 14:00 UTC again."""
    job = mops()
    moves = {
        "before the week": datetime(2026, 10, 26, 3, 30, tzinfo=UTC),  # Sun 23:30 EDT
        "first hour": datetime(2026, 10, 26, 4, 30, tzinfo=UTC),  # Mon 00:30 EDT
        "last hour": datetime(2026, 11, 2, 4, 30, tzinfo=UTC),  # Sun 23:30 EST
        "after the week": datetime(2026, 11, 2, 5, 30, tzinfo=UTC),  # Mon 00:30 EST
    }
    for i, (name, at) in enumerate(moves.items()):
        clock.set(at - timedelta(minutes=5))
        made = api.post("/v1/leads", json={"email": f"dst{i}@example.com", "company": name})
        assert made.status_code == 201, made.text
        clock.set(at)
        change_status(live, made.json()["id"], "mql", "test")
        clock.set(at + timedelta(minutes=10))
        change_status(live, made.json()["id"], "recycled", "test", reason="not a fit")
    clock.set(datetime(2026, 11, 2, 13, 0, tzinfo=UTC))  # 08:00 EST (09:00 last week's EDT)
    job(live, clock.now())
    assert fakes.smtp.messages == []
    clock.set(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    job(live, clock.now())
    (digest,) = sent(live)
    report = digest["content"]["report"]
    assert (report["week"], report["since"], report["until"]) == (
        "2026-W44",
        "2026-10-26T04:00:00Z",
        "2026-11-02T05:00:00Z",
    )
    assert (report["mqls"], report["rejections"], report["recycled"]) == (2, 2, 2)
    assert report["recycled_automatically"] == 0


def test_in_silent_mode_the_digest_goes_to_the_test_recipient_saying_who_it_was_for(
    live, clock, mops, fakes
):
    job = mops(body="  silent: true\n  test_recipient: maria-chen\n")
    clock.set(MONDAY_9AM)
    job(live, clock.now())
    (message,) = fakes.smtp.messages
    mail = message["message"]
    assert message["to"] == ["maria@acme.example"] and mail["Subject"].startswith("[silent] ")
    notice = "This alert was meant for Morgan Lee (cc); it came to you instead."
    assert notice in text_of(mail) and notice in html_of(mail)
    assert sent(live)[0]["recipient_id"] == "mops-lead"


def test_without_its_own_channels_the_digest_follows_the_routes_to_slack(live, clock, mops, fakes):
    job = mops(
        digest=DIGEST.replace("      channels: [email]\n", "").replace(
            '["role:marketing"]', "[maria-chen]"
        )
    )
    clock.set(MONDAY_9AM)
    job(live, clock.now())
    (post,) = fakes.slack.messages
    assert post["user_or_channel"] == "U01MARIA" and fakes.smtp.messages == []
    assert "*Lifecycle week 2026-W47*" in post["text"]
    assert "Recycled *0* (0 for no response)" in post["text"]
