"""The README's first promise: one command gives a running Baton with demo data and a token."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.conftest import run_baton


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`baton demo DIR --no-serve`, once for this module (it loads 5,000 leads)."""
    root = tmp_path_factory.mktemp("demo")
    result = run_baton("demo", str(root / "demo"), "--no-serve", cwd=root, timeout=300)
    assert result.code == 0, result.err
    return root / "demo", result


def test_demo_loads_then_serves_with_the_printed_token(tmp_path, server_factory, demo):
    demo_dir, result = demo
    assert "5,000 lead records" in result.out
    assert re.search(
        r"dashboard sign-in: admin / maria \(manager\) / ava \(rep\), password \S+", result.out
    )
    token = re.search(r"admin token: (bt_\S+)", result.out).group(1)
    again = run_baton("demo", str(demo_dir), "--no-serve", cwd=tmp_path)
    assert "demo data already loaded" in again.out
    server = server_factory(demo_dir)
    auth = {"Authorization": f"Bearer {token}"}
    people = httpx.get(f"{server.url}/v1/people", headers=auth).json()
    assert 20 <= len(people) <= 30
    lead = httpx.get(f"{server.url}/v1/leads/1", headers=auth).json()
    assert lead["id"] == 1 and lead["timestamps"]["received_at"]
    posted = httpx.post(
        f"{server.url}/v1/leads",
        json={"email": "new@prospect.io", "company": "Prospect"},
        headers=auth,
    )
    assert posted.status_code == 201
    versions = httpx.get(f"{server.url}/v1/versions", headers=auth).json()
    assert versions[0]["state"] == "active"
    assert posted.json()["owner"] is not None or posted.json()["queue"]  # routed on arrival
    trace = httpx.get(f"{server.url}/v1/leads/{posted.json()['id']}/trace", headers=auth).json()
    assert trace["decisions"][0]["explanation"][0] == "flow inbound:"


def test_demo_routing_commands(tmp_path, demo):
    demo_dir, _ = demo
    scenarios = run_baton(
        "-w", str(demo_dir), "test", str(demo_dir / "scenarios.csv"), cwd=tmp_path
    )
    assert scenarios.code == 0, scenarios.out
    assert "19 passed, 0 failed" in scenarios.out
    explained = run_baton("-w", str(demo_dir), "route", "1", "--explain", cwd=tmp_path)
    assert explained.code == 0 and "flow inbound:" in explained.out and "→ " in explained.out
    leads_csv = tmp_path / "new.csv"
    leads_csv.write_text(
        "email,company,region,employees\nnew@bigco-example.com,BigCo,NA,5000\nbad,Nope,NA,1\n"
    )
    dry = run_baton(
        "-w",
        str(demo_dir),
        "route",
        "--file",
        str(leads_csv),
        "--dry-run",
        "--out",
        str(tmp_path / "out.csv"),
        cwd=tmp_path,
    )
    assert dry.code == 0 and "new.csv:2: → owner" in dry.out and "new.csv:3: rejected" in dry.err
    assert "(dry run: nothing written)" in dry.out and (
        tmp_path / "out.csv"
    ).read_text().startswith("line,owner,queue,node,path")
    report = run_baton("-w", str(demo_dir), "report", "routing", cwd=tmp_path)
    assert report.code == 0 and "pool sdr-americas" in report.out
    active = run_baton("-w", str(demo_dir), "reroute", "ava-thompson", cwd=tmp_path)
    assert active.code == 1 and "deactivate them first" in active.err
    gone = run_baton("-w", str(demo_dir), "reroute", "ethan-walsh", cwd=tmp_path)
    assert gone.code == 0 and "dry run: nothing changed" in gone.out
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "scenario,email,region,expected_owner\nwrong on purpose,x@nowhere-example.com,APAC,grace-kim\n"
    )
    failing = run_baton("-w", str(demo_dir), "test", str(broken), cwd=tmp_path)
    assert (
        failing.code == 1
        and "FAIL  broken.csv:2  wrong on purpose" in failing.out
        and "expected owner grace-kim, got liam-oconnor" in failing.out
    )
