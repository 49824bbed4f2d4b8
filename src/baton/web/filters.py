"""The dashboard's filters, kept in the URL so a view can be shared: a date range
(preset or custom, in the viewer's time zone) and equality filters on the lead.

``parse_filters`` turns query parameters into one :class:`Filters` value or raises
:class:`FilterError` listing every bad parameter; ``Filters.url`` writes it back
into links (drill-downs, pagers, CSV exports). The default range is the last 30
days — never "all time".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select

from baton.store.tables import leads, people

PRESETS = {
    "today": "Today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "quarter": "This quarter",
    "custom": "Custom range",
}
DEFAULT_PRESET = "30d"
FIELDS = ("source", "campaign", "lead_type", "owner", "team")
FIELD_LABELS = {
    "source": "Source",
    "campaign": "Campaign",
    "lead_type": "Lead type",
    "owner": "Owner",
    "team": "Team",
}
MAX_VALUE_LENGTH = 200


class FilterError(ValueError):
    """Bad filter parameters; ``messages`` has one line per problem, for a person."""

    def __init__(self, messages: list[str], params: Mapping[str, str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.params = dict(params)


@dataclass(frozen=True)
class Filters:
    """A period of local days ``[start, end]`` in ``zone`` plus equality filters on leads."""

    start: date
    end: date
    zone: ZoneInfo
    preset: str = DEFAULT_PRESET
    tz: str | None = None  # the viewer's explicit ?tz=, kept in links
    source: str | None = None
    campaign: str | None = None
    lead_type: str | None = None
    owner: str | None = None
    team: str | None = None

    @property
    def since(self) -> datetime:
        """The first instant of the period (aware)."""
        return datetime.combine(self.start, time(0), self.zone)

    @property
    def until(self) -> datetime:
        """The instant just after the period: midnight after ``end``, local time."""
        return datetime.combine(self.end + timedelta(days=1), time(0), self.zone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def equality(self) -> dict[str, str]:
        """The field filters that are set, e.g. {"source": "web", "team": "sdr-americas"}."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name)}

    def params(self) -> dict[str, str]:
        """These filters as URL parameters (dates only for a custom range)."""
        out = {"range": self.preset}
        if self.preset == "custom":
            out |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.tz:
            out["tz"] = self.tz
        return out | self.equality()

    def replace(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)

    def between(self, start: date, end: date) -> Filters:
        """The same filters over the custom range ``[start, end]`` (a drill-down into a day or a
        week)."""
        return self.replace(preset="custom", start=start, end=end)

    def without_fields(self) -> Filters:
        """The period and time zone only: for numbers that do not depend on the lead filters."""
        return self.replace(**{name: None for name in FIELDS})

    def query(self, **extra: Any) -> str:
        """A query string of these filters plus ``extra`` (None drops a key; a filter name
        overrides it)."""
        params: dict[str, Any] = self.params() | {k.rstrip("_"): v for k, v in extra.items()}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def url(self, path: str, **extra: Any) -> str:
        """``path`` with these filters and ``extra`` parameters, e.g.
        ``filters.url("/leads", status="open")``."""
        return f"{path}?{self.query(**extra)}"

    def describe(self) -> str:
        days = (
            f"{self.start:%d %b %Y}"
            if self.start == self.end
            else f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"
        )
        return f"{PRESETS[self.preset]}: {days} ({self.zone.key})"

    def lead_conditions(self, date_column=leads.c.received_at) -> list[ColumnElement[bool]]:
        """WHERE conditions on ``leads``: ``date_column`` in the period, and each field filter."""
        conditions = [date_column >= self.since, date_column < self.until]
        for name in ("source", "campaign", "lead_type"):
            if getattr(self, name):
                conditions.append(leads.c[name] == getattr(self, name))
        if self.owner:
            conditions.append(leads.c.owner_id == self.owner)
        if self.team:
            conditions.append(
                leads.c.owner_id.in_(select(people.c.id).where(people.c.team_id == self.team))
            )
        return conditions

    def apply(self, query: Select, date_column=leads.c.received_at) -> Select:
        """``query`` (over ``leads``) restricted to these filters."""
        return query.where(*self.lead_conditions(date_column))


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """The local days a preset covers, ending today."""
    if preset == "today":
        return today, today
    if preset == "7d":
        return today - timedelta(days=6), today
    if preset == "30d":
        return today - timedelta(days=29), today
    if preset == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    raise ValueError(preset)


def _date(params: Mapping[str, str], name: str, errors: list[str]) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        errors.append(
            f"{name}: a custom range needs both dates; expected YYYY-MM-DD, e.g. 2026-11-01"
        )
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{name}: '{raw[:40]}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-01")
        return None


def parse_filters(
    params: Mapping[str, str], *, now: datetime, zone: ZoneInfo, tz: str | None = None
) -> Filters:
    """Query parameters → Filters; raises FilterError naming every bad parameter.

    ``zone`` is the viewer's time zone (see ``baton.web.zones``): "today" is the
    viewer's today. A ``from``/``to`` pair without ``range`` means a custom range.
    """
    errors: list[str] = []
    has_dates = bool(params.get("from") or params.get("to"))
    preset = (params.get("range") or ("custom" if has_dates else DEFAULT_PRESET)).strip()
    today = now.astimezone(zone).date()
    start = end = today
    if preset not in PRESETS:
        errors.append(f"range: '{preset[:40]}' is not one of {', '.join(PRESETS)}; e.g. range=30d")
    elif preset == "custom":
        start, end = _date(params, "from", errors) or today, _date(params, "to", errors) or today
        if not errors and end < start:
            errors.append(
                f"to ({end}) is before from ({start});"
                " the range is from the first day to the last, both included"
            )
    else:
        start, end = preset_days(preset, today)
    fields: dict[str, str | None] = {}
    for name in FIELDS:
        value = (params.get(name) or "").strip() or None
        if value and len(value) > MAX_VALUE_LENGTH:
            errors.append(f"{name}: longer than {MAX_VALUE_LENGTH} characters")
        fields[name] = value
    if errors:
        raise FilterError(errors, params)
    return Filters(start=start, end=end, zone=zone, preset=preset, tz=tz, **fields)
