"""Use case: create and load the demo company (workspace + ~5,000 leads of history)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from baton.bootstrap import Baton
from baton.demo.generator import demo_records, write_demo_workspace
from baton.services.records.intake import MAX_BATCH, Submission, submit
from baton.services.records.kinds import KINDS
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import leads
from baton.workspace.loader import load_workspace

ACTOR = "demo"


def ensure_demo_workspace(directory: Path) -> bool:
    """Write the demo baton.yaml unless the folder already has one; True when written."""
    if (directory / "baton.yaml").exists():
        return False
    write_demo_workspace(directory)
    return True


def demo_loaded(baton: Baton) -> bool:
    with baton.db.read() as conn:
        return conn.execute(select(func.count()).select_from(leads)).scalar_one() > 0


def load_demo(
    baton: Baton,
    directory: Path,
    now: datetime,
    progress: Callable[[str, int, int], None] = lambda *a: None,
) -> dict[str, int]:
    """Apply and activate the demo workspace, then send its records through the normal intake."""
    ws = load_workspace(directory)
    applied = apply_workspace(baton, ws, ACTOR, now)
    activate_version(baton, applied.number, ACTOR, now)
    data = demo_records(now)
    counts = {}
    for entity, items in (
        ("account", data.accounts),
        ("lead", data.leads),
        ("opportunity", data.opportunities),
        ("activity", data.activities),
    ):
        created = 0
        for start in range(0, len(items), MAX_BATCH):
            batch = Submission(KINDS[entity], items[start : start + MAX_BATCH], ACTOR)
            result = submit(baton, batch, now)
            rejected = [r for r in result.results if r.status == "rejected"]
            if rejected:
                raise RuntimeError(f"demo {entity} rejected: {rejected[0].as_dict()}")
            created += result.count("created")
            progress(entity, min(start + MAX_BATCH, len(items)), len(items))
        counts[entity] = created
    return counts
