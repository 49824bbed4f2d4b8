"""Dashboard pages: each number equals a count made here from the seeded rows, and
links to the leads behind it; filters, time zones, the PTO form, the Workspace page."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from baton.domain.people import Period
from baton.services.events import EventFilter, list_events
from baton.services.people.availability import add_out_of_office
from baton.services.versions.versions import activate_version, apply_workspace
from baton.store.tables import out_of_office, scenario_runs
from baton.workspace.loader import load_workspace
from tests.web_support import client_for, lead_ids_of, total_of

NEW_YORK = ZoneInfo("America/New_York")
OPEN = {"new", "mql", "sal"}
PTO = {"starts": "2026-12-22", "ends": "2027-01-04", "reason": "Holidays"}


def last_30_days_new_york():
    """The default period for a viewer in New York on Monday 2 November 2026: 4 Oct 00:00 to
    3 Nov 00:00, local."""
    return datetime(2026, 10, 4, tzinfo=NEW_YORK), datetime(2026, 11, 3, tzinfo=NEW_YORK)


def person_cells(html: str, person_id: str) -> dict[str, str]:
    row = re.search(rf'<tr id="person-{person_id}".*?</tr>', html, re.DOTALL).group(0)
    return dict(re.findall(r'data-(open|received)="(\d+)"', row)) | {
        "links": re.findall(r'<a class="drill" href="([^"]+)"', row)
    }


def test_lead_list_counts_the_default_last_30_days_in_the_viewers_zone(web, seeded):
    since, until = last_30_days_new_york()
    expected = {lead.id for lead in seeded if since <= lead.received_at < until}
    page = client_for(web, "admin").get("/leads")
    assert "Last 30 days: 04 Oct 2026 – 02 Nov 2026 (America/New_York)" in page.text
    assert total_of(page.text) == len(expected) and lead_ids_of(page.text) == expected


def test_lead_list_filters_by_source_type_owner_team_and_status(web, seeded):
    since, until = last_30_days_new_york()
    admin = client_for(web, "admin")
    cases = {
        "source=web&lead_type=webinar": lambda lead: (
            lead.source == "web" and lead.lead_type == "webinar"
        ),
        "campaign=camp-1": lambda lead: lead.campaign == "camp-1",
        "owner=priya-nair&status=open": lambda lead: (
            lead.owner_id == "priya-nair" and lead.status in OPEN
        ),
        "team=sdr-americas": lambda lead: (
            lead.owner_id in ("sam-ortiz", "priya-nair", "maria-chen")
        ),
        "status=recycled": lambda lead: lead.status == "recycled",
    }
    for query, keep in cases.items():
        expected = {lead.id for lead in seeded if since <= lead.received_at < until and keep(lead)}
        page = admin.get(f"/leads?{query}")
        assert total_of(page.text) == len(expected), query
        assert lead_ids_of(page.text) == expected, query


def test_lead_list_pages_through_a_long_list(web, seeded):
    admin = client_for(web, "admin")
    seen: set[int] = set()
    for number in (1, 2):
        page = admin.get(f"/leads?range=custom&from=2026-08-01&to=2026-11-02&page={number}")
        seen |= lead_ids_of(page.text)
    assert seen == {lead.id for lead in seeded} and total_of(page.text) == len(seeded) == 80
    assert "page 2 of 2" in page.text
    assert (
        admin.get("/leads?page=abc").status_code == 200
    )  # a bad page number is page 1, not an error


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "range=custom&from=2026-02-30&to=2026-03-01",
            "from: '2026-02-30' is not a date; expected YYYY-MM-DD",
        ),
        ("from=2026-11-01", "to: a custom range needs both dates"),
        (
            "range=custom&from=2026-11-02&to=2026-10-01",
            "to (2026-10-01) is before from (2026-11-02)",
        ),
        ("range=forever", "range: 'forever' is not one of today, 7d, 30d, quarter, custom"),
        (
            "tz=Europe/Berln",
            "tz: 'Europe/Berln' is not a known IANA time zone (did you mean 'Europe/Berlin'?)",
        ),
        ("status=lost", "status: 'lost' is not one of open, new"),
        ("date=closed", "date: 'closed' is not one of received"),
    ],
)
def test_bad_filters_get_a_clear_message_not_a_500(web, query, message):
    page = client_for(web, "admin").get(f"/leads?{query}")
    assert page.status_code == 400
    assert message.replace("'", "&#39;") in page.text and "Check the filters" in page.text


def test_times_are_shown_in_the_viewers_zone_or_the_one_asked_for(web, seeded):
    lead = next(lead for lead in seeded if lead.owner_id == "sam-ortiz")
    for user, query, zone in (
        ("sam", "", "America/Chicago"),
        ("admin", "", "America/New_York"),
        ("admin", "?tz=Asia/Tokyo", "Asia/Tokyo"),
    ):
        page = client_for(web, user).get(f"/leads/{lead.id}{query}")
        shown = lead.received_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        assert page.status_code == 200 and zone in page.text
        assert re.search(rf"<dt>received</dt><dd>{shown}</dd>", page.text), (user, zone)


def shown_status(status: str) -> str:
    """How the lead page names a status with no lifecycle.names: MQL, SAL, SQL; Recycled…"""
    return status.upper() if len(status) == 3 else status.title()


def test_lead_page_shows_fields_owner_status_and_timestamps(web, seeded):
    lead = next(lead for lead in seeded if lead.owner_id == "emma-schulz")
    page = client_for(web, "admin").get(f"/leads/{lead.id}").text
    assert (
        f"First{lead.id - 1} Last{lead.id - 1}" in page
        and "Emma Schulz" in page
        and "AE EMEA" in page
    )
    assert (
        f'status-{lead.status}">{shown_status(lead.status)}<' in page
        and lead.source in page
        and lead.campaign in page
    )
    assert (
        "<dt>assigned</dt><dd>"
        + (lead.received_at + timedelta(minutes=3)).astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M")
        in page
    )


def test_people_page_load_and_received_numbers_match_the_rows_and_drill_down_to_them(web, seeded):
    since, until = last_30_days_new_york()
    admin = client_for(web, "admin")
    page = admin.get("/people").text
    for person in ("sam-ortiz", "priya-nair", "emma-schulz", "maria-chen", "lukas-weber"):
        open_ids = {lead.id for lead in seeded if lead.owner_id == person and lead.status in OPEN}
        received = {
            lead.id
            for lead in seeded
            if lead.owner_id == person and since <= lead.received_at < until
        }
        cells = person_cells(page, person)
        assert int(cells["open"]) == len(open_ids) and int(cells["received"]) == len(received), (
            person
        )
        links = [link.replace("&amp;", "&") for link in cells["links"]]
        if open_ids:
            listed = admin.get(links[0]).text
            assert total_of(listed) == len(open_ids) and lead_ids_of(listed) == open_ids, person
        if received:
            listed = admin.get(links[-1]).text
            assert total_of(listed) == len(received) and lead_ids_of(listed) == received, person


def test_people_chart_csv_is_the_numbers_of_its_table(web, seeded):
    admin = client_for(web, "admin")
    exported = admin.get("/people?csv=open-by-person")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert (
        'filename="open-by-person-2026-10-04-2026-11-02.csv"'
        in exported.headers["content-disposition"]
    )
    rows = {r["Person"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert rows["Sam Ortiz"]["Open leads"] == str(
        sum(1 for lead in seeded if lead.owner_id == "sam-ortiz" and lead.status in OPEN)
    )
    assert rows["Sam Ortiz"]["Max open"] == "40" and rows["Maria Chen"]["Max open"] == ""
    assert admin.get("/people?csv=nope").status_code == 404


def test_people_page_shows_who_is_away_and_a_rep_sees_only_their_own_load(web, seeded):
    away = Period(web.clock.now() - timedelta(days=1), web.clock.now() + timedelta(days=3))
    add_out_of_office(web, "priya-nair", replace(away, reason="Conference"), "t")
    sam = client_for(web, "sam").get("/people").text
    assert (
        "Priya Nair" in sam and "Conference" in sam and "Emma Schulz" not in sam
    )  # their own team only
    assert person_cells(sam, "sam-ortiz")["open"] == str(
        sum(1 for lead in seeded if lead.owner_id == "sam-ortiz" and lead.status in OPEN)
    )
    assert "open" not in person_cells(
        sam, "priya-nair"
    )  # a teammate's leads are not the rep's to count
    assert "Set out of office" not in sam


def test_a_manager_sets_pto_for_a_team_member_in_that_persons_time_zone(web):
    maria = client_for(web, "maria")
    response = maria.post(
        "/people/sam-ortiz/out-of-office?range=7d",
        data=PTO | {"csrf_token": maria.csrf},
        follow_redirects=False,
    )
    assert (
        response.status_code == 303
        and response.headers["location"] == "/people?range=7d#person-sam-ortiz"
    )
    with web.db.read() as conn:
        (period,) = conn.execute(
            select(out_of_office).where(out_of_office.c.person_id == "sam-ortiz")
        ).all()
        (event,) = list_events(conn, EventFilter(kind="person.out_of_office_set"))
    chicago = ZoneInfo("America/Chicago")
    assert period.starts_at == datetime(
        2026, 12, 22, tzinfo=chicago
    ) and period.ends_at == datetime(2027, 1, 4, tzinfo=chicago)
    assert period.reason == "Holidays" and event["actor"] == "web:maria"
    page = maria.get(response.headers["location"]).text
    assert "Sam Ortiz is out of office from 2026-12-22, back 2027-01-04 (Holidays)." in page
    assert "2026-12-22 → back 2027-01-04" in page


@pytest.mark.parametrize(
    "form, field, message",
    [
        ({"starts": "", "ends": "2027-01-04"}, "starts", "The first day out is required"),
        (
            {"starts": "22/12/2026", "ends": "2027-01-04"},
            "starts",
            "&#39;22/12/2026&#39; is not a date; expected YYYY-MM-DD",
        ),
        (
            {"starts": "2026-12-22", "ends": "2026-12-20"},
            "ends",
            "the end (2026-12-20 00:00) must be after the start"
            " (2026-12-22 00:00, America/Chicago)",
        ),
        ({"starts": "2026-12-22", "ends": "2028-01-04"}, "ends", "a period is at most 366 days"),
        (
            {"starts": "2026-12-22", "ends": "2026-12-23", "reason": "x" * 201},
            "reason",
            "at most 200 characters",
        ),
    ],
)
def test_a_bad_pto_form_is_shown_again_with_the_problem_and_nothing_is_stored(
    web, form, field, message
):
    admin = client_for(web, "admin")
    response = admin.post("/people/sam-ortiz/out-of-office", data=form | {"csrf_token": admin.csrf})
    assert response.status_code == 422 and message in response.text
    assert re.search(
        r'<details class="pto" open>', response.text
    )  # the form stays open under Sam's row
    with web.db.read() as conn:
        assert conn.execute(select(out_of_office)).all() == []


def test_an_overlapping_pto_period_is_refused(web):
    admin = client_for(web, "admin")
    assert (
        admin.post(
            "/people/sam-ortiz/out-of-office",
            data=PTO | {"csrf_token": admin.csrf},
            follow_redirects=False,
        ).status_code
        == 303
    )
    again = admin.post(
        "/people/sam-ortiz/out-of-office",
        data={"starts": "2027-01-02", "ends": "2027-01-10", "csrf_token": admin.csrf},
    )
    assert (
        again.status_code == 422
        and "overlaps the period already set (2026-12-22 → 2027-01-03, Holidays)" in again.text
    )


def test_reps_cannot_set_pto_and_managers_only_for_their_teams(web):
    sam = client_for(web, "sam")
    assert (
        sam.post("/people/sam-ortiz/out-of-office", data=PTO | {"csrf_token": sam.csrf}).status_code
        == 403
    )
    maria = client_for(web, "maria")
    assert (
        maria.post(
            "/people/emma-schulz/out-of-office", data=PTO | {"csrf_token": maria.csrf}
        ).status_code
        == 404
    )
    with web.db.read() as conn:
        assert conn.execute(select(out_of_office)).all() == []


def test_a_pto_period_can_be_removed(web):
    admin = client_for(web, "admin")
    admin.post("/people/sam-ortiz/out-of-office", data=PTO | {"csrf_token": admin.csrf})
    with web.db.read() as conn:
        period_id = conn.execute(select(out_of_office.c.id)).scalar_one()
    response = admin.post(
        f"/people/sam-ortiz/out-of-office/{period_id}/remove",
        data={"csrf_token": admin.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with web.db.read() as conn:
        assert conn.execute(select(out_of_office)).all() == []
    assert (
        admin.post(
            f"/people/sam-ortiz/out-of-office/{period_id}/remove", data={"csrf_token": admin.csrf}
        ).status_code
        == 404
    )


def test_workspace_page_versions_diff_scenarios_and_silent_mode(web, workspace_dir):
    text = (workspace_dir / "baton.yaml").read_text().replace("name: Acme", "name: Acme Two", 1)
    (workspace_dir / "baton.yaml").write_text(
        text + "\nalerts:\n  silent: true\n  test_recipient: maria-chen\n  calendar: americas\n"
    )
    second = apply_workspace(web, load_workspace(workspace_dir), "rita", web.clock.now())
    activate_version(web, second.number, "rita", web.clock.now())
    web.clock.advance(timedelta(hours=1))
    with web.db.write() as conn:
        for ran_at, passed, failed in (
            (web.clock.now() - timedelta(minutes=30), 17, 2),
            (web.clock.now(), 19, 0),
        ):
            results = [
                {
                    "line": 3,
                    "name": "emea lead",
                    "passed": failed == 0,
                    "problems": ["expected owner emma-schulz, got —"],
                }
            ]
            conn.execute(
                insert(scenario_runs).values(
                    version=1,
                    file="scenarios.csv",
                    ran_at=ran_at,
                    passed=passed,
                    failed=failed,
                    results=results,
                )
            )
        conn.execute(
            insert(scenario_runs).values(
                version=2,
                file="scenarios.csv",
                ran_at=web.clock.now(),
                passed=18,
                failed=1,
                results=[
                    {
                        "line": 5,
                        "name": "apac lead",
                        "passed": False,
                        "problems": ["expected queue apac"],
                    }
                ],
            )
        )
        conn.commit()
    page = client_for(web, "maria").get("/workspace").text
    v1 = re.search(r'<tr id="version-1">.*?</tr>', page, re.DOTALL).group(0)
    v2 = re.search(r'<tr id="version-2">.*?</tr>', page, re.DOTALL).group(0)
    assert "state-retired" in v1 and "19 passed, 0 failed" in v1 and "17 passed" not in v1
    assert (
        "state-active" in v2 and "rita" in v2 and "18 passed, 1 failed" in v2 and "apac lead" in v2
    )
    assert (
        "~ workspace.name: &#34;Acme Corp&#34; → &#34;Acme Two Corp&#34;" in page
    )  # versions 1 → 2 by default
    assert (
        re.search(r'<span class="badge away">on</span> since 2026-11-02 10:00', page)
        and "maria-chen" in page
    )
    assert "0.1 business days spent in silent mode" in page  # one business hour of an 8-hour day
    chosen = client_for(web, "admin").get("/workspace?a=2&b=1").text
    assert "Changes from version 2 to version 1" in chosen
    assert "there is no version 9" in client_for(web, "admin").get("/workspace?a=1&b=9").text
