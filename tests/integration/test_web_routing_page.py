"""The Routing page's numbers, each recomputed from the stored rows, and each drill-down adding
up."""

from __future__ import annotations

import html
import re
from collections import Counter

from sqlalchemy import select

from baton.store.tables import leads, routing_decisions
from tests.web_support import client_for, make_users, total_of


def number_after(page: str, heading: str) -> int:
    block = page.split(f"<h2>{heading}</h2>", 1)[1]
    return int(re.search(r">\s*([\d,]+)\s*<", block).group(1).replace(",", ""))


def test_routing_page_counts_and_drill_downs(api, live, clock):
    make_users(live)
    api.patch(
        "/v1/people/priya-nair",
        json={
            "out_of_office": [
                {"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-11-02T15:00:30Z"}
            ]
        },
    )
    for i in range(6):
        api.post("/v1/leads", json={"email": f"n{i}@na{i}.com", "region": "NA"})
    for i in range(2):
        api.post("/v1/leads", json={"email": f"e{i}@eu{i}.de", "region": "EMEA", "employees": 5000})
    for pid in ("sam-ortiz", "priya-nair"):
        api.patch(f"/v1/people/{pid}", json={"active": False})
    stranded = api.post("/v1/leads", json={"email": "x@stranded.com", "region": "NA"}).json()
    api.post(f"/v1/leads/{stranded['id']}/misroute", json={"reason": "should have gone to EMEA"})
    with live.db.read() as conn:
        nodes = Counter(r.node for r in conn.execute(select(routing_decisions.c.node)))
        owners = Counter(r.owner_id for r in conn.execute(select(leads.c.owner_id)) if r.owner_id)
    assert nodes == {"round robin sdr-americas": 6, "emea? / territory main": 2, "fallback": 1}
    client = client_for(live, "admin")
    page = html.unescape(client.get("/routing").text)
    assert number_after(page, "Routed") == 9 and number_after(page, "To the fallback") == 1
    assert number_after(page, "Flagged as misrouted") == 1
    assert "should have gone to EMEA" in page
    assert total_of(client.get("/leads", params={"fallback": "yes"}).text) == 1
    api.post(
        "/v1/leads", json={"email": "crm@history.com", "owner_id": "emma-schulz"}
    )  # arrived assigned: not routed
    assert total_of(client.get("/leads", params={"routed": "yes"}).text) == 9
    assert total_of(client.get("/leads", params={"node": "round robin sdr-americas"}).text) == 6
    assert (
        total_of(client.get("/leads", params={"pool": "sdr-americas", "owner": "sam-ortiz"}).text)
        == owners["sam-ortiz"]
    )
    assert owners["sam-ortiz"] == 6  # priya was away for the first leads: Sam took them all
    assert "Imbalance 100.0 %" in page  # and the page says so
    assert total_of(client.get("/leads", params={"queue": "inbound-triage"}).text) == 1
    csv = client.get("/routing", params={"csv": "node-hits"}).text
    assert "round robin sdr-americas" in csv and ",6" in csv


def test_reps_do_not_get_the_routing_page(live):
    make_users(live)
    assert client_for(live, "sam").get("/routing").status_code == 403
