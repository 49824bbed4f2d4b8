"""Idempotency keys: the same key with the same body replays the first answer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from baton.store.tables import idempotency_keys


class IdempotencyConflict(Exception):
    """The key was used before with a different request body."""


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def replay(conn: Connection, scope: str, key: str, body_hash: str) -> StoredResponse | None:
    row = conn.execute(
        select(idempotency_keys).where(
            idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise IdempotencyConflict(
            f"Idempotency-Key '{key}' was already used with a different body; "
            "use a new key for a new request"
        )
    return StoredResponse(row.status_code, row.response)


def remember(
    conn: Connection, scope: str, key: str, body_hash: str, response: StoredResponse, now: datetime
) -> None:
    conn.execute(
        insert(idempotency_keys).values(
            scope=scope,
            key=key,
            request_hash=body_hash,
            status_code=response.status_code,
            response=response.body,
            created_at=now,
        )
    )
