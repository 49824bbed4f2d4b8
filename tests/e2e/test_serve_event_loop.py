"""A write that waits for the database does not stop the server from answering others
(issue 16 item 1): the write runs in a worker thread, not on the event loop.

The test holds the leads table's write lock from another connection, so a POST /v1/leads
waits for it (SQLite's busy timeout, PostgreSQL's lock queue). Meanwhile /healthz — which
reads the database, as readers may while a write waits — must answer; before, the POST
ran its transaction on the event loop and every other request waited behind it."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager

import httpx
import psycopg

from tests.e2e.conftest import workspace_with_token


@contextmanager
def leads_locked(workspace, env):
    """Another connection holds the write lock on leads until the block ends."""
    url = env.get("BATON_DATABASE_URL")
    if url is None:
        conn = sqlite3.connect(workspace / ".baton" / "baton.db", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the one writer's lock; WAL readers go on
    else:
        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        conn.execute("LOCK TABLE leads IN EXCLUSIVE MODE")  # inserts wait; reads do not
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


def test_a_waiting_write_does_not_block_other_requests(tmp_path, db_env, server_factory):
    ws, token = workspace_with_token(tmp_path, db_env)
    server = server_factory(ws, db_env)
    answers: list[httpx.Response] = []

    def post() -> None:
        answers.append(
            httpx.post(
                f"{server.url}/v1/leads",
                json={"email": "ana@initech.com", "company": "Initech"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
        )

    with leads_locked(ws, db_env):
        writer = threading.Thread(target=post)
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not answers  # the POST waits for the lock
        health = httpx.get(f"{server.url}/healthz", timeout=5)  # 5 s: far less than the wait
        assert health.status_code == 200
        assert writer.is_alive() and not answers  # answered while the write still waited
    writer.join(60)
    assert answers and answers[0].status_code == 201, answers
