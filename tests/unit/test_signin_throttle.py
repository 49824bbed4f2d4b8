"""The sign-in throttle's arithmetic, the client address behind proxies, and the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_network

import pytest

from baton.domain.signin import ThrottlePolicy, paused_until, retry_after_seconds
from baton.settings import SessionSettings, Settings, SettingsError
from baton.web.transport import forwarded_client

T0 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_four_failures_earn_no_pause_and_the_fifth_one_minute():
    assert paused_until([at(i) for i in range(4)], POLICY) is None
    assert paused_until([at(i) for i in range(5)], POLICY) == at(4 + 60)


def test_five_failures_spread_over_more_than_the_window_earn_no_pause():
    assert paused_until([at(i * 240) for i in range(5)], POLICY) is None  # 16 min apart first-last


def test_each_failure_soon_after_a_pause_doubles_it_up_to_the_cap():
    failures = [at(i) for i in range(5)] + [at(100), at(300), at(700)]
    assert paused_until(failures, POLICY) == at(700 + 480)
    many = [at(i) for i in range(5)]
    for _ in range(10):  # each one as soon as the last pause is over
        many.append(paused_until(many, POLICY))
    assert paused_until(many, POLICY) - many[-1] == timedelta(hours=1)


def test_a_quiet_window_after_a_pause_forgives_it():
    failures = [at(i) for i in range(5)] + [at(64 + 901)]
    assert paused_until(failures, POLICY) is None


def test_retry_after_is_whole_seconds_rounded_up_and_none_once_over():
    assert retry_after_seconds(at(60), at(0.5)) == 60
    assert retry_after_seconds(at(60), at(60)) is None
    assert retry_after_seconds(None, at(0)) is None


PROXIES = (ip_network("10.0.0.0/8"),)


@pytest.mark.parametrize(
    "peer, forwarded, client",
    [
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # untrusted peer: the header is ignored
        ("10.0.0.2", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "6.6.6.6, 192.0.2.1, 10.0.0.3", "192.0.2.1"),  # right-most untrusted hop
        ("10.0.0.2", None, "10.0.0.2"),
        ("testclient", "192.0.2.1", "testclient"),
    ],
)
def test_the_client_address_is_believed_from_trusted_proxies_only(peer, forwarded, client):
    assert forwarded_client(peer, forwarded, PROXIES) == client


def test_session_settings_default_to_the_public_url_scheme_and_read_the_environment():
    assert Settings.from_env(environ={}).sessions == SessionSettings()
    https = Settings.from_env(environ={"BATON_PUBLIC_URL": "https://baton.example.com"})
    assert https.sessions.cookie_secure
    env = {
        "BATON_PUBLIC_URL": "https://baton.example.com",
        "BATON_COOKIE_SECURE": "false",
        "BATON_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
        "BATON_SIGNIN_MAX_FAILURES": "3",
    }
    sessions = Settings.from_env(environ=env).sessions
    assert not sessions.cookie_secure and sessions.signin_max_failures == 3
    assert sessions.trusted_proxies == (ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8"))


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("BATON_COOKIE_SECURE", "maybe", "true or false"),
        ("BATON_TRUSTED_PROXIES", "proxy.local", "not an address or a network"),
        ("BATON_SIGNIN_MAX_FAILURES", "0", "a whole number above 0"),
    ],
)
def test_bad_session_settings_are_refused_with_an_example(name, value, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ={name: value})
