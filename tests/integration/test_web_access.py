"""Dashboard sign-in, sessions, CSRF and who sees which lead."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime

import pytest

from baton.services.people.users import disable_user
from baton.web.secret import SecretKeyError, session_secret
from tests.web_support import (
    TEAMS,
    client_for,
    csrf_of,
    lead_ids_of,
    sign_in,
    total_of,
)


def test_anonymous_visitors_are_sent_to_sign_in_and_see_no_data(web):
    anonymous = client_for(web)
    for path in ("/", "/leads", "/leads/1", "/people", "/workspace", "/leads?range=7d"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/signin?next="
        )
    page = anonymous.get("/people")
    assert page.status_code == 200 and "Sign in" in page.text and "Sam Ortiz" not in page.text


def test_htmx_requests_of_anonymous_visitors_get_a_client_redirect(web):
    response = client_for(web).get(
        "/leads?range=7d", headers={"HX-Request": "true"}, follow_redirects=False
    )
    assert (
        response.status_code == 200
        and response.headers["HX-Redirect"] == "/signin?next=%2Fleads%3Frange%3D7d"
    )


def test_sign_in_goes_to_the_page_asked_for_and_sets_a_safe_cookie(web):
    client = client_for(web)
    token = csrf_of(client.get("/signin?next=/workspace").text)
    response = client.post(
        "/signin",
        data={
            "username": "admin",
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/workspace",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/workspace"
    cookie = response.headers["set-cookie"].lower()
    assert "baton_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/workspace").status_code == 200


def test_sign_in_never_redirects_off_site(web):
    client = client_for(web)
    token = csrf_of(client.get("/signin").text)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/signin",
            data={
                "username": "admin",
                "password": "correct horse battery",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"
        client.cookies.clear()
        token = csrf_of(client.get("/signin").text)


def test_wrong_password_and_unknown_user_are_refused_alike(web):
    client = client_for(web)
    for user, password in (("admin", "wrong password!"), ("nobody", "correct horse battery")):
        response = sign_in(client, user, password)
        assert response.status_code == 401 and "Wrong user name or password." in response.text
    assert client.get("/leads", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(web):
    client = client_for(web, "admin")
    response = client.post("/signout", data={"csrf_token": client.csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert client.get("/leads", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_signed_out_at_the_next_request(web):
    client = client_for(web, "sam")
    assert client.get("/leads").status_code == 200
    disable_user(web, "sam", "tester")
    assert client.get("/leads", follow_redirects=False).status_code == 303
    assert sign_in(client_for(web), "sam").status_code == 401


def test_posts_without_the_csrf_token_are_refused(web):
    client = client_for(web, "admin")
    form = {"starts": "2026-12-22", "ends": "2027-01-04", "reason": "PTO"}
    assert client.post("/people/sam-ortiz/out-of-office", data=form).status_code == 403
    assert (
        client.post(
            "/people/sam-ortiz/out-of-office", data=form | {"csrf_token": "forged"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/people/sam-ortiz/out-of-office", data=form, headers={"X-CSRF-Token": "forged"}
        ).status_code
        == 403
    )
    assert client.post("/signout", data={}).status_code == 403
    assert "CSRF" in client.post("/signout", data={}).text
    anonymous = client_for(web)
    anonymous.get("/signin")
    assert (
        anonymous.post(
            "/signin", data={"username": "admin", "password": "correct horse battery"}
        ).status_code
        == 403
    )


def test_htmx_posts_carry_the_token_in_a_header(web):
    client = client_for(web, "admin")
    form = {"starts": "2026-12-22", "ends": "2027-01-04", "reason": "PTO"}
    response = client.post(
        "/people/sam-ortiz/out-of-office",
        data=form,
        headers={"X-CSRF-Token": client.csrf, "HX-Request": "true"},
    )
    assert response.status_code == 200 and "Sam Ortiz is out of office" in response.text
    assert "<html" not in response.text  # the main block only, swapped in place


def test_admin_sees_every_lead_managers_their_teams_reps_their_own(web, seeded):
    since, until = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)
    in_window = [lead for lead in seeded if since <= lead.received_at < until]
    expected = {
        "admin": {lead.id for lead in in_window},
        "maria": {
            lead.id
            for lead in in_window
            if lead.owner_id and TEAMS[lead.owner_id] == "sdr-americas"
        },
        "lukas": {
            lead.id for lead in in_window if lead.owner_id and TEAMS[lead.owner_id] == "ae-emea"
        },
        "sam": {lead.id for lead in in_window if lead.owner_id == "sam-ortiz"},
    }
    for user, ids in expected.items():
        client = client_for(web, user)
        page = client.get("/leads?range=custom&from=2026-10-05&to=2026-11-02&tz=UTC")
        assert page.status_code == 200
        assert total_of(page.text) == len(ids), user
        assert lead_ids_of(page.text) == ids, user  # fewer than a page: every id is listed


def test_a_rep_editing_the_url_gets_404_for_a_lead_that_is_not_theirs(web, seeded):
    sam = client_for(web, "sam")
    mine = next(lead for lead in seeded if lead.owner_id == "sam-ortiz")
    teammate = next(lead for lead in seeded if lead.owner_id == "priya-nair")
    other_team = next(lead for lead in seeded if lead.owner_id == "emma-schulz")
    unassigned = next(lead for lead in seeded if lead.owner_id is None)
    assert sam.get(f"/leads/{mine.id}").status_code == 200
    for lead in (teammate, other_team, unassigned):
        response = sam.get(f"/leads/{lead.id}")
        assert response.status_code == 404 and "not yours to see" in response.text
    assert sam.get("/leads/999999").status_code == 404
    assert total_of(sam.get("/leads?owner=emma-schulz").text) == 0


def test_a_manager_sees_their_teams_leads_but_not_other_teams(web, seeded):
    maria = client_for(web, "maria")
    teammate = next(lead for lead in seeded if lead.owner_id == "priya-nair")
    other_team = next(lead for lead in seeded if lead.owner_id == "emma-schulz")
    page = maria.get(f"/leads/{teammate.id}")
    assert page.status_code == 200 and "Priya Nair" in page.text and "SDR Americas" in page.text
    assert maria.get(f"/leads/{other_team.id}").status_code == 404
    assert client_for(web, "admin").get(f"/leads/{other_team.id}").status_code == 200


def test_reps_cannot_open_the_workspace_page_and_do_not_see_it_in_the_menu(web):
    sam = client_for(web, "sam")
    assert sam.get("/workspace").status_code == 403
    menu = sam.get("/people").text
    assert 'href="/workspace' not in menu and 'href="/people' in menu and 'href="/leads' in menu


def test_the_menu_lists_the_pages_in_order_and_only_those_the_role_may_open(web):
    def menu(user):
        return re.findall(
            r'<a href="(/[a-z]*)\?[^"]*"[^>]*>([^<]+)</a>',
            client_for(web, user).get("/people").text,
        )

    assert [title for _, title in menu("admin")] == [
        "Overview",
        "Health",
        "SLA",
        "Speed to lead",
        "Funnel",
        "Feedback",
        "Routing",
        "Leads",
        "People",
        "Handoff",
        "Ownership",
        "Workspace",
    ]
    assert menu("sam") == [
        ("/", "Overview"),
        ("/sla", "SLA"),
        ("/speed", "Speed to lead"),
        ("/funnel", "Funnel"),
        ("/feedback", "Feedback"),
        ("/leads", "Leads"),
        ("/people", "People"),
        ("/handoff", "Handoff"),
    ]


def test_session_key_is_generated_once_with_owner_only_permissions(tmp_path):
    first = session_secret(tmp_path, environ={})
    path = tmp_path / ".baton" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert session_secret(tmp_path, environ={}) == first and len(first) >= 32
    assert session_secret(tmp_path, environ={"BATON_SECRET_KEY": "k" * 40}) == "k" * 40
    with pytest.raises(SecretKeyError, match="at least 32"):
        session_secret(tmp_path, environ={"BATON_SECRET_KEY": "short"})


def test_a_dashboard_url_that_does_not_exist_is_the_dashboards_error_page(web):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    page = client_for(web, "sam").get("/nope", headers=browser)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text and "There is no page at /nope." in page.text
    anonymous = client_for(web).get("/leads/1/nope", headers=browser)
    assert anonymous.status_code == 404 and "Back to the dashboard" in anonymous.text


def test_the_api_keeps_its_json_404_even_for_a_browser(web):
    browser = {"Accept": "text/html,*/*;q=0.8"}
    for path in ("/v1/nope", "/v1/leads/1/nope"):
        response = client_for(web).get(path, headers=browser)
        assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    assert client_for(web).get("/nope").json() == {"detail": "Not Found"}  # no HTML asked for


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/leads/99999999999999999999", 404, "There is no page at /leads/99999999999999999999"),
        ("/leads?owner=%00", 400, "NUL character"),
        ("/sla?team=%00", 400, "NUL character"),
        ("/people/sam%00", 400, "NUL character"),
    ],
)
def test_an_address_no_page_can_answer_is_the_error_page_not_a_server_error(
    web, path, status, words
):
    page = client_for(web, "admin").get(path)
    assert page.status_code == status and words in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_a_form_field_with_a_nul_character_is_refused_alike_on_both_databases(web):
    client = client_for(web, "admin")
    form = {"starts": "2026-12-22", "ends": "2027-01-04", "reason": "P\x00TO"}
    response = client.post(
        "/people/sam-ortiz/out-of-office", data=form, headers={"X-CSRF-Token": client.csrf}
    )
    assert response.status_code == 400 and "reason&#39; contains a NUL" in response.text
    assert "PTO" not in client.get("/people/sam-ortiz").text.replace("P\x00TO", "")
