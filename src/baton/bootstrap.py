"""The composition root: settings → database → clock → the event table, wired once per process.

``HANDLERS`` is the whole wiring of what reacts to what: read one row to know what
happens when a lead arrives or a deal closes. A handler takes the unit of work and
the event, may emit further events (handled after, in order, same transaction) and
never calls another service to trigger a side effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from baton.domain.events import EventKind
from baton.services.app import App, Handlers
from baton.services.clock import Clock, SystemClock
from baton.services.handoff import handlers as handoff
from baton.services.handoff import touch as handoff_touch
from baton.services.lifecycle import handlers as lifecycle
from baton.services.ownership import engagement as ownership_engagement
from baton.services.ownership import guard as ownership
from baton.services.people import directory
from baton.services.routing import assign, on_miss
from baton.services.sla import handlers as sla
from baton.settings import Settings
from baton.store.db import Database

if TYPE_CHECKING:
    from baton.reports.mirror import Mirror

HANDLERS: Handlers = {
    EventKind.LEAD_CREATED: (lifecycle.on_lead_changed, assign.on_lead_created),
    EventKind.LEAD_ASSIGNED: (ownership.on_owner_assigned, sla.on_lead_assigned),
    EventKind.ACCOUNT_ASSIGNED: (ownership.on_owner_assigned,),
    EventKind.OPPORTUNITY_ASSIGNED: (ownership.on_owner_assigned,),
    EventKind.LEAD_UPDATED: (sla.on_lead_updated, lifecycle.on_lead_changed),
    EventKind.LEAD_STATUS_CHANGED: (sla.on_lead_status_changed, assign.on_lead_status_changed),
    EventKind.ACTIVITY_CREATED: (
        sla.on_activity_created,
        lifecycle.on_activity_created,
        handoff_touch.on_activity_created,
        ownership_engagement.on_activity_created,
    ),
    EventKind.OPPORTUNITY_CREATED: (handoff.on_opportunity_created,),
    EventKind.OPPORTUNITY_UPDATED: (handoff_touch.on_opportunity_updated,),
    EventKind.OPPORTUNITY_STAGE_CHANGED: (handoff.on_opportunity_stage_changed,),
    EventKind.SLA_MISS: (on_miss.on_sla_miss,),
    EventKind.WORKSPACE_ACTIVATED: (directory.on_workspace_activated, sla.on_workspace_activated),
}


@dataclass
class Baton(App):
    """The process's App, plus what only the edges need: the dashboard's mirror."""

    handlers: Handlers = field(default_factory=lambda: HANDLERS)
    _mirror: Mirror | None = field(default=None, init=False, repr=False)

    def analytics(self) -> Mirror:
        """The dashboard's DuckDB mirror of this database (made on first use; DuckDB is
        imported only then)."""
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
