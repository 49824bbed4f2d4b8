"""ownership_decisions: every owner change the rules of engagement blocked or let through as
an exception (manager override, segment handoff, arbiter decision), with its trace

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:00:00
"""

import sqlalchemy as sa
from alembic import op

from baton.store.types import JSONDoc, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ownership_decisions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", Id, nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("old_owner_id", sa.String(length=100), nullable=True),
        sa.Column("new_owner_id", sa.String(length=100), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=True),
        sa.Column("exception", sa.String(length=30), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("steps", JSONDoc, nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
    )
    op.create_index("ix_ownership_decisions_kind_id", "ownership_decisions", ["kind", "id"])
    op.create_index("ix_ownership_decisions_record", "ownership_decisions", ["entity", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_ownership_decisions_record", table_name="ownership_decisions")
    op.drop_index("ix_ownership_decisions_kind_id", table_name="ownership_decisions")
    op.drop_table("ownership_decisions")
