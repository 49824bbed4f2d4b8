"""The demo's after-sales story told through the real use cases at the moments it happened:
the same database and event table, with a clock that reads the story's moment, so every
use case stamps what it records (``unit.now``) as it would have then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from baton.services.app import App


@dataclass(frozen=True)
class StoryClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


def at(baton: App, moment: datetime) -> App:
    """``baton`` as of ``moment``: its database and handlers, the clock stopped there."""
    return App(
        settings=baton.settings, db=baton.db, clock=StoryClock(moment), handlers=baton.handlers
    )


def office_hours_before(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` if it falls Mon-Fri 09:00-17:00 local, else 16:30 on the working day before."""
    local = moment.astimezone(zone)
    if local.weekday() < 5 and 9 <= local.hour < 17:
        return moment
    day = local.date() - timedelta(days=0 if local.hour >= 17 else 1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(16, 30), zone).astimezone(moment.tzinfo)
