from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from baton.server import create_app
from baton.services.people.tokens import create_token
from baton.services.versions.versions import activate_version, apply_workspace
from baton.workspace.loader import load_workspace
from baton.workspace.scaffold import write_template
from tests.web_support import make_users, seed_leads


@pytest.fixture
def workspace_dir(tmp_path) -> Path:
    write_template(tmp_path)
    return tmp_path


@pytest.fixture
def live(baton, workspace_dir):
    """The init template applied and activated: people and teams exist."""
    applied = apply_workspace(baton, load_workspace(workspace_dir), "tester", baton.clock.now())
    activate_version(baton, applied.number, "tester", baton.clock.now())
    return baton


def make_token(baton, *scopes: str) -> str:
    return create_token(baton, "t-" + "-".join(scopes), list(scopes), "tester")


@pytest.fixture
def api(live):
    """A client holding an admin token; ``api.as_(scope)`` gives one with a narrower token."""
    client = TestClient(create_app(live))
    client.headers["Authorization"] = f"Bearer {make_token(live, 'admin')}"

    def as_(*scopes: str) -> TestClient:
        other = TestClient(create_app(live))
        other.headers["Authorization"] = f"Bearer {make_token(live, *scopes)}"
        return other

    client.as_ = as_
    return client


@pytest.fixture
def web(live):
    """The live workspace with the dashboard's users (tests.web_support.make_users)."""
    make_users(live)
    return live


@pytest.fixture
def seeded(web):
    """Leads for the dashboard pages (tests.web_support.seed_leads)."""
    return seed_leads(web)
