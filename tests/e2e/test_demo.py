"""The README's first promise: one command gives a running Baton with demo data and a token.

The module runs `baton demo DIR --port P` once, as the README does: it answers at once
(saying how far its history is) and serves the dashboard once the 5,000 leads are in.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BATON, free_port, run_baton
from tests.web_support import csrf_of


@dataclass
class Demo:
    dir: Path
    url: str
    log: Path
    first_answer: httpx.Response

    @property
    def out(self) -> str:
        return self.log.read_text()

    def token(self) -> str:
        return re.search(r"admin token: (bt_\S+)", self.out).group(1)

    def password(self) -> str:
        return re.search(r"password (\S+)", self.out).group(1)


def _first_answer(url: str, proc: subprocess.Popen, log: Path) -> httpx.Response:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"baton demo exited: {log.read_text()}")
        try:
            return httpx.get(f"{url}/v1/people", timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"baton demo did not answer: {log.read_text()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    """`baton demo DIR --port P`, once for this module, until its history is loaded."""
    root = tmp_path_factory.mktemp("demo")
    port, log = free_port(), root / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*BATON, "demo", str(root / "demo"), "--port", str(port)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        first = _first_answer(url, proc, log)
        deadline = time.monotonic() + 600
        while "history loaded" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield Demo(root / "demo", url, log, first)
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_demo_answers_while_its_history_loads_then_serves_with_the_printed_token(
    tmp_path, demo
):
    assert demo.first_answer.status_code == 503  # 5,000 leads take longer than a start-up
    assert demo.first_answer.json()["detail"].startswith("loading the demo's history")
    assert "5,000 lead records" in demo.out
    assert re.search(
        r"dashboard sign-in: admin / maria \(manager\) / ava \(rep\), password \S+", demo.out
    )
    again = run_baton("demo", str(demo.dir), "--no-serve", cwd=tmp_path)
    assert "demo data already loaded" in again.out
    auth = {"Authorization": f"Bearer {demo.token()}"}
    people = httpx.get(f"{demo.url}/v1/people", headers=auth).json()
    assert 20 <= len(people) <= 30
    lead = httpx.get(f"{demo.url}/v1/leads/1", headers=auth).json()
    assert lead["id"] == 1 and lead["timestamps"]["received_at"]
    posted = httpx.post(
        f"{demo.url}/v1/leads",
        json={"email": "new@prospect.io", "company": "Prospect"},
        headers=auth,
    )
    assert posted.status_code == 201
    versions = httpx.get(f"{demo.url}/v1/versions", headers=auth).json()
    # version 1 went live first; version 2 added the rules of engagement three weeks ago
    assert [v["state"] for v in versions] == ["retired", "active"]
    assert posted.json()["owner"] is not None or posted.json()["queue"]  # routed on arrival
    trace = httpx.get(f"{demo.url}/v1/leads/{posted.json()['id']}/trace", headers=auth).json()
    assert trace["decisions"][0]["explanation"][0] == "flow inbound:"


def test_the_workspace_page_shows_the_scenarios_as_run(demo):
    with httpx.Client(base_url=demo.url) as browser:
        token = csrf_of(browser.get("/signin").text)
        signed_in = browser.post(
            "/signin",
            data={"username": "admin", "password": demo.password(), "csrf_token": token},
        )
        assert signed_in.status_code in (200, 303)
        page = browser.get("/workspace").text
    version = re.search(r'<tr id="version-2">.*?</tr>', page, re.DOTALL).group(0)
    assert "19 passed, 0 failed" in version and "19 scenarios, as run" in version
    assert "named account by email domain</strong> (line 3): noah-bennett via match_account" in (
        version
    )


def test_the_demo_tells_a_believable_story(tmp_path, demo):
    with sqlite3.connect(demo.dir / ".baton" / "baton.db") as db:
        by_status = dict(
            db.execute(
                "SELECT status, count(*) FROM leads WHERE source_system = 'demo-crm' "
                "GROUP BY status"
            ).fetchall()
        )
        out_of_order = db.execute(
            "SELECT count(*) FROM leads WHERE status = 'sql' AND NOT ("
            "mql_at <= sal_at AND sal_at <= sql_at AND first_touch_at <= sal_at)"
        ).fetchone()[0]
        unstamped = db.execute(
            "SELECT count(*) FROM leads WHERE (status = 'recycled' AND recycled_at IS NULL)"
            " OR (status = 'disqualified' AND disqualified_at IS NULL)"
        ).fetchone()[0]
        untouched = db.execute(
            "SELECT count(*) FROM leads l WHERE NOT is_test AND NOT EXISTS "
            "(SELECT 1 FROM activities a WHERE a.lead_id = l.id)"
        ).fetchone()[0]
    assert by_status["sql"] > 500 and out_of_order == 0 and unstamped == 0
    assert untouched / sum(by_status.values()) < 0.1
    sla = json.loads(run_baton("-w", str(demo.dir), "report", "sla", "--json", cwd=tmp_path).out)
    assert 0.7 <= sla["compliance"] <= 0.9
    assert sla["miss"] > 50 and 1 <= sla["overdue"] <= 60
    routing = run_baton("-w", str(demo.dir), "report", "routing", "--json", cwd=tmp_path)
    flagged = [p["pool"] for p in json.loads(routing.out)["pools"] if p["flagged"]]
    assert flagged == ["ae-emea"]  # Klara is at capacity: the DACH territory lands on her


def test_silent_mode_can_be_switched_on_in_the_demo(tmp_path, demo):
    copy = tmp_path / "copy"
    (copy / ".baton").mkdir(parents=True)
    for source in demo.dir.glob("*.*"):
        if source.is_file():
            (copy / source.name).write_bytes(source.read_bytes())
    with (
        sqlite3.connect(demo.dir / ".baton" / "baton.db") as live,
        sqlite3.connect(copy / ".baton" / "baton.db") as target,
    ):
        live.backup(target)
    on = run_baton("-w", str(copy), "alerts", "silent", "on", cwd=tmp_path)
    assert on.code == 0 and "silent mode on" in on.out, on.err
    status = run_baton("-w", str(copy), "alerts", "silent", cwd=tmp_path)
    assert "alerts go to maria-chen" in status.out


def test_demo_routing_commands(tmp_path, demo):
    scenarios = run_baton(
        "-w", str(demo.dir), "test", str(demo.dir / "scenarios.csv"), cwd=tmp_path
    )
    assert scenarios.code == 0, scenarios.out
    assert "19 passed, 0 failed" in scenarios.out
    explained = run_baton("-w", str(demo.dir), "route", "1", "--explain", cwd=tmp_path)
    assert explained.code == 0 and "flow inbound:" in explained.out and "→ " in explained.out
    leads_csv = tmp_path / "new.csv"
    leads_csv.write_text(
        "email,company,region,employees\nnew@bigco-example.com,BigCo,NA,5000\nbad,Nope,NA,1\n"
    )
    dry = run_baton(
        "-w",
        str(demo.dir),
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
    report = run_baton("-w", str(demo.dir), "report", "routing", cwd=tmp_path)
    assert report.code == 0 and "pool sdr-americas" in report.out
    active = run_baton("-w", str(demo.dir), "reroute", "ava-thompson", cwd=tmp_path)
    assert active.code == 1 and "deactivate them first" in active.err
    gone = run_baton("-w", str(demo.dir), "reroute", "ethan-walsh", cwd=tmp_path)
    assert gone.code == 0 and "dry run: nothing changed" in gone.out
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "scenario,email,region,expected_owner\n"
        "wrong on purpose,x@nowhere-example.com,APAC,grace-kim\n"
    )
    failing = run_baton("-w", str(demo.dir), "test", str(broken), cwd=tmp_path)
    assert (
        failing.code == 1
        and "FAIL  broken.csv:2  wrong on purpose" in failing.out
        and "expected owner grace-kim, got liam-oconnor" in failing.out
    )
