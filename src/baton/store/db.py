"""Opening the database: engine settings per dialect, write transactions, migrations.

SQLite gets WAL, ``synchronous=NORMAL``, a busy timeout, foreign keys and
``BEGIN IMMEDIATE`` for write transactions: with the default deferred BEGIN,
concurrent read-then-write transactions fail at once with "database is
locked" (STACK.md measured 429 of 800). Reads keep a plain deferred BEGIN so
they never wait for a writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from baton.store.tables import metadata

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class Database:
    """An engine plus the one way to open read and write transactions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self.engine = _create_engine(url, echo=echo)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; rolled back unless the caller calls ``conn.commit()``."""
        with self.engine.connect() as conn:
            conn.execution_options(baton_write=True)
            conn.begin()
            yield conn  # closing the connection rolls back what was not committed

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (never takes SQLite's write lock)."""
        with self.engine.connect() as conn:
            conn.begin()
            yield conn

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent). A database already there is
        left without loading Alembic: its imports cost every command half a second or more."""
        if self._at_head():
            return
        from alembic import command

        with self.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")

    def _at_head(self) -> bool:
        head = newest_revision()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                stamped = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:  # no table yet: a new database
            return False
        return [r[0] for r in stamped] == [head]

    def dispose(self) -> None:
        self.engine.dispose()


_REVISION = re.compile(r'^revision = "(\w+)"$', re.M)
_DOWN_REVISION = re.compile(r'^down_revision = (?:None|"(\w+)")$', re.M)


@lru_cache(maxsize=1)
def newest_revision() -> str | None:
    """The one head of the migrations, read from their ``revision = "…"`` and
    ``down_revision = "…"`` lines; None when a file does not say them so plainly (Alembic
    then decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        revision, down = _REVISION.findall(source), _DOWN_REVISION.search(source)
        if len(revision) != 1 or down is None:
            return None
        revisions.add(revision[0])
        parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(conn: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    cfg.attributes["target_metadata"] = metadata
    return cfg


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def _create_engine(url: str, *, echo: bool) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        # As many connections as the server has worker threads (anyio's 40), so that a
        # request never waits for a connection behind writes that wait for a lock.
        return create_engine(
            url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=30, future=True
        )
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("baton_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
