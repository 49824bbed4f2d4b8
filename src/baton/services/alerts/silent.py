"""Silent mode: every alert goes to a test recipient while the team is monitored
without being paged — the playbook's silent period (2–5 business days) before go-live.

Silent mode is ``alerts.silent`` in baton.yaml, so switching it is a workspace
version like any other: `baton alerts silent on|off` edits the file, records the
version (author, diff) and activates it. The time spent in silent mode is read
back from the activation log, never kept in a counter that could drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from sqlalchemy import Connection, select

from baton.domain.events import EventKind
from baton.services.app import App
from baton.services.live import live_workspace
from baton.services.versions.versions import activate_version, active_version, apply_workspace
from baton.store.tables import events, workspace_versions
from baton.workspace.loader import WORKSPACE_FILE, load_workspace
from baton.workspace.schema import CalendarSpec, expand_weekdays, parse_window
from baton.workspace.spec import WorkspaceSpec


class SilentModeError(Exception):
    """Silent mode cannot be switched; the message says why and what to do."""


@dataclass(frozen=True)
class SilentStatus:
    silent: bool
    since: datetime | None  # when the current silent period began
    test_recipient: str | None
    periods: list[
        tuple[datetime, datetime | None, int]
    ]  # (start, end or None, version that started it)
    wall: timedelta
    business: timedelta
    calendar: str | None
    minimum_business_days: int
    day_length: timedelta = timedelta(hours=24)

    def as_dict(self) -> dict[str, Any]:
        return {
            "silent": self.silent,
            "since": self.since,
            "test_recipient": self.test_recipient,
            "periods": [{"started_at": s, "ended_at": e, "version": v} for s, e, v in self.periods],
            "total_seconds": self.wall.total_seconds(),
            "business_seconds": self.business.total_seconds(),
            "calendar": self.calendar,
            "minimum_business_days": self.minimum_business_days,
            "business_days": business_days(self),
        }


def _silent_of(document: dict[str, Any]) -> bool:
    return bool((document.get("alerts") or {}).get("silent"))


def silent_status(conn: Connection, now: datetime) -> SilentStatus:
    """Whether the live version is silent, since when, and the time spent silent so far."""
    activations = conn.execute(
        select(events.c.occurred_at, events.c.entity_id)
        .where(events.c.kind == "workspace.activated")
        .order_by(events.c.id)
    ).all()
    docs = {
        r.number: r.document
        for r in conn.execute(select(workspace_versions.c.number, workspace_versions.c.document))
    }
    periods: list[tuple[datetime, datetime | None, int]] = []
    for at, number in activations:
        silent = _silent_of(docs.get(int(number), {}))
        is_open = bool(periods) and periods[-1][1] is None
        if silent and not is_open:
            periods.append((at, None, int(number)))
        elif not silent and is_open:
            periods[-1] = (periods[-1][0], at, periods[-1][2])
    live = live_workspace(conn)
    alerts = live.alerts if live is not None else None
    name = (
        (alerts.calendar if alerts and alerts.calendar else next(iter(live.calendars), None))
        if live
        else None
    )
    calendar = live.calendars[name] if live and name else None
    wall = business = timedelta(0)
    for start, end, _ in periods:
        wall += (end or now) - start
        business += calendar.between(start, end or now) if calendar else (end or now) - start
    is_silent = bool(alerts and alerts.silent)
    return SilentStatus(
        is_silent,
        periods[-1][0] if is_silent and periods else None,
        alerts.test_recipient if alerts else None,
        periods,
        wall,
        business,
        name,
        alerts.silent_minimum_business_days if alerts else 2,
        _open_day(live.spec.calendars[name]) if live and name else timedelta(hours=24),
    )


def _open_day(spec: CalendarSpec) -> timedelta:
    """The average open time of the weekdays a calendar opens at all."""
    days = []
    for key, windows in spec.week.items():
        total = timedelta(0)
        for window in windows:
            start, end = parse_window(window)
            span = datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
            total += span if span > timedelta(0) else span + timedelta(days=1)
        days += [total] * len(expand_weekdays(key)) if total else []
    return sum(days, timedelta(0)) / len(days) if days else timedelta(hours=24)


def business_days(status: SilentStatus) -> float:
    """Business time in silent mode counted in the calendar's average open day (24 h without
    one)."""
    return status.business / status.day_length


def set_silent(
    app: App, root: Path, on: bool, author: str, *, force: bool = False
) -> tuple[int, SilentStatus]:
    """Switch silent mode in baton.yaml and make that the live version; returns (version,
    status before)."""
    now = app.clock.now()
    with app.db.read() as conn:
        before = silent_status(conn, now)
        live = active_version(conn)
    if live is None:
        raise SilentModeError("no live version yet: `baton apply` and `baton activate N` first")
    if before.silent == on:
        raise SilentModeError(
            f"silent mode is already {'on' if on else 'off'} (version {live.number})"
        )
    if not on and not force and business_days(before) < before.minimum_business_days:
        raise SilentModeError(
            f"only {business_days(before):.1f} business days in silent mode so far; "
            f"the playbook asks for {before.minimum_business_days} or more before go-live. "
            "Pass --force to turn it off now."
        )
    path = root / WORKSPACE_FILE
    original = path.read_text(encoding="utf-8")
    path.write_text(_with_silent(original, on), encoding="utf-8")
    try:
        ws = load_workspace(root)
        expected = WorkspaceSpec.model_validate(_toggled(live.document, on)).document()
        if ws.document != expected:
            raise SilentModeError(
                "baton.yaml has other changes that are not live; "
                "`baton apply` and `baton activate` them first, then switch silent mode"
            )
    except Exception:
        path.write_text(original, encoding="utf-8")
        raise
    applied = apply_workspace(app, ws, author, now)
    activate_version(app, applied.number, author, now)
    with app.unit(author, now=now) as unit:
        kind = EventKind.ALERTS_SILENT_ON if on else EventKind.ALERTS_SILENT_OFF
        silent = {
            "silent_seconds": before.wall.total_seconds(),
            "silent_business_seconds": before.business.total_seconds(),
        }
        unit.emit(kind, applied.number, {"version": applied.number, **silent, "forced": force})
        unit.commit()
    return applied.number, before


def _toggled(document: dict[str, Any], on: bool) -> dict[str, Any]:
    alerts = dict(document.get("alerts") or {})
    alerts["silent"] = on
    return {**document, "alerts": alerts}


def _with_silent(text: str, on: bool) -> str:
    """baton.yaml with ``alerts.silent`` set, comments and layout kept."""
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(text)
    if data.get("alerts") is None:
        data["alerts"] = CommentedMap()
    data["alerts"]["silent"] = on
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()
