"""The Workspace page: versions and their state, the diff between two, the latest
scenario run of each version, and silent mode."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from baton.services.alerts.silent import SilentStatus, business_days, silent_status
from baton.services.versions.versions import diff_versions, list_versions
from baton.store.tables import scenario_runs


def latest_scenario_runs(conn: Connection) -> dict[int, Any]:
    """Version → its most recent scenario run (``baton test``)."""
    newest = select(func.max(scenario_runs.c.id)).group_by(scenario_runs.c.version)
    return {
        r.version: r
        for r in conn.execute(select(scenario_runs).where(scenario_runs.c.id.in_(newest)))
    }


def failures(run: Any) -> list[dict[str, Any]]:
    return [r for r in run.results if not r.get("passed")]


def scenario_lines(run: Any) -> list[dict[str, Any]]:
    """Each scenario of a run as it ran: its name and line, where routing sent the record
    (owner or queue, and the node that decided), and what was wrong when it failed."""
    lines = []
    for result in run.results:
        got = result.get("got") or {}
        target = got.get("owner") or (f"queue {got['queue']}" if got.get("queue") else None)
        lines.append(
            {
                "name": result.get("name"),
                "line": result.get("line"),
                "passed": bool(result.get("passed")),
                "routed": f"{target} via {got.get('node')}" if target else "not routed",
                "problems": result.get("problems") or [],
            }
        )
    return lines


def chosen_pair(
    params: Mapping[str, str], numbers: list[int]
) -> tuple[int | None, int | None, str | None]:
    """The two versions to compare (?a=&b=; default: the two newest) and a problem, if any."""
    if not params.get("a") and not params.get("b"):
        return (numbers[-2], numbers[-1], None) if len(numbers) >= 2 else (None, None, None)
    try:
        a, b = int(params.get("a") or ""), int(params.get("b") or "")
    except ValueError:
        return None, None, "choose two versions to compare, e.g. a=1&b=2"
    missing = [n for n in (a, b) if n not in numbers]
    if missing:
        return (
            None,
            None,
            f"there is no version {missing[0]}; "
            f"versions are {', '.join(map(str, numbers)) or 'none yet'}",
        )
    return a, b, None


def workspace_view(conn: Connection, params: Mapping[str, str], now: datetime) -> dict[str, Any]:
    versions = list(reversed(list_versions(conn)))  # newest first
    numbers = sorted(v["number"] for v in versions)
    a, b, problem = chosen_pair(params, numbers)
    silent: SilentStatus = silent_status(conn, now)
    runs = latest_scenario_runs(conn)
    return {
        "versions": versions,
        "runs": runs,
        "scenarios": {version: scenario_lines(run) for version, run in runs.items()},
        "a": a,
        "b": b,
        "diff_problem": problem,
        "diff": diff_versions(conn, a, b) if a is not None and b is not None else None,
        "silent": silent,
        "silent_days": business_days(silent),
        "numbers": numbers,
    }
