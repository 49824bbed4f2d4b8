"""Use case: run the routing QA checklist as data (``baton test scenarios.csv``).

Each row is a record plus what should happen: ``expected_owner``,
``expected_queue``, ``expected_team``, ``expected_pool`` and/or
``expected_node``. Optional ``scenario`` (a name), ``assume_out_of_office``
(person ids separated by ``|``: treated as away for that row) and ``at`` (the
instant to route at). The file is checked first (scenario_file.py: a misspelled
column, an unknown id or a row that expects nothing stops the run). Rows are
then routed as a dry run against the chosen version, isolated from live
traffic: every pool starts the run at the beginning of a cycle and only the
file's earlier rows move it, so the same file on the same version gives the
same result every time. The run and its results are stored so the workspace
page can show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from baton.services.records.importer import ImportOptions, row_to_payload
from baton.services.records.kinds import LEAD
from baton.services.routing.dryrun import dry_route, open_dry_run
from baton.services.routing.scenario_file import Scenario, load_scenarios
from baton.store.db import Database
from baton.store.tables import scenario_runs


@dataclass
class ScenarioResult:
    line: int
    name: str
    passed: bool
    got: dict[str, Any]
    expected: dict[str, str]
    problems: list[str]
    path: list[str]


def run_scenarios(
    db: Database,
    path: Path,
    version: int | None,
    zone: ZoneInfo,
    now: datetime,
    *,
    record: bool = True,
) -> tuple[int, list[ScenarioResult]]:
    """Route every scenario of ``path``; ScenarioFileError (nothing run) when the file is wrong."""
    with db.read() as conn:
        live, ports = open_dry_run(conn, version, isolated=True)
        scenarios = load_scenarios(path, zone, live)
        results = [_run(conn, live, ports, s, zone, now) for s in scenarios]
    if record:
        with db.write() as conn:
            conn.execute(
                insert(scenario_runs),
                {
                    "version": live.version,
                    "file": path.name,
                    "ran_at": now,
                    "passed": sum(r.passed for r in results),
                    "failed": sum(not r.passed for r in results),
                    "results": [r.__dict__ for r in results],
                },
            )
            conn.commit()
    return live.version, results


def _matches(what: str, expected: str, got: str) -> bool:
    """A node may be named by its full path or by the branch it sits in ('test lead?' matches
    'test lead? / assign')."""
    return got == expected or (what == "node" and got.startswith(expected + " / "))


def _run(conn, live, ports, s: Scenario, zone: ZoneInfo, now: datetime) -> ScenarioResult:
    item = row_to_payload(s.fields, LEAD.payload, ImportOptions("lead", {}, zone))
    if isinstance(item, dict) and s.extra:
        item["extra"] = s.extra
    result = (
        dry_route(conn, live, ports, s.line, item, s.at or now, away=s.away)
        if isinstance(item, dict)
        else None
    )
    if result is None or result.decision is None:
        errors = item if isinstance(item, list) else result.errors
        problems = [f"{e.as_dict()['field']}: {e.message}" for e in errors]
        return ScenarioResult(s.line, s.name, False, {}, s.expected, problems, [])
    d = result.decision
    got = {
        "owner": d.owner_id,
        "queue": d.queue,
        "team": d.team_id,
        "pool": d.pool_id,
        "node": d.node,
    }
    problems = [
        f"expected {k} {v}, got {got[k] or '—'}"
        for k, v in s.expected.items()
        if not _matches(k, v, got[k] or "")
    ]
    return ScenarioResult(
        s.line, s.name, not problems, got, s.expected, problems, [st.words for st in d.steps]
    )
