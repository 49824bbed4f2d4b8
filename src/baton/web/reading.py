"""A page's reads: the main database for records, the analytics mirror for counts over periods."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from baton.bootstrap import Baton


@contextmanager
def reading(baton: Baton) -> Iterator[tuple[Connection, Connection]]:
    """(a read transaction on the main database, the mirror brought up to date from it): see
    ``baton.analytics``."""
    with baton.db.read() as conn, baton.analytics().session(conn, baton.clock.now()) as mirror:
        yield conn, mirror
