"""Reading JSON bodies ourselves, so a batch can keep its valid items and a
malformed body gets a message a person can act on."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request

from baton.services.records.intake import MAX_BATCH


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise HTTPException(400, "empty body: send a JSON object")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise HTTPException(
            400, f"body is not valid JSON{where}: {getattr(exc, 'msg', str(exc))}"
        ) from exc


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
