"""Moments as people type them on the command line: a date or date-time (ISO 8601 or as CRM
exports write them, read in the workspace's time zone unless an offset is given), a span
back from now (``7d``, ``12h``, ``2h30m``), or ``now``, ``today`` and ``yesterday``
(midnight in the workspace's time zone)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from baton.services.records.csvdates import parse_crm_datetime
from baton.workspace.durations import parse_span

DAYS_BACK = {"today": 0, "yesterday": 1}
EXAMPLES = "2026-11-02, 2026-11-02T14:30, 11/02/2026 14:30, 7d (7 days ago), 12h, today, yesterday"


def parse_moment(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """An aware UTC datetime; ValueError with the forms that are understood otherwise."""
    word = text.strip().lower()
    if word == "now":
        return now
    if word in DAYS_BACK:
        day = now.astimezone(zone).date() - timedelta(days=DAYS_BACK[word])
        return datetime.combine(day, time(), zone).astimezone(UTC)
    try:
        return now - parse_span(word)
    except ValueError:
        pass
    try:
        return parse_crm_datetime(text, zone)
    except ValueError:
        raise ValueError(f"'{text}' is not a date Baton can read — e.g. {EXAMPLES}") from None
