"""Issue 16 item 3: `baton worker` runs the background jobs without serving HTTP, beside
an API-only `baton serve --no-worker`, on SQLite and PostgreSQL; it stops cleanly on
SIGTERM; /healthz marks a silent worker stale and a long-dead one expires."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx

from tests.e2e.conftest import BATON, copy_template, run_baton


def beats(server) -> list[dict]:
    return httpx.get(f"{server.url}/healthz").json()["workers"]


def test_a_worker_process_beside_an_api_only_server(tmp_path, db_env, server_factory):
    ws = copy_template(tmp_path / "w")
    server = server_factory(ws, db_env)  # with its own worker thread: two workers beat
    log = (tmp_path / "worker.log").open("w")
    env = {**os.environ, **db_env}
    worker = subprocess.Popen(
        [*BATON, "-w", str(ws), "worker", "--idle", "0.2"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        pids: set[int] = set()
        while time.monotonic() < deadline and worker.pid not in pids:
            pids = {b["pid"] for b in beats(server)}
            time.sleep(0.2)
        assert worker.pid in pids, (tmp_path / "worker.log").read_text()
        (mine,) = [b for b in beats(server) if b["pid"] == worker.pid]
        assert mine["stale"] is False
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    assert "worker stopped" in (tmp_path / "worker.log").read_text()


def test_one_round_and_out(tmp_path, db_env):
    ws = copy_template(tmp_path / "w")
    result = run_baton("-w", str(ws), "worker", "--once", cwd=tmp_path, env=db_env)
    assert result.code == 0, result.err
    assert result.out.startswith("one round: ")
