"""Settings from the environment, validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from baton.store.db import sqlite_url

DEFAULT_PORT = 8700


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message says which and how to fix it."""


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class SessionSettings:
    """Dashboard sign-in: the session cookie, the proxies believed, the throttle
    (docs/operations.md, "Sessions and sign-in")."""

    cookie_secure: bool = False  # BATON_COOKIE_SECURE (default: BATON_PUBLIC_URL is https)
    hsts_max_age_seconds: int = 31_536_000  # BATON_HSTS_MAX_AGE_SECONDS, sent when secure
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()  # BATON_TRUSTED_PROXIES
    max_age_seconds: int = 12 * 3600  # BATON_SESSION_MAX_AGE_SECONDS: then sign in again
    signin_max_failures: int = 5  # BATON_SIGNIN_MAX_FAILURES …
    signin_window_seconds: int = 900  # … within BATON_SIGNIN_WINDOW_SECONDS pause sign-in
    signin_backoff_seconds: int = 60  # BATON_SIGNIN_BACKOFF_SECONDS, doubled at each failure
    signin_max_backoff_seconds: int = 3600  # BATON_SIGNIN_MAX_BACKOFF_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, https: bool) -> SessionSettings:
        numbers = {
            name: _positive(environ, f"BATON_{name.upper()}", getattr(cls, name))
            for name in (
                "hsts_max_age_seconds",
                "signin_max_failures",
                "signin_window_seconds",
                "signin_backoff_seconds",
                "signin_max_backoff_seconds",
            )
        }
        numbers["max_age_seconds"] = _positive(
            environ, "BATON_SESSION_MAX_AGE_SECONDS", cls.max_age_seconds
        )
        return cls(
            cookie_secure=_flag(environ, "BATON_COOKIE_SECURE", https),
            trusted_proxies=_networks(environ.get("BATON_TRUSTED_PROXIES", "")),
            **numbers,
        )


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name}={value!r}: a whole number above 0 (default {default})")
    return int(value)


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise SettingsError(f"{name}={value!r}: true or false (e.g. {name}=true)")
    return value in _TRUE


def _networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    out = []
    for part in value.replace(",", " ").split():
        try:
            out.append(ip_network(part, strict=False))
        except ValueError:
            raise SettingsError(
                f"BATON_TRUSTED_PROXIES: {part!r} is not an address or a network;"
                " e.g. BATON_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8"
            ) from None
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    workspace: Path
    database_url: str
    public_url: str
    max_body_bytes: int = 1_048_576  # BATON_MAX_BODY_BYTES: a larger request body is a 413
    sessions: SessionSettings = field(default_factory=SessionSettings)  # dashboard sign-in

    @classmethod
    def from_env(
        cls, workspace: Path | None = None, environ: Mapping[str, str] = os.environ
    ) -> Settings:
        root = Path(workspace or environ.get("BATON_WORKSPACE") or ".").resolve()
        url = environ.get("BATON_DATABASE_URL") or sqlite_url(root / ".baton" / "baton.db")
        if url.startswith("postgres://") or url.startswith("postgresql://"):
            raise SettingsError(
                "BATON_DATABASE_URL must name the driver: postgresql+psycopg://user@host:5432/db"
            )
        public = environ.get("BATON_PUBLIC_URL", f"http://127.0.0.1:{DEFAULT_PORT}").rstrip("/")
        limit = environ.get("BATON_MAX_BODY_BYTES", "1048576")
        if not limit.isdigit() or int(limit) < 1024:
            raise SettingsError(
                f"BATON_MAX_BODY_BYTES={limit!r}: a number of bytes, at least 1024 "
                "(default 1048576, 1 MiB)"
            )
        sessions = SessionSettings.from_env(environ, https=public.startswith("https://"))
        return cls(root, url, public, int(limit), sessions)

    def ensure_dirs(self) -> None:
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
