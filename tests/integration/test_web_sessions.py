"""Dashboard sessions and sign-in (issue 17 row 8): sessions end on the server at sign-out
and at a new password, wrong passwords are throttled per name and per address with a
doubling pause, X-Forwarded-For is believed from trusted proxies only, and the cookie is
Secure with HSTS when BATON_COOKIE_SECURE is on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from ipaddress import ip_network

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from baton.cli.main import cli
from baton.server import create_app
from baton.services.events import EventFilter, list_events
from baton.services.people.signin import list_attempts
from baton.services.people.users import UserError, change_password
from baton.settings import SessionSettings
from tests.web_support import client_for, sign_in

WRONG = "not the password"


def _copy_of(web, client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = TestClient(create_app(web))
    thief.cookies.update(client.cookies)
    return thief


def _from(web, address: str, **headers: str) -> TestClient:
    """A browser whose connection comes from ``address``."""
    client = TestClient(create_app(web), client=(address, 50000))
    client.headers.update(headers)
    return client


def _signed_in(response) -> bool:
    return response.status_code == 303


def test_a_copied_cookie_is_refused_once_its_user_signs_out(web):
    client = client_for(web, "sam")
    thief = _copy_of(web, client)
    other_device = client_for(web, "sam")
    assert thief.get("/leads").status_code == 200
    client.post("/signout", data={"csrf_token": client.csrf})
    assert thief.get("/leads", follow_redirects=False).status_code == 303
    assert client.get("/leads", follow_redirects=False).status_code == 303
    assert other_device.get("/leads").status_code == 200  # signing out ends this session only
    assert "Sign in" in thief.get("/leads").text  # an ended cookie does not bounce back


def test_a_new_password_ends_every_session_of_its_user(web):
    client = client_for(web, "sam")
    thief = _copy_of(web, client)
    others = client_for(web, "emma")
    change_password(web, "sam", "a brand new password", "tester")
    assert thief.get("/leads", follow_redirects=False).status_code == 303
    assert client.get("/leads", follow_redirects=False).status_code == 303
    assert others.get("/leads").status_code == 200
    assert sign_in(client_for(web), "sam").status_code == 401
    assert _signed_in(sign_in(client_for(web), "sam", "a brand new password"))


def test_a_new_password_must_be_long_enough_and_its_user_must_exist(web):
    with pytest.raises(UserError, match="at least 10 characters"):
        change_password(web, "sam", "short", "tester")
    with pytest.raises(UserError, match="no user 'nobody'"):
        change_password(web, "nobody", "a brand new password", "tester")


def test_baton_user_password_ends_the_sessions_and_signins_lists_the_failures(web, workspace_dir):
    client = client_for(web, "sam")
    sign_in(_from(web, "203.0.113.9"), "emma", WRONG)
    env = {"BATON_DATABASE_URL": web.settings.database_url, "BATON_AUTHOR": "rita"}

    def run(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli, ["-w", str(workspace_dir), *args], env=env, input=stdin)

    changed = run("user", "password", "sam", "--password-stdin", stdin="a brand new password\n")
    assert changed.exit_code == 0, changed.output
    assert client.get("/leads", follow_redirects=False).status_code == 303
    with web.db.read() as conn:
        (event,) = list_events(conn, EventFilter(kind="user.password_changed"))
    assert event["payload"] == {"sessions_ended": 1} and event["actor"] == "cli:rita"
    listed = run("user", "signins")
    assert listed.exit_code == 0 and "FAILED" in listed.output
    assert "emma" in listed.output and "203.0.113.9" in listed.output and "sam" not in listed.output
    assert "sam" in run("user", "signins", "--all").output


def test_the_sixth_wrong_password_is_paused_and_the_right_one_waits_too(web, clock):
    client = client_for(web)
    for _ in range(5):
        assert sign_in(client, "sam", WRONG).status_code == 401
    paused = sign_in(client, "sam", WRONG)
    assert paused.status_code == 429 and paused.headers["Retry-After"] == "60"
    assert "Too many failed sign-ins" in paused.text
    right = sign_in(client, "sam")
    assert right.status_code == 429 and right.headers["Retry-After"] == "60"
    clock.advance(timedelta(seconds=30))
    assert sign_in(client, "sam").headers["Retry-After"] == "30"
    clock.advance(timedelta(seconds=30))
    assert _signed_in(sign_in(client, "sam"))


def test_each_failure_after_a_pause_doubles_it_and_a_success_resets(web, clock):
    client = client_for(web)
    for _ in range(5):
        sign_in(client, "sam", WRONG)
    for pause in (120, 240, 480):
        clock.advance(timedelta(seconds=pause // 2))
        assert sign_in(client, "sam", WRONG).status_code == 401  # checked: the pause was over
        assert sign_in(client, "sam").headers["Retry-After"] == str(pause)
    clock.advance(timedelta(seconds=480))
    assert _signed_in(sign_in(client_for(web), "sam"))
    for _ in range(4):  # counted afresh after the success
        assert sign_in(client_for(web), "sam", WRONG).status_code == 401
    assert _signed_in(sign_in(client_for(web), "sam"))


def test_failures_are_forgiven_after_a_quiet_window(web, clock):
    client = client_for(web)
    for _ in range(4):
        sign_in(client, "sam", WRONG)
    clock.advance(timedelta(minutes=15))
    for _ in range(4):
        assert sign_in(client, "sam", WRONG).status_code == 401


def test_one_address_trying_many_names_is_paused(web):
    attacker = _from(web, "203.0.113.9")
    for name in ("sam", "emma", "maria", "lukas", "nobody"):
        assert sign_in(attacker, name, WRONG).status_code == 401
    assert sign_in(attacker, "admin", WRONG).status_code == 429
    assert _signed_in(sign_in(_from(web, "198.51.100.7"), "admin"))  # elsewhere: not paused


def test_one_name_tried_from_many_addresses_is_paused(web):
    for i in range(5):
        assert sign_in(_from(web, f"203.0.113.{i}"), "sam", WRONG).status_code == 401
    assert sign_in(_from(web, "198.51.100.7"), "sam").status_code == 429


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(web):
    for i in range(5):
        client = _from(web, "203.0.113.9", **{"X-Forwarded-For": f"192.0.2.{i}"})
        assert sign_in(client, f"user{i}", WRONG).status_code == 401
    spoofed = _from(web, "203.0.113.9", **{"X-Forwarded-For": "192.0.2.200"})
    assert sign_in(spoofed, "admin").status_code == 429
    with web.db.read() as conn:
        assert {a["address"] for a in list_attempts(conn)} == {"203.0.113.9"}


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(web):
    web.settings = replace(
        web.settings, sessions=SessionSettings(trusted_proxies=(ip_network("10.0.0.0/8"),))
    )
    for i in range(5):
        via_proxy = _from(web, "10.0.0.2", **{"X-Forwarded-For": f"192.0.2.1, 10.0.0.{i + 5}"})
        assert sign_in(via_proxy, f"user{i}", WRONG).status_code == 401
    again = _from(web, "10.0.0.2", **{"X-Forwarded-For": "192.0.2.1"})
    assert sign_in(again, "admin").status_code == 429
    other = _from(web, "10.0.0.2", **{"X-Forwarded-For": "192.0.2.2"})
    assert _signed_in(sign_in(other, "admin"))


def test_failed_sign_ins_are_recorded_with_who_where_and_when(web, clock):
    sign_in(_from(web, "203.0.113.9"), "sam", WRONG)
    sign_in(_from(web, "203.0.113.9"), "sam")
    with web.db.read() as conn:
        (failed,) = list_attempts(conn)
        assert len(list_attempts(conn, failed_only=False)) == 2
    assert (failed["username"], failed["address"], failed["at"]) == (
        "sam",
        "203.0.113.9",
        clock.now(),
    )
    assert failed["succeeded"] is False


def test_the_cookie_is_secure_with_hsts_when_cookie_secure_is_on(web):
    web.settings = replace(web.settings, sessions=SessionSettings(cookie_secure=True))
    client = TestClient(create_app(web), base_url="https://baton.test")
    response = sign_in(client, "admin")
    assert _signed_in(response) and "secure" in response.headers["set-cookie"].lower()
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/leads").status_code == 200


def test_neither_secure_nor_hsts_without_cookie_secure(web):
    client = client_for(web)
    response = sign_in(client, "admin")
    assert _signed_in(response) and "secure" not in response.headers["set-cookie"].lower()
    assert "Strict-Transport-Security" not in response.headers
