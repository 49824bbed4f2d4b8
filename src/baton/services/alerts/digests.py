"""Digests: one message that lists many alerts.

* **Bursts** — when a person would get more than ``alerts.bursts.max`` alerts of one
  kind within ``alerts.bursts.window``, the pending ones become one ``digest.burst``
  alert; further ones in the same window wait and join the next digest.
* **Scheduled (weekly)** — alerts whose kind an ``alerts.digests`` entry collects are
  held (state ``held``) and, at the entry's weekly slot (moved to the next opening
  of its calendar when that is closed), listed in one ``digest.weekly`` alert per
  person in ``to``. Any feature can feed one: insert alerts of a collected kind
  addressed to a person, or to ``digest:NAME`` for everyone in that digest. A digest
  with ``report: lifecycle`` also carries the past ISO week's lifecycle numbers
  (``reports.lifecycle_week``: the Marketing Ops weekly digest) and goes out every week.
  Each digest runs once per ISO week (``digest_runs``), whichever worker claims it.

A digest is an ordinary alert (delivered, retried and dead-lettered like the
others); its members move to state ``digested`` and are linked in
``alert_digest_members``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from baton.domain.alerts import AlertKind, burst_groups, due_slots
from baton.reports.lifecycle_week import lifecycle_week
from baton.services.alerts.setup import AlertSetup
from baton.services.app import App
from baton.services.jsonable import jsonable
from baton.store.tables import alert_digest_members, alerts, digest_runs, people
from baton.workspace.alerts_schema import DigestSpec, parse_span

ITEM_FIELDS = ("id", "kind", "subject", "lead_id", "due_at", "role")
log = logging.getLogger("baton.alerts")


def prepare_digests(baton: App, setup: AlertSetup, now: datetime) -> int:
    """Hold scheduled kinds, send due weekly digests, fold bursts; returns alerts touched."""
    done = 0
    reports = _due_reports(baton, setup, now)
    with baton.db.write() as conn:
        if setup.spec.digests:
            done += _hold(conn, setup.spec.digests)
            for digest in setup.spec.digests:
                done += _run_weekly(conn, setup, digest, now, baton.settings.public_url, reports)
        if setup.spec.bursts:
            done += _fold_bursts(conn, setup, now, baton.settings.public_url)
        conn.commit()
    return done


def _due_reports(baton: App, setup: AlertSetup, now: datetime) -> dict[tuple[str, str], dict]:
    """The reports of the weekly digests due now and not yet run, per (digest, period),
    counted before the write transaction so that it stays short (two workers may both
    count; one sends)."""
    wanted = [d for d in setup.spec.digests if d.report is not None]
    out: dict[tuple[str, str], dict] = {}
    if not wanted:
        return out
    with baton.db.read() as conn:
        for digest in wanted:
            for period, _ in _due(setup, digest, now):
                if _has_run(conn, digest, period):
                    continue
                try:
                    with conn.begin_nested():
                        out[(digest.name, period)] = _report(conn, period, now)
                except Exception:  # the other alerts still go out; this digest is tried again
                    log.exception("digest %s of %s: its report failed", digest.name, period)
    return out


def _report(conn: Connection, period: str, now: datetime) -> dict[str, Any]:
    return {"kind": "lifecycle", **jsonable(lifecycle_week(conn, period, now).as_dict())}


def _matches(kind: str, patterns: Iterable[str]) -> bool:
    return any(fnmatchcase(kind, p) for p in patterns)


def _hold(conn: Connection, digests: list[DigestSpec]) -> int:
    """Pending alerts a digest collects (its kinds, addressed to one of its people or to it)
    wait for it."""
    pending = conn.execute(
        select(alerts.c.id, alerts.c.kind, alerts.c.recipient_id).where(
            alerts.c.state == "pending",
            alerts.c.claimed_by.is_(None),
            alerts.c.kind.not_like("digest.%"),
        )
    ).all()
    held: list[int] = []
    for digest in digests:
        candidates = [r for r in pending if _matches(r.kind, digest.kinds)]
        if candidates:
            addressed = {*_recipients(conn, digest), f"digest:{digest.name}"}
            held += [r.id for r in candidates if r.recipient_id in addressed]
    if not held:
        return 0
    return conn.execute(
        update(alerts)
        .where(alerts.c.id.in_(held), alerts.c.state == "pending")
        .values(state="held")
    ).rowcount


def _recipients(conn: Connection, digest: DigestSpec) -> list[str]:
    ids, teams, roles = set(), set(), set()
    for entry in digest.to:
        kind, _, value = entry.partition(":")
        (teams if kind == "team" else roles if kind == "role" else ids).add(
            value if value else kind
        )
    query = select(people.c.id).where(
        people.c.active.is_(True),
        or_(people.c.id.in_(ids), people.c.team_id.in_(teams), people.c.role.in_(roles)),
    )
    return sorted(r.id for r in conn.execute(query))


def _due(setup: AlertSetup, digest: DigestSpec, now: datetime) -> list[tuple[str, datetime]]:
    ws = setup.workspace
    calendar = setup.calendars.get(digest.calendar) if digest.calendar else None
    zone = digest.timezone or (
        calendar.timezone.key if calendar is not None else ws.workspace.timezone
    )
    return due_slots(now, digest.weekday, digest.at, zone, calendar)


def _has_run(conn: Connection, digest: DigestSpec, period: str) -> bool:
    query = select(digest_runs.c.name).where(
        digest_runs.c.name == digest.name, digest_runs.c.period == period
    )
    return conn.execute(query).first() is not None


def _run_weekly(
    conn: Connection,
    setup: AlertSetup,
    digest: DigestSpec,
    now: datetime,
    public_url: str,
    reports: dict[tuple[str, str], dict],
) -> int:
    done = 0
    for period, slot in _due(setup, digest, now):
        if _has_run(conn, digest, period) or (
            digest.report is not None and (digest.name, period) not in reports
        ):
            continue  # run already, or its report could not be counted: not claimed yet
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(digest_runs).values(
                        name=digest.name, period=period, scheduled_at=slot, ran_at=now, digests=0
                    )
                )
        except IntegrityError:
            continue  # another worker ran it
        report = reports.get((digest.name, period))
        done += _send_weekly(conn, digest, period, slot, now, public_url, report)
    return done


def _send_weekly(
    conn: Connection,
    digest: DigestSpec,
    period: str,
    slot: datetime,
    now: datetime,
    public_url: str,
    report: dict[str, Any] | None,
) -> int:
    """One ``digest.weekly`` alert per person of the digest: the held alerts addressed to
    them or to the digest, and the report when it carries one."""
    group_key = f"digest:{digest.name}"
    held = [
        dict(r._mapping)
        for r in conn.execute(
            select(alerts)
            .where(alerts.c.state == "held", alerts.c.created_at < slot)
            .order_by(alerts.c.id)
        )
    ]
    held = [a for a in held if _matches(a["kind"], digest.kinds)]
    made, persons = 0, _recipients(conn, digest)
    for person in persons:
        items = [a for a in held if a["recipient_id"] in (person, group_key)]
        if items or digest.send_empty or report is not None:
            title = f"{digest.name}, week {period}"
            _make_digest(
                conn,
                AlertKind.DIGEST_WEEKLY,
                f"digest.weekly:{digest.name}:{period}:{person}",
                person,
                title,
                items,
                now,
                public_url,
                channels=digest.channels,
                entity_id=digest.name,
                report=report,
            )
            made += 1
    used = [a["id"] for a in held if a["recipient_id"] == group_key or a["recipient_id"] in persons]
    if used:
        conn.execute(update(alerts).where(alerts.c.id.in_(used)).values(state="digested"))
    conn.execute(
        update(digest_runs)
        .where(digest_runs.c.name == digest.name, digest_runs.c.period == period)
        .values(digests=made)
    )
    return made + len(used)


def _fold_bursts(conn: Connection, setup: AlertSetup, now: datetime, public_url: str) -> int:
    limit, window = setup.spec.bursts.max, parse_span(setup.spec.bursts.window)
    since = now - window
    ready = and_(
        alerts.c.state == "pending",
        alerts.c.claimed_by.is_(None),
        alerts.c.kind.not_like("digest.%"),
        or_(alerts.c.next_attempt_at.is_(None), alerts.c.next_attempt_at <= now),
    )
    group = (alerts.c.recipient_id, alerts.c.kind)
    pending = {
        (r[0], r[1]): r[2]
        for r in conn.execute(select(*group, func.count()).where(ready).group_by(*group))
    }
    if not pending:
        return 0
    sent = and_(
        alerts.c.state.in_(("sent", "failed", "dead", "digested")),
        alerts.c.created_at >= since,
        alerts.c.kind.not_like("digest.%"),
    )
    recent = {
        (r[0], r[1]): r[2]
        for r in conn.execute(select(*group, func.count()).where(sent).group_by(*group))
    }
    done = 0
    for recipient, kind in burst_groups(pending, recent, limit):
        last = conn.execute(
            select(func.max(alerts.c.created_at)).where(
                alerts.c.kind == AlertKind.DIGEST_BURST,
                alerts.c.recipient_id == recipient,
                alerts.c.entity_id == kind,
                alerts.c.created_at > since,
            )
        ).scalar()
        members_q = (
            select(alerts)
            .where(ready, alerts.c.recipient_id == recipient, alerts.c.kind == kind)
            .order_by(alerts.c.id)
        )
        if last is not None:  # one digest per window: the rest wait for the next one
            done += conn.execute(
                update(alerts)
                .where(alerts.c.id.in_(select(members_q.subquery().c.id)))
                .values(next_attempt_at=last + window)
            ).rowcount
            continue
        members = [dict(r._mapping) for r in conn.execute(members_q.with_for_update())]
        if not members:
            continue
        title = f"{len(members)} × {kind} in {setup.spec.bursts.window}"
        _make_digest(
            conn,
            AlertKind.DIGEST_BURST,
            f"digest.burst:{recipient}:{kind}:{members[0]['id']}",
            recipient,
            title,
            members,
            now,
            public_url,
            entity_id=kind,
            role=members[0]["role"],
        )
        conn.execute(
            update(alerts)
            .where(alerts.c.id.in_([m["id"] for m in members]))
            .values(state="digested")
        )
        done += len(members)
    return done


def _make_digest(
    conn: Connection,
    kind: str,
    key: str,
    recipient: str,
    title: str,
    items: list[dict[str, Any]],
    now: datetime,
    public_url: str,
    *,
    channels: list[str] | None = None,
    entity_id: str = "",
    role: str = "cc",
    report: dict[str, Any] | None = None,
) -> int:
    listed = [
        {
            **{f: a.get(f) for f in ITEM_FIELDS},
            "link": f"{public_url}/leads/{a['lead_id']}" if a.get("lead_id") else None,
        }
        for a in items
    ]
    content = {"title": title, "items": jsonable(listed), "count": len(items)}
    if channels:
        content["channels"] = list(channels)
    subject = f"{len(items)} alerts — {title}"
    if report is not None:
        content["report"] = report
        subject = report_subject(report, title, len(items))
    digest_id = conn.execute(
        insert(alerts)
        .values(
            idempotency_key=key,
            kind=kind,
            entity="digest",
            entity_id=entity_id[:100],
            lead_id=None,
            recipient_id=recipient,
            role=role,
            subject=subject[:300],
            content=content,
            state="pending",
            due_at=now,
            created_at=now,
            attempts=0,
        )
        .returning(alerts.c.id)
    ).scalar_one()
    if items:
        conn.execute(
            insert(alert_digest_members),
            [{"digest_id": digest_id, "alert_id": a["id"]} for a in items],
        )
    return digest_id


def members_by_digest(conn: Connection, digest_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for r in conn.execute(
        select(alert_digest_members).where(alert_digest_members.c.digest_id.in_(digest_ids))
    ):
        out[r.digest_id].append(r.alert_id)
    return out


def report_subject(report: dict[str, Any], title: str, alerts_count: int) -> str:
    """``Lifecycle 2026-W48: MQL 120, SAL 64%, SQL 21% — mops-weekly, week 2026-W49``."""

    def pct(rate: float | None) -> str:
        return "–" if rate is None else f"{rate:.0%}"

    acceptance, names = report["acceptance"], report["names"]
    head = (
        f"Lifecycle {report['week']}: {names['mql']} {report['mqls']}, "
        f"{names['sal']} {pct(acceptance['acceptance_rate'])}, "
        f"{names['sql']} {pct(acceptance['sql_rate'])}"
    )
    more = f" (+{alerts_count} alerts)" if alerts_count else ""
    return f"{head}{more} — {title}"
