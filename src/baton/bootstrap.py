"""The composition root: settings → database → clock, wired once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from baton.services.clock import Clock, SystemClock
from baton.settings import Settings
from baton.store.db import Database


@dataclass
class Baton:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.db.dispose()


def open_baton(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Baton:
    """Connect (nothing connects at import time) and bring the schema up to date."""
    settings.ensure_dirs()
    db = Database(settings.database_url)
    if migrate:
        db.upgrade()
    return Baton(settings=settings, db=db, clock=clock or SystemClock())
