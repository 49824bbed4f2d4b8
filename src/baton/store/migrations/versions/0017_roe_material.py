"""workspace_versions.roe_material: whether a version's change to the rules of engagement
is material (reps acknowledge again) — asked by `baton apply`; NULL: not asked (a change
to the rules counts as material)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 17:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_versions") as batch:
        batch.add_column(sa.Column("roe_material", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace_versions") as batch:
        batch.drop_column("roe_material")
