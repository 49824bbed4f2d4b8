"""Dashboard users: creation rules, argon2 hashes, disabling."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from baton.services.events import EventFilter, list_events
from baton.services.people import users as users_service
from baton.services.people.users import (
    Role,
    UserError,
    authenticate,
    create_user,
    disable_user,
    get_user,
    list_users,
)
from baton.store.tables import users

PASSWORD = "a long enough password"


def test_a_user_is_stored_with_an_argon2id_hash_and_signs_in_with_it(live):
    created = create_user(live, "maria", PASSWORD, Role.MANAGER, "maria-chen", "cli:rita")
    assert authenticate(live.db, "maria", PASSWORD) == created
    assert authenticate(live.db, "maria", "a wrong password!") is None
    assert authenticate(live.db, "nobody", PASSWORD) is None
    with live.db.read() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert "password_hash" not in list_users(conn)[0]
        (event,) = list_events(conn, EventFilter(kind="user.created"))
    assert (
        event["payload"] == {"role": "manager", "person_id": "maria-chen"}
        and event["actor"] == "cli:rita"
    )


@pytest.mark.parametrize(
    "username, password, role, person, message",
    [
        ("sam", PASSWORD, Role.REP, None, "a rep sees the leads of a person: pass --person ID"),
        ("sam", PASSWORD, Role.MANAGER, "nobody", "there is no person 'nobody'"),
        ("sam", "short", Role.ADMIN, None, "at least 10 characters"),
        ("two words", PASSWORD, Role.ADMIN, None, "without spaces"),
    ],
)
def test_bad_users_are_refused_with_the_reason(live, username, password, role, person, message):
    with pytest.raises(UserError, match=message):
        create_user(live, username, password, role, person, "t")


def test_user_names_are_unique(live):
    create_user(live, "admin", PASSWORD, Role.ADMIN, None, "t")
    with pytest.raises(UserError, match="already exists"):
        create_user(live, "admin", PASSWORD, Role.ADMIN, None, "t")


def test_a_disabled_user_cannot_sign_in_and_their_id_no_longer_resolves(live):
    user = create_user(live, "sam", PASSWORD, Role.REP, "sam-ortiz", "t")
    assert disable_user(live, "sam", "t") and not disable_user(live, "sam", "t")
    with live.db.read() as conn:
        assert get_user(conn, user.id) is None
    assert authenticate(live.db, "sam", PASSWORD) is None


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(live):
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    create_user(live, "old", PASSWORD, Role.ADMIN, None, "t")
    with live.db.write() as conn:
        conn.execute(update(users).values(password_hash=weak))
        conn.commit()
    assert authenticate(live.db, "old", PASSWORD) is not None
    with live.db.read() as conn:
        upgraded = conn.execute(select(users.c.password_hash)).scalar_one()
    assert upgraded != weak and not users_service._hasher.check_needs_rehash(upgraded)
