"""Shared fixtures: a real SQLite file always, a real PostgreSQL where one answers."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from baton.bootstrap import Baton, open_baton
from baton.settings import Settings
from baton.store.db import Database, sqlite_url
from baton.store.tables import metadata
from baton.testing import FakeClock

PG_ADMIN_URL = os.environ.get(
    "BATON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


def postgres_reason() -> str | None:
    """None when PostgreSQL is reachable, else why the PostgreSQL tests skip."""
    url = Database(PG_ADMIN_URL).engine.url
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            pass
    except OSError as exc:
        return (
            f"no PostgreSQL at {url.host}:{url.port} ({exc}); "
            "set BATON_TEST_POSTGRES_URL to run these tests"
        )
    return None


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test session, migrated once."""
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"baton_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    Database(url).upgrade()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "baton.db"
    db = Database(sqlite_url(path))
    db.upgrade()
    db.dispose()  # the last connection's close checkpoints the WAL into the file we copy
    assert not path.with_name("baton.db-wal").exists(), "the template's schema is in its WAL"
    return path


def _truncate(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture
def postgres_url(pg_database) -> str:
    """The session's PostgreSQL database, emptied for this test."""
    _truncate(pg_database)
    return pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, sqlite_template) -> str:
    """Each test gets an empty, migrated database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / ".baton" / "baton.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template, target)
        return sqlite_url(target)
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def baton(database_url, tmp_path, clock) -> Iterator[Baton]:
    settings = Settings(
        workspace=tmp_path, database_url=database_url, public_url="http://baton.test"
    )
    app = open_baton(settings, clock=clock)
    yield app
    app.close()
