"""timers (clock_id, state): a clock's pending timers found by its id

Stopping or handing over a clock cancels its pending timers. Without planner
statistics SQLite chose ix_timers_state_due for that (every pending timer of every
clock), 1.9 ms a touch on the demo; the composite index makes it a lookup.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:40:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_clock_id")
        batch_op.create_index("ix_timers_clock_state", ["clock_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_clock_state")
        batch_op.create_index("ix_timers_clock_id", ["clock_id"], unique=False)
