"""indexes for the health monitors' periods: SLA clocks by start, leads by MQL date

`baton health` counts the SLA clocks started in the last 30 days and each of the last two
weeks, and the MQLs of the last 30 days: without these indexes each count scans the whole
table (a second or more at a million leads).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_sla_clocks_started_at", ["started_at"], unique=False)
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_mql_at", ["mql_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_mql_at")
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_started_at")
