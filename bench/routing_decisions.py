"""In-process routing decisions per second for a realistic Target Account + territory flow.

The flow is compiled from a WorkspaceSpec, as ``baton check`` does:
override → match_account (10,000 accounts, ~2,000 named) → branch on employees →
territory (5,000 rows: segment × country × state × industry, no ambiguity) →
round robin over a 30-member weighted pool (a few out of office, some capped) →
fallback queue. Leads: 10,000 generated records (~30 % from an account's domain,
~12 % free mail, varied countries and sizes). Each run starts with fresh ports and
cold ``registrable_domain``/``company_key`` caches (real leads have new emails).

Baseline in the same run: what every decision pays before any node runs — build
``RecordFacts`` the way intake does, fold the email domain, one dict lookup.

    .venv/bin/python bench/routing_decisions.py [--runs 5] [--leads 10000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conditions import machine, median, percentile

from baton.domain.routing.facts import company_key, registrable_domain
from baton.domain.routing.flow import Router
from baton.services.routing.assign import lead_facts
from baton.testing import InMemoryRoutingPorts
from baton.workspace.routing_compile import compile_routing
from baton.workspace.spec import WorkspaceSpec

SEED = 2026
START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
GEOS = {  # country → states/provinces the territory rows split on
    "US": [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ],
    "CA": ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"],
    "AU": ["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"],
    "DE": [
        "BW",
        "BY",
        "BE",
        "BB",
        "HB",
        "HH",
        "HE",
        "MV",
        "NI",
        "NW",
        "RP",
        "SL",
        "SN",
        "ST",
        "SH",
        "TH",
    ],
    "IN": [
        "AP",
        "AS",
        "BR",
        "CT",
        "GA",
        "GJ",
        "HR",
        "HP",
        "JH",
        "KA",
        "KL",
        "MP",
        "MH",
        "MN",
        "ML",
        "MZ",
        "NL",
        "OR",
        "PB",
        "RJ",
        "SK",
        "TN",
        "TG",
        "TR",
        "UP",
        "UK",
        "WB",
        "DL",
    ],
}
OTHER_COUNTRIES = [
    "GB",
    "FR",
    "NL",
    "ES",
    "IT",
    "SE",
    "NO",
    "DK",
    "FI",
    "IE",
    "BE",
    "CH",
    "AT",
    "PL",
    "PT",
    "JP",
    "KR",
    "SG",
    "BR",
    "MX",
    "AR",
    "CL",
    "CO",
    "ZA",
    "IL",
    "AE",
    "NZ",
]
INDUSTRIES = (
    "Software",
    "Financial Services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Education",
    "Government",
    "Media",
    "Telecommunications",
    "Energy",
    "Transportation",
    "Hospitality",
    "Real Estate",
    "Insurance",
    "Pharmaceuticals",
    "Automotive",
    "Construction",
    "Agriculture",
    "Legal",
    "Nonprofit",
    "Consumer Goods",
    "Aerospace",
)
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com")
WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Monarch",
    "Aperture",
    "Gringotts",
    "Oscorp",
    "Nakatomi",
    "Dunder",
    "Pied",
    "Massive",
    "Prestige",
    "Virtucon",
    "Gekko",
    "Sirius",
    "Blue",
    "Red",
    "Green",
    "North",
    "South",
    "Delta",
    "Apex",
    "Summit",
]
SUFFIXES = ("Inc.", "LLC", "Ltd", "GmbH", "Corp", "Group", "", "Holdings", "S.A.")


def segment(employees: int | None) -> str | None:
    if employees is None:
        return None
    return "ENT" if employees >= 1000 else "MM" if employees >= 200 else "SMB"


def size(rng: random.Random) -> int | None:
    return None if rng.random() < 0.1 else int(10 ** rng.uniform(0.5, 5))


def place(rng: random.Random) -> tuple[str, str | None]:
    r = rng.random()
    country = (
        "US" if r < 0.5 else rng.choice(list(GEOS)) if r < 0.7 else rng.choice(OTHER_COUNTRIES)
    )
    return country, rng.choice(GEOS[country]) if country in GEOS and rng.random() < 0.9 else None


def workspace(rows: int) -> WorkspaceSpec:
    aes = [
        {
            "id": f"ae-{i:03d}",
            "name": f"Account Exec{i}",
            "role": "ae",
            "team": ("ent-na", "ent-emea", "ent-apac")[i % 3],
        }
        for i in range(60)
    ]
    sdrs = [
        {
            "id": f"sdr-{i:02d}",
            "name": f"Sales Dev{i}",
            "role": "sdr",
            "team": "sdr",
            "max_open": 400 if i % 7 == 0 else None,
        }
        for i in range(30)
    ]
    combos = [
        (s, c, st, ind)
        for s in ("ENT", "MM")
        for c, states in GEOS.items()
        for st in states
        for ind in INDUSTRIES
    ]
    catch_all = [(s, c) for s in ("ENT", "MM") for c in [*GEOS, *OTHER_COUNTRIES]]
    territory = [
        {"segment": s, "country": c, "state": st, "industry": ind, **target(i)}
        for i, (s, c, st, ind) in enumerate(combos[: rows - len(catch_all)])
    ]
    territory += [{"segment": s, "country": c, **target(i)} for i, (s, c) in enumerate(catch_all)]
    return WorkspaceSpec.model_validate(
        {
            "workspace": {"name": "Bench Co"},
            "people": aes + sdrs,
            "teams": [{"id": t, "name": t} for t in ("ent-na", "ent-emea", "ent-apac", "sdr")],
            "routing": {
                "queues": [{"id": "inbound-triage"}],
                "pools": [
                    {
                        "id": "inbound-sdr",
                        "members": [p["id"] for p in sdrs],
                        "weights": {p["id"]: 1 + i % 3 for i, p in enumerate(sdrs)},
                    }
                ],
                "territories": [{"id": "main", "rows": territory}],
                "flows": [
                    {
                        "name": "inbound",
                        "nodes": [
                            "override",
                            "match_account",
                            {
                                "branch": {
                                    "name": "mid-market or larger?",
                                    "if": {"field": "employees", "gte": 200},
                                    "then": [{"territory": "main"}],
                                }
                            },
                            {"round_robin": "inbound-sdr"},
                            {"fallback": {"queue": "inbound-triage"}},
                        ],
                    }
                ],
            },
        }
    )


def target(i: int) -> dict:
    return (
        {"team": ("ent-na", "ent-emea", "ent-apac")[i % 3]}
        if i % 10 == 0
        else {"owner": f"ae-{i % 60:03d}"}
    )


def accounts(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(1, n + 1):
        employees = size(rng)
        country, state = place(rng)
        named = i % 5 == 0
        out.append(
            {
                "id": i,
                "name": (
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i} {rng.choice(SUFFIXES)}".strip()
                ),
                "domains": [f"{'www.' if i % 4 == 0 else ''}account{i}.com"],
                "owner_id": f"ae-{i % 60:03d}" if named or i % 3 == 0 else None,
                "named": named,
                "segment": segment(employees),
                "employees": employees,
                "country": country,
                "state": state,
                "industry": rng.choice(INDUSTRIES),
            }
        )
    return out


def leads(rng: random.Random, n: int, accounts: list[dict]) -> list[dict]:
    out = []
    for i in range(n):
        r = rng.random()
        account = rng.choice(accounts)
        if r < 0.30:  # someone at a known account, sometimes from a subdomain
            email, company = (
                f"lead{i}@{'eu.' if i % 6 == 0 else ''}account{account['id']}.com",
                account["name"],
            )
        elif r < 0.42:  # free mail; half of them give a known company name
            email, company = (
                f"lead{i}@{rng.choice(FREE_MAIL)}",
                account["name"].upper() if rng.random() < 0.5 else f"Startup {i}",
            )
        else:
            email, company = f"lead{i}@prospect{rng.randrange(50_000)}.io", f"Prospect {i}"
        employees = size(rng)
        country, state = place(rng)
        out.append(
            {
                "email": email,
                "company": company,
                "employees": employees,
                "segment": segment(employees),
                "country": country,
                "state": state,
                "industry": rng.choice(INDUSTRIES) if rng.random() < 0.85 else None,
                "source": "website",
                "lead_type": "demo-request",
                "override_owner": i % 50 == 0,
                "owner_id": "ae-007" if i % 50 == 0 else None,
            }
        )
    return out


def fresh_ports(spec, config, account_rows) -> InMemoryRoutingPorts:
    away = {
        f"sdr-{i:02d}": [(START - timedelta(days=2), START + timedelta(days=5))]
        for i in (3, 11, 22)
    }
    registrable_domain.cache_clear()
    company_key.cache_clear()
    ports = InMemoryRoutingPorts.for_workspace(
        spec, config, accounts=account_rows, out_of_office=away
    )
    # indexing accounts warmed the caches with their domains and names
    registrable_domain.cache_clear()
    company_key.cache_clear()
    return ports


def run_flow(config, ports, rows, instants) -> tuple[float, list[float], dict[str, list[float]]]:
    latencies, by_outcome = [], {}
    perf = time.perf_counter
    started = perf()
    for row, at in zip(rows, instants, strict=True):
        t0 = perf()
        facts = lead_facts(row)
        flow = config.flow_for("lead.created", facts.get)
        decision = Router(ports, at).route(flow, facts)
        ports.note(decision, at)
        latencies.append(perf() - t0)
        by_outcome.setdefault(decision.node_kind or "unassigned", []).append(latencies[-1])
    return perf() - started, latencies, by_outcome


def run_baseline(index: dict[str, int], rows) -> float:
    registrable_domain.cache_clear()
    started = time.perf_counter()
    for row in rows:
        facts = lead_facts(row)
        index.get(facts.email_domain)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--profile", action="store_true", help="also profile one run with cProfile")
    args = parser.parse_args()
    print(machine())
    rng = random.Random(SEED)
    spec = workspace(args.rows)
    started = time.perf_counter()
    config, issues = compile_routing(spec)
    compile_s = time.perf_counter() - started
    assert not issues, issues[:3]
    account_rows = accounts(rng, args.accounts)
    rows = leads(rng, args.leads, account_rows)
    instants = [START + timedelta(seconds=i) for i in range(len(rows))]
    domains = {registrable_domain(d): a["id"] for a in account_rows for d in a["domains"]}
    print(
        f"workspace: {len(config.tables['main'].rows):,} territory rows, "
        f"{args.accounts:,} accounts ({sum(a['named'] for a in account_rows):,} named), "
        f"pool of {len(config.pools['inbound-sdr'].members)}; "
        f"compile_routing (incl. ambiguity check) {compile_s:.2f} s"
    )
    rates, baselines, latencies, by_outcome = [], [], [], {}
    for _ in range(args.runs):
        ports = fresh_ports(spec, config, account_rows)
        spent, lat, outcomes = run_flow(config, ports, rows, instants)
        rates.append(len(rows) / spent)
        latencies += lat
        for kind, values in outcomes.items():
            by_outcome.setdefault(kind, []).extend(values)
        baselines.append(len(rows) / run_baseline(domains, rows))
    print(
        f"runs: {args.runs} x {len(rows):,} leads; decided by (per run, p50 latency): "
        + ", ".join(
            f"{kind} {len(v) // args.runs:,} ({percentile(v, 50) * 1e6:.0f} µs)"
            for kind, v in sorted(by_outcome.items(), key=lambda kv: -len(kv[1]))
        )
    )
    print(
        f"baseline (RecordFacts + email domain + 1 dict lookup) {median(baselines):10,.0f} leads/s"
    )
    print(
        f"routing decisions                                  {median(rates):10,.0f} decisions/s   "
        f"({median(rates) / median(baselines):.2f}x baseline)   "
        f"goal >= 10,000/s: {'met' if median(rates) >= 10_000 else 'MISSED'}"
    )
    print(
        f"per-decision latency  p50 {percentile(latencies, 50) * 1e6:.1f} µs   "
        f"p99 {percentile(latencies, 99) * 1e6:.1f} µs   "
        f"max {max(latencies) * 1e3:.2f} ms"
    )
    if args.profile:
        profile(spec, config, account_rows, rows, instants)


def profile(spec, config, account_rows, rows, instants) -> None:
    ports = fresh_ports(spec, config, account_rows)
    profiler = cProfile.Profile()
    profiler.enable()
    run_flow(config, ports, rows, instants)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue())


if __name__ == "__main__":
    main()
