"""Issue 17 rows 1 and 2, on SQLite and PostgreSQL: a token that may send but not read gets
no stored data back (only {id, status}); an empty PATCH is a 422; a body over
BATON_MAX_BODY_BYTES (1 MiB) is a 413 before it is parsed — declared or streamed — and
free text (10,000 characters) and free-form objects (64 KiB) have limits; nothing of a
refused request is stored and nothing accepted before it is lost."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from baton.services.limits import DOC_BYTES, FREE_TEXT_LENGTH
from baton.store.tables import leads

LEAD = {"email": "jo@initech.com", "company": "Initech", "external_id": "w-1"}


def lead_count(live) -> int:
    with live.db.read() as conn:
        return conn.execute(select(func.count()).select_from(leads)).scalar_one()


def test_an_ingest_token_gets_back_only_the_id_and_status(api):
    sender = api.as_("ingest")
    created = sender.post("/v1/leads", json=LEAD)
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "status": "created"}
    again = sender.post("/v1/leads", json=LEAD)  # a known external_id: no stored record back
    assert again.status_code == 200 and again.json() == {
        "id": created.json()["id"],
        "status": "existing",
    }
    lead_id = created.json()["id"]
    changed = sender.patch(f"/v1/leads/{lead_id}", json={"company": "Initech GmbH"})
    assert changed.json() == {"id": lead_id, "status": "changed"}
    assert sender.get(f"/v1/leads/{lead_id}").status_code == 403  # reading needs read
    assert api.get(f"/v1/leads/{lead_id}").json()["company"] == "Initech GmbH"


def test_a_token_that_reads_still_gets_the_record(api):
    both = api.as_("ingest", "read")
    created = both.post("/v1/leads", json=LEAD).json()
    assert created["email"] == "jo@initech.com" and created["owner_id"]


def test_an_empty_patch_is_a_422(api):
    lead_id = api.post("/v1/leads", json=LEAD).json()["id"]
    response = api.as_("ingest").patch(f"/v1/leads/{lead_id}", json={})
    assert response.status_code == 422
    assert "nothing to change" in response.json()["detail"][0]["message"]


def test_a_body_over_the_limit_is_a_413_before_parsing_and_nothing_is_stored(api, live):
    api.post("/v1/leads", json=LEAD)
    big = json.dumps({**LEAD, "external_id": "w-2", "company": "x" * 1_100_000})
    response = api.post("/v1/leads", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "BATON_MAX_BODY_BYTES" in response.json()["detail"]

    def chunks():  # no Content-Length: the limit counts the bytes as they come
        yield b'{"email": "a@b.com", "company": "'
        for _ in range(20):
            yield b"y" * 60_000
        yield b'"}'

    streamed = api.post("/v1/leads", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert lead_count(live) == 1  # the lead accepted before is still there, nothing else


def test_free_text_and_free_form_objects_have_limits_naming_the_field(api):
    long = {**LEAD, "extra": {"notes": "n" * (FREE_TEXT_LENGTH + 1)}}
    response = api.post("/v1/leads", json=long)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"].startswith("extra")
    just = {**LEAD, "extra": {"notes": "n" * FREE_TEXT_LENGTH}}
    assert api.post("/v1/leads", json=just).status_code == 201
    fat = {f"k{i}": "v" * 9_000 for i in range(8)}  # each fine, together over 64 KiB
    response = api.post("/v1/leads", json={**LEAD, "external_id": "w-3", "extra": fat})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == "extra" and f"{DOC_BYTES:,}" in problem["message"]
