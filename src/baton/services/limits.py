"""What a stored value may be, the same on SQLite and PostgreSQL: PostgreSQL refuses a
string longer than its column, an integer beyond its column's size and NaN in JSON, where
SQLite keeps them; so every door checks these bounds first and answers 422 naming the
field (docs/api.md, Field limits)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

from baton.workspace.schema import Email

MAX_ID = 2**63 - 1  # ids are 64-bit (BIGINT)
MAX_INT = 2**31 - 1  # an INTEGER column: employees, capacities
EMAIL_LENGTH = 320
REF_LENGTH = 100  # a person, team, queue or calendar id
FREE_TEXT_LENGTH = 10_000  # a free-text value: in extra, a handoff field
DOC_BYTES = 65_536  # a whole extra or handoff object, as UTF-8 JSON

RecordRef = Annotated[int, Field(ge=1, le=MAX_ID, description="a record id")]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
StoredEmail = Annotated[Email, Field(max_length=EMAIL_LENGTH)]
Ref = Annotated[str, Field(max_length=REF_LENGTH)]

FreeText = Annotated[str, Field(max_length=FREE_TEXT_LENGTH)]


def _bounded_doc(value: dict[str, Any]) -> dict[str, Any]:
    """A free-form object (``extra``, ``handoff``): keys up to 100 characters, at most
    64 KiB as UTF-8 JSON — it is stored twice (the row and its event)."""
    for key in value:
        if len(key) > REF_LENGTH:
            raise ValueError(f"the key '{key[:40]}…' is longer than {REF_LENGTH} characters")
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > DOC_BYTES:
        raise ValueError(f"is {size:,} bytes as JSON; at most {DOC_BYTES:,} (64 KiB)")
    return value


BoundedDoc = AfterValidator(_bounded_doc)

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)  # exclusive


def _in_range(value: datetime) -> datetime:
    """An instant Baton can compute with: 1900 … 2199 in UTC (year 1 or 9999 with an offset
    does not even convert to UTC)."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError(
            f"{value.isoformat()} is out of range: an instant between 1900-01-01 and "
            "2199-12-31 (UTC), with a time zone"
        )
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
