"""Issue 16 item 3, on SQLite and PostgreSQL: `baton worker` runs the background jobs
without serving HTTP and stops cleanly on SIGTERM; `baton serve --workers 2` answers from
two API processes with one background worker."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import BATON, copy_template, free_port, run_baton, workspace_with_token


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


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def test_serve_with_two_api_processes_and_one_worker(tmp_path, db_env):
    ws, token = workspace_with_token(tmp_path, db_env)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [*BATON, "-w", str(ws), "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, **db_env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        auth = {"Authorization": f"Bearer {token}"}
        ids = [
            httpx.post(
                f"{url}/v1/leads",
                json={"email": f"p{i}@initech.com", "company": "Initech"},
                headers=auth,
            ).json()["id"]
            for i in range(20)
        ]
        assert len(set(ids)) == 20
        assert len(children_of(proc.pid)) >= 2, (tmp_path / "serve.log").read_text()
        pids = {b["pid"] for b in httpx.get(f"{url}/healthz").json()["workers"]}
        assert pids == {proc.pid}  # one background worker, in the supervising process
    finally:
        proc.terminate()
        assert proc.wait(30) is not None
