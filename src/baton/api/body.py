"""Reading JSON bodies ourselves, so a batch can keep its valid items and a
malformed body gets a message a person can act on."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import HTTPException, Request

from baton.services.limits import MAX_ID as MAX_INT  # the largest integer a column stores
from baton.services.records.intake import MAX_BATCH
from baton.workspace.problems import dotted


class _Refused:
    """A number parsed out of a body that no column can hold; ``why`` says so."""

    def __init__(self, text: str, why: str, kind: str) -> None:
        self.text, self.why, self.kind = text, why, kind


def _integer(text: str) -> int | _Refused:
    try:
        value = int(text)
    except ValueError:  # more digits than Python converts (int_max_str_digits)
        return _Refused(text[:20] + "…", "is out of range", "int_out_of_range")
    if -MAX_INT - 1 <= value <= MAX_INT:
        return value
    return _Refused(
        text if len(text) <= 30 else text[:20] + "…",
        f"is out of range (integers are at most {MAX_INT:,} in size; "
        "send a larger identifier as a string)",
        "int_out_of_range",
    )


def _float(text: str) -> float | _Refused:
    value = float(text)
    if math.isinf(value):
        return _Refused(text, "is too large for a number (at most about 1.8e308)", "finite_number")
    return value


def _constant(name: str) -> _Refused:
    return _Refused(name, "is not JSON: send a number, or null", "finite_number")


def parse_json(raw: bytes) -> Any:
    """A request body as Python values, or an HTTPException a person can act on: 400 when it
    is not JSON (or nested too deep for anyone to mean it), 422 naming each place that holds
    a value no database column stores alike on SQLite and PostgreSQL — NaN and Infinity (not
    JSON), a number beyond float range (1e999) or an integer beyond 64 bits, a NUL character
    (``\\u0000``) in a string."""
    if not raw.strip():
        raise HTTPException(400, "empty body: send a JSON object")
    refused: list[_Refused] = []

    def keep(value: Any) -> Any:
        if isinstance(value, _Refused):
            refused.append(value)
        return value

    try:
        body = json.loads(
            raw,
            parse_int=lambda t: keep(_integer(t)),
            parse_float=lambda t: keep(_float(t)),
            parse_constant=lambda t: keep(_constant(t)),
        )
    except RecursionError:
        raise HTTPException(
            400, "body is not valid JSON: nested too deep (a record is a flat object)"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise HTTPException(
            400, f"body is not valid JSON{where}: {getattr(exc, 'msg', str(exc))}"
        ) from exc
    if refused or b"\\u0000" in raw:
        problems = list(_problems(body))
        if problems:
            raise HTTPException(422, problems)
    return body


def _problems(body: Any) -> Any:
    """Each refused number or string holding NUL, as the API's 422 items, in body order."""
    stack: list[tuple[tuple[object, ...], Any]] = [((), body)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, _Refused):
            yield _problem(loc, f"{value.text} {value.why}", value.kind)
        elif isinstance(value, str) and "\x00" in value:
            yield _problem(
                loc, "contains a NUL character (\\u0000), which cannot be stored", "string_nul"
            )
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if "\x00" in key:
                    yield _problem(loc, "a key contains a NUL character (\\u0000)", "string_nul")
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in reversed(list(enumerate(value))))


def _problem(loc: tuple[object, ...], message: str, kind: str) -> dict[str, Any]:
    return {
        "loc": ["body", *loc],
        "field": dotted(loc) or "(body)",
        "message": message,
        "type": kind,
    }


async def json_body(request: Request) -> Any:
    return parse_json(await request.body())


def split_batch(body: Any) -> tuple[list[Any], bool]:
    """(items, is_batch): ``{"items": [...]}`` is a batch, any other object one item."""
    if isinstance(body, dict) and set(body) == {"items"}:
        items = body["items"]
        if not isinstance(items, list):
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["items"],
                        "field": "items",
                        "message": "items must be a list of objects",
                        "type": "list_type",
                    }
                ],
            )
        if len(items) > MAX_BATCH:
            raise HTTPException(
                413,
                f"{len(items)} items in one batch; "
                f"at most {MAX_BATCH} per request — split the batch",
            )
        return items, True
    if isinstance(body, dict):
        return [body], False
    raise HTTPException(
        422,
        [
            {
                "loc": [],
                "field": "(body)",
                "message": 'expected a JSON object, or {"items": [...]} for a batch',
                "type": "type_error",
            }
        ],
    )
