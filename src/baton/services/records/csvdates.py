"""Dates as CRM exports write them. Naive ones are read in the workspace time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MONTH_FIRST = (
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
)
DAY_FIRST = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
)
UNAMBIGUOUS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d-%b-%Y %H:%M",
    "%d-%b-%Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
)


def parse_crm_datetime(
    text: str, zone: ZoneInfo, *, day_first: bool = False, day_first_option: bool = False
) -> datetime:
    """An aware UTC datetime from ISO 8601 or a common export format; ValueError otherwise
    (its message suggests ``--day-first`` only where the caller has that option)."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        formats = (DAY_FIRST if day_first else MONTH_FIRST) + UNAMBIGUOUS
        parsed = _strptime(text, formats, day_first_option and not day_first)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _strptime(text: str, formats: tuple[str, ...], suggest_day_first: bool) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    written = "DD/MM/YYYY HH:MM" if formats[0].startswith("%d") else "MM/DD/YYYY HH:MM"
    hint = ", or pass --day-first for DD/MM/YYYY" if suggest_day_first else ""
    raise ValueError(
        f"'{text}' is not a date Baton can read — use ISO 8601 (2026-11-02T14:30:00Z) "
        f"or {written}{hint}"
    )
