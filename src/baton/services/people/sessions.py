"""Dashboard sessions kept server-side: the signed cookie carries a random session id,
the database its SHA-256 with the user and the expiry. Deleting the row ends the
session everywhere at once: at sign-out, and for all of a user's sessions when their
password changes (a copied cookie stops working with them)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select

from baton.services.app import App, Unit
from baton.services.people.users import User, user_of_row
from baton.store.tables import users, web_sessions


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(unit: Unit, user_id: int, address: str, max_age: timedelta) -> str:
    """A new session for ``user_id`` (its id, for the cookie); sessions past their expiry
    are cleared on the way (an indexed delete)."""
    unit.conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= unit.now))
    session_id = secrets.token_urlsafe(32)
    unit.conn.execute(
        insert(web_sessions).values(
            id_hash=_hash(session_id),
            user_id=user_id,
            created_at=unit.now,
            expires_at=unit.now + max_age,
            address=address[:64],
        )
    )
    return session_id


def session_user(conn: Connection, session_id: str, now: datetime) -> User | None:
    """The enabled user of this live session, else None: one read by primary key."""
    row = conn.execute(
        select(users)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(
            web_sessions.c.id_hash == _hash(session_id),
            web_sessions.c.expires_at > now,
            users.c.disabled.is_(False),
        )
    ).first()
    return user_of_row(row) if row else None


def end_session(app: App, session_id: str, actor: str) -> None:
    """Sign-out: this session stops working, whoever holds a copy of its cookie."""
    app.run(actor, _end_session, session_id)


def _end_session(unit: Unit, session_id: str) -> None:
    unit.conn.execute(delete(web_sessions).where(web_sessions.c.id_hash == _hash(session_id)))
