"""Column types that keep the store honest: UTC instants, JSON documents."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

NAIVE_UTC = (
    "sqlite",
    "duckdb",
)  # dialects whose columns hold naive UTC (DuckDB: the analytics mirror's TIMESTAMP columns)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out.

    SQLite has no time zone type, so instants are stored as naive UTC there (and
    in the DuckDB mirror, where comparing TIMESTAMP to TIMESTAMPTZ costs a time
    zone conversion per row);
    PostgreSQL keeps ``timestamptz``. A naive datetime is a programming error
    and is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name in NAIVE_UTC else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONDoc = JSON().with_variant(JSONB(), "postgresql")
