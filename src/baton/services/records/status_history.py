"""Use case: import a status history CSV (``baton import status-history FILE``).

One row per status change: the lead's ``external_id`` (and ``source_system`` when several
systems feed Baton), the ``status`` it reached (Baton's value or the workspace's name for
it, e.g. ``sal`` or ``Accepted by Sales``), ``changed_at``, and for a rejection its
``reason``; a ``note`` is kept too. Other columns are ignored. Rows are read like the other
imports (``--map``, ``--day-first``, naive dates in the workspace's zone); the lifecycle
replays them (``services.lifecycle.history``), and every row that is not replayed lands in
the rejects file with its line number and why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from baton.domain.lifecycle import LifecyclePolicy
from baton.domain.records import LeadStatus
from baton.services.app import App
from baton.services.lifecycle.history import HistoryLine, rebuild_history
from baton.services.live import live_workspace
from baton.services.outcomes import FieldError
from baton.services.records.csvdates import parse_crm_datetime
from baton.services.records.importer import ImportOptions, ImportSummary

REQUIRED = ("external_id", "status", "changed_at")
COLUMNS = (*REQUIRED, "source_system", "reason", "note")
LIMITS = {"reason": 200, "note": 2000, "external_id": 200, "source_system": 100}


class HistoryFileError(ValueError):
    """The file cannot be read as a status history at all (a column is missing)."""


def import_status_history(
    app: App,
    path: Path,
    opts: ImportOptions,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Read, check and replay ``path``; ``inserted`` counts the status changes recorded and
    ``duplicates`` the rows already there."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    columns = {opts.mapping.get(c, c.strip()): c for c in reader.fieldnames or ()}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise HistoryFileError(
            f"{path.name}:1: no column for {', '.join(missing)} (the columns are "
            f"{', '.join(reader.fieldnames or ()) or 'none'}) — expected "
            f"{', '.join(COLUMNS)}; map yours with e.g. --map 'Lead ID=external_id'"
        )
    with app.db.read() as conn:
        live = live_workspace(conn)
    statuses = _status_names(live.lifecycle.policy if live else LifecyclePolicy())
    summary, lines, rows = ImportSummary(), [], {}
    for row in reader:
        summary.rows += 1
        cells = {name: (row.get(column) or "").strip() for name, column in columns.items()}
        line = _line(reader.line_num, cells, statuses, opts)
        if isinstance(line, HistoryLine):
            lines.append(line)
            rows[line.line] = row
        else:
            summary.rejected.append((reader.line_num, row, line))
    result = rebuild_history(app, lines, opts.actor, progress)
    summary.inserted, summary.duplicates = result.moves, result.already
    summary.rejected += [(n, rows[n], errors) for n, errors in result.refused.items()]
    summary.rejected.sort(key=lambda r: r[0])
    summary.warnings = sorted(result.warnings)
    return summary


def _status_names(policy: LifecyclePolicy) -> dict[str, LeadStatus]:
    """Each status by its value and by the workspace's name for it, in lower case."""
    names = {s.value: s for s in LeadStatus}
    return names | {policy.name(s).lower(): s for s in LeadStatus}


def _line(
    number: int, cells: dict[str, str], statuses: dict[str, LeadStatus], opts: ImportOptions
) -> HistoryLine | list[FieldError]:
    errors = [
        FieldError((name,), "required: the row has no value here")
        for name in REQUIRED
        if not cells.get(name)
    ]
    errors += [
        FieldError((name,), f"at most {limit} characters ({len(cells[name])} given)")
        for name, limit in LIMITS.items()
        if len(cells.get(name, "")) > limit
    ]
    status = statuses.get(cells.get("status", "").lower())
    if cells.get("status") and status is None:
        known = ", ".join(dict.fromkeys(s.value for s in statuses.values()))
        errors.append(
            FieldError(("status",), f"'{cells['status']}' is not a status; expected one of {known}")
        )
    changed_at = None
    if cells.get("changed_at"):
        try:
            changed_at = parse_crm_datetime(
                cells["changed_at"], opts.zone, day_first=opts.day_first, day_first_option=True
            )
        except ValueError as exc:
            errors.append(FieldError(("changed_at",), str(exc)))
    if errors or status is None or changed_at is None:
        return errors
    return HistoryLine(
        number,
        cells["external_id"],
        cells.get("source_system") or opts.source_system,
        status,
        changed_at,
        cells.get("reason") or None,
        cells.get("note") or None,
    )
