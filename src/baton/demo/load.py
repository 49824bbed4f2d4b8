"""Use case: create and load the demo company.

The workspace is applied and activated; then ~5,000 leads of history go through the
normal intake day by day, as they arrived (New, or an MQL when their score qualified them:
routing decisions, SLA clocks and events as for any lead), each day followed by what
happened before the next: the touches of whoever Baton routed each lead to, early or late
against the deadline its clock got (``baton.demo.history``), and the leads' way through
the lifecycle, replayed like an imported status history (real status changes, by
``import``, dated when they happened; ``baton.demo.replay``). Last, the workspace's
routing scenarios are run once, so the Workspace page shows them.

The history is told as of ``now``; each submission is stamped with the clock's time as
it is stored, like any write, so the dashboard's mirror sees every change even while a
server runs during the load (``baton.demo.serve``). ``.baton/demo-history`` says whether
a load finished.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from baton.bootstrap import Baton
from baton.demo.generator import SOURCE_SYSTEM, demo_records, write_demo_workspace
from baton.demo.handoffs import plan_handoffs, replay_handoffs
from baton.demo.history import Converted, converted_deals
from baton.demo.ownership import replay_ownership
from baton.demo.replay import replay_history
from baton.domain.records import LeadStatus
from baton.services.records.intake import MAX_BATCH, Submission, submit
from baton.services.records.kinds import KINDS
from baton.services.routing.scenarios import run_scenarios
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import accounts, leads
from baton.workspace.loader import Workspace, load_workspace

ACTOR = "demo"
LIVE_DAYS = 75  # Baton went live this long before now (the leads: the last 60 days)
ROE_DAYS = 21  # the rules of engagement went live this long before now
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
    went_live, roe_live = now - timedelta(days=LIVE_DAYS), now - timedelta(days=ROE_DAYS)
    _go_live(baton, _without_ownership(ws), went_live)
    data = demo_records(now, leads=lead_count)
    counts = {"account": _submit(baton, "account", data.accounts, progress)}
    counts |= replay_history(baton, data.leads, data.account_activities, now, progress)
    deals = data.opportunities + converted_deals(_converted(baton, data.accounts), now)
    regions = {a["external_id"]: a["region"] for a in data.accounts}
    deals, closings = plan_handoffs(deals, regions, now)
    # no progress until the stories are told: a mirror copied in between would keep the
    # deals as they were before their (back-dated) closes
    counts["opportunity"] = _submit(baton, "opportunity", deals, lambda *a: None)
    counts["handoff"] = replay_handoffs(baton, closings, now)
    _go_live(baton, ws, roe_live)
    counts["ownership"] = replay_ownership(baton, now, roe_live)
    progress("opportunity", len(deals), len(deals))
    _run_scenarios(baton, directory, ws)
    _marker(directory).write_text(f"loaded {now.isoformat()}\n")
    return counts


def _without_ownership(ws: Workspace) -> Workspace:
    """The workspace before its rules of engagement went live (they would have judged every
    touch of the lead history: two SDRs on one account's leads is duplicate outreach)."""
    return Workspace(ws.spec.model_copy(update={"ownership": None}), ws.root, ws.sources)


def _go_live(baton: Baton, ws: Workspace, moment: datetime) -> None:
    applied = apply_workspace(baton, ws, ACTOR, now=moment)
    activate_version(baton, applied.number, ACTOR, now=moment)


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


def _converted(baton: Baton, account_payloads: list[dict]) -> list[Converted]:
    """The converted leads Baton matched to an account, in the order they converted."""
    by_id = {a["external_id"]: a for a in account_payloads}
    query = (
        select(leads.c.external_id, accounts.c.external_id, leads.c.converted_at, leads.c.owner_id)
        .select_from(leads.join(accounts, accounts.c.id == leads.c.account_id))
        .where(leads.c.source_system == SOURCE_SYSTEM, leads.c.status == LeadStatus.CONVERTED)
        .order_by(leads.c.converted_at, leads.c.id)
    )
    with baton.db.read() as conn:
        return [Converted(x, by_id[a], at, owner) for x, a, at, owner in conn.execute(query)]


def _run_scenarios(baton: Baton, directory: Path, ws: Workspace) -> None:
    """Run the workspace's routing QA checklist once, recorded for the Workspace page."""
    scenarios = directory / "scenarios.csv"
    if scenarios.exists():
        zone = ZoneInfo(ws.spec.workspace.timezone)
        run_scenarios(baton.db, scenarios, None, zone, baton.clock.now())
