"""The migrations build exactly the schema store/tables.py declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from baton.store.db import Database
from baton.store.tables import metadata


def test_the_migrated_schema_is_the_declared_one(database_url):
    db = Database(database_url)
    db.upgrade()  # as every process does at start
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    db.dispose()
    assert differences == []
