"""The demo company, Northwind Analytics: a commented workspace (``baton.yaml`` +
``people.csv``) and a seeded, deterministic set of CRM records to feed it.

Pure: no clock, no network, no database. The caller passes ``now``; one seed
always gives the same records.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

SOURCE_SYSTEM = "demo-crm"
FREEMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com")
REGION_OF_CALENDAR = {"americas": "NA", "emea": "EMEA", "apac": "APAC"}


@dataclass(frozen=True)
class DemoPerson:
    id: str
    name: str
    role: str
    slack_id: str
    timezone: str
    calendar: str
    manager: str | None = None
    team: str | None = None
    active: bool = True
    max_open: int | None = None
    max_per_day: int | None = None

    @property
    def email(self) -> str:
        return f"{self.name.split()[0].lower()}@northwind.example"

    @property
    def region(self) -> str:
        return REGION_OF_CALENDAR[self.calendar]


def _team(manager: str, team: str, calendar: str, role: str, cap: tuple[int, int], *rows: tuple[str, str, str, str]) -> list[DemoPerson]:
    return [DemoPerson(pid, name, role, slack, tz, calendar if len(extra) == 0 else extra, manager, team, True, *cap)
            for pid, name, slack, tz, *extra in rows]  # fmt: skip


_EXEC = DemoPerson("jordan-blake", "Jordan Blake", "executive", "U024BE7LH", "America/New_York", "americas")
_MANAGERS = [
    DemoPerson("maria-chen", "Maria Chen", "manager", "U03M8CH2N", "America/New_York", "americas", "jordan-blake", "sdr-americas"),
    DemoPerson("david-okafor", "David Okafor", "manager", "U03D0K4FR", "America/Chicago", "americas", "jordan-blake", "ae-enterprise"),
    DemoPerson("lukas-weber", "Lukas Weber", "manager", "U03LW9B3R", "Europe/Berlin", "emea", "jordan-blake", "ae-emea"),
    DemoPerson("priya-nair", "Priya Nair", "manager", "U03PN7A1R", "America/New_York", "americas", "jordan-blake", "cs-global"),
]
_SDRS = [
    DemoPerson("ava-thompson", "Ava Thompson", "sdr", "U04AT2M8Q", "America/New_York", "americas", "maria-chen", "sdr-americas", True, 60, 25),
    DemoPerson("ben-carter", "Ben Carter", "sdr", "U04BC5K1W", "America/New_York", "americas", "maria-chen", "sdr-americas", True, 60, 25),
    DemoPerson("carlos-mendoza", "Carlos Mendoza", "sdr", "U04CM7P3D", "America/Chicago", "americas", "maria-chen", "sdr-americas", True, 60, 25),
    DemoPerson("dana-brooks", "Dana Brooks", "sdr", "U04DB3X6V", "America/Denver", "americas", "maria-chen", "sdr-americas", True, 50, 20),
    DemoPerson("ethan-walsh", "Ethan Walsh", "sdr", "U04EW8N2J", "America/Los_Angeles", "americas", "maria-chen", "sdr-americas", False, 60, 25),
    DemoPerson("fatima-hassan", "Fatima Hassan", "sdr", "U04FH1R9T", "America/Los_Angeles", "americas", "maria-chen", "sdr-americas", True, 60, 25),
    DemoPerson("sophie-hughes", "Sophie Hughes", "sdr", "U04SH6L2B", "Europe/London", "emea", "lukas-weber", "ae-emea", True, 60, 25),
]
_AES = [
    DemoPerson("grace-kim", "Grace Kim", "ae", "U05GK3T7M", "America/New_York", "americas", "david-okafor", "ae-enterprise", True, 40, 8),
    DemoPerson("henry-castillo", "Henry Castillo", "ae", "U05HC8V1Z", "America/Chicago", "americas", "david-okafor", "ae-enterprise", True, 40, 8),
    DemoPerson("isabel-moreno", "Isabel Moreno", "ae", "U05IM2Q4S", "America/Los_Angeles", "americas", "david-okafor", "ae-enterprise", True, 40, 8),
    DemoPerson("jamal-wright", "Jamal Wright", "ae", "U05JW9D6K", "America/Toronto", "americas", "david-okafor", "ae-enterprise", True, 35, 6),
    DemoPerson("liam-oconnor", "Liam O'Connor", "ae", "U05LO4H8P", "Australia/Sydney", "apac", "david-okafor", "ae-enterprise", True, 40, 10),
    DemoPerson("klara-fischer", "Klara Fischer", "ae", "U05KF7N3C", "Europe/Berlin", "emea", "lukas-weber", "ae-emea", True, 40, 8),
    DemoPerson("olivier-dubois", "Olivier Dubois", "ae", "U05OD1G5Y", "Europe/Paris", "emea", "lukas-weber", "ae-emea", True, 40, 8),
    DemoPerson("emma-jansen", "Emma Jansen", "ae", "U05EJ6W2X", "Europe/Amsterdam", "emea", "lukas-weber", "ae-emea", True, 40, 8),
]
_CS = [
    DemoPerson("rachel-stein", "Rachel Stein", "am", "U06RS5B9F", "America/New_York", "americas", "priya-nair", "cs-global", True, 80, 10),
    DemoPerson("noah-bennett", "Noah Bennett", "am", "U06NB2K7J", "Europe/London", "emea", "priya-nair", "cs-global", True, 80, 10),
    DemoPerson("hannah-price", "Hannah Price", "csm", "U06HP8M4R", "America/New_York", "americas", "priya-nair", "cs-global", True, 60, 5),
    DemoPerson("mei-tanaka", "Mei Tanaka", "csm", "U06MT3Z1L", "Australia/Sydney", "apac", "priya-nair", "cs-global", True, 60, 5),
    DemoPerson("tobias-keller", "Tobias Keller", "csm", "U06TK9C2D", "Europe/Berlin", "emea", "priya-nair", "cs-global", True, 60, 5),
]
DEMO_PEOPLE: tuple[DemoPerson, ...] = (_EXEC, *_MANAGERS, *_SDRS, *_AES, *_CS)
