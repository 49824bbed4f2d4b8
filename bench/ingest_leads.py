"""How many leads/s ``POST /v1/leads`` accepts on SQLite, singly and in batches of 1,000.

Starts a real ``baton serve`` on a fresh workspace (the init template, SQLite),
then for each of RUNS rounds: SINGLES sequential one-lead requests over one
keep-alive connection, and BATCHES requests of 1,000 leads. Baseline in the
same run: ``GET /healthz`` round trips (the HTTP + process floor).

    .venv/bin/python bench/ingest_leads.py [--runs 5] [--singles 300] [--batches 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "src" / "baton" / "workspace" / "templates"
BATON = [sys.executable, "-m", "baton"]


def lead(i: int) -> dict:
    return {"email": f"lead{i}@company{i % 997}.com", "company": f"Company {i % 997}", "source": "website",
            "lead_type": "demo-request", "employees": 50 + i % 5000, "country": "US"}


def start(workspace: Path) -> tuple[subprocess.Popen, str, str]:
    for name in ("baton.yaml", "people.csv"):
        shutil.copy(TEMPLATES / name, workspace / name)
    env = {**os.environ, "BATON_AUTHOR": "bench"}
    for args in (("apply",), ("activate", "1")):
        subprocess.run([*BATON, "-w", str(workspace), *args], check=True, capture_output=True, env=env)
    token = subprocess.run([*BATON, "-w", str(workspace), "token", "create", "--scope", "ingest", "--name", "bench"],
                           check=True, capture_output=True, text=True, env=env).stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*BATON, "-w", str(workspace), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return proc, url, token
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("baton serve did not start")


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, token = start(Path(tmp))
        try:
            run(url, token, args)
        finally:
            proc.terminate()
            proc.wait(10)


def run(url: str, token: str, args) -> None:
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    counter = iter(range(10**9))
    health, single, single_lat, batch = [], [], [], []
    for _ in range(args.runs):
        lat = [timed(lambda: client.get("/healthz").raise_for_status()) for _ in range(args.singles)]
        health.append(len(lat) / sum(lat))
        lat = [timed(lambda: client.post("/v1/leads", json=lead(next(counter))).raise_for_status()) for _ in range(args.singles)]
        single.append(len(lat) / sum(lat))
        single_lat += lat
        spent = sum(timed(lambda: client.post("/v1/leads", json={"items": [lead(next(counter)) for _ in range(1000)]}).raise_for_status())
                    for _ in range(args.batches))
        batch.append(args.batches * 1000 / spent)
    print(f"runs: {args.runs}; per run {args.singles} single POSTs, {args.batches} batches of 1,000; SQLite (WAL), one serve process")
    print(f"baseline GET /healthz         {median(health):8,.0f} req/s")
    print(f"POST /v1/leads single         {median(single):8,.0f} leads/s   ({median(single) / median(health):.2f}x baseline)   "
          f"latency p50 {percentile(single_lat, 50) * 1000:.1f} ms  p99 {percentile(single_lat, 99) * 1000:.1f} ms")
    print(f"POST /v1/leads batch of 1,000 {median(batch):8,.0f} leads/s   ({median(batch) / median(single):.1f}x single)")


if __name__ == "__main__":
    main()
