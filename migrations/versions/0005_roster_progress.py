"""roster progress: solver seconds of the latest reported solution

Revision ID: 0005_roster_progress
Revises: 0004
Create Date: 2026-11-23

While a roster is generating, ``objective`` and ``bound`` hold the latest solution the
solver reported and ``solver_seconds`` its elapsed time; when it finishes they hold the
final values.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_roster_progress"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.add_column(sa.Column("solver_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.drop_column("solver_seconds")
