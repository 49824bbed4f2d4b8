"""Drive the real ``baton`` command and a real ``baton serve`` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from baton.workspace.scaffold import write_template

BATON = [sys.executable, "-m", "baton"]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_baton(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> Run:
    full_env = {**os.environ, "BATON_AUTHOR": "e2e", **(env or {})}
    full_env.pop("BATON_WORKSPACE", None)
    proc = subprocess.run(
        [*BATON, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_server(workspace: Path, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    log = (workspace / "serve.log").open("w")
    proc = subprocess.Popen(
        [*BATON, "-w", str(workspace), "serve", "--port", str(port)],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"baton serve exited: {(workspace / 'serve.log').read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(url, proc)
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"baton serve did not answer: {(workspace / 'serve.log').read_text()}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_env(request) -> dict[str, str]:
    """Environment selecting the database: the workspace's SQLite file, or a fresh PostgreSQL
    database."""
    if request.param == "sqlite":
        return {}
    return {"BATON_DATABASE_URL": request.getfixturevalue("postgres_url")}


@pytest.fixture
def server_factory() -> Iterator:
    servers: list[Server] = []

    def make(workspace: Path, env: dict[str, str] | None = None) -> Server:
        server = start_server(workspace, env)
        servers.append(server)
        return server

    yield make
    for s in servers:
        s.stop()


def copy_template(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    write_template(target)
    return target


def workspace_with_token(tmp_path: Path, env: dict[str, str] | None = None) -> tuple[Path, str]:
    """The template workspace applied and activated, and an admin token for it."""
    ws = copy_template(tmp_path / "w")
    run_baton("-w", str(ws), "apply", cwd=tmp_path, env=env)
    run_baton("-w", str(ws), "activate", "1", cwd=tmp_path, env=env)
    token = run_baton(
        "-w",
        str(ws),
        "token",
        "create",
        "--scope",
        "admin",
        "--name",
        "e2e",
        cwd=tmp_path,
        env=env,
    ).out.strip()
    return ws, token
