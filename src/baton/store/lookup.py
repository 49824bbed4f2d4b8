"""Hot-path reads with statements built once: ``one(conn, leads, id=7)``.

Building a SQLAlchemy ``select(...).where(col == value)`` costs more than the
SQLite query it runs (literal coercion, cache keys); these statements are
built once per (table, columns) with bind parameters and reused.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select


@lru_cache(maxsize=256)
def _where(table: Table, keys: tuple[str, ...], columns: tuple[str, ...] | None) -> Select:
    cols = [table.c[c] for c in columns] if columns else [table]
    return select(*cols).where(*(table.c[k] == bindparam(f"w_{k}") for k in keys))


def one(
    conn: Connection, table: Table, *, columns: tuple[str, ...] | None = None, **where: Any
) -> Any | None:
    """The first row of ``table`` matching ``where`` (equality on each column), or None."""
    keys = tuple(sorted(where))
    return conn.execute(_where(table, keys, columns), {f"w_{k}": where[k] for k in keys}).first()


def every(conn: Connection, table: Table, **where: Any) -> list[Any]:
    """Every row of ``table`` matching ``where``."""
    keys = tuple(sorted(where))
    return conn.execute(_where(table, keys, None), {f"w_{k}": where[k] for k in keys}).all()


def exists(conn: Connection, table: Table, **where: Any) -> bool:
    return (
        one(conn, table, columns=(next(iter(table.primary_key.columns)).name,), **where) is not None
    )


def tx_memo(conn: Connection) -> dict[str, Any]:
    """A dict that lives as long as the connection's current transaction (for
    per-transaction caches)."""
    tx = conn.get_transaction()
    memo = conn.info.get("baton_tx_memo")
    if memo is None or memo[0] is not tx:
        memo = (tx, {})
        conn.info["baton_tx_memo"] = memo
    return memo[1]
