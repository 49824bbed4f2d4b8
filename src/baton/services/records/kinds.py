"""Turning validated payloads into stored rows, one record kind at a time.

Each kind knows its table, its payload model and how to resolve its
references. Storing is idempotent on (source_system, external_id): a record
sent again is reported as ``existing`` and not changed (updates are PATCH).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Table, insert, select

from baton.domain.routing.facts import company_key, is_free_mail, registrable_domain
from baton.services.records.payloads import AccountIn, ActivityIn, LeadIn, OpportunityIn
from baton.services.records.references import person_ref, record_ref
from baton.store.tables import (
    account_domains,
    accounts,
    activities,
    leads,
    opportunities,
)

Index = Callable[[Connection, int, dict[str, Any]], list[str]]


@dataclass(frozen=True)
class RecordKind:
    """``to_row`` only reads and may raise Rejected; ``index`` keeps the rows derived from
    the record (an account's domains), may write but never rejects, and returns warnings.
    What *reacts* to a new record is not here: see ``bootstrap.HANDLERS``."""

    entity: str
    table: Table
    payload: type[BaseModel]
    to_row: Callable[[Connection, Any, datetime], dict[str, Any]]
    index: Index | None = None


def lead_row(conn: Connection, item: LeadIn, now: datetime) -> dict[str, Any]:
    values = item.model_dump(exclude={"received_at", "engaged_at", "assigned_at"})
    received_at = item.received_at or now
    values.update(
        email_domain=item.email.rsplit("@", 1)[1].lower() if item.email else None,
        owner_id=person_ref(conn, "owner_id", item.owner_id),
        received_at=received_at,
        engaged_at=item.engaged_at or received_at,
        assigned_at=(item.assigned_at or received_at) if item.owner_id else None,
    )
    return values


def account_row(conn: Connection, item: AccountIn, now: datetime) -> dict[str, Any]:
    values = item.model_dump(exclude={"parent_external_id"})
    values["parent_id"] = record_ref(
        conn, accounts, "parent_id", item.parent_id, item.parent_external_id, item.source_system
    )
    values["owner_id"] = person_ref(conn, "owner_id", item.owner_id)
    values["domains"] = sorted(set(item.domains))
    values["name_key"] = company_key(item.name)
    return values


def opportunity_row(conn: Connection, item: OpportunityIn, now: datetime) -> dict[str, Any]:
    values = item.model_dump(exclude={"account_external_id"})
    values["account_id"] = record_ref(
        conn, accounts, "account_id", item.account_id, item.account_external_id, item.source_system
    )
    values["owner_id"] = person_ref(conn, "owner_id", item.owner_id)
    return values


def activity_row(conn: Connection, item: ActivityIn, now: datetime) -> dict[str, Any]:
    ss = item.source_system
    values = item.model_dump(
        exclude={"lead_external_id", "account_external_id", "opportunity_external_id"}
    )
    values.update(
        person_id=person_ref(conn, "person_id", item.person_id),
        lead_id=record_ref(conn, leads, "lead_id", item.lead_id, item.lead_external_id, ss),
        account_id=record_ref(
            conn, accounts, "account_id", item.account_id, item.account_external_id, ss
        ),
        opportunity_id=record_ref(
            conn,
            opportunities,
            "opportunity_id",
            item.opportunity_id,
            item.opportunity_external_id,
            ss,
        ),
    )
    return values


def index_account_domains(conn: Connection, account_id: int, row: dict[str, Any]) -> list[str]:
    """The first account to claim a domain keeps it for matching; later claims are reported.

    Domains are indexed as registrable domains (www.acme.com and eu.acme.com → acme.com),
    the form lead emails and websites are matched in.
    """
    warnings = []
    claimed = {registrable_domain(d) or d for d in row["domains"]}
    if row.get("website"):
        claimed.add(registrable_domain(row["website"]))
    for domain in sorted(d for d in claimed if d and not is_free_mail(d)):
        owner = conn.execute(
            select(account_domains.c.account_id).where(account_domains.c.domain == domain)
        ).first()
        if owner is None:
            conn.execute(insert(account_domains).values(domain=domain, account_id=account_id))
        elif owner[0] != account_id:
            warnings.append(
                f"domain {domain} already belongs to account {owner[0]}; "
                f"leads from it keep matching account {owner[0]}"
            )
    return warnings


LEAD = RecordKind("lead", leads, LeadIn, lead_row)
ACCOUNT = RecordKind("account", accounts, AccountIn, account_row, index_account_domains)
OPPORTUNITY = RecordKind("opportunity", opportunities, OpportunityIn, opportunity_row)
ACTIVITY = RecordKind("activity", activities, ActivityIn, activity_row)
KINDS = {k.entity: k for k in (LEAD, ACCOUNT, OPPORTUNITY, ACTIVITY)}


def build_row(conn: Connection, kind: RecordKind, item: BaseModel, now: datetime) -> dict[str, Any]:
    """The row to insert, with timestamps; raises Rejected on a bad reference."""
    row = kind.to_row(conn, item, now)
    row.update(created_at=now, updated_at=now)
    return row
