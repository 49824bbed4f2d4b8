"""Use case: create and load the demo company.

The workspace is applied and activated; then ~5,000 leads of history go through the
normal intake, in the order they arrived (routing decisions, SLA clocks and events as
for any lead). The touches come next, made by whoever Baton routed each lead to, early
or late against the deadline its clock got (``baton.demo.history``), with the lifecycle
stamps the leads' statuses imply; last, the workspace's routing scenarios are run once,
so the Workspace page shows them.

The history is told as of ``now``; each submission is stamped with the clock's time as
it is stored, like any write, so the dashboard's mirror sees every change even while a
server runs during the load (``baton.demo.serve``). ``.baton/demo-history`` says whether
a load finished.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, select, update

from baton.bootstrap import Baton
from baton.demo.generator import SOURCE_SYSTEM, demo_records, write_demo_workspace
from baton.demo.history import Routed, lead_histories
from baton.services.records.intake import MAX_BATCH, Submission, submit
from baton.services.records.kinds import KINDS
from baton.services.routing.scenarios import run_scenarios
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import leads, sla_clocks
from baton.workspace.loader import Workspace, load_workspace

ACTOR = "demo"
STAMPS = ("mql_at", "sal_at", "sql_at", "recycled_at", "disqualified_at")
Progress = Callable[[str, int, int], None]


def ensure_demo_workspace(directory: Path) -> bool:
    """Write the demo baton.yaml unless the folder already has one; True when written."""
    if (directory / "baton.yaml").exists():
        return False
    write_demo_workspace(directory)
    return True


class DemoInterrupted(RuntimeError):
    """An earlier load of this demo stopped half-way: its history is incomplete."""


def _marker(directory: Path) -> Path:
    return directory / ".baton" / "demo-history"


def demo_loaded(baton: Baton, directory: Path) -> bool:
    """True once a load has finished (for a demo made before the marker: any lead);
    raises DemoInterrupted when one began and did not finish."""
    marker = _marker(directory)
    if marker.exists():
        if marker.read_text().startswith("loaded"):
            return True
        raise DemoInterrupted(
            f"the demo in {directory} was only partly loaded (the load was interrupted): "
            f"remove {directory / '.baton'} and run `baton demo {directory}` again"
        )
    with baton.db.read() as conn:
        return conn.execute(select(func.count()).select_from(leads)).scalar_one() > 0


def load_demo(
    baton: Baton,
    directory: Path,
    now: datetime,
    progress: Progress = lambda *a: None,
    *,
    lead_count: int = 5000,
) -> dict[str, int]:
    """Load the demo's history as of ``now``; returns how many records of each kind were
    created. ``lead_count`` is for tests that need a smaller company."""
    _marker(directory).parent.mkdir(parents=True, exist_ok=True)
    _marker(directory).write_text(f"loading {now.isoformat()}\n")
    ws = load_workspace(directory)
    applied = apply_workspace(baton, ws, ACTOR)
    activate_version(baton, applied.number, ACTOR)
    data = demo_records(now, leads=lead_count)
    counts = {
        "account": _submit(baton, "account", data.accounts, progress),
        "lead": _submit(baton, "lead", data.leads, progress),
    }
    _refresh_statistics(baton)
    history = lead_histories(data.leads, routed_leads(baton), now)
    _write_stamps(baton, history.stamps)
    counts["opportunity"] = _submit(baton, "opportunity", data.opportunities, progress)
    touches = data.account_activities + history.activities
    counts["activity"] = _submit(baton, "activity", touches, progress)
    _run_scenarios(baton, directory, ws)
    _marker(directory).write_text(f"loaded {now.isoformat()}\n")
    return counts


def _submit(baton: Baton, entity: str, items: list[dict], progress: Progress) -> int:
    created = 0
    for start in range(0, len(items), MAX_BATCH):
        batch = Submission(KINDS[entity], items[start : start + MAX_BATCH], ACTOR)
        result = submit(baton, batch)
        rejected = [r for r in result.results if r.status == "rejected"]
        if rejected:
            raise RuntimeError(f"demo {entity} rejected: {rejected[0].as_dict()}")
        created += result.count("created")
        progress(entity, min(start + MAX_BATCH, len(items)), len(items))
    return created


def _refresh_statistics(baton: Baton) -> None:
    """SQLite plans by statistics it has only once ANALYZE ran. Without them, after a bulk
    load, it cancels a clock's timers by scanning every pending timer due later (its state
    and due-time index) instead of the clock's few: 2 ms a touch, a quarter of the load."""
    if baton.db.dialect == "sqlite":
        with baton.unit(ACTOR) as unit:
            unit.conn.exec_driver_sql("ANALYZE")
            unit.commit()


def routed_leads(baton: Baton) -> dict[str, Routed]:
    """Lead external id → its owner or queue and its running clock's deadline, as routed."""
    clock = and_(sla_clocks.c.lead_id == leads.c.id, sla_clocks.c.state != "excluded")
    query = (
        select(
            leads.c.external_id,
            leads.c.owner_id,
            leads.c.queue,
            leads.c.assigned_at,
            sla_clocks.c.due_at,
        )
        .select_from(leads.outerjoin(sla_clocks, clock))
        .where(leads.c.source_system == SOURCE_SYSTEM)
        .order_by(leads.c.id, sla_clocks.c.id)
    )
    with baton.db.read() as conn:
        return {r.external_id: Routed(*r[1:]) for r in conn.execute(query)}  # last clock wins


def _write_stamps(baton: Baton, stamps: dict[str, dict[str, datetime]]) -> None:
    """The lifecycle stamps the CRM had (no intake field takes them yet), in one transaction."""
    rows = [
        {"xid": xid, **{f"v_{name}": got.get(name) for name in STAMPS}}
        for xid, got in stamps.items()
        if got
    ]
    with baton.unit(ACTOR) as unit:
        statement = (
            update(leads)
            .where(leads.c.source_system == SOURCE_SYSTEM, leads.c.external_id == bindparam("xid"))
            .values({**{name: bindparam(f"v_{name}") for name in STAMPS}, "updated_at": unit.now})
        )
        unit.conn.execute(statement, rows)
        unit.commit()


def _run_scenarios(baton: Baton, directory: Path, ws: Workspace) -> None:
    """Run the workspace's routing QA checklist once, recorded for the Workspace page."""
    scenarios = directory / "scenarios.csv"
    if scenarios.exists():
        zone = ZoneInfo(ws.spec.workspace.timezone)
        run_scenarios(baton.db, scenarios, None, zone, baton.clock.now())
