"""Use case: run the routing QA checklist as data (``baton test scenarios.csv``).

Each row is a record plus what should happen: ``expected_owner``,
``expected_queue``, ``expected_team``, ``expected_pool`` and/or
``expected_node``. Optional ``scenario`` (a name), ``assume_out_of_office``
(person ids separated by ``|``: treated as away for that row) and ``at`` (the
instant to route at). Rows are routed as a dry run against the chosen version;
the run and its results are stored so the workspace page can show them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML
from sqlalchemy import insert

from baton.services.records.csvdates import parse_crm_datetime
from baton.services.records.importer import ImportOptions, row_to_payload
from baton.services.records.kinds import LEAD
from baton.services.routing.dryrun import dry_route, open_dry_run
from baton.store.db import Database
from baton.store.tables import scenario_runs

EXPECTATIONS = ("owner", "queue", "team", "pool", "node")
CONTROL = ("scenario", "assume_out_of_office", "at")


@dataclass
class ScenarioResult:
    line: int
    name: str
    passed: bool
    got: dict[str, Any]
    expected: dict[str, str]
    problems: list[str]
    path: list[str]


def read_scenarios(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows with their line (CSV) or position (YAML: a list of mappings)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = YAML(typ="safe").load(text) or []
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError(f"{path.name}: expected a list of scenarios (mappings)")
        return [
            (i + 1, {k: ("" if v is None else v) for k, v in row.items()})
            for i, row in enumerate(data)
        ]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [(reader.line_num, row) for row in reader]


def run_scenarios(
    db: Database,
    path: Path,
    version: int | None,
    zone: ZoneInfo,
    now: datetime,
    *,
    record: bool = True,
) -> tuple[int, list[ScenarioResult]]:
    rows = read_scenarios(path)
    with db.read() as conn:
        live, ports = open_dry_run(conn, version)
        results = [_run_row(conn, live, ports, line, row, zone, now) for line, row in rows]
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


def _run_row(
    conn, live, ports, line: int, row: dict[str, Any], zone: ZoneInfo, now: datetime
) -> ScenarioResult:
    name = str(row.get("scenario") or f"line {line}")
    expected = {k: str(row.get(f"expected_{k}") or "").strip() for k in EXPECTATIONS}
    expected = {k: v for k, v in expected.items() if v}
    record = {
        k: ("" if v is None else str(v))
        for k, v in row.items()
        if k and not k.startswith("expected_") and k not in CONTROL
    }
    if not expected:
        return ScenarioResult(
            line,
            name,
            False,
            {},
            {},
            ["no expected_owner / expected_queue / expected_team / expected_pool / expected_node"],
            [],
        )
    at = parse_crm_datetime(str(row["at"]), zone) if row.get("at") else now
    item = row_to_payload(record, LEAD.payload, ImportOptions("lead", {}, zone))
    if isinstance(item, list):
        return ScenarioResult(
            line,
            name,
            False,
            {},
            expected,
            [f"{e.as_dict()['field']}: {e.message}" for e in item],
            [],
        )
    away = [p.strip() for p in str(row.get("assume_out_of_office") or "").split("|") if p.strip()]
    result = dry_route(conn, live, ports, line, item, at, away=away)
    if result.decision is None:
        return ScenarioResult(
            line,
            name,
            False,
            {},
            expected,
            [f"{e.as_dict()['field']}: {e.message}" for e in result.errors],
            [],
        )
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
        for k, v in expected.items()
        if not _matches(k, v, got[k] or "")
    ]
    return ScenarioResult(
        line, name, not problems, got, expected, problems, [s.words for s in d.steps]
    )
