"""Every inbound field fits the column it is stored in, on SQLite and PostgreSQL alike:
a string's max_length is at most its column's length (PostgreSQL refuses longer ones,
SQLite would keep them), an integer's bounds within the column's, a float finite."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import BigInteger, Float, Integer, String, Table

from baton.services.people.payloads import OutOfOffice, PersonIn, PersonPatch
from baton.services.records.payloads import (
    AccountIn,
    AccountPatch,
    ActivityIn,
    LeadIn,
    LeadPatch,
    OpportunityIn,
    OpportunityPatch,
)
from baton.store.tables import accounts, activities, leads, opportunities, out_of_office, people

STORED = [
    (LeadIn, leads),
    (LeadPatch, leads),
    (AccountIn, accounts),
    (AccountPatch, accounts),
    (OpportunityIn, opportunities),
    (OpportunityPatch, opportunities),
    (ActivityIn, activities),
    (PersonIn, people),
    (PersonPatch, people),
    (OutOfOffice, out_of_office),
]
INT_MAX = {Integer: 2**31 - 1, BigInteger: 2**63 - 1}


def _refused_at(model: type[BaseModel], name: str, value: object) -> bool:
    """Whether validating ``{name: value}`` reports a problem at ``name`` itself."""
    try:
        model.model_validate({name: value})
    except ValidationError as exc:
        return any(e["loc"][:1] == (name,) for e in exc.errors())
    return False


def _stored_fields():
    for model, table in STORED:
        for name in model.model_fields:
            if name in table.c:
                yield pytest.param(model, table, name, id=f"{model.__name__}.{name}")


@pytest.mark.parametrize(("model", "table", "name"), list(_stored_fields()))
def test_every_inbound_field_fits_its_column_on_both_databases(
    model: type[BaseModel], table: Table, name: str
):
    column_type = table.c[name].type
    if isinstance(column_type, String) and column_type.length:
        too_long = column_type.length + 1
        for value in ("a" * too_long, "a" * (too_long - 5) + "@x.io"):  # any text, an email
            assert _refused_at(model, name, value), value
    elif isinstance(column_type, Float):
        assert _refused_at(model, name, float("inf")) and _refused_at(model, name, float("nan"))
    elif isinstance(column_type, (Integer, BigInteger)):
        top = INT_MAX[BigInteger if isinstance(column_type, BigInteger) else Integer]
        assert _refused_at(model, name, top + 1) and _refused_at(model, name, -top - 2)
