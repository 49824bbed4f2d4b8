"""The composition root: settings → database → clock, wired once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from baton.services.clock import Clock, SystemClock
from baton.settings import Settings
from baton.store.db import Database

if TYPE_CHECKING:
    from baton.reports.mirror import Mirror


@dataclass
class Baton:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    _mirror: Mirror | None = field(default=None, init=False, repr=False)

    def analytics(self) -> Mirror:
        """The dashboard's DuckDB mirror of this database (made on first use; DuckDB is imported only then)."""
        if self._mirror is None:
            from baton.reports.mirror import Mirror

            self._mirror = Mirror(self.db.dialect)
        return self._mirror

    def close(self) -> None:
        if self._mirror is not None:
            self._mirror.close()
        self.db.dispose()


def open_baton(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Baton:
    """Connect (nothing connects at import time) and bring the schema up to date."""
    settings.ensure_dirs()
    db = Database(settings.database_url)
    if migrate:
        db.upgrade()
    return Baton(settings=settings, db=db, clock=clock or SystemClock())
