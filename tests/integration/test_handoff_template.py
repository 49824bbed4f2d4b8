"""The handoff summary from the workspace's own template (templates.summary, Markdown) and its
HTML, and the task title from templates.task: each field of the deal where the template puts
it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from baton.store.tables import handoff_tasks, handoffs
from tests.integration.test_handoff import FULL, account, close, deal, write_handoff_workspace

TEMPLATES = """\
  templates:
    summary: |
      ## {{ deal.name }} for {{ account.name }}
      Goals: {{ field.customer_goals.text }}
      Who: {{ field.stakeholders.value | join(", ") }}
      {{ deal.amount_text }} · {{ tier }} · CSM {{ csm.name }}
    task: "Kick-off prep: {{ deal.name }} ({{ account.segment }})"
"""


@pytest.fixture
def workspace_dir(tmp_path):
    root = write_handoff_workspace(tmp_path)
    path = root / "baton.yaml"
    path.write_text(path.read_text() + TEMPLATES)
    return root


def test_the_summary_follows_the_workspace_template_with_the_deals_data(api, live):
    opp = deal(api, account(api), handoff=FULL)
    assert close(api, opp).status_code == 200
    with live.db.read() as conn:
        h = conn.execute(select(handoffs)).one()
        task = conn.execute(select(handoff_tasks)).one()
    assert h.summary_md == (
        "## Initech — 50 seats for Initech\n"
        "Goals: Halve the time new reps take to ramp\n"
        "Who: Ana Ruiz (champion), Raj Patel (admin)\n"
        "24,000 USD · low-touch · CSM Carl Berg\n"
    )
    assert h.summary_html.startswith("<h2>Initech — 50 seats for Initech</h2>\n<p>Goals: Halve")
    assert task.title == "Kick-off prep: Initech — 50 seats (SMB)"


def test_a_summary_template_failing_at_render_never_refuses_the_close(api, live, workspace_dir):
    from baton.services.versions.versions import activate_version, apply_workspace
    from baton.workspace.loader import load_workspace

    path = workspace_dir / "baton.yaml"
    path.write_text(
        path.read_text().replace(
            "{{ deal.amount_text }}", "{{ deal.amount_text }} {{ 1 // deal.missing_number }}"
        )
    )
    applied = apply_workspace(live, load_workspace(workspace_dir), "tester", live.clock.now())
    activate_version(live, applied.number, "tester", live.clock.now())
    opp = deal(api, account(api), handoff=FULL)
    assert close(api, opp).status_code == 200
    with live.db.read() as conn:
        h = conn.execute(select(handoffs)).one()
    assert h.summary_md.startswith("> The workspace's summary template failed (")
    assert "# Handoff: Initech — 50 seats" in h.summary_md
