"""Ingest over HTTP with concurrent clients, and whether the server still answers others.

Starts a real ``baton serve`` on the demo workspace's rules (routing flow, territory
table, weighted round robin, SLA rules; no history loaded) on SQLite or on a fresh
PostgreSQL database. A load generator in its own process (this script with
``--generate``) keeps ``--clients`` connections each posting single leads for
``--seconds``; meanwhile this process asks ``GET /healthz`` every 20 ms. Printed:
leads/s, POST latency p50/p99, and ``/healthz`` p50/p99 under that load against
``/healthz`` unloaded, measured in the same run just before (the baseline), with
the ratio.

    .venv/bin/python bench/ingest_http.py [--database sqlite|postgres] [--clients 16]
                                          [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, percentile
from ingest_leads import lead, serve

BATON = [sys.executable, "-m", "baton"]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def baton(workspace: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [*BATON, "-w", str(workspace), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


def start(workspace: Path, env: dict) -> tuple[subprocess.Popen, str, str]:
    from baton.demo.generator import write_demo_workspace

    write_demo_workspace(workspace)
    baton(workspace, env, "apply")
    baton(workspace, env, "activate", "1")
    token = baton(workspace, env, "token", "create", "--scope", "ingest", "--name", "bench")
    proc, url = serve(workspace, env)
    return proc, url, token


async def generate(url: str, token: str, clients: int, seconds: float, first: int) -> dict:
    """``clients`` connections posting single leads until ``seconds`` have passed."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    counter = iter(range(first, 10**9))
    limits = httpx.Limits(max_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                answer = await c.post("/v1/leads", json=lead(next(counter)))
                if answer.status_code == 201:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        spent = time.perf_counter() - began
    return {"latencies": latencies, "errors": errors, "seconds": spent}


def healthz(url: str, until: float | None = None, count: int = 0) -> list[float]:
    """``/healthz`` round trips: ``count`` of them back to back, or one every 20 ms
    until ``until``."""
    latencies = []
    with httpx.Client(base_url=url, timeout=60) as client:
        while (until is not None and time.perf_counter() < until) or len(latencies) < count:
            started = time.perf_counter()
            client.get("/healthz").raise_for_status()
            latencies.append(time.perf_counter() - started)
            if until is not None:
                time.sleep(0.02)
    return latencies


def database_env(kind: str) -> tuple[dict, str | None]:
    env = {**os.environ, "BATON_AUTHOR": "bench"}
    if kind == "sqlite":
        return env, None
    import psycopg

    name = f"bench_ingest_{os.getpid()}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return {**env, "BATON_DATABASE_URL": POSTGRES + name}, name


def drop(name: str | None) -> None:
    if name:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--generate", nargs=3, metavar=("URL", "TOKEN", "OUT"))
    args = parser.parse_args()
    if args.generate:
        url, token, out = args.generate
        result = asyncio.run(generate(url, token, args.clients, args.seconds, 0))
        Path(out).write_text(json.dumps(result))
        return
    print(machine())
    env, dbname = database_env(args.database)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            proc, url, token = start(Path(tmp) / "w", env)
            try:
                run(url, token, args, Path(tmp) / "load.json")
            finally:
                proc.terminate()
                proc.wait(10)
    finally:
        drop(dbname)


def run(url: str, token: str, args, out: Path) -> None:
    healthz(url, count=50)  # warm up
    idle = healthz(url, count=300)
    load = subprocess.Popen(
        [sys.executable, __file__, "--generate", url, token, str(out)]
        + ["--clients", str(args.clients), "--seconds", str(args.seconds)]
    )
    time.sleep(1)  # the clients connect
    loaded = healthz(url, until=time.perf_counter() + args.seconds - 2)
    load.wait()
    result = json.loads(out.read_text())
    posts = result["latencies"]
    rate = len(posts) / result["seconds"]
    print(
        f"{args.database}, one serve process, demo rules; {args.clients} clients posting "
        f"single leads for {args.seconds:g} s from another process"
    )
    print(
        f"POST /v1/leads   {rate:8,.0f} leads/s   p50 {ms(posts, 50)}  p99 {ms(posts, 99)}"
        f"   ({len(posts):,} created, {result['errors']} errors)"
    )
    print(f"baseline GET /healthz unloaded   p50 {ms(idle, 50)}  p99 {ms(idle, 99)}")
    print(
        f"GET /healthz under that load     p50 {ms(loaded, 50)}  p99 {ms(loaded, 99)}"
        f"   ({percentile(loaded, 99) / percentile(idle, 99):.1f}x the unloaded p99; "
        f"{len(loaded)} probes)"
    )


if __name__ == "__main__":
    main()
