"""Shared by the dashboard tests: users of each role, a signed-in client, and a
seeded set of leads whose numbers the tests compute again in plain Python."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import insert

from baton.server import create_app
from baton.services.people.users import Role
from baton.store.tables import leads, users

PASSWORD = "correct horse battery"
# The init template's people: maria-chen manages sdr-americas (sam-ortiz, priya-nair);
# lukas-weber manages ae-emea (emma-schulz); vp-sales has no team.
USERS = {
    "admin": (Role.ADMIN, None),
    "maria": (Role.MANAGER, "maria-chen"),
    "lukas": (Role.MANAGER, "lukas-weber"),
    "sam": (Role.REP, "sam-ortiz"),
    "emma": (Role.REP, "emma-schulz"),
}
TEAMS = {
    "maria-chen": "sdr-americas",
    "sam-ortiz": "sdr-americas",
    "priya-nair": "sdr-americas",
    "lukas-weber": "ae-emea",
    "emma-schulz": "ae-emea",
    "vp-sales": None,
}
OWNERS = ["sam-ortiz", "priya-nair", "emma-schulz", "maria-chen", None]
SOURCES = ["web", "event", "partner"]
TYPES = ["demo-request", "content-download", "webinar"]
STATUSES = ["new", "mql", "sal", "sql", "recycled", "disqualified"]


@cache
def _password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)  # argon2 takes ~0.15 s: hash once per test session


def make_users(baton, more: dict[str, tuple[Role, str | None]] | None = None) -> None:
    """The USERS (or ``more`` of them, e.g. {"carl": (Role.REP, "carl-csm")}), stored directly
    with one shared hash (``create_user`` has its own tests)."""
    with baton.db.write() as conn:
        for name, (role, person) in (USERS if more is None else more).items():
            conn.execute(
                insert(users).values(
                    username=name,
                    password_hash=_password_hash(),
                    role=role.value,
                    person_id=person,
                    created_at=baton.clock.now(),
                    disabled=False,
                )
            )
        conn.commit()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_of(client.get("/signin").text)
    return client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def client_for(baton, username: str | None = None) -> TestClient:
    """A browser-like client, signed in as ``username`` (anonymous when None); ``client.csrf`` is
    its token."""
    client = TestClient(create_app(baton))
    if username:
        response = sign_in(client, username)
        assert response.status_code == 303, response.text
        client.csrf = csrf_of(client.get("/signin", follow_redirects=True).text)
    return client


@dataclass(frozen=True)
class SeededLead:
    id: int
    owner_id: str | None
    status: str
    source: str
    lead_type: str
    campaign: str
    received_at: datetime


def seed_leads(baton, count: int = 80, seed: int = 7) -> list[SeededLead]:
    """Leads received over the last 75 days, spread over owners, sources, types and statuses."""
    rng = random.Random(seed)
    now = baton.clock.now()
    out = []
    with baton.db.write() as conn:
        for i in range(count):
            received = now - timedelta(minutes=rng.randrange(0, 75 * 24 * 60))
            owner = rng.choice(OWNERS)
            values = {
                "email": f"lead{i}@example{i % 9}.com",
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "company": f"Company {i % 13}",
                "source": rng.choice(SOURCES),
                "campaign": f"camp-{i % 4}",
                "lead_type": rng.choice(TYPES),
                "status": rng.choice(STATUSES),
                "owner_id": owner,
                "queue": None if owner else "sdr-queue",
                "received_at": received,
                "engaged_at": received,
                "assigned_at": received + timedelta(minutes=3) if owner else None,
                "is_test": False,
                "override_owner": False,
                "source_system": "",
                "extra": {},
                "created_at": received,
                "updated_at": received,
            }
            lead_id = conn.execute(
                insert(leads).values(**values).returning(leads.c.id)
            ).scalar_one()
            out.append(
                SeededLead(
                    lead_id,
                    owner,
                    values["status"],
                    values["source"],
                    values["lead_type"],
                    values["campaign"],
                    received,
                )
            )
        conn.commit()
    return out


def total_of(html: str) -> int:
    """The lead list's count ("<strong data-total>1,234</strong>")."""
    return int(re.search(r"<strong data-total>([\d,]+)</strong>", html).group(1).replace(",", ""))


def lead_ids_of(html: str) -> set[int]:
    return {int(m) for m in re.findall(r'<td><a href="/leads/(\d+)', html)}
