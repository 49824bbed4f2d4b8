"""The README's first promise: one command gives a running Baton with demo data and a token."""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import run_baton


def test_demo_loads_then_serves_with_the_printed_token(tmp_path, server_factory):
    demo_dir = tmp_path / "demo"
    result = run_baton("demo", str(demo_dir), "--no-serve", cwd=tmp_path, timeout=300)
    assert result.code == 0, result.err
    assert "5,000 lead records" in result.out
    token = re.search(r"admin token: (bt_\S+)", result.out).group(1)
    again = run_baton("demo", str(demo_dir), "--no-serve", cwd=tmp_path)
    assert "demo data already loaded" in again.out
    server = server_factory(demo_dir)
    auth = {"Authorization": f"Bearer {token}"}
    people = httpx.get(f"{server.url}/v1/people", headers=auth).json()
    assert 20 <= len(people) <= 30
    lead = httpx.get(f"{server.url}/v1/leads/1", headers=auth).json()
    assert lead["id"] == 1 and lead["timestamps"]["received_at"]
    posted = httpx.post(f"{server.url}/v1/leads", json={"email": "new@prospect.io", "company": "Prospect"}, headers=auth)
    assert posted.status_code == 201
    versions = httpx.get(f"{server.url}/v1/versions", headers=auth).json()
    assert versions[0]["state"] == "active"
