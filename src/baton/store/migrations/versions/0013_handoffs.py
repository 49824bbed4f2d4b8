"""handoffs: the Sales → CS handoff a deal's close starts, its steps and the CSM's task

One handoff per opportunity (a re-close updates it: no second notice, task or summary),
its steps with why, and the CSM's review task (one per handoff, ready for a CRM write-back).

Revision ID: 0013
Revises: 0011 (no 0012 was written; 0014 and 0015 follow this one, so a new migration is
numbered after them)
Create Date: 2026-12-03 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from baton.store.types import JSONDoc, UTCDateTime

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("opportunity_id", Id, nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("ae_id", sa.String(length=100), nullable=True),
        sa.Column("csm_id", sa.String(length=100), nullable=True),
        sa.Column("queue", sa.String(length=100), nullable=True),
        sa.Column("stage", sa.String(length=60), nullable=False),
        sa.Column("tier", sa.String(length=60), nullable=False),
        sa.Column("variation", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("missing", JSONDoc, nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("override_by", sa.String(length=100), nullable=True),
        sa.Column("assignment", JSONDoc, nullable=False),
        sa.Column("summary_md", sa.Text(), server_default="", nullable=False),
        sa.Column("summary_html", sa.Text(), server_default="", nullable=False),
        sa.Column("summary_data", JSONDoc, nullable=False),
        sa.Column("summary_changes", JSONDoc, nullable=False),
        sa.Column("closes", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("first_closed_at", UTCDateTime(), nullable=False),
        sa.Column("notified_at", UTCDateTime(), nullable=True),
        sa.Column("escalate_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("first_touch_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name="fk_handoffs_opportunity_id_opportunities",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_handoffs_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoffs"),
        sa.UniqueConstraint("opportunity_id", name="uq_handoffs_opportunity_id"),
    )
    op.create_index("ix_handoffs_csm_state", "handoffs", ["csm_id", "state"])
    op.create_index("ix_handoffs_state_escalate_at", "handoffs", ["state", "escalate_at"])
    op.create_index("ix_handoffs_closed_at", "handoffs", ["closed_at"])
    op.create_table(
        "handoff_steps",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("handoff_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("data", JSONDoc, nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name="fk_handoff_steps_handoff_id_handoffs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_steps"),
    )
    op.create_index("ix_handoff_steps_handoff_id", "handoff_steps", ["handoff_id"])
    op.create_table(
        "handoff_tasks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("handoff_id", Id, nullable=False),
        sa.Column("assignee_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name="fk_handoff_tasks_handoff_id_handoffs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_tasks"),
        sa.UniqueConstraint("handoff_id", name="uq_handoff_tasks_handoff_id"),
    )


def downgrade() -> None:
    op.drop_table("handoff_tasks")
    op.drop_index("ix_handoff_steps_handoff_id", table_name="handoff_steps")
    op.drop_table("handoff_steps")
    op.drop_index("ix_handoffs_closed_at", table_name="handoffs")
    op.drop_index("ix_handoffs_state_escalate_at", table_name="handoffs")
    op.drop_index("ix_handoffs_csm_state", table_name="handoffs")
    op.drop_table("handoffs")
