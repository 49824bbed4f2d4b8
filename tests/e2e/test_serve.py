"""A real ``baton serve`` process over HTTP: post a lead with a token, read it back."""

from __future__ import annotations

import time

import httpx

from tests.e2e.conftest import copy_template, workspace_with_token


def test_serve_accepts_a_lead_and_reads_it_back(tmp_path, db_env, server_factory):
    ws, token = workspace_with_token(tmp_path, db_env)
    server = server_factory(ws, db_env)
    auth = {"Authorization": f"Bearer {token}"}
    created = httpx.post(
        f"{server.url}/v1/leads",
        json={"email": "ana@initech.com", "company": "Initech"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    lead = httpx.get(f"{server.url}/v1/leads/{created.json()['id']}", headers=auth).json()
    assert lead["email"] == "ana@initech.com" and lead["timestamps"]["received_at"].endswith("Z")
    assert httpx.get(f"{server.url}/v1/leads/{lead['id']}").status_code == 401
    assert httpx.get(f"{server.url}/openapi.json").status_code == 200


def test_the_worker_runs_inside_serve(tmp_path, server_factory):
    ws = copy_template(tmp_path / "w")
    server = server_factory(ws)
    deadline = time.monotonic() + 10
    workers = []
    while time.monotonic() < deadline and not workers:
        workers = httpx.get(f"{server.url}/healthz").json()["workers"]
        time.sleep(0.2)
    assert workers and workers[0]["pid"] == server.proc.pid
