"""web_sessions and signin_attempts: dashboard sessions kept server-side (revoked at
sign-out and at a new password), and every password checked at sign-in (the throttle)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 17:20:00
"""

import sqlalchemy as sa
from alembic import op

from baton.store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("id_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "signin_attempts",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signin_attempts"),
    )
    op.create_index("ix_signin_attempts_username_at", "signin_attempts", ["username", "at"])
    op.create_index("ix_signin_attempts_address_at", "signin_attempts", ["address", "at"])


def downgrade() -> None:
    op.drop_table("signin_attempts")
    op.drop_table("web_sessions")
