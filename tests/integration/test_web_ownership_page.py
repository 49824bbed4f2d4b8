"""The dashboard's Ownership page (playbook 000, 2d: "dashboard accurately shows dispute
count … ownership distribution"), on SQLite and PostgreSQL: its counts equal an independent
count of the stored rows; reps do not see it."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.services.ownership.timeouts import apply_timeouts
from baton.store.tables import accounts, opportunities, ownership_decisions, ownership_disputes
from baton.workspace.scaffold import write_template
from tests.web_support import client_for, make_users

OWNERSHIP = "\nownership:\n  escalation: {path: [manager], arbiter: vp-sales}\n"


@pytest.fixture
def workspace_dir(tmp_path):
    write_template(tmp_path)
    path = tmp_path / "baton.yaml"
    path.write_text(path.read_text() + OWNERSHIP)
    return tmp_path


def kpi(page: str, key: str) -> int:
    block = page.split(f'id="kpi-{key}"', 1)[1]
    return int(re.search(r'class="kpi">\s*(\d+)', block).group(1))


def test_the_ownership_page_counts_equal_an_independent_count(api, live, clock):
    make_users(live)
    named = api.post(
        "/v1/accounts", json={"name": "A", "named": True, "owner_id": "sam-ortiz"}
    ).json()["id"]
    api.post("/v1/accounts", json={"name": "B", "owner_id": "emma-schulz"})
    for owner in ("sam-ortiz", "emma-schulz", "emma-schulz"):
        api.post(
            "/v1/opportunities",
            json={"name": "d", "stage": "Discovery", "owner_id": owner, "account_id": named},
        )
    api.patch(f"/v1/accounts/{named}", json={"owner_id": "priya-nair"})  # blocked
    api.post(
        "/v1/ownership/transfers",
        json={
            "entity": "account",
            "id": named,
            "owner_id": "priya-nair",
            "exception": "manager_override",
            "approved_by": "maria-chen",
            "reason": "moves",
        },
    )
    api.post(
        "/v1/ownership/disputes",
        json={
            "entity": "account",
            "id": named,
            "claimants": ["sam-ortiz", "priya-nair"],
            "reason": "sam says it is his",
        },
    )
    clock.advance(timedelta(days=61))
    apply_timeouts(live, clock.now())
    with live.db.read() as conn:
        kinds = Counter(conn.execute(select(ownership_decisions.c.kind)).scalars())
        open_disputes = sum(
            1 for s in conn.execute(select(ownership_disputes.c.state)).scalars() if s == "open"
        )
        acc_owners = Counter(conn.execute(select(accounts.c.owner_id)).scalars())
        opp_owners = Counter(
            conn.execute(
                select(opportunities.c.owner_id).where(opportunities.c.closed_at.is_(None))
            ).scalars()
        )
    assert kinds == {"block": 1, "exception": 1, "timeout": 3}
    page = html.unescape(client_for(live, "admin").get("/ownership").text)
    for kind in ("block", "exception", "timeout", "violation"):
        assert kpi(page, kind) == kinds.get(kind, 0)
    assert kpi(page, "disputes") == open_disputes == 1
    for owner in set(acc_owners) | set(opp_owners):
        row = page.split(f'id="owner-{owner}">', 1)[1].split("</tr>", 1)[0]
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]
        assert numbers == [acc_owners.get(owner, 0), opp_owners.get(owner, 0)]
    assert "This account is protected under Named Account rules" in page
    assert "manager_override by maria-chen: moves" in page


def test_reps_do_not_see_the_ownership_page(live):
    make_users(live)
    assert client_for(live, "sam").get("/ownership").status_code in (403, 404)
    assert client_for(live, "maria").get("/ownership").status_code == 200
