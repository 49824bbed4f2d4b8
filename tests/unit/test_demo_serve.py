"""The demo's loading gate: while the history loads, pages and the API say how far it is
(503); the health check and the API docs answer; afterwards everything passes through."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from baton.demo.serve import HistoryLoad, LoadingGate


def _client() -> tuple[TestClient, HistoryLoad]:
    app = FastAPI()

    @app.get("/{path:path}")
    def anything(path: str) -> dict[str, str]:
        return {"served": path}

    load = HistoryLoad()
    return TestClient(LoadingGate(app, load)), load


def test_pages_and_the_api_say_how_far_the_history_is_until_it_is_in():
    client, load = _client()
    load.report("lead", 2000, 5000)
    page = client.get("/sla")
    assert page.status_code == 503 and page.headers["retry-after"] == "2"
    assert "lead records: 2,000 of 5,000" in page.text and 'http-equiv="refresh"' in page.text
    api = client.get("/v1/leads/1")
    assert api.status_code == 503
    assert api.json()["detail"].startswith("loading the demo's history (lead records: 2,000")
    assert client.get("/healthz").json() == {"served": "healthz"}
    assert client.get("/openapi.json").status_code == 200
    load.done.set()
    assert client.get("/sla").json() == {"served": "sla"}
    assert client.get("/v1/leads/1").json() == {"served": "v1/leads/1"}


def test_a_failed_load_is_said_instead_of_loading_forever():
    client, load = _client()
    load.error = "RuntimeError: demo lead rejected"
    answer = client.get("/v1/people")
    assert answer.status_code == 503
    assert answer.json()["detail"] == (
        "loading the demo's history failed: RuntimeError: demo lead rejected"
    )
