"""Dashboard users: who may sign in to the web UI, with which role, as which person.

Passwords are hashed with argon2id (``argon2-cffi``); the hash carries its own
parameters, so raising them later rehashes on the next sign-in. A user is never
deleted, only disabled: the audit trail keeps naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from baton.domain.events import EventKind
from baton.services.app import App, Unit
from baton.store.db import Database
from baton.store.tables import people, users, web_sessions

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so that a wrong name takes as long
    as a wrong password; made on first use, not when the module is imported."""
    return _hasher.hash("not a password anybody has")


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class UserError(ValueError):
    """A user cannot be created or changed; the message says why and what to do."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    person_id: str | None
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def user_of_row(row) -> User:
    return User(row.id, row.username, Role(row.role), row.person_id, row.disabled)


def create_user(
    app: App, username: str, password: str, role: Role, person_id: str | None, actor: str
) -> User:
    """Insert a user; reps and managers must be linked to a person (that is what scopes their
    view)."""
    return app.run(actor, _create_user, username, password, role, person_id)


def _create_user(
    unit: Unit, username: str, password: str, role: Role, person_id: str | None
) -> User:
    conn = unit.conn
    now = unit.now
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise UserError(
            f"user name {username!r} must be 1-100 characters without spaces, e.g. maria.chen"
        )
    _check_password(password)
    if role is not Role.ADMIN and not person_id:
        raise UserError(
            f"a {role.value} sees the leads of a person: "
            "pass --person ID (e.g. --person maria-chen)"
        )
    if (
        person_id
        and conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None
    ):
        raise UserError(
            f"there is no person '{person_id}'; "
            "people come from baton.yaml once a version is activated"
        )
    if conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None:
        raise UserError(f"user '{username}' already exists")
    new_id = conn.execute(
        insert(users)
        .values(
            username=username,
            password_hash=_hasher.hash(password),
            role=role.value,
            person_id=person_id,
            created_at=now,
            disabled=False,
        )
        .returning(users.c.id)
    ).scalar_one()
    unit.emit(EventKind.USER_CREATED, username, {"role": role.value, "person_id": person_id})
    return User(new_id, username, role, person_id)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def change_password(app: App, username: str, password: str, actor: str) -> None:
    """Give ``username`` a new password; every dashboard session they had ends with the old
    one (a stolen cookie too)."""
    app.run(actor, _change_password, username, password)


def _change_password(unit: Unit, username: str, password: str) -> None:
    _check_password(password)
    user_id = unit.conn.execute(
        update(users)
        .where(users.c.username == username)
        .values(password_hash=_hasher.hash(password))
        .returning(users.c.id)
    ).scalar()
    if user_id is None:
        raise UserError(f"there is no user '{username}'; `baton user list` shows them")
    ended = unit.conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
    unit.emit(EventKind.USER_PASSWORD_CHANGED, username, {"sessions_ended": ended.rowcount})


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The enabled user with this name and password, else None (which of the two was wrong
    is not told).

    Reads only, so a sign-in never waits for a writer; a hash made with older
    parameters is upgraded in a short write transaction afterwards.
    """
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    try:
        _hasher.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        with db.write() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == row.id, users.c.password_hash == row.password_hash)
                .values(password_hash=_hasher.hash(password))
            )
            conn.commit()
    return user_of_row(row)


def get_user(conn: Connection, user_id: int) -> User | None:
    """The enabled user with this id (a disabled user's session stops working at once)."""
    row = conn.execute(
        select(users).where(users.c.id == user_id, users.c.disabled.is_(False))
    ).first()
    return user_of_row(row) if row else None


def list_users(conn: Connection) -> list[dict]:
    cols = [c for c in users.c if c.name != "password_hash"]
    return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(users.c.username))]


def disable_user(app: App, username: str, actor: str) -> bool:
    """Disable a user; False when there is no enabled user of that name."""
    return app.run(actor, _disable_user, username)


def _disable_user(unit: Unit, username: str) -> bool:
    conn = unit.conn
    done = conn.execute(
        update(users)
        .where(users.c.username == username, users.c.disabled.is_(False))
        .values(disabled=True)
    ).rowcount
    if done:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
        unit.emit(EventKind.USER_DISABLED, username, {})
    return bool(done)
