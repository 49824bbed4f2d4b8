"""Branch conditions: structured YAML compiled once into predicates, or a free-form
expression compiled by ``rule-engine`` against the typed lead fields.

Structured form::

    {field: employees, gte: 1000}
    {all: [{field: country, in: [US, CA]}, {not: {field: is_test, eq: true}}]}
    {any: [...]}

Expression form (type-checked at ``baton check``)::

    {expr: "employees >= 1000 and country in ['US', 'CA']"}

A condition that tests a missing value is false (``employees >= 1000`` with no
employee count is not true), except ``exists: false`` and ``ne``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "exists",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
)
NUMBER, TEXT, BOOL = "number", "text", "bool"


class ConditionError(ValueError):
    """A condition that cannot be compiled; the message is for a person."""


@dataclass(frozen=True)
class Test:
    """One evaluated condition: what it looked at and whether it held."""

    text: str
    values: dict[str, Any]
    passed: bool


Getter = Callable[[str], Any]  # a field's value by name, as the record (or account) has it
Predicate = Callable[[Getter], Test]


def compile_condition(spec: Mapping[str, Any], fields: Mapping[str, str]) -> Predicate:
    """Compile ``spec`` against ``fields`` (name → number|text|bool); raise ConditionError."""
    if not isinstance(spec, Mapping) or not spec:
        raise ConditionError("a condition is a mapping such as {field: employees, gte: 1000}")
    keys = set(spec)
    if keys == {"expr"}:
        return _compile_expr(spec["expr"], fields)
    for combinator in ("all", "any"):
        if keys == {combinator}:
            parts = spec[combinator]
            if not isinstance(parts, list) or not parts:
                raise ConditionError(f"{combinator}: needs a non-empty list of conditions")
            return _combine(combinator, [compile_condition(p, fields) for p in parts])
    if keys == {"not"}:
        inner = compile_condition(spec["not"], fields)
        return lambda get: _negate(inner(get))
    return _compile_test(spec, fields)


def _combine(kind: str, parts: list[Predicate]) -> Predicate:
    def run(get: Getter) -> Test:
        results = []
        for part in parts:
            result = part(get)
            results.append(result)
            if (kind == "all") != result.passed:  # short-circuit like the words say
                break
        passed = all(r.passed for r in results) if kind == "all" else any(r.passed for r in results)
        joiner = " and " if kind == "all" else " or "
        values = {k: v for r in results for k, v in r.values.items()}
        return Test(joiner.join(r.text for r in results), values, passed)

    return run


def _negate(test: Test) -> Test:
    return Test(f"not ({test.text})", test.values, not test.passed)


def _compile_test(spec: Mapping[str, Any], fields: Mapping[str, str]) -> Predicate:
    if "field" not in spec:
        raise ConditionError(
            "a test needs field: NAME and one operator, e.g. {field: country, in: [US, CA]}"
        )
    name = spec["field"]
    ops = [k for k in spec if k != "field"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise ConditionError(
            f"field {name}: give exactly one operator among {', '.join(OPERATORS)}"
        )
    op, expected = ops[0], spec[ops[0]]
    kind = field_kind(name, fields)
    _check_operand(name, kind, op, expected)
    test = _operator(op, expected)
    text = f"{name} {op.replace('_', ' ')} {expected!r}"

    def run(get: Getter) -> Test:
        value = get(name)
        return Test(text, {name: value}, test(value))

    return run


def field_kind(name: str, fields: Mapping[str, str]) -> str:
    if name.startswith("extra.") and len(name) > 6:
        return "any"
    if name not in fields:
        import difflib

        close = difflib.get_close_matches(name, list(fields), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConditionError(
            f"unknown field '{name}'{hint}; fields: {', '.join(sorted(fields))}, or extra.NAME"
        )
    return fields[name]


def _check_operand(name: str, kind: str, op: str, expected: Any) -> None:
    if op in ("in", "not_in"):
        if not isinstance(expected, list) or not expected:
            raise ConditionError(f"field {name}: {op} needs a non-empty list, e.g. [US, CA]")
        return
    if op == "exists":
        if not isinstance(expected, bool):
            raise ConditionError(f"field {name}: exists takes true or false")
        return
    if op in ("gt", "gte", "lt", "lte") and (
        kind not in (NUMBER, "any")
        or isinstance(expected, bool)
        or not isinstance(expected, (int, float))
    ):
        raise ConditionError(
            f"field {name}: {op} compares numbers; "
            f"{name} is {kind} and {expected!r} must be a number"
        )
    if op in ("contains", "starts_with", "ends_with", "matches") and (
        kind not in (TEXT, "any") or not isinstance(expected, str)
    ):
        raise ConditionError(f"field {name}: {op} works on text with a text operand")
    if op == "matches":
        try:
            re.compile(expected)
        except re.error as exc:
            raise ConditionError(f"field {name}: invalid regular expression ({exc})") from exc
    if (
        op in ("eq", "ne")
        and kind == NUMBER
        and (isinstance(expected, bool) or not isinstance(expected, (int, float)))
    ):
        raise ConditionError(
            f"field {name} is a number; compare it with a number, not {expected!r}"
        )
    if op in ("eq", "ne") and kind == BOOL and not isinstance(expected, bool):
        raise ConditionError(f"field {name} is true/false; compare it with true or false")


def _lower(v: Any) -> Any:
    return v.lower() if isinstance(v, str) else v


def _operator(op: str, expected: Any) -> Callable[[Any], bool]:
    """Text comparisons ignore case: 'us' and 'US' are the same country to a person."""
    if op in ("in", "not_in"):
        members = {_lower(e) for e in expected}
        return (
            (lambda v: v is not None and _lower(v) in members)
            if op == "in"
            else (lambda v: v is None or _lower(v) not in members)
        )
    if op == "exists":
        return lambda v: (v is not None and v != "") == expected
    if op == "matches":
        pattern = re.compile(expected, re.IGNORECASE)
        return lambda v: isinstance(v, str) and pattern.search(v) is not None
    simple = {
        "eq": lambda v: v is not None and _lower(v) == _lower(expected),
        "ne": lambda v: v is None or _lower(v) != _lower(expected),
        "gt": lambda v: _num(v) is not None and _num(v) > expected,
        "gte": lambda v: _num(v) is not None and _num(v) >= expected,
        "lt": lambda v: _num(v) is not None and _num(v) < expected,
        "lte": lambda v: _num(v) is not None and _num(v) <= expected,
        "contains": lambda v: isinstance(v, str) and expected.lower() in v.lower(),
        "starts_with": lambda v: isinstance(v, str) and v.lower().startswith(expected.lower()),
        "ends_with": lambda v: isinstance(v, str) and v.lower().endswith(expected.lower()),
    }
    return simple[op]


def _num(v: Any) -> float | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _compile_expr(expr: Any, fields: Mapping[str, str]) -> Predicate:
    import rule_engine

    if not isinstance(expr, str) or not expr.strip():
        raise ConditionError(
            "expr: needs an expression such as \"employees >= 1000 and country == 'US'\""
        )
    types = {
        NUMBER: rule_engine.DataType.FLOAT,
        TEXT: rule_engine.DataType.STRING,
        BOOL: rule_engine.DataType.BOOLEAN,
    }
    typed = {name: types[kind] for name, kind in fields.items()}
    typed["extra"] = rule_engine.DataType.MAPPING(rule_engine.DataType.STRING)
    context = rule_engine.Context(
        type_resolver=rule_engine.type_resolver_from_dict(typed), default_value=None
    )
    try:
        rule = rule_engine.Rule(expr, context=context)
    except rule_engine.errors.EngineError as exc:
        raise ConditionError(f"expression {expr!r}: {getattr(exc, 'message', exc)}") from exc
    _check_equalities(rule.statement.expression, expr)
    used = sorted({n for n in typed if re.search(rf"\b{re.escape(n)}\b", expr)})

    def run(get: Getter) -> Test:
        values = {n: get(n) if n != "extra" else get("extra") for n in used}
        data = {
            n: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
            for n, v in values.items()
        }
        try:
            passed = bool(rule.matches(data))
        except rule_engine.errors.EngineError:
            passed = False  # a missing value makes the expression false, never an error mid-routing
        return Test(expr, values, passed)

    return run


def _check_equalities(node: Any, expr: str) -> None:
    """rule-engine type-checks < and >, not == and !=: a number compared with text would
    silently be false for every lead (a misroute), so refuse it at compile time."""
    import rule_engine.ast as ast
    from rule_engine import DataType

    if isinstance(node, ast.ComparisonExpression) and not isinstance(
        node, ast.ArithmeticComparisonExpression
    ):
        left, right = node.left.result_type, node.right.result_type
        vague = (DataType.UNDEFINED, DataType.NULL)
        if left not in vague and right not in vague and not DataType.is_compatible(left, right):
            raise ConditionError(
                f"expression {expr!r} compares a {_kind(left)} with a {_kind(right)}; "
                "that is never true"
            )
    for value in vars(node).values() if hasattr(node, "__dict__") else ():
        if isinstance(value, ast.ExpressionBase):
            _check_equalities(value, expr)


def _kind(data_type: Any) -> str:
    name = getattr(data_type, "name", str(data_type))
    return {"FLOAT": "number", "STRING": "text", "BOOLEAN": "true/false"}.get(name, name.lower())
