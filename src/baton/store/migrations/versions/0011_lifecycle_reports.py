"""lifecycle reports: whose lead a status change was; what the dashboard's mirror reads again

``status_changes.owner_id`` is the lead's owner when it moved: a lead recycled back to
Marketing loses its owner, and the funnel and the feedback loop still count its rejection
for the rep who made it. The mirror (reports/mirror.py) finds the changed rows of
status_changes, activities and opportunities by their stamps, as it does those of leads
and clocks (0008).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.String(length=100), nullable=True))
        batch_op.create_index("ix_status_changes_changed_at", ["changed_at"], unique=False)
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_updated_at", ["updated_at"], unique=False)
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index("ix_opportunities_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunities_updated_at")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_updated_at")
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_changes_changed_at")
        batch_op.drop_column("owner_id")
