"""Durations as people write them in baton.yaml: ``1d``, ``2h30m``, ``90s``."""

from __future__ import annotations

import re
from datetime import timedelta

DURATION_RE = re.compile(
    r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$"
)


def parse_span(text: str, *, days: bool = True) -> timedelta:
    """``"2h30m"`` → 2:30:00; ValueError otherwise. ``days=False`` refuses ``d``: a day of
    business time is ambiguous (8 h? 24 h?), so SLA durations are written in hours."""
    match = DURATION_RE.match(str(text))
    if not match or not any(match.groups()):
        raise ValueError(f"'{text}' is not a duration")
    d, h, m, s = (int(g or 0) for g in match.groups())
    if d and not days:
        raise ValueError(
            f"'{text}': write business time in hours (8h is one business day), not days"
        )
    return timedelta(days=d, hours=h, minutes=m, seconds=s)
