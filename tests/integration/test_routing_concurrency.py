"""Four worker processes route 2,000 leads into one pool at once: no double assignment,
no skipped turn (counts differ by at most one), on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter

import pytest
from sqlalchemy import func, select

from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import leads, pool_members, routing_decisions
from baton.workspace.loader import load_workspace

WORKERS, PER_WORKER = 4, 500
SDRS = ["ana", "bo", "cy", "dee", "eli"]

WORKSPACE = (
    """\
workspace: {name: Concurrency, timezone: UTC}
people:
"""
    + "".join(
        f"  - {{id: {p}, name: {p.title()} Rep, role: sdr, email: {p}@x.example}}\n" for p in SDRS
    )
    + """\
routing:
  queues: [{id: triage}]
  pools: [{id: sdrs, members: ["""
    + ", ".join(SDRS)
    + """]}]
  flows:
    - name: all
      nodes:
        - round_robin: sdrs
        - fallback: {queue: triage}
"""
)

WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from baton.bootstrap import Baton
    from baton.settings import Settings
    from baton.store.db import Database
    from baton.services.records.intake import Submission, submit
    from baton.services.records.kinds import LEAD
    settings = Settings(Path("."), sys.argv[1], "http://baton.test")
    baton = Baton(settings=settings, db=Database(sys.argv[1]))
    worker, count = int(sys.argv[2]), int(sys.argv[3])
    for i in range(count):
        lead = {
            "email": f"w{worker}-{i}@company{i}.com",
            "external_id": f"{worker}-{i}",
            "source_system": "load",
        }
        result = submit(baton, Submission(LEAD, [lead], f"worker-{worker}"))
        assert result.results[0].status == "created", result.results[0]
""")


@pytest.mark.slow
def test_four_processes_share_one_pool_fairly(baton, tmp_path):
    (tmp_path / "baton.yaml").write_text(WORKSPACE)
    applied = apply_workspace(baton, load_workspace(tmp_path), "t", baton.clock.now())
    activate_version(baton, applied.number, "t", baton.clock.now())
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, baton.db.url, str(w), str(PER_WORKER)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    with baton.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(leads)).scalar_one()
        per_lead = Counter(r.lead_id for r in conn.execute(select(routing_decisions.c.lead_id)))
        owners = Counter(r.owner_id for r in conn.execute(select(leads.c.owner_id)))
        credits = {r.person_id: r.credit for r in conn.execute(select(pool_members))}
    assert total == WORKERS * PER_WORKER
    assert len(per_lead) == total and set(per_lead.values()) == {1}, "a lead was routed twice"
    assert None not in owners and sum(owners.values()) == total
    assert max(owners.values()) - min(owners.values()) <= 1, owners
    assert credits == dict(owners)
