"""Branch conditions: every operator, text without case, missing values, combinators,
rule-engine expressions, and compile-time errors a person can act on."""

from __future__ import annotations

import pytest

from baton.domain.routing.conditions import OPERATORS, ConditionError, compile_condition
from baton.domain.routing.facts import RecordFacts
from baton.workspace.routing_compile import LEAD_FIELDS


def evaluate(spec, **values):
    """Compile ``spec`` and test it on a record with ``values`` (``extra`` as a dict)."""
    facts = RecordFacts(
        {k: v for k, v in values.items() if k != "extra"}, extra=values.get("extra", {})
    )
    predicate = compile_condition(spec, LEAD_FIELDS)
    return predicate(lambda name: facts.extra if name == "extra" else facts.get(name))


def holds(spec, **values) -> bool:
    return evaluate(spec, **values).passed


def compile_error(spec) -> str:
    with pytest.raises(ConditionError) as caught:
        compile_condition(spec, LEAD_FIELDS)
    return str(caught.value)


# -- every operator, with a value that passes and one that fails

OPERATOR_CASES = [
    ({"field": "country", "eq": "US"}, "US", "CA"),
    ({"field": "country", "ne": "US"}, "CA", "US"),
    ({"field": "country", "in": ["US", "CA"]}, "CA", "DE"),
    ({"field": "country", "not_in": ["US", "CA"]}, "DE", "US"),
    ({"field": "employees", "gt": 1000}, 1001, 1000),
    ({"field": "employees", "gte": 1000}, 1000, 999),
    ({"field": "employees", "lt": 1000}, 999, 1000),
    ({"field": "employees", "lte": 1000}, 1000, 1001),
    ({"field": "title", "exists": True}, "CTO", ""),
    ({"field": "title", "contains": "ops"}, "Head of RevOps", "CFO"),
    ({"field": "title", "starts_with": "vp"}, "VP Sales", "SVP Sales"),
    ({"field": "email", "ends_with": ".gov"}, "a@nasa.gov", "a@acme.com"),
    ({"field": "title", "matches": r"^(vp|chief)\b"}, "Chief Revenue Officer", "Vice chief"),
]


def test_the_cases_cover_every_operator():
    assert {next(k for k in spec if k != "field") for spec, _, _ in OPERATOR_CASES} == set(
        OPERATORS
    )


@pytest.mark.parametrize(
    ("spec", "passing", "failing"),
    OPERATOR_CASES,
    ids=lambda v: str(v) if isinstance(v, dict) else None,
)
def test_each_operator_passes_and_fails_on_the_value_it_tests(spec, passing, failing):
    field = spec["field"]
    assert holds(spec, **{field: passing})
    assert not holds(spec, **{field: failing})


def test_a_test_reports_what_it_looked_at():
    result = evaluate({"field": "employees", "gte": 1000}, employees=1200)
    assert result == result.__class__("employees gte 1000", {"employees": 1200}, True)


# -- text ignores case


@pytest.mark.parametrize(
    "spec",
    [
        {"field": "country", "eq": "us"},
        {"field": "country", "in": ["us", "ca"]},
        {"field": "industry", "contains": "SOFT"},
        {"field": "industry", "starts_with": "SOFT"},
        {"field": "industry", "ends_with": "WARE"},
        {"field": "industry", "matches": "^soft"},
    ],
)
def test_text_comparisons_ignore_case(spec):
    assert holds(spec, country="US", industry="Software")


def test_ne_and_not_in_ignore_case_too():
    assert not holds({"field": "country", "ne": "us"}, country="US")
    assert not holds({"field": "country", "not_in": ["us"]}, country="US")


# -- missing values


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"field": "country", "eq": "US"}, False),
        ({"field": "country", "ne": "US"}, True),
        ({"field": "country", "in": ["US"]}, False),
        ({"field": "country", "not_in": ["US"]}, True),
        ({"field": "employees", "gt": 0}, False),
        ({"field": "employees", "gte": 0}, False),
        ({"field": "employees", "lt": 10**9}, False),
        ({"field": "employees", "lte": 10**9}, False),
        ({"field": "country", "exists": True}, False),
        ({"field": "country", "exists": False}, True),
        ({"field": "title", "contains": "a"}, False),
        ({"field": "title", "starts_with": "a"}, False),
        ({"field": "title", "ends_with": "a"}, False),
        ({"field": "title", "matches": ".*"}, False),
    ],
)
def test_a_missing_value_fails_every_test_except_ne_not_in_and_exists_false(spec, expected):
    assert holds(spec) is expected


def test_an_empty_string_does_not_exist():
    assert not holds({"field": "title", "exists": True}, title="")
    assert holds({"field": "title", "exists": False}, title="")


def test_a_text_where_a_number_is_expected_is_not_a_number():
    assert not holds({"field": "employees", "gte": 10}, employees="5000")
    assert not holds({"field": "employees", "gte": 10}, employees=True)


def test_extra_fields_are_read_from_the_extra_mapping():
    assert holds({"field": "extra.plan", "eq": "PRO"}, extra={"plan": "pro"})
    assert not holds({"field": "extra.plan", "exists": True}, extra={})


# -- all / any / not

ENTERPRISE_US = {
    "all": [{"field": "employees", "gte": 1000}, {"field": "country", "in": ["US", "CA"]}]
}


def test_all_needs_every_part():
    assert holds(ENTERPRISE_US, employees=5000, country="US")
    assert not holds(ENTERPRISE_US, employees=5000, country="DE")
    assert not holds(ENTERPRISE_US, employees=50, country="US")


def test_any_needs_one_part():
    spec = {"any": [{"field": "lead_type", "eq": "demo-request"}, {"field": "score", "gte": 80}]}
    assert holds(spec, lead_type="demo-request")
    assert holds(spec, score=90)
    assert not holds(spec, lead_type="content", score=10)


def test_not_inverts_and_says_so():
    result = evaluate({"not": {"field": "is_test", "eq": True}}, is_test=True)
    assert (result.passed, result.text) == (False, "not (is_test eq True)")


def test_combinators_short_circuit_and_only_show_what_they_tested():
    result = evaluate(ENTERPRISE_US, employees=50, country="US")
    assert result.values == {"employees": 50}
    assert result.text == "employees gte 1000"
    result = evaluate(
        {"any": [{"field": "country", "eq": "US"}, {"field": "score", "gte": 80}]},
        country="US",
        score=5,
    )
    assert (result.passed, result.values) == (True, {"country": "US"})


def test_nested_combinators():
    spec = {
        "all": [
            ENTERPRISE_US,
            {
                "not": {
                    "any": [
                        {"field": "is_test", "eq": True},
                        {"field": "industry", "eq": "Government"},
                    ]
                }
            },
        ]
    }
    assert holds(spec, employees=2000, country="CA", is_test=False, industry="Retail")
    assert not holds(spec, employees=2000, country="CA", industry="government")


# -- expressions (rule-engine)


def test_an_expression_is_evaluated_against_the_typed_fields():
    spec = {"expr": "employees >= 1000 and country in ['US', 'CA']"}
    assert holds(spec, employees=1000, country="CA")
    assert not holds(spec, employees=999, country="CA")
    assert evaluate(spec, employees=1000, country="CA").values == {
        "country": "CA",
        "employees": 1000,
    }


def test_an_expression_on_a_missing_value_is_false_not_an_error():
    assert not holds({"expr": "employees >= 1000"})
    assert not holds({"expr": "extra['plan'] == 'pro'"}, extra={})
    assert holds({"expr": "extra['plan'] == 'pro'"}, extra={"plan": "pro"})


def test_an_expression_on_a_boolean_field():
    assert holds({"expr": "not is_test"}, is_test=False)


def test_an_expression_compares_text_with_case_as_documented_and_can_ignore_it_with_a_regex():
    """rule-engine's == is exact; structured conditions ignore case. docs/routing.md says so."""
    assert not holds({"expr": "country == 'us'"}, country="US")
    assert holds({"expr": "country =~ '(?i)^us$'"}, country="US")


@pytest.mark.parametrize(
    "expr", ["country + 1 > 2", "employees > 'many'", "country >", "is_test and"]
)
def test_an_ill_typed_or_malformed_expression_is_refused_at_compile_time(expr):
    assert compile_error({"expr": expr}).startswith(f"expression {expr!r}:")


@pytest.mark.parametrize(
    "expr",
    [
        "employees == 'many'",
        "is_test == 'yes'",
        "country != 3",
        "score > 1 and (employees == 'x' or is_test)",
    ],
)
def test_an_equality_between_a_number_and_text_is_refused_at_compile_time(expr):
    assert compile_error({"expr": expr}).startswith(f"expression {expr!r}")


@pytest.mark.parametrize(
    "expr", ["employees == 1000", "country != 'US'", "extra['plan'] == 'pro'", "country == null"]
)
def test_a_well_typed_equality_compiles(expr):
    compile_condition({"expr": expr}, LEAD_FIELDS)


def test_an_expression_naming_an_unknown_field_is_refused():
    assert "employes" in compile_error({"expr": "employes > 5"})


@pytest.mark.parametrize("expr", ["", "   ", 42])
def test_an_empty_expression_is_refused(expr):
    assert "needs an expression" in compile_error({"expr": expr})


# -- compile-time errors for structured conditions


def test_an_unknown_field_suggests_the_closest_one():
    message = compile_error({"field": "employes", "gte": 1000})
    assert "unknown field 'employes'" in message
    assert "did you mean 'employees'?" in message


def test_an_unknown_field_far_from_any_lists_the_fields():
    message = compile_error({"field": "zzzz", "eq": 1})
    assert "did you mean" not in message and "employees" in message and "extra.NAME" in message


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"field": "country", "gte": 5}, "compares numbers"),
        ({"field": "employees", "gte": "5"}, "must be a number"),
        ({"field": "employees", "gte": True}, "must be a number"),
        ({"field": "employees", "contains": "5"}, "works on text"),
        ({"field": "title", "contains": 5}, "works on text"),
        ({"field": "title", "matches": "(unclosed"}, "invalid regular expression"),
        ({"field": "country", "in": []}, "non-empty list"),
        ({"field": "country", "not_in": "US"}, "non-empty list"),
        ({"field": "country", "exists": "yes"}, "true or false"),
        ({"field": "employees", "eq": "many"}, "compare it with a number"),
        ({"field": "is_test", "eq": "yes"}, "compare it with true or false"),
        ({"field": "country", "eq": "US", "ne": "CA"}, "exactly one operator"),
        ({"field": "country", "like": "US"}, "exactly one operator"),
        ({"country": "US"}, "needs field"),
        ({}, "is a mapping"),
        ({"all": []}, "non-empty list"),
        ({"any": {"field": "country", "eq": "US"}}, "non-empty list"),
    ],
)
def test_a_bad_condition_is_refused_with_what_to_write(spec, words):
    assert words in compile_error(spec)


def test_a_bad_part_inside_a_combinator_is_refused():
    assert "did you mean 'country'" in compile_error(
        {"all": [{"field": "employees", "gte": 1}, {"not": {"field": "contry", "eq": "US"}}]}
    )
