"""How many leads/s ``POST /v1/leads`` accepts on SQLite, singly and in batches of 1,000,
and the time from request to assignment committed (each lead is routed in the request).

Starts a real ``baton serve`` on the demo workspace (SQLite, 5,000 leads of
history, the demo's routing flow: named accounts, territory table, weighted
round robin), then for each of RUNS rounds: SINGLES sequential one-lead
requests over one keep-alive connection, and BATCHES requests of 1,000 leads.
Baseline in the same run: ``GET /healthz`` round trips (the HTTP + process floor).

    .venv/bin/python bench/ingest_leads.py [--runs 5] [--singles 300] [--batches 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile

BATON = [sys.executable, "-m", "baton"]


REGIONS = (("NA", "US"), ("NA", "CA"), ("EMEA", "DE"), ("EMEA", "GB"), ("APAC", "AU"))


def lead(i: int) -> dict:
    region, country = REGIONS[i % len(REGIONS)]
    return {
        "email": f"lead{i}@company{i % 997}.com",
        "company": f"Company {i % 997}",
        "source": "website",
        "lead_type": "demo-request",
        "employees": 50 + (i * 37) % 5000,
        "country": country,
        "region": region,
    }


def start(workspace: Path) -> tuple[subprocess.Popen, str, str]:
    env = {**os.environ, "BATON_AUTHOR": "bench"}
    subprocess.run(
        [*BATON, "demo", str(workspace), "--no-serve"], check=True, capture_output=True, env=env
    )
    token = subprocess.run(
        [
            *BATON,
            "-w",
            str(workspace),
            "token",
            "create",
            "--scope",
            "ingest",
            "--scope",
            "read",
            "--name",
            "bench",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    proc, url = serve(workspace, env)
    return proc, url, token


def serve(workspace: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """``baton serve`` on a free port, once it answers: the process and its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [*BATON, "-w", str(workspace), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("baton serve did not start")


def assigned(response: httpx.Response) -> None:
    response.raise_for_status()
    body = response.json()
    if not (body["owner"] or body["queue"]):
        raise AssertionError(f"lead {body['id']} came back unassigned")


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
        proc, url, token = start(Path(tmp) / "demo")
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
        lat = [
            timed(lambda: client.get("/healthz").raise_for_status()) for _ in range(args.singles)
        ]
        health.append(len(lat) / sum(lat))
        lat = [
            timed(lambda: assigned(client.post("/v1/leads", json=lead(next(counter)))))
            for _ in range(args.singles)
        ]
        single.append(len(lat) / sum(lat))
        single_lat += lat
        spent = sum(
            timed(
                lambda: client.post(
                    "/v1/leads", json={"items": [lead(next(counter)) for _ in range(1000)]}
                ).raise_for_status()
            )
            for _ in range(args.batches)
        )
        batch.append(args.batches * 1000 / spent)
    print(
        f"runs: {args.runs}; per run {args.singles} single POSTs, {args.batches} batches of "
        "1,000; SQLite (WAL), one serve process, demo routing"
    )
    print(f"baseline GET /healthz         {median(health):8,.0f} req/s")
    print(
        f"POST /v1/leads single         {median(single):8,.0f} leads/s   "
        f"({median(single) / median(health):.2f}x baseline)   "
        f"request → assignment committed p50 {percentile(single_lat, 50) * 1000:.1f} ms  "
        f"p99 {percentile(single_lat, 99) * 1000:.1f} ms"
    )
    print(
        f"POST /v1/leads batch of 1,000 {median(batch):8,.0f} leads/s   "
        f"({median(batch) / median(single):.1f}x single)"
    )


if __name__ == "__main__":
    main()
