"""/healthz lists the workers heard from: one silent past health.worker_silence (2 min) is
stale, and one silent for ten of those is forgotten at the next heartbeat — a dead process
is not listed forever (issue 16 item 3). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert

from baton.server import create_app
from baton.store.tables import worker_heartbeats
from baton.worker import heartbeat


def test_a_silent_worker_is_stale_then_expires(live, clock):
    now = clock.now()
    with live.db.write() as conn:
        for name, ago in (("old:1", timedelta(minutes=21)), ("quiet:2", timedelta(minutes=3))):
            row = {"worker": name, "beat_at": now - ago, "pid": 1, "host": "h"}
            conn.execute(insert(worker_heartbeats).values(**row))
        conn.commit()
    heartbeat(live, now, name="alive:3")
    workers = TestClient(create_app(live)).get("/healthz").json()["workers"]
    assert {w["worker"]: w["stale"] for w in workers} == {"quiet:2": True, "alive:3": False}
    clock.advance(timedelta(minutes=2))  # exactly worker_silence: not yet stale
    heartbeat(live, clock.now(), name="quiet:2")
    workers = TestClient(create_app(live)).get("/healthz").json()["workers"]
    assert {w["worker"]: w["stale"] for w in workers} == {"quiet:2": False, "alive:3": False}
