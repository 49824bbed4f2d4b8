"""API tokens: shown once, stored as a SHA-256 hash, each with scopes.

Scopes: ``ingest`` (send records; Sales' handoff fields), ``read`` (query), ``cs`` (Customer
Success: a deal's intake fields and the handoff review), ``admin`` (everything).
Tokens are 256-bit random strings, so a plain SHA-256 (not a slow password
hash) is the right tool: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from baton.domain.events import EventKind
from baton.domain.handoff import Side
from baton.services.app import App, Unit
from baton.store.tables import api_tokens

SCOPES = ("ingest", "read", "cs", "admin")
PREFIX = "bt_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes

    @property
    def sides(self) -> frozenset[Side]:
        """Whose handoff fields it writes: Sales' with ingest, CS's intake fields with cs."""
        if "admin" in self.scopes:
            return frozenset(Side)
        held = {Side.SALES: "ingest", Side.CS: "cs"}
        return frozenset(side for side, scope in held.items() if scope in self.scopes)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(app: App, name: str, scopes: list[str], actor: str) -> str:
    """Store a new token and return it; it cannot be shown again."""
    return app.run(actor, _create_token, name, scopes)


def _create_token(unit: Unit, name: str, scopes: list[str]) -> str:
    conn = unit.conn
    now = unit.now
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(
            f"unknown scope(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(SCOPES)}"
        )
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(
        insert(api_tokens)
        .values(
            name=name, scopes=",".join(sorted(set(scopes))), token_hash=_hash(token), created_at=now
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    unit.emit(EventKind.TOKEN_CREATED, token_id, {"name": name, "scopes": sorted(set(scopes))})
    return token


def verify_token(conn: Connection, token: str) -> TokenInfo | None:
    row = conn.execute(
        select(api_tokens).where(
            api_tokens.c.token_hash == _hash(token), api_tokens.c.revoked_at.is_(None)
        )
    ).first()
    return TokenInfo(row.id, row.name, frozenset(row.scopes.split(","))) if row else None


def revoke_token(app: App, token_id: int, actor: str) -> bool:
    return app.run(actor, _revoke_token, token_id)


def _revoke_token(unit: Unit, token_id: int) -> bool:
    conn = unit.conn
    now = unit.now
    done = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    if done:
        unit.emit(EventKind.TOKEN_REVOKED, token_id, {})
    return bool(done)


def list_tokens(conn: Connection) -> list[dict]:
    cols = [c for c in api_tokens.c if c.name != "token_hash"]
    return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(api_tokens.c.id))]
