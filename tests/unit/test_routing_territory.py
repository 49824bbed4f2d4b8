"""Territory tables: the indexed lookup agrees with a scan of every row, ambiguity is
found exactly, and the playbook's Territory-Based QA items hold."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from baton.domain.routing.territory import (
    DIMENSIONS,
    SET_DIMENSIONS,
    TerritoryRow,
    TerritoryTable,
    ambiguous_pairs,
)
from baton.workspace.routing_compile import compile_routing
from baton.workspace.spec import WorkspaceSpec

VALUES = ("A", "B", "C")  # a small alphabet so random rows and records collide often
BOUNDS = (0, 1, 50, 199, 200, 999, 1000, 5000)


# -- the reference: scan every row


def admits(row: TerritoryRow, get) -> bool:
    for d, accepted in row.criteria.items():
        value = get(d)
        if value in (None, "") or str(value).strip().upper() not in accepted:
            return False
    if row.employees is not None:
        employees = get("employees")
        if not isinstance(employees, int) or isinstance(employees, bool):
            return False
        low, high = row.employees
        if employees < low or (high is not None and employees > high):
            return False
    return True


def scan(rows: list[TerritoryRow], get) -> TerritoryRow | None:
    """The most specific matching row; ties go to the lowest line."""
    matching = [r for r in rows if admits(r, get)]
    return min(matching, key=lambda r: (-r.specificity, r.line), default=None)


def overlap(a: TerritoryRow, b: TerritoryRow) -> bool:
    """Some record could match both rows."""
    for d in SET_DIMENSIONS:
        if d in a.criteria and d in b.criteria and not a.criteria[d] & b.criteria[d]:
            return False
    ranges = [r.employees for r in (a, b) if r.employees is not None]
    low = max((lo for lo, _ in ranges), default=0)
    high = min((hi for _, hi in ranges if hi is not None), default=None)
    return high is None or low <= high


def scan_pairs(rows: list[TerritoryRow]) -> list[tuple[int, int]]:
    return sorted(
        (min(a.line, b.line), max(a.line, b.line))
        for a, b in combinations(rows, 2)
        if a.specificity == b.specificity and overlap(a, b)
    )


# -- strategies

cells = st.frozensets(
    st.sampled_from(VALUES), min_size=1, max_size=2
)  # multi-value cells such as "A|B"
employee_ranges = st.one_of(
    st.none(),
    st.sampled_from(BOUNDS).map(lambda n: (n, None)),  # N+
    st.tuples(st.sampled_from(BOUNDS), st.sampled_from(BOUNDS)).map(sorted).map(tuple),  # A-B
    st.sampled_from(BOUNDS[1:]).map(lambda n: (0, n - 1)),  # <N
)


@st.composite
def rows(draw, max_size=14) -> list[TerritoryRow]:
    count = draw(st.integers(0, max_size))
    lines = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    out = []
    for line in lines:
        dims = draw(st.sets(st.sampled_from(SET_DIMENSIONS), max_size=3))
        criteria = {d: draw(cells) for d in dims}
        out.append(TerritoryRow(line, criteria, draw(employee_ranges), "team", f"t{line}"))
    return out


text_values = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(VALUES),
    st.sampled_from(VALUES).map(lambda v: f" {v.lower()} "),
    st.just("Z"),
)
employee_values = st.one_of(
    st.none(), st.sampled_from(BOUNDS), st.integers(-1, 6000), st.just("1000")
)
records = st.fixed_dictionaries(
    {**{d: text_values for d in SET_DIMENSIONS}, "employees": employee_values}
)


@settings(max_examples=150, deadline=None)
@given(rows(), st.lists(records, min_size=1, max_size=8))
def test_the_indexed_lookup_finds_the_row_a_full_scan_finds(table_rows, leads):
    table = TerritoryTable(table_rows)
    for lead in leads:
        assert table.lookup(lead.get) == scan(table_rows, lead.get)


@settings(max_examples=150, deadline=None)
@given(rows(max_size=10))
def test_ambiguous_pairs_are_exactly_the_equally_specific_rows_that_overlap(table_rows):
    found = [(a.line, b.line) for a, b in ambiguous_pairs(table_rows)]
    assert found == scan_pairs(table_rows)


@settings(max_examples=80, deadline=None)
@given(rows(max_size=8), st.lists(records, min_size=1, max_size=4))
def test_a_table_without_ambiguity_has_one_most_specific_row_per_record(table_rows, leads):
    if ambiguous_pairs(table_rows):
        return
    table = TerritoryTable(table_rows)
    for lead in leads:
        matching = [r for r in table_rows if admits(r, lead.get)]
        best = [
            r
            for r in matching
            if r.specificity == max((m.specificity for m in matching), default=-1)
        ]
        assert len(best) <= 1
        assert table.lookup(lead.get) == (best[0] if best else None)


# -- rows written as in baton.yaml: the size ranges N+, A-B, <N and N


def compiled_table(rows_yaml: list[dict]) -> TerritoryTable:
    spec = WorkspaceSpec.model_validate(
        {
            "workspace": {"name": "Acme"},
            "teams": [{"id": t, "name": t} for t in sorted({r["team"] for r in rows_yaml})],
            "people": [
                {"id": f"rep-{t}", "name": "Rep", "role": "ae", "team": t}
                for t in sorted({r["team"] for r in rows_yaml})
            ],
            "routing": {"territories": [{"id": "main", "rows": rows_yaml}]},
        }
    )
    config, issues = compile_routing(spec)
    assert issues == []
    return config.tables["main"]


def route(table: TerritoryTable, **lead) -> str | None:
    row = table.lookup(lead.get)
    return row.target if row else None


REGIONS = [
    {"region": "NA", "team": "na"},
    {"region": "EMEA", "team": "emea"},
    {"region": "APAC", "team": "apac"},
    {"region": "LATAM", "team": "latam"},
]


def test_every_region_routes_to_its_team():
    table = compiled_table(REGIONS)
    for row in REGIONS:
        assert route(table, region=row["region"]) == row["team"]
        assert route(table, region=row["region"].lower()) == row["team"]


SIZE_TIERS = [
    {"employees": "<200", "team": "smb"},
    {"employees": "200-999", "team": "mid"},
    {"employees": "1000+", "team": "ent"},
]


def test_size_tiers_split_at_the_thresholds():
    table = compiled_table(SIZE_TIERS)
    assert [route(table, employees=n) for n in (0, 199, 200, 999, 1000, 250_000)] == [
        "smb",
        "smb",
        "mid",
        "mid",
        "ent",
        "ent",
    ]


def test_a_single_size_means_exactly_that_size():
    table = compiled_table([{"employees": "42", "team": "answer"}])
    assert [route(table, employees=n) for n in (41, 42, 43)] == [None, "answer", None]


def test_a_lead_without_a_size_only_matches_rows_without_one():
    table = compiled_table(
        [{"employees": "1000+", "team": "ent"}, {"region": "EMEA", "country": "GB", "team": "uk"}]
    )
    assert route(table) is None
    assert route(table, employees=None, region="EMEA", country="GB") == "uk"
    assert route(table, employees=5000) == "ent"


def test_a_record_that_matches_no_row_gets_none():
    table = compiled_table(REGIONS)
    assert route(table, region="MARS") is None
    assert route(table, country="US") is None
    assert TerritoryTable([]).lookup({}.get) is None


def test_the_most_specific_row_wins_over_a_broader_one():
    table = compiled_table(
        [
            {"country": "US", "team": "us"},
            {"country": "US", "state": "CA|WA|OR", "team": "us-west"},
            {"country": "US", "state": "CA", "industry": "Software", "team": "bay-software"},
        ]
    )
    assert route(table, country="US", state="NY") == "us"
    assert route(table, country="US", state="wa") == "us-west"
    assert route(table, country="US", state="CA", industry="software") == "bay-software"
    assert route(table, country="US", state="CA", industry="Retail") == "us-west"


def test_a_multi_value_cell_admits_each_value():
    table = compiled_table(
        [{"country": "US|CA", "team": "na"}, {"country": "GB | IE", "team": "uki"}]
    )
    assert [route(table, country=c) for c in ("US", "CA", "GB", "IE", "FR")] == [
        "na",
        "na",
        "uki",
        "uki",
        None,
    ]


def test_the_trace_describes_the_row_in_words():
    table = compiled_table(
        [{"name": "West ENT", "state": "CA|WA", "employees": "1000+", "team": "ent"}]
    )
    row = table.lookup({"state": "CA", "employees": 1000}.get)
    assert row.describe() == "row 1 (West ENT) [state=CA|WA, employees ≥ 1,000] → team ent"
    assert row.where == {"row": 1}  # the first row written under rows:


def test_a_row_from_a_csv_is_named_by_its_csv_line():
    table = compiled_table([{"line": 14, "name": "West ENT", "state": "CA", "team": "ent"}])
    row = table.lookup({"state": "CA"}.get)
    assert row.describe() == "CSV line 14 (West ENT) [state=CA] → team ent"
    assert row.where == {"csv_line": 14}
    assert set(row.criteria) | {"employees"} <= set(DIMENSIONS)
