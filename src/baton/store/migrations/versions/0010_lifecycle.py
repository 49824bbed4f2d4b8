"""lifecycle: every status change with who and why; a lead's rejection reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:30:00
"""

import sqlalchemy as sa
from alembic import op

from baton.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_reason", sa.String(length=200), nullable=True))
    op.create_table(
        "status_changes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("lead_id", ID, nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=False),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("by", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_status_changes_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_status_changes_lead", ["lead_id", "changed_at"], unique=False)
        batch_op.create_index("ix_status_changes_to_at", ["to_status", "changed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("status_changes")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("status_reason")
