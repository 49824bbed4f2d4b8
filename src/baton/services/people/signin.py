"""Signing in to the dashboard: the throttle, the password, the session.

Every password checked is recorded (who was named, from which address, when, whether it
was right) in ``signin_attempts``: the throttle reads it, so it holds across server
processes, and an admin reads it (``baton user signins``). The failures since the last
success of a user name, and of a client address, each earn a pause
(``domain/signin.py``); while either is paused the password is not even checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from baton.domain.signin import ThrottlePolicy, paused_until, retry_after_seconds
from baton.services.app import App, Unit
from baton.services.people.sessions import open_session
from baton.services.people.users import User, authenticate
from baton.settings import SessionSettings
from baton.store.tables import signin_attempts

RECENT_ATTEMPTS = 200  # per name or address: more than the longest pause needs to be judged
MAX_NAME = 200


@dataclass(frozen=True)
class SignIn:
    """What a sign-in came to: a user and their new session id, a pause, or neither."""

    user: User | None = None
    session_id: str | None = None
    retry_after_seconds: int | None = None  # paused: the password was not checked


def throttle_policy(settings: SessionSettings) -> ThrottlePolicy:
    return ThrottlePolicy(
        max_failures=settings.signin_max_failures,
        window=timedelta(seconds=settings.signin_window_seconds),
        backoff=timedelta(seconds=settings.signin_backoff_seconds),
        max_backoff=timedelta(seconds=settings.signin_max_backoff_seconds),
    )


def sign_in(app: App, username: str, password: str, address: str) -> SignIn:
    """Check ``password`` for ``username`` from ``address`` unless either is paused; record
    the attempt, and open a session when it was right."""
    settings = app.settings.sessions
    username = username.strip()[:MAX_NAME]
    with app.db.read() as conn:
        wait = retry_after(conn, username, address, app.clock.now(), throttle_policy(settings))
    if wait is not None:
        return SignIn(retry_after_seconds=wait)
    user = authenticate(app.db, username, password)
    max_age = timedelta(seconds=settings.max_age_seconds)
    return app.run(f"web:{address}", _record, username, address, user, max_age)


def _record(
    unit: Unit, username: str, address: str, user: User | None, max_age: timedelta
) -> SignIn:
    unit.conn.execute(
        insert(signin_attempts).values(
            username=username, address=address[:64], at=unit.now, succeeded=user is not None
        )
    )
    if user is None:
        return SignIn()
    return SignIn(user, open_session(unit, user.id, address, max_age))


def retry_after(
    conn: Connection, username: str, address: str, now: datetime, policy: ThrottlePolicy
) -> int | None:
    """Seconds until this name and this address may both try again; None when they may."""
    waits = [
        retry_after_seconds(paused_until(_failures(conn, column, value), policy), now)
        for column, value in (
            (signin_attempts.c.username, username),
            (signin_attempts.c.address, address[:64]),
        )
    ]
    return max((w for w in waits if w is not None), default=None)


def _failures(conn: Connection, column, value: str) -> list[datetime]:
    """The failed attempts since the last success of this name or address, oldest first."""
    rows = conn.execute(
        select(signin_attempts.c.at, signin_attempts.c.succeeded)
        .where(column == value)
        .order_by(signin_attempts.c.at.desc(), signin_attempts.c.id.desc())
        .limit(RECENT_ATTEMPTS)
    )
    failures = []
    for at, succeeded in rows:
        if succeeded:
            break
        failures.append(at)
    return failures[::-1]


def list_attempts(conn: Connection, *, failed_only: bool = True, limit: int = 100) -> list[dict]:
    """The latest sign-in attempts, newest first (the failed ones only by default)."""
    query = select(signin_attempts).order_by(signin_attempts.c.id.desc()).limit(limit)
    if failed_only:
        query = query.where(signin_attempts.c.succeeded.is_(False))
    return [dict(r._mapping) for r in conn.execute(query)]
