"""Clocks survive a crash: kill -9 `baton serve` while timers fall due, restart it, and
every notice, miss and escalation is recorded exactly once."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import select

from baton.store.db import Database, sqlite_url
from baton.store.tables import alerts, timers
from tests.e2e.conftest import copy_template, run_baton

FAST_SLA = """
  always:
    timezone: UTC
    week:
      mon-sun: ["00:00-24:00"]
"""


def fast_workspace(tmp_path):
    ws = copy_template(tmp_path / "w")
    yaml = ws / "baton.yaml"
    text = yaml.read_text().replace("calendars:\n", "calendars:" + FAST_SLA, 1)
    text = text.replace(
        "      threshold: 30m\n", "      threshold: 4s\n      calendar: always\n", 1
    )
    text = text.replace("after: 2h}", "after: 2s}").replace(
        "after: 8h}   # one business day", "after: 4s}"
    )
    yaml.write_text(text)
    return ws


@pytest.mark.slow
def test_every_timer_fires_exactly_once_across_a_kill_9(tmp_path, server_factory):
    ws = fast_workspace(tmp_path)
    assert run_baton("-w", str(ws), "apply", cwd=tmp_path).code == 0
    assert run_baton("-w", str(ws), "activate", "1", cwd=tmp_path).code == 0
    token = run_baton(
        "-w", str(ws), "token", "create", "--scope", "admin", "--name", "t", cwd=tmp_path
    ).out.strip()
    server = server_factory(ws)
    auth = {"Authorization": f"Bearer {token}"}
    ids = [
        httpx.post(
            f"{server.url}/v1/leads",
            json={"email": f"r{i}@initech.com", "lead_type": "demo-request"},
            headers=auth,
        ).json()["id"]
        for i in range(5)
    ]
    time.sleep(2.6)  # the 50 % notices (2 s) have fired; the rest are still ahead
    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait()
    time.sleep(6)  # 80 %, the miss, tiers 2 and 3 all fall due while nobody is running
    server_factory(ws)
    db = Database(sqlite_url(ws / ".baton" / "baton.db"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with db.read() as conn:
            pending = conn.execute(select(timers.c.id).where(timers.c.state == "pending")).all()
        if not pending:
            break
        time.sleep(0.3)
    with db.read() as conn:
        rows = conn.execute(select(alerts.c.lead_id, alerts.c.content, alerts.c.recipient_id)).all()
        states = Counter(r.state for r in conn.execute(select(timers.c.state)))
    db.dispose()
    assert states == {"fired": 5 * len(ids)}, states
    per_event = Counter((r.lead_id, r.content["timer"], r.recipient_id) for r in rows)
    assert set(per_event.values()) == {1}, [k for k, n in per_event.items() if n > 1]
    expected = {
        ("notice:50", "sam-ortiz"),
        ("notice:80", "sam-ortiz"),
        ("notice:80", "maria-chen"),
        ("miss", "sam-ortiz"),
        ("escalation:2", "maria-chen"),
        ("escalation:3", "vp-sales"),
        ("notice:50", "priya-nair"),
        ("notice:80", "priya-nair"),
        ("miss", "priya-nair"),
    }
    for lead_id in ids:
        got = {(timer, who) for (lead, timer, who) in per_event if lead == lead_id}
        assert got <= expected and len(got) == 6, got
