"""roster.repair_reason: the planner's reason for a repaired version, stored on its own so
pages word it in their language (note keeps its English "repair: …" for older readers)

Revision ID: 0027_repair_reason
Revises: 0026_receipt_retention
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0027_repair_reason"
down_revision: str | None = "0026_receipt_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("roster") as batch:
        batch.add_column(sa.Column(
                "repair_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
            ))


def downgrade() -> None:
    with op.batch_alter_table("roster") as batch:
        batch.drop_column("repair_reason")
