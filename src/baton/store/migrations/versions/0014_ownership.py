"""ownership_decisions: every owner change the rules of engagement blocked or let through as
an exception (manager override, segment handoff, arbiter decision) or moved for a timeout,
with its trace; ownership_disputes: disputes on the escalation path and their outcome;
ownership_acks: which rep acknowledged which version of the rules

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
        sa.Column("resolved_at", UTCDateTime, nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
    )
    op.create_index("ix_ownership_decisions_kind_id", "ownership_decisions", ["kind", "id"])
    op.create_index("ix_ownership_decisions_record", "ownership_decisions", ["entity", "record_id"])
    op.create_table(
        "ownership_disputes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", Id, nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("claimants", JSONDoc, nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("raised_by", sa.String(length=200), nullable=False),
        sa.Column("raised_at", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("handler_id", sa.String(length=100), nullable=True),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("new_owner_id", sa.String(length=100), nullable=True),
        sa.Column("split", JSONDoc, nullable=True),
        sa.Column("resolved_at", UTCDateTime, nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("steps", JSONDoc, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_ownership_disputes_state_id", "ownership_disputes", ["state", "id"])
    op.create_table(
        "ownership_acks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acked_at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.UniqueConstraint("person_id", "version", name="uq_ownership_acks_person_version"),
    )


def downgrade() -> None:
    op.drop_table("ownership_acks")
    op.drop_index("ix_ownership_disputes_state_id", table_name="ownership_disputes")
    op.drop_table("ownership_disputes")
    op.drop_index("ix_ownership_decisions_record", table_name="ownership_decisions")
    op.drop_index("ix_ownership_decisions_kind_id", table_name="ownership_decisions")
    op.drop_table("ownership_decisions")
