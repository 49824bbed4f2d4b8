"""The demo company, Northwind Analytics: a commented workspace (``baton.yaml`` +
``people.csv``) and a seeded, deterministic set of CRM records to feed it.

Pure: no clock, no network, no database. The caller passes ``now``; one seed
always gives the same records. Payloads are JSON-ready dicts for the models in
``baton.services.records.payloads``.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

SOURCE_SYSTEM = "demo-crm"
FREEMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com")
DEPARTED_DAYS_AGO = 35  # the departed rep's last day; nothing newer is his
ACCOUNTS, SUBSIDIARIES, NAMED_ACCOUNTS, OTHER_COMPANIES = 388, 12, 60, 1000  # 400 accounts in all


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
        return {"americas": "NA", "emea": "EMEA", "apac": "APAC"}[self.calendar]


def _rep(
    pid: str,
    name: str,
    role: str,
    slack: str,
    zone: str,
    calendar: str,
    manager: str,
    team: str,
    cap: tuple[int, int],
    active: bool = True,
) -> DemoPerson:
    return DemoPerson(pid, name, role, slack, zone, calendar, manager, team, active, *cap)


SDR_CAP, AE_CAP, AM_CAP, CSM_CAP = (150, 30), (60, 12), (80, 10), (60, 5)
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "jordan-blake", "Jordan Blake", "executive", "U024BE7LH", "America/New_York", "americas"
    ),
    DemoPerson(
        "maria-chen",
        "Maria Chen",
        "manager",
        "U03M8CH2N",
        "America/New_York",
        "americas",
        "jordan-blake",
        "sdr-americas",
    ),
    DemoPerson(
        "david-okafor",
        "David Okafor",
        "manager",
        "U03D0K4FR",
        "America/Chicago",
        "americas",
        "jordan-blake",
        "ae-enterprise",
    ),
    DemoPerson(
        "lukas-weber",
        "Lukas Weber",
        "manager",
        "U03LW9B3R",
        "Europe/Berlin",
        "emea",
        "jordan-blake",
        "ae-emea",
    ),
    DemoPerson(
        "priya-nair",
        "Priya Nair",
        "manager",
        "U03PN7A1R",
        "America/New_York",
        "americas",
        "jordan-blake",
        "cs-global",
    ),
    _rep(
        "ava-thompson",
        "Ava Thompson",
        "sdr",
        "U04AT2M8Q",
        "America/New_York",
        "americas",
        "maria-chen",
        "sdr-americas",
        SDR_CAP,
    ),
    _rep(
        "ben-carter",
        "Ben Carter",
        "sdr",
        "U04BC5K1W",
        "America/New_York",
        "americas",
        "maria-chen",
        "sdr-americas",
        SDR_CAP,
    ),
    _rep(
        "carlos-mendoza",
        "Carlos Mendoza",
        "sdr",
        "U04CM7P3D",
        "America/Chicago",
        "americas",
        "maria-chen",
        "sdr-americas",
        SDR_CAP,
    ),
    _rep(
        "dana-brooks",
        "Dana Brooks",
        "sdr",
        "U04DB3X6V",
        "America/Denver",
        "americas",
        "maria-chen",
        "sdr-americas",
        (90, 18),
    ),
    _rep(
        "ethan-walsh",
        "Ethan Walsh",
        "sdr",
        "U04EW8N2J",
        "America/Los_Angeles",
        "americas",
        "maria-chen",
        "sdr-americas",
        SDR_CAP,
        active=False,
    ),
    _rep(
        "fatima-hassan",
        "Fatima Hassan",
        "sdr",
        "U04FH1R9T",
        "America/Los_Angeles",
        "americas",
        "maria-chen",
        "sdr-americas",
        SDR_CAP,
    ),
    _rep(
        "sophie-hughes",
        "Sophie Hughes",
        "sdr",
        "U04SH6L2B",
        "Europe/London",
        "emea",
        "lukas-weber",
        "ae-emea",
        SDR_CAP,
    ),
    _rep(
        "grace-kim",
        "Grace Kim",
        "ae",
        "U05GK3T7M",
        "America/New_York",
        "americas",
        "david-okafor",
        "ae-enterprise",
        AE_CAP,
    ),
    _rep(
        "henry-castillo",
        "Henry Castillo",
        "ae",
        "U05HC8V1Z",
        "America/Chicago",
        "americas",
        "david-okafor",
        "ae-enterprise",
        AE_CAP,
    ),
    _rep(
        "isabel-moreno",
        "Isabel Moreno",
        "ae",
        "U05IM2Q4S",
        "America/Los_Angeles",
        "americas",
        "david-okafor",
        "ae-enterprise",
        AE_CAP,
    ),
    _rep(
        "jamal-wright",
        "Jamal Wright",
        "ae",
        "U05JW9D6K",
        "America/Toronto",
        "americas",
        "david-okafor",
        "ae-enterprise",
        (50, 10),
    ),
    _rep(
        "liam-oconnor",
        "Liam O'Connor",
        "ae",
        "U05LO4H8P",
        "Australia/Sydney",
        "apac",
        "david-okafor",
        "ae-enterprise",
        (40, 10),
    ),
    _rep(
        "klara-fischer",
        "Klara Fischer",
        "ae",
        "U05KF7N3C",
        "Europe/Berlin",
        "emea",
        "lukas-weber",
        "ae-emea",
        AE_CAP,
    ),
    _rep(
        "olivier-dubois",
        "Olivier Dubois",
        "ae",
        "U05OD1G5Y",
        "Europe/Paris",
        "emea",
        "lukas-weber",
        "ae-emea",
        AE_CAP,
    ),
    _rep(
        "emma-jansen",
        "Emma Jansen",
        "ae",
        "U05EJ6W2X",
        "Europe/Amsterdam",
        "emea",
        "lukas-weber",
        "ae-emea",
        AE_CAP,
    ),
    _rep(
        "rachel-stein",
        "Rachel Stein",
        "am",
        "U06RS5B9F",
        "America/New_York",
        "americas",
        "priya-nair",
        "cs-global",
        AM_CAP,
    ),
    _rep(
        "noah-bennett",
        "Noah Bennett",
        "am",
        "U06NB2K7J",
        "Europe/London",
        "emea",
        "priya-nair",
        "cs-global",
        AM_CAP,
    ),
    _rep(
        "hannah-price",
        "Hannah Price",
        "csm",
        "U06HP8M4R",
        "America/New_York",
        "americas",
        "priya-nair",
        "cs-global",
        CSM_CAP,
    ),
    _rep(
        "mei-tanaka",
        "Mei Tanaka",
        "csm",
        "U06MT3Z1L",
        "Australia/Sydney",
        "apac",
        "priya-nair",
        "cs-global",
        CSM_CAP,
    ),
    _rep(
        "tobias-keller",
        "Tobias Keller",
        "csm",
        "U06TK9C2D",
        "Europe/Berlin",
        "emea",
        "priya-nair",
        "cs-global",
        CSM_CAP,
    ),
    DemoPerson(  # Marketing Ops: receives the weekly lifecycle digest
        "morgan-lee",
        "Morgan Lee",
        "marketing",
        "U07ML4Q8S",
        "America/New_York",
        "americas",
        "jordan-blake",
    ),
)

WORKSPACE_FILES = Path(__file__).resolve().parent / "workspace"


def write_demo_workspace(directory: Path) -> None:
    """Write the demo workspace (baton.yaml, people.csv, territories.csv, scenarios.csv)
    into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for source in sorted(WORKSPACE_FILES.iterdir()):
        if source.is_file():
            (directory / source.name).write_text(
                source.read_text(encoding="utf-8"), encoding="utf-8"
            )


# --- records -----------------------------------------------------------------

INDUSTRIES = {  # industry: (weight, words that end a company name in it)
    "Software": (28, ("Labs", "Systems", "Cloud", "Data", "Works", "Software")),
    "Financial Services": (14, ("Capital", "Finance", "Payments", "Lending", "Wealth")),
    "Healthcare": (13, ("Health", "Care", "Medical", "Diagnostics", "Clinics")),
    "Manufacturing": (13, ("Industries", "Components", "Manufacturing", "Precision", "Tooling")),
    "Retail": (12, ("Retail", "Goods", "Outfitters", "Market", "Home")),
    "Logistics": (11, ("Logistics", "Freight", "Transport", "Shipping")),
    "Education": (9, ("Learning", "Academy", "Education", "Schools")),
}
ROOTS = (
    "Alderwick",
    "Ambergate",
    "Ashbourne",
    "Bellhaven",
    "Birchfield",
    "Blackthorn",
    "Bramblecot",
    "Brightmoor",
    "Calderon",
    "Cinderford",
    "Coldharbor",
    "Copperleaf",
    "Crestline",
    "Dovecote",
    "Driftwood",
    "Eastbrook",
    "Elmstead",
    "Fairhollow",
    "Fennick",
    "Foxglove",
    "Glenrock",
    "Goldcrest",
    "Granitefall",
    "Greyfriar",
    "Halvard",
    "Hartwell",
    "Hazelmere",
    "Highgrove",
    "Hollowell",
    "Ironbark",
    "Juniper",
    "Kestrel",
    "Kingsmere",
    "Larkspur",
    "Lindqvist",
    "Lowmoor",
    "Marlowe",
    "Meridane",
    "Millbrook",
    "Moorcroft",
    "Norhaven",
    "Northgate",
    "Oakhurst",
    "Orchard",
    "Palisade",
    "Pinecrest",
    "Quarrystone",
    "Quillon",
    "Ravenholt",
    "Redfern",
    "Riverbend",
    "Rookwood",
    "Saltmarsh",
    "Sandpiper",
    "Silverbirch",
    "Stonebridge",
    "Sunmeadow",
    "Tamarind",
    "Thistledown",
    "Tidewater",
    "Umberfield",
    "Valewood",
    "Velmora",
    "Westerly",
    "Whitlock",
    "Wildrose",
    "Willowbrook",
    "Wrenfield",
    "Yarrow",
    "Zephyrine",
    "Auberon",
    "Brackenridge",
    "Castellan",
    "Dunmore",
    "Everline",
    "Falconer",
    "Gildmere",
    "Harrowgate",
    "Islay",
    "Jessamine",
    "Kirkwall",
    "Lochmere",
    "Mistral",
    "Nettlebed",
    "Ottermill",
    "Penhallow",
    "Ravensworth",
    "Solenne",
)
COUNTRIES = {  # code: (weight, region, domain ending, legal suffix, name, time zone)
    "US": (42, "NA", ".com", "Inc.", "USA", ""),
    "CA": (6, "NA", ".com", "Inc.", "Canada", "America/Toronto"),
    "GB": (12, "EMEA", ".co.uk", "Ltd", "UK", "Europe/London"),
    "DE": (10, "EMEA", ".de", "GmbH", "Deutschland", "Europe/Berlin"),
    "FR": (5, "EMEA", ".fr", "SAS", "France", "Europe/Paris"),
    "NL": (5, "EMEA", ".nl", "B.V.", "Nederland", "Europe/Amsterdam"),
    "AU": (8, "APAC", ".com.au", "Pty Ltd", "Australia", "Australia/Sydney"),
    "SG": (4, "APAC", ".com.sg", "Pte. Ltd.", "Singapore", "Asia/Singapore"),
}
US_STATES = {  # state: (weight, time zone)
    "CA": (16, "America/Los_Angeles"),
    "NY": (14, "America/New_York"),
    "TX": (11, "America/Chicago"),
    "MA": (8, "America/New_York"),
    "IL": (8, "America/Chicago"),
    "WA": (7, "America/Los_Angeles"),
    "GA": (6, "America/New_York"),
    "CO": (6, "America/Denver"),
    "FL": (7, "America/New_York"),
    "NC": (5, "America/New_York"),
    "PA": (6, "America/New_York"),
    "VA": (6, "America/New_York"),
}
SEGMENTS = (("SMB", 10, 199), ("Mid-Market", 200, 999), ("Enterprise", 1000, 25000))
FIRST_NAMES = {
    "NA": (
        "James",
        "Olivia",
        "Michael",
        "Sophia",
        "Daniel",
        "Emily",
        "Marcus",
        "Chloe",
        "Ryan",
        "Aaliyah",
        "Kevin",
        "Megan",
        "Luis",
        "Sarah",
        "Andre",
        "Jessica",
        "Tyler",
        "Priyanka",
        "Brandon",
        "Natalie",
        "Jason",
        "Lauren",
        "Derek",
        "Rosa",
    ),
    "EMEA": (
        "Oliver",
        "Charlotte",
        "Thomas",
        "Amelia",
        "Jonas",
        "Lea",
        "Felix",
        "Marie",
        "Julien",
        "Camille",
        "Lucas",
        "Sanne",
        "Daan",
        "Ines",
        "Harry",
        "Freya",
        "Matthias",
        "Anouk",
        "Hugo",
        "Isla",
        "Niklas",
        "Elena",
        "Pieter",
        "Zoe",
    ),
    "APAC": (
        "Jack",
        "Ruby",
        "Ethan",
        "Mia",
        "Wei",
        "Hui Min",
        "Arjun",
        "Chloe",
        "Lachlan",
        "Isabella",
        "Kenji",
        "Grace",
        "Ravi",
        "Sienna",
        "Daniel",
        "Li Ting",
        "Noah",
        "Matilda",
        "Jun",
        "Aisha",
    ),
}
LAST_NAMES = {
    "NA": (
        "Johnson",
        "Williams",
        "Garcia",
        "Miller",
        "Davis",
        "Rodriguez",
        "Martinez",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Jackson",
        "Lee",
        "Harris",
        "Clark",
        "Lewis",
        "Walker",
        "Patel",
        "Nguyen",
        "Robinson",
        "Ramirez",
        "Coleman",
    ),
    "EMEA": (
        "Smith",
        "Jones",
        "Evans",
        "Wilson",
        "Muller",
        "Schmidt",
        "Schneider",
        "Becker",
        "Martin",
        "Bernard",
        "Dubois",
        "Lefevre",
        "de Vries",
        "van Dijk",
        "Bakker",
        "Visser",
        "Hoffmann",
        "Wright",
        "Walsh",
        "Murphy",
        "Rossi",
        "Novak",
    ),
    "APAC": (
        "Smith",
        "Nguyen",
        "Tan",
        "Lim",
        "Wong",
        "Chen",
        "Singh",
        "Kumar",
        "Brown",
        "Wilson",
        "Taylor",
        "Kelly",
        "Sato",
        "Suzuki",
        "Lee",
        "Ng",
        "Campbell",
        "Ryan",
        "Sharma",
        "Goh",
    ),
}
TITLES = (
    "VP of Sales",
    "Head of Revenue Operations",
    "Revenue Operations Manager",
    "Sales Operations Analyst",
    "Director of Marketing Operations",
    "Chief Revenue Officer",
    "Demand Generation Manager",
    "Head of Data",
    "Data Analyst",
    "BI Developer",
    "VP Finance",
    "CTO",
    "Founder & CEO",
    "Marketing Manager",
    "Analytics Engineer",
)
SOURCES = {  # source: (weight, {lead type: weight}, campaigns)
    "website": (
        30,
        {"demo-request": 35, "contact-sales": 25, "free-trial": 25, "content": 15},
        ("Pricing page", "Homepage demo form", "Contact us", "Free trial sign-up"),
    ),
    "paid-search": (
        18,
        {"demo-request": 40, "free-trial": 40, "content": 20},
        (
            "Search - Brand",
            "Search - Competitor terms",
            "LinkedIn Ads - Data leaders",
            "Review site listing",
        ),
    ),
    "content": (
        15,
        {"content": 85, "demo-request": 15},
        (
            "Ebook: The 2026 Analytics Benchmark",
            "Guide: KPI Dashboards That Get Used",
            "Report: State of Embedded BI",
        ),
    ),
    "webinar": (
        10,
        {"webinar": 90, "demo-request": 10},
        (
            "Webinar: One Source of Truth for Revenue",
            "Webinar: Forecasting From CRM Data",
            "Webinar: Embedded Analytics in 30 Days",
        ),
    ),
    "event": (
        8,
        {"event": 85, "demo-request": 15},
        (
            "Data Leaders Summit Chicago",
            "Analytics Forum London",
            "Northwind Roadshow Berlin",
            "Field dinner Sydney",
        ),
    ),
    "partner": (
        7,
        {"contact-sales": 60, "demo-request": 40},
        (
            "Partner referral - Clearpath Consulting",
            "Partner referral - Ridgeline Advisory",
            "Cloud marketplace listing",
        ),
    ),
    "list-upload": (
        12,
        {"event": 60, "content": 40},
        ("Trade show badge scans", "Content syndication - Q4", "ABM target list"),
    ),
}
HAND_RAISES = ("demo-request", "contact-sales", "free-trial")
CONVERT_AFTER_DAYS = 10  # an SQL this old has been converted (an opportunity) about half the time
QUALIFY_SCORE = 60  # the workspace's lifecycle.qualify.score_at_least: an MQL from here
PRODUCTS = ("Analytics Cloud", "Data Pipelines", "Embedded BI")
DEAL_KINDS = ("New business", "Expansion", "Platform upgrade")
US_AREA_CODES = ("212", "312", "415", "512", "617")
PARTNERS = ("Clearpath Consulting", "Ridgeline Advisory", "Bluefjord Data")
STAGES = {
    "Discovery": 25,
    "Demo": 20,
    "Proposal": 15,
    "Negotiation": 10,
    "Closed Won": 18,
    "Closed Lost": 12,
}
OPPORTUNITY_AMOUNTS = {
    "SMB": (6_000, 30_000),
    "Mid-Market": (25_000, 120_000),
    "Enterprise": (80_000, 600_000),
}
SUBJECTS = {
    "call": ("Intro call", "Follow-up call", "Left voicemail"),
    "email": (
        "Following up on your request",
        "Quick question about your reporting",
        "Resources from Northwind",
    ),
    "linkedin": ("Connection request", "InMail follow-up"),
    "meeting": ("Discovery meeting", "Product demo"),
}
HOUR_CUM = list(
    accumulate(
        (0.15,) * 6
        + (
            0.4,
            0.8,
            1.6,
            2.6,
            2.6,
            2.6,
            2.0,
            2.4,
            2.4,
            2.4,
            2.4,
            1.6,
            1.0,
            0.7,
            0.7,
            0.7,
            0.35,
            0.35,
        )
    )
)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.22, 0.18)


@dataclass(frozen=True)
class DemoData:
    """The records Baton is sent before anything is routed. The touches on leads depend on
    whom Baton routed each lead to, so they come after (``baton.demo.history``)."""

    accounts: list[dict]  # payload dicts for AccountIn
    leads: list[dict]  # payload dicts for LeadIn, oldest first
    opportunities: list[dict]  # payload dicts for OpportunityIn
    account_activities: list[dict]  # payload dicts for ActivityIn: touches on named accounts


@dataclass(frozen=True)
class _Company:
    name: str  # as the CRM spells it
    short: str  # as people type it into a form
    domains: tuple[str, ...]
    industry: str
    country: str
    state: str | None
    employees: int
    segment: str
    parent: int | None = None  # index of the parent account

    @property
    def region(self) -> str:
        return COUNTRIES[self.country][1]

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(US_STATES[self.state][1] if self.state else COUNTRIES[self.country][5])


@dataclass
class _World:
    """What every record generator draws on: the seeded dice, the window, the companies."""

    rng: random.Random
    now: datetime
    start: datetime
    departed_at: datetime
    accounts: list[_Company]
    others: list[_Company]
    arrival_days: dict[str, tuple[list[date], list[float]]]


def demo_records(now: datetime, *, seed: int = 7, leads: int = 5000, days: int = 60) -> DemoData:
    """The demo company's CRM: ~400 accounts, ``leads`` leads received over the ``days``
    days before ``now`` (numbered in the order they arrived), ~150 opportunities and a few
    touches on named accounts."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
    if days < 1 or leads < 0:
        raise ValueError("days must be at least 1 and leads not negative")
    now = now.astimezone(UTC).replace(microsecond=0)
    rng = random.Random(seed)
    used: set[str] = set()
    companies = [_company(rng, used, (35, 38, 27)) for _ in range(ACCOUNTS)]
    accounts = companies + _subsidiaries(rng, companies, used)
    others = [
        _company(rng, used, (60, 28, 12)) for _ in range(OTHER_COMPANIES)
    ]  # leads' companies that are no account
    world = _World(
        rng,
        now,
        now - timedelta(days=days),
        now - timedelta(days=DEPARTED_DAYS_AGO),
        accounts,
        others,
        {},
    )
    account_payloads = _account_payloads(rng, accounts)
    lead_payloads = sorted((_lead(world) for _ in range(leads)), key=lambda x: x["received_at"])
    for number, lead in enumerate(lead_payloads, 1):
        lead["external_id"] = f"L-{number:06d}"
        if lead.get("is_test"):
            lead["email"] = f"qa+{number}@northwind.example"
    activities = _account_activities(world, account_payloads)
    for number, activity in enumerate(activities, 1):
        activity["external_id"] = f"T-A{number:04d}"
    return DemoData(
        account_payloads, lead_payloads, _opportunities(world, account_payloads), activities
    )


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _pick(rng: random.Random, weighted: dict) -> str:
    """A key of ``{key: weight}`` or ``{key: (weight, ...)}``, by weight."""
    return rng.choices(
        list(weighted), [w[0] if isinstance(w, tuple) else w for w in weighted.values()]
    )[0]


def _company(rng: random.Random, used: set[str], segment_weights: tuple[int, int, int]) -> _Company:
    industry = _pick(rng, INDUSTRIES)
    short = f"{rng.choice(ROOTS)} {rng.choice(INDUSTRIES[industry][1])}"
    while short in used:
        short = f"{rng.choice(ROOTS)} {rng.choice(INDUSTRIES[industry][1])}"
    used.add(short)
    country = _pick(rng, COUNTRIES)
    ending, legal = COUNTRIES[country][2:4]
    segment, low, high = rng.choices(SEGMENTS, segment_weights)[0]
    employees = round(math.exp(rng.uniform(math.log(low), math.log(high))))
    slug = short.lower().replace(" ", "-" if rng.random() < 0.2 else "")
    ending = ".io" if industry == "Software" and rng.random() < 0.4 else ending
    domains = (slug + ending,) + (
        (slug + (".io" if ending == ".com" else ".com"),) if rng.random() < 0.3 else ()
    )
    state = _pick(rng, US_STATES) if country == "US" else None
    return _Company(
        f"{short} {legal}" if rng.random() < 0.4 else short,
        short,
        domains,
        industry,
        country,
        state,
        employees,
        segment,
    )


def _subsidiaries(rng: random.Random, companies: list[_Company], used: set[str]) -> list[_Company]:
    """A dozen regional subsidiaries of enterprise accounts (listed after their parents)."""
    parents = rng.sample(
        [i for i, c in enumerate(companies) if c.segment == "Enterprise"], SUBSIDIARIES
    )
    children = []
    for index in parents:
        parent = companies[index]
        country = rng.choice([c for c in COUNTRIES if COUNTRIES[c][1] != parent.region])
        ending, legal, label = COUNTRIES[country][2:5]
        slug = parent.domains[0].split(".")[0]
        domain = (
            f"{slug}{ending}"
            if f"{slug}{ending}" not in parent.domains
            else f"{slug}-{country.lower()}{ending}"
        )
        employees = rng.randint(60, 900)
        segment = "SMB" if employees < 200 else "Mid-Market"
        state = _pick(rng, US_STATES) if country == "US" else None
        short = f"{parent.short} {label}"
        used.add(short)
        children.append(
            _Company(
                f"{short} {legal}",
                short,
                (domain,),
                parent.industry,
                country,
                state,
                employees,
                segment,
                index,
            )
        )
    return children


PEOPLE_BY_ID = {p.id: p for p in DEMO_PEOPLE}


@cache
def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)  # ZoneInfo's own strong cache holds only 8 zones


@cache
def _reps(region: str, segment: str) -> tuple[DemoPerson, ...]:
    """Who works a lead from this region: SDRs below Enterprise, AEs for Enterprise
    (and where a region has no SDR)."""
    role = "ae" if segment == "Enterprise" else "sdr"
    pool = tuple(p for p in DEMO_PEOPLE if p.role == role and p.region == region)
    return pool or tuple(p for p in DEMO_PEOPLE if p.role == "ae" and p.region == region)


def _rep_at(world: _World, region: str, segment: str, at: datetime) -> DemoPerson:
    """A rep who was on the team at ``at``: the departed one only before his last day."""
    return world.rng.choice(
        [p for p in _reps(region, segment) if p.active or at < world.departed_at]
    )


def _account_payloads(rng: random.Random, accounts: list[_Company]) -> list[dict]:
    named = set(
        rng.sample(
            [i for i, c in enumerate(accounts) if c.segment != "SMB" and c.parent is None],
            NAMED_ACCOUNTS,
        )
    )
    payloads = []
    for i, c in enumerate(accounts):
        item = {
            "external_id": f"A-{i + 1:04d}",
            "source_system": SOURCE_SYSTEM,
            "name": c.name,
            "domains": list(c.domains),
            "website": f"https://www.{c.domains[0]}",
            "segment": c.segment,
            "employees": c.employees,
            "industry": c.industry,
            "country": c.country,
            "region": c.region,
        }
        if c.state:
            item["state"] = c.state
        if c.parent is not None:
            item["parent_external_id"] = f"A-{c.parent + 1:04d}"
        if i in named:
            owners = [
                p
                for p in DEMO_PEOPLE
                if p.role in ("ae", "am") and p.active and p.region == c.region
            ]
            item |= {"named": True, "owner_id": rng.choice(owners).id}
        if rng.random() < 0.05:
            item["partner"] = rng.choice(PARTNERS)
        payloads.append(item)
    return payloads


def _lead(world: _World) -> dict:
    rng = world.rng
    company, domain = _lead_company(world)
    first, last = rng.choice(FIRST_NAMES[company.region]), rng.choice(LAST_NAMES[company.region])
    source = _pick(rng, SOURCES)
    _, lead_types, campaigns = SOURCES[source]
    lead_type = _pick(rng, lead_types)
    received_at = _arrival(world, company.zone)
    score = rng.randint(45, 100) if lead_type in HAND_RAISES else rng.randint(0, 80)
    lead = {
        "source_system": SOURCE_SYSTEM,
        "email": _email(rng, first, last, domain),
        "first_name": first,
        "last_name": last,
        "company": _as_typed(rng, company),
        "title": rng.choice(TITLES),
        "source": source,
        "campaign": rng.choice(campaigns),
        "lead_type": lead_type,
        "status": _status(world, source, score, received_at),
        "country": company.country,
        "region": company.region,
        "industry": company.industry,
        "employees": company.employees,
        "segment": company.segment,
        "score": score,
        "engaged_at": iso(received_at - _systems_delay(rng)),
        "received_at": iso(received_at),
    }
    _add_details(rng, lead, company)
    if rng.random() < 0.006:  # the CRM already gave it to someone who must keep it
        owner = _rep_at(world, company.region, company.segment, received_at)
        lead |= {"override_owner": True, "owner_id": owner.id, "assigned_at": lead["received_at"]}
    elif rng.random() < 0.003:
        lead |= {
            "is_test": True,
            "status": "new",
            "score": 0,  # never qualifies: QA's leads stay New
            "first_name": "Test",
            "last_name": "Lead",
            "company": "Northwind QA",
        }
    return lead


CLOSED_STATUSES = {  # by source: how its worked leads ended (the Feedback page's story)
    "website": {"recycled": 32, "disqualified": 22, "sql": 46},
    "paid-search": {"recycled": 42, "disqualified": 36, "sql": 22},
    "content": {"recycled": 52, "disqualified": 26, "sql": 22},
    "webinar": {"recycled": 48, "disqualified": 24, "sql": 28},
    "event": {"recycled": 46, "disqualified": 26, "sql": 28},
    "partner": {"recycled": 25, "disqualified": 20, "sql": 55},
    "list-upload": {"recycled": 44, "disqualified": 42, "sql": 14},
}


def _status(world: _World, source: str, score: int, received_at: datetime) -> str:
    """Older leads have mostly been worked: recycled, disqualified or qualified, in a mix
    that depends on their source; recent ones are open (new, an MQL, or accepted by their
    owner: SAL). Nothing closes on its first day. A score that qualifies makes an MQL; an
    older SQL has often been converted to an opportunity."""
    age_days = (world.now - received_at).total_seconds() / 86400
    closed = 0.85 if age_days > 14 else 0.45 if age_days > 3 else 0.1 if age_days > 1 else 0
    roll = world.rng.random()
    if roll < closed:
        status = _pick(world.rng, CLOSED_STATUSES[source])
        converted = status == "sql" and age_days > CONVERT_AFTER_DAYS and roll < closed * 0.45
        return "converted" if converted else status
    if age_days > 1 and roll > 0.85:
        return "sal"
    return "mql" if score >= QUALIFY_SCORE else "new"


def _lead_company(world: _World) -> tuple[_Company, str]:
    """~45 % from a known account's domain, ~8 % from free mail, the rest from other companies."""
    rng, roll = world.rng, world.rng.random()
    if roll < 0.45:
        company = rng.choice(world.accounts)
        return company, company.domains[0] if rng.random() < 0.8 else rng.choice(company.domains)
    if roll < 0.53:
        return rng.choice(world.accounts if rng.random() < 0.3 else world.others), rng.choice(
            FREEMAIL_DOMAINS
        )
    company = rng.choice(world.others)
    return company, company.domains[0]


def _email(rng: random.Random, first: str, last: str, domain: str) -> str:
    f, la = (re.sub(r"[^a-z]", "", name.lower()) for name in (first, last))
    if domain in FREEMAIL_DOMAINS:
        local = (f"{f}.{la}", f"{f}{la}{rng.randint(1, 99)}", f"{f[0]}{la}{rng.randint(70, 99)}")
        return f"{rng.choice(local)}@{domain}"
    return f"{rng.choice((f'{f}.{la}', f'{f[0]}{la}', f, f'{f}{la[0]}'))}@{domain}"


def _as_typed(rng: random.Random, company: _Company) -> str:
    return rng.choices((company.short, company.name, company.short.lower()), (75, 20, 5))[0]


def _add_details(rng: random.Random, lead: dict, company: _Company) -> None:
    if company.state:
        lead["state"] = company.state
    if rng.random() < 0.6:
        lead["product"] = rng.choice(PRODUCTS)
    if rng.random() < 0.25:
        lead["website"] = company.domains[0]
    if rng.random() < 0.4 and company.country in ("US", "CA", "GB", "AU"):
        lead["phone"] = {
            "US": f"+1 {rng.choice(US_AREA_CODES)} 555 01{rng.randrange(100):02d}",
            "CA": f"+1 {rng.choice(('416', '604'))} 555 01{rng.randrange(100):02d}",
            "GB": f"+44 20 7946 0{rng.randrange(1000):03d}",
            "AU": f"+61 2 5550 {rng.randrange(10000):04d}",
        }[company.country]
    if lead["source"] == "paid-search" and rng.random() < 0.7:
        lead["extra"] = {
            "utm_source": rng.choice(("google", "bing", "linkedin")),
            "utm_medium": "cpc",
        }
    elif lead["lead_type"] == "webinar" and rng.random() < 0.6:
        lead["extra"] = {"attended": rng.random() < 0.55}


def _arrival(world: _World, zone: ZoneInfo) -> datetime:
    """A moment in the window, more often in local office hours than at night or at weekends."""
    days, cum_weights = world.arrival_days.get(zone.key) or _arrival_days(world, zone)
    while True:
        day = world.rng.choices(days, cum_weights=cum_weights)[0]
        hour = world.rng.choices(range(24), cum_weights=HOUR_CUM)[0]
        moment = datetime.combine(
            day, time(hour, world.rng.randrange(60), world.rng.randrange(60)), zone
        ).astimezone(UTC)
        if world.start < moment <= world.now:
            return moment


def _arrival_days(world: _World, zone: ZoneInfo) -> tuple[list[date], list[float]]:
    first, last = world.start.astimezone(zone).date(), world.now.astimezone(zone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    world.arrival_days[zone.key] = (
        days,
        list(accumulate(WEEKDAY_WEIGHTS[d.weekday()] for d in days)),
    )
    return world.arrival_days[zone.key]


def _systems_delay(rng: random.Random) -> timedelta:
    """Engagement to arrival: seconds, sometimes minutes, now and then a stuck integration."""
    roll = rng.random()
    if roll < 0.03:
        return timedelta(minutes=rng.uniform(10, 60))
    return timedelta(seconds=rng.uniform(60, 600) if roll < 0.12 else rng.uniform(2, 90))


def working_hours(moment: datetime, zone: ZoneInfo, rng: random.Random) -> datetime:
    """``moment`` if it falls Mon-Fri 08:00-18:00 local, else a little after 08:00 on the
    next working day."""
    local = moment.astimezone(zone)
    if local.weekday() < 5 and 8 <= local.hour < 18:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return (
        datetime.combine(day, time(8), zone) + timedelta(minutes=rng.uniform(0, 150))
    ).astimezone(UTC)


def _account_activities(world: _World, accounts: list[dict]) -> list[dict]:
    """A few touches on named accounts by their AE, somewhere in the window."""
    rng, touches = world.rng, []
    for account in rng.sample([a for a in accounts if a.get("named")], 40):
        owner = PEOPLE_BY_ID[account["owner_id"]]
        rep = owner if owner.role == "ae" else rng.choice(_reps(account["region"], "Enterprise"))
        raw = world.now - timedelta(
            seconds=rng.uniform(3600, (world.now - world.start).total_seconds())
        )
        moment = working_hours(raw, zone_named(rep.timezone), rng)
        kind = rng.choices(("meeting", "call", "email"), (40, 30, 30))[0]
        touch = {
            "source_system": SOURCE_SYSTEM,
            "kind": kind,
            "person_id": rep.id,
            "occurred_at": iso(moment if moment <= world.now else raw),
            "account_external_id": account["external_id"],
            "subject": "Quarterly business review"
            if kind == "meeting"
            else rng.choice(SUBJECTS[kind]),
        }
        if kind != "meeting":
            touch["direction"] = "outbound"
        touches.append(touch)
    return touches


def _opportunities(world: _World, accounts: list[dict]) -> list[dict]:
    """150 deals: one on every named account, the rest on other accounts, in a mix of stages."""
    rng = world.rng
    chosen = [a for a in accounts if a.get("named")] + rng.sample(
        [a for a in accounts if not a.get("named")], 150 - NAMED_ACCOUNTS
    )
    rng.shuffle(chosen)
    return [_opportunity(world, number, account) for number, account in enumerate(chosen, 1)]


def _opportunity(world: _World, number: int, account: dict) -> dict:
    rng = world.rng
    owner = PEOPLE_BY_ID.get(account.get("owner_id", ""))
    owner = (
        owner
        if owner and owner.role == "ae"
        else rng.choice(_reps(account["region"], "Enterprise"))
    )
    stage = _pick(rng, STAGES)
    low, high = OPPORTUNITY_AMOUNTS[account["segment"]]
    item = {
        "external_id": f"O-{number:04d}",
        "source_system": SOURCE_SYSTEM,
        "name": f"{account['name']} - {rng.choice(DEAL_KINDS)}",
        "account_external_id": account["external_id"],
        "owner_id": owner.id,
        "stage": stage,
        "amount": float(round(rng.uniform(low, high) / 500) * 500),
        "currency": "EUR" if account["country"] in ("DE", "FR", "NL") else "USD",
    }
    closed_at = None
    if stage.startswith("Closed"):
        raw = world.now - timedelta(days=rng.uniform(1, 70))  # since Baton went live
        closed_at = min(working_hours(raw, zone_named(owner.timezone), rng), world.now)
        item |= {"closed_at": iso(closed_at), "close_date": closed_at.date().isoformat()}
    else:
        item["close_date"] = (world.now + timedelta(days=rng.randint(7, 150))).date().isoformat()
    if stage == "Closed Won":
        region = account["region"]
        contact = f"{rng.choice(FIRST_NAMES[region])} {rng.choice(LAST_NAMES[region])}"
        item["handoff"] = {
            "primary_contact": contact,
            "use_case": rng.choice(("Board reporting", "Embedded dashboards", "Sales forecasting")),
            "kickoff_requested": True,
        }
    if account.get("partner") or rng.random() < 0.08:
        item |= {
            "partner": account.get("partner") or rng.choice(PARTNERS),
            "registered_at": iso((closed_at or world.now) - timedelta(days=rng.uniform(20, 90))),
        }
    return item
