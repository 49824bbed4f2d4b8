"""Time zone names checked against the tz database, with a suggestion on a typo."""

from __future__ import annotations

import difflib
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


MAX_ZONE_NAME = 64  # the longest IANA name has 32 characters; the column holds 64


def check_timezone(name: str) -> str | None:
    """None when ``name`` is a usable IANA zone, else a message for a person."""
    if len(name) > MAX_ZONE_NAME:
        return f"'{name[:40]}…' is not a known IANA time zone (at most {MAX_ZONE_NAME} characters)"
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: not a file name at all
        pass
    close = difflib.get_close_matches(name, _all_zones(), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"'{name}' is not a known IANA time zone{hint}"
