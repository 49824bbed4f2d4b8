"""Dashboard analytics: a columnar mirror of the main database (``mirror``) and the
speed-to-lead and SLA reports computed over it (``speed``, ``sla``), equal to the
streaming reports of ``baton.services`` but fast over a year of a million leads."""

from baton.analytics.mirror import Mirror

__all__ = ["Mirror"]
