"""complaint handling gaps: both parties' consent to mediation (O121 Arts. 18-19); reports
made from a clue found in mediation name their complaint (Art. 27); repeated reports name the
report they repeat (Art. 35); 12345 orders whose reminder was ignored are criticised

Revision ID: 0015_gaps
Revises: 0014_closure_deadlines
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.db

revision: str = "0015_gaps"
down_revision: str | None = "0014_closure_deadlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complainant_mediation_consent", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("respondent_mediation_consent", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "mediation_entrusted_to",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("source_item_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_complaint_source_item_id", ["source_item_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_complaint_source_item_id", "complaint", ["source_item_id"], ["id"]
        )
        batch_op.add_column(sa.Column("repeat_of_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_complaint_repeat_of_id", ["repeat_of_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_complaint_repeat_of_id", "complaint", ["repeat_of_id"], ["id"]
        )
        batch_op.add_column(
            sa.Column("criticism_count", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("complaint_clock", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("criticise_at", core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("criticised_at", core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_complaint_clock_criticise", ["status", "criticise_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint_clock", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_clock_criticise")
        batch_op.drop_column("criticised_at")
        batch_op.drop_column("criticise_at")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("criticism_count")
        batch_op.drop_constraint("fk_complaint_repeat_of_id", type_="foreignkey")
        batch_op.drop_index("ix_complaint_repeat_of_id")
        batch_op.drop_column("repeat_of_id")
        batch_op.drop_constraint("fk_complaint_source_item_id", type_="foreignkey")
        batch_op.drop_index("ix_complaint_source_item_id")
        batch_op.drop_column("source_item_id")
        batch_op.drop_column("mediation_entrusted_to")
        batch_op.drop_column("respondent_mediation_consent")
        batch_op.drop_column("complainant_mediation_consent")
