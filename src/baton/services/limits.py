"""What a stored value may be, the same on SQLite and PostgreSQL: PostgreSQL refuses a
string longer than its column, an integer beyond its column's size and NaN in JSON, where
SQLite keeps them; so every door checks these bounds first and answers 422 naming the
field (docs/api.md, Field limits)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from baton.workspace.schema import Email

MAX_ID = 2**63 - 1  # ids are 64-bit (BIGINT)
MAX_INT = 2**31 - 1  # an INTEGER column: employees, capacities
EMAIL_LENGTH = 320
REF_LENGTH = 100  # a person, team, queue or calendar id

RecordRef = Annotated[int, Field(ge=1, le=MAX_ID, description="a record id")]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
StoredEmail = Annotated[Email, Field(max_length=EMAIL_LENGTH)]
Ref = Annotated[str, Field(max_length=REF_LENGTH)]
