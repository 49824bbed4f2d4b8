"""Issue 17 row 9: `baton demo` runs on PostgreSQL too (it crashed on a missing
.baton/demo-credentials there): a smaller company (`--leads 200`) loads into the database
BATON_DATABASE_URL names, prints its token and sign-in, and a second run finds it loaded."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import run_baton


@pytest.mark.postgres
def test_the_demo_loads_into_postgresql(tmp_path, postgres_url):
    env = {"BATON_DATABASE_URL": postgres_url}
    first = run_baton(
        "demo", "d", "--no-serve", "--leads", "200", cwd=tmp_path, env=env, timeout=600
    )
    assert first.code == 0, first.err
    assert "200 lead records" in first.out, first.out
    assert "admin token: bt_" in first.out and "dashboard sign-in:" in first.out
    assert not (tmp_path / "d" / ".baton" / "baton.db").exists()  # nothing went to SQLite
    again = run_baton("demo", "d", "--no-serve", cwd=tmp_path, env=env)
    assert again.code == 0 and "demo data already loaded" in again.out, again.err
    assert "dashboard sign-in:" in again.out
