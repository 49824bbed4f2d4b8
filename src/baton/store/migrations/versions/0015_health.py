"""health_states: the last status of each health monitor, so a monitor that turns red
alerts once per transition, not at every check

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

from baton.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_states",
        sa.Column("monitor", sa.String(length=60), primary_key=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("since", UTCDateTime, nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("checked_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("health_states")
