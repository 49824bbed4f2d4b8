"""How many lead status changes per second ``POST /v1/leads/{id}/status`` makes (issue 12),
each a checked move that stamps its date, keeps a ``status_changes`` row, emits
``lead.status_changed`` and lets the clocks react (SAL stops a clock), committed before
the answer.

Starts a real ``baton serve`` on the demo workspace (SQLite), creates fresh leads, then
for each of RUNS rounds moves LEADS leads new → MQL → SAL over one keep-alive
connection. Baseline in the same run: ``GET /healthz`` round trips.

    .venv/bin/python bench/status_changes.py [--runs 5] [--leads 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile
from ingest_leads import lead, start, timed


def moved(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise AssertionError(f"{response.status_code}: {response.text}")


def run(url: str, token: str, args) -> None:
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    counter = iter(range(10**9))
    health, rates, latencies = [], [], []
    for _ in range(args.runs):
        ids = [
            client.post("/v1/leads", json=lead(next(counter))).json()["id"]
            for _ in range(args.leads)
        ]
        lat = [timed(lambda: client.get("/healthz").raise_for_status()) for _ in ids]
        health.append(len(lat) / sum(lat))
        lat = [
            timed(lambda i=i, s=s: moved(client.post(f"/v1/leads/{i}/status", json={"status": s})))
            for s in ("mql", "sal")
            for i in ids
        ]
        rates.append(len(lat) / sum(lat))
        latencies += lat
    print(f"runs: {args.runs}; per run {args.leads} leads moved new → mql → sal; SQLite (WAL)")
    print(f"baseline GET /healthz            {median(health):8,.0f} req/s")
    print(
        f"POST /v1/leads/ID/status         {median(rates):8,.0f} changes/s   "
        f"({median(rates) / median(health):.2f}x baseline)   "
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms  "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leads", type=int, default=200)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, token = start(Path(tmp) / "demo")
        try:
            run(url, token, args)
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
