"""Settings from the environment, validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from baton.store.db import sqlite_url

DEFAULT_PORT = 8700


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    workspace: Path
    database_url: str
    public_url: str

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
        return cls(workspace=root, database_url=url, public_url=public)

    def ensure_dirs(self) -> None:
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
